import { afterAll, beforeAll, expect, test } from "vitest";
import { codeOf, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let adminToken: string;

const USERS = `query($first: Int, $after: String) {
  users(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { username } }
  }
}`;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await server.user("ADMIN", { username: "admin" })).token;
  for (let i = 10; i < 60; i++) await server.user("CADRE", { username: `m.user${i}` });
});
afterAll(() => server?.stop());

const page = (first?: number, after?: string) => server.gql(USERS, { first, after }, adminToken);

test("first defaults to 20 and totalCount counts every match", async () => {
  const res = await page();
  expect(res.data.users.edges).toHaveLength(20);
  expect(res.data.users.totalCount).toBe(51);
  expect(res.data.users.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  expect(res.data.users.pageInfo.startCursor).toBe(res.data.users.edges[0].cursor);
  expect(res.data.users.pageInfo.endCursor).toBe(res.data.users.edges[19].cursor);
});

test("walking with after visits every row once, in order, and the last page says so", async () => {
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await page(15, after);
    seen.push(...res.data.users.edges.map((e: any) => e.node.username));
    if (!res.data.users.pageInfo.hasNextPage) break;
    after = res.data.users.pageInfo.endCursor;
  }
  expect(seen).toHaveLength(51);
  expect(seen).toEqual([...seen].sort());
  expect(new Set(seen).size).toBe(51);
});

test("first above 100 or below 0 is refused with BAD_USER_INPUT on first; 100 is allowed", async () => {
  const tooMany = await page(101);
  expect(codeOf(tooMany)).toBe("BAD_USER_INPUT");
  expect(tooMany.errors![0].extensions!.field).toBe("first");
  expect(codeOf(await page(-1))).toBe("BAD_USER_INPUT");
  expect((await page(100)).data.users.edges).toHaveLength(51);
});

test("a forged or foreign cursor is refused with BAD_USER_INPUT on after", async () => {
  const res = await page(5, "bm90LWEtY3Vyc29y");
  expect(codeOf(res)).toBe("BAD_USER_INPUT");
  expect(res.errors![0].extensions!.field).toBe("after");
  // well-formed, but holding values its keys cannot have: a number for a username, a non-date on the board
  const forged = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString("base64url");
  expect(codeOf(await page(5, forged(["username", 42, "x"])))).toBe("BAD_USER_INPUT");
  const board = await server.gql(`query($after: String) { taskBoard(first: 5, after: $after) { edges { cursor } } }`, { after: forged(["dueAt", "not-a-date", "x"]) }, adminToken);
  expect(codeOf(board)).toBe("BAD_USER_INPUT");
  expect(board.errors![0].extensions!.field).toBe("after");
});

test("a page stays correct when rows are inserted before it (keyset, not OFFSET)", async () => {
  const first = await page(10);
  const cursor = first.data.users.pageInfo.endCursor;
  const expected = (await page(10, cursor)).data.users.edges.map((e: any) => e.node.username);
  // rows that sort before the cursor must not shift the next page
  for (const name of ["a.early1", "a.early2", "a.early3"]) await server.user("CADRE", { username: name });
  const after = (await page(10, cursor)).data.users.edges.map((e: any) => e.node.username);
  expect(after).toEqual(expected);
  expect((await page(1)).data.users.totalCount).toBe(54);
});
