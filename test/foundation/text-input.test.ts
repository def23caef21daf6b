import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { hashPassword } from "../../src/core/auth";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import { User } from "../../src/modules/accounts/user.entity";
import { ALL_SIX, PUBLISH, rows } from "../board/board-helpers";
import { creditCode } from "../projects/fixtures";
import { codeOf, startTestServer, subscribe, type GraphQLResponse, type TestServer } from "../support/server";

let server: TestServer;
let admin: string;
let cadre: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
});
afterAll(() => server?.stop());

const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id name } }`;
const CREATE_ENTERPRISE = `mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id name legalRepresentative } }`;
const REVIEW = `mutation($input: ReviewFaultToleranceInput!) { reviewFaultTolerance(input: $input) { id } }`;
const BOARD = `query($filter: TaskBoardFilter, $after: String) { taskBoard(filter: $filter, after: $after) { edges { node { id title } } } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { user { id } } }`;

/** Well after the test server's clock (2026-03-02). */
const DUE_AT = "2026-06-01T00:00:00.000Z";
const task = (fields: Record<string, string>) => ({ title: "办理施工许可", description: "材料已齐", category: "KEY_WORK", dueAt: DUE_AT, ...fields });
const enterprise = (fields: Record<string, string>) => ({ name: "中山某企业", creditCode: creditCode(), legalRepresentative: "张三", contact: "0760-1", ...fields });
const assessments = (notes: string[]) => ALL_SIX.map((aspect, i) => ({ aspect, favourable: true, note: notes[i] ?? "属实" }));

/** Rows a refused input must not add to, in every table it could write. */
async function counts() {
  const ds = server.app.services.dataSource;
  return Promise.all([User, Enterprise, BoardTask, AuditEntry].map((entity) => ds.getRepository(entity).count()));
}

function expectRefused(res: GraphQLResponse, field: string) {
  expect(codeOf(res)).toBe("BAD_USER_INPUT");
  expect(res.errors![0].extensions!.field).toBe(field);
  expect(res.data?.[Object.keys(res.data ?? {})[0]] ?? null).toBeNull();
}

describe("characters no text input may hold", () => {
  test.each([
    ["NUL in a user's name", CREATE_USER, { input: { username: "nul.name", password: "long-enough-pw", name: "王\u0000五", role: "CADRE" } }, "name"],
    ["U+202E (right-to-left override) in a task title", PUBLISH, { input: task({ title: "合同\u202Efdp.exe" }) }, "title"],
    ["U+2066 (left-to-right isolate) in a task description", PUBLISH, { input: task({ description: "说明\u2066隔离" }) }, "description"],
    ["DEL in an enterprise's legal representative", CREATE_ENTERPRISE, { input: enterprise({ legalRepresentative: "张\u007F三" }) }, "legalRepresentative"],
    ["a C1 control (U+0085) in an enterprise's contact", CREATE_ENTERPRISE, { input: enterprise({ contact: "0760\u0085" }) }, "contact"],
    ["ESC in a note inside a list", REVIEW, { input: { taskId: "00000000-0000-0000-0000-000000000000", assessments: assessments(["属实", "属实", "有\u001B[31m据"]), decision: "EXEMPTED", reason: "理由" } }, "assessments.2.note"],
    ["a bidi override in a query filter", BOARD, { filter: { search: "\u202D" } }, "search"],
    ["NUL in a String argument", BOARD, { after: "\u0000" }, "after"],
    ["a password with a control character", CREATE_USER, { input: { username: "ctl.pw", password: "long-enough\u0007pw", name: "x", role: "CADRE" } }, "password"],
  ])("%s answers BAD_USER_INPUT naming the field and writes nothing", async (_case, query, variables, field) => {
    const before = await counts();
    expectRefused(await server.gql(query, variables, admin), field);
    expect(await counts()).toEqual(before);
  });

  test("a lone surrogate (JSON text \\ud800, not well-formed Unicode) is refused, never stored one way on SQLite and another on MariaDB", async () => {
    const before = await counts();
    const send = async (body: string) => {
      const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${admin}` }, body });
      return { ...((await response.json()) as GraphQLResponse), status: response.status };
    };
    const input = JSON.stringify(enterprise({ name: "PLACEHOLDER" })).replace("PLACEHOLDER", "企业\\ud800");
    expect(input).toContain("\\ud800");
    expectRefused(await send(`{"query": ${JSON.stringify(CREATE_ENTERPRISE)}, "variables": {"input": ${input}}}`), "name");
    // the low half alone, and through the usual client, which escapes it the same way
    expectRefused(await server.gql(PUBLISH, { input: task({ title: "任务\uDC00" }) }, admin), "title");
    expect(await counts()).toEqual(before);
  });

  test("an escape written into the query text itself is refused like a variable", async () => {
    const before = await counts();
    const res = await server.gql(`mutation { publishTask(input: { title: "a\\u0000b", description: "d", category: KEY_WORK, dueAt: "${DUE_AT}" }) { id } }`, {}, admin);
    expectRefused(res, "title");
    expect(await counts()).toEqual(before);
  });

  test("a subscription's arguments over WebSocket are refused the same way", async () => {
    const sub = subscribe(server.ws(cadre), `subscription($filter: TaskBoardChangedFilter) { taskBoardChanged(filter: $filter) { type } }`, {
      filter: { projectId: "\u2067x" },
    });
    await expect.poll(() => sub.errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(sub.errors[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "projectId" } });
    expect(sub.events).toEqual([]);
  });
});

describe("required text needs a visible character", () => {
  test.each([
    ["zero-width characters only", "\u200B\u200C\u200D\u2060\uFEFF"],
    ["whitespace and fillers only", " \u3000\t\u3164\u00AD"],
  ])("a title of %s answers BAD_USER_INPUT on title and writes nothing", async (_case, title) => {
    const before = await counts();
    expectRefused(await server.gql(PUBLISH, { input: task({ title }) }, admin), "title");
    expect(await counts()).toEqual(before);
  });

  test("an enterprise name of zero-width spaces is refused; zero-width joiners inside real text are kept", async () => {
    expectRefused(await server.gql(CREATE_ENTERPRISE, { input: enterprise({ name: "\u200B\u200B" }) }, admin), "name");
    const family = "👩\u200D👩\u200D👧 家庭农场";
    const ok = await server.gql(CREATE_ENTERPRISE, { input: enterprise({ name: family }) }, admin);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createEnterprise.name).toBe(family);
  });
});

describe("text is stored NFC-composed, the same on every database", () => {
  test("a decomposed title (e + U+0301, Hangul jamo) is stored and read back composed, and found by a decomposed search", async () => {
    const decomposed = "Cafe\u0301 \u1100\u1161\u11A8 서울";
    const composed = "Café 각 서울";
    expect(decomposed).not.toBe(composed);
    expect(decomposed.normalize("NFC")).toBe(composed);
    const res = await server.gql(PUBLISH, { input: task({ title: decomposed, description: `说明 ${decomposed}` }) }, admin);
    expect(res.errors).toBeUndefined();
    const { id, title } = res.data.publishTask;
    expect(title).toBe(composed);
    const [row] = await rows(server, "SELECT title, description FROM board_task WHERE id = ?", [id]);
    expect(row).toEqual({ title: composed, description: `说明 ${composed}` });
    const found = await server.gql(BOARD, { filter: { search: "Cafe\u0301" } }, cadre);
    expect(found.data.taskBoard.edges.map((e: any) => e.node)).toEqual([{ id, title: composed }]);
  });

  test("ordinary Chinese text with newlines and tabs in a description is accepted and kept as written", async () => {
    const description = "一、用地：已摘牌。\n二、规划：方案已报审，\r\n\t待联审。\n三、备注：无";
    const res = await server.gql(PUBLISH, { input: task({ title: "翠亨新区 项目 交地即开工", description }) }, admin);
    expect(res.errors).toBeUndefined();
    const [row] = await rows(server, "SELECT description FROM board_task WHERE id = ?", [res.data.publishTask.id]);
    expect(row.description).toBe(description);
  });
});

describe("passwords", () => {
  test("a new password is kept exactly as typed: the same decomposed text signs in, its composed form does not", async () => {
    const password = "Cafe\u0301-long-enough";
    const created = await server.gql(CREATE_USER, { input: { username: "decomposed.pw", password, name: "x", role: "ADMIN" } }, admin);
    expect(created.errors).toBeUndefined();
    expect((await server.gql(LOGIN, { input: { username: "decomposed.pw", password } })).errors).toBeUndefined();
    expect(codeOf(await server.gql(LOGIN, { input: { username: "decomposed.pw", password: password.normalize("NFC") } }))).toBe("UNAUTHENTICATED");
  });

  test("sign-in compares the password as sent, so an account whose password predates the rule still signs in", async () => {
    const legacy = "old\u0007password\u202E";
    const users = server.app.services.dataSource.getRepository(User);
    await users.insert(users.create({ username: "legacy.user", name: "老用户", role: "CADRE", enterpriseId: null, active: true, passwordHash: await hashPassword(legacy) }));
    expect((await server.gql(LOGIN, { input: { username: "legacy.user", password: legacy } })).errors).toBeUndefined();
    expect(codeOf(await server.gql(LOGIN, { input: { username: "legacy.user", password: "old\u0007password" } }))).toBe("UNAUTHENTICATED");
  });
});
