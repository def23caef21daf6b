import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { CLAIM, PROGRESS, PUBLISH, RELEASE, REVIEW, SEND_BACK, SUBMIT, VERIFY, WITHDRAW, claim, publishTask, rows } from "./board-helpers";

const BOARD = `query($first: Int, $after: String, $filter: TaskBoardFilter, $orderBy: TaskBoardOrder) {
  taskBoard(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id title dueAt publishedAt status category claimant { id } project { id } } }
  }
}`;

let server: TestServer;
let admin: { token: string; id: string };
let cadre: { token: string; id: string };
let ownEnterprise: string;
let ownProject: string;
let otherProject: string;
let enterpriseToken: string;

async function allPages(variables: Record<string, unknown>, token: string, first = 3) {
  const ids: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const response = await server.gql(BOARD, { ...variables, first, after }, token);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    const connection = response.data.taskBoard;
    ids.push(...connection.edges.map((e: any) => e.node.id));
    if (!connection.pageInfo.hasNextPage) return ids;
    after = connection.pageInfo.endCursor;
  }
  throw new Error("too many pages");
}

beforeAll(async () => {
  server = await startTestServer();
  const a = await server.user("ADMIN");
  admin = { token: a.token, id: a.user.id };
  const c = await server.user("CADRE");
  cadre = { token: c.token, id: c.user.id };
  ownEnterprise = randomUUID();
  const otherEnterprise = randomUUID();
  for (const [i, id] of [ownEnterprise, otherEnterprise].entries()) {
    await rows(server, "INSERT INTO enterprise (id, name, credit_code, legal_representative, contact) VALUES (?, ?, ?, ?, ?)", [id, `企业${i}`, `91441602MA4W8XX${i}0Q`, "x", "y"]);
  }
  ownProject = randomUUID();
  otherProject = randomUUID();
  for (const [i, [id, ent]] of [[ownProject, ownEnterprise], [otherProject, otherEnterprise]].entries()) {
    await rows(server, "INSERT INTO project (id, code, name, enterprise_id, industry, total_investment) VALUES (?, ?, ?, ?, ?, ?)", [id, `2026-441602-39-01-00010${i}`, `项目${i}`, ent, "C3971", "1.00"]);
  }
  enterpriseToken = (await server.user("ENTERPRISE", { enterpriseId: ownEnterprise })).token;

  // 9 tasks: some sharing a due time, some sharing a publication time, so ties are broken by id.
  const base = server.clock.now().getTime();
  const dues = [5, 3, 3, 9, 1, 3, 7, 7, 2].map((d) => new Date(base + d * 86_400_000).toISOString());
  for (const [i, dueAt] of dues.entries()) {
    if (i % 3 === 0) server.clock.advance(60_000);
    const category = ["MAJOR_PROJECT", "KEY_REFORM", "KEY_WORK"][i % 3];
    const projectId = i === 0 ? ownProject : i === 1 ? otherProject : undefined;
    await publishTask(server, admin.token, { dueAt, category, title: i === 4 ? "工程 100%_完成" : `任务 ${i}`, ...(projectId ? { projectId } : {}) });
  }
});
afterAll(() => server?.stop());

describe("taskBoard", () => {
  test("DUE_AT_ASC pages by keyset through every task in (due, id) order", async () => {
    const expected = (await rows(server, "SELECT id FROM board_task ORDER BY due_at ASC, id ASC")).map((r) => r.id);
    expect(await allPages({ orderBy: "DUE_AT_ASC" }, cadre.token)).toEqual(expected);
    expect(await allPages({}, enterpriseToken, 2)).toEqual(expected);
  });

  test("PUBLISHED_AT_DESC pages newest first, ties by id descending", async () => {
    const expected = (await rows(server, "SELECT id FROM board_task ORDER BY published_at DESC, id DESC")).map((r) => r.id);
    expect(await allPages({ orderBy: "PUBLISHED_AT_DESC" }, cadre.token, 4)).toEqual(expected);
  });

  test("a page is stable when a task is published before it; a cursor of the other order is refused", async () => {
    const first = await server.gql(BOARD, { first: 3, orderBy: "PUBLISHED_AT_DESC" }, cadre.token);
    const next = await server.gql(BOARD, { first: 3, after: first.data.taskBoard.pageInfo.endCursor, orderBy: "PUBLISHED_AT_DESC" }, cadre.token);
    server.clock.advance(60_000);
    const newer = await publishTask(server, admin.token);
    const again = await server.gql(BOARD, { first: 3, after: first.data.taskBoard.pageInfo.endCursor, orderBy: "PUBLISHED_AT_DESC" }, cadre.token);
    expect(again.data.taskBoard.edges).toEqual(next.data.taskBoard.edges);
    expect(again.data.taskBoard.pageInfo.hasPreviousPage).toBe(true);
    const wrong = await server.gql(BOARD, { first: 3, after: first.data.taskBoard.pageInfo.endCursor, orderBy: "DUE_AT_ASC" }, cadre.token);
    expect(codeOf(wrong)).toBe("BAD_USER_INPUT");
    expect(wrong.errors![0].extensions!.field).toBe("after");
    await server.gql(WITHDRAW, { input: { taskId: newer.id } }, admin.token);
  });

  test("filters: status, category, claimant, project, dueBefore and search (LIKE wildcards taken literally), with totalCount", async () => {
    const some = (await rows(server, "SELECT id FROM board_task WHERE status = 'OPEN' AND category = 'KEY_REFORM' ORDER BY due_at, id"))[0].id;
    await claim(server, cadre.token, some);
    const byStatus = await server.gql(BOARD, { filter: { status: "CLAIMED" } }, cadre.token);
    expect(byStatus.data.taskBoard.edges.map((e: any) => e.node.id)).toEqual([some]);
    expect(byStatus.data.taskBoard.totalCount).toBe(1);
    const byClaimant = await server.gql(BOARD, { filter: { claimantId: cadre.id } }, cadre.token);
    expect(byClaimant.data.taskBoard.edges.map((e: any) => e.node.claimant.id)).toEqual([cadre.id]);
    const byCategory = await server.gql(BOARD, { filter: { category: "KEY_WORK", status: "OPEN" } }, cadre.token);
    expect(byCategory.data.taskBoard.edges.every((e: any) => e.node.category === "KEY_WORK" && e.node.status === "OPEN")).toBe(true);
    expect(byCategory.data.taskBoard.totalCount).toBe(Number((await rows(server, "SELECT COUNT(*) AS n FROM board_task WHERE category = 'KEY_WORK' AND status = 'OPEN'"))[0].n));
    const byProject = await server.gql(BOARD, { filter: { projectId: ownProject } }, enterpriseToken);
    expect(byProject.data.taskBoard.edges.map((e: any) => e.node.project)).toEqual([{ id: ownProject }]);
    const cutoff = new Date(server.clock.now().getTime() + 2.5 * 86_400_000).toISOString();
    const soon = await server.gql(BOARD, { filter: { dueBefore: cutoff } }, cadre.token);
    expect(soon.data.taskBoard.edges.every((e: any) => e.node.dueAt < cutoff)).toBe(true);
    expect(soon.data.taskBoard.totalCount).toBe(2);
    const search = await server.gql(BOARD, { filter: { search: "100%_" } }, cadre.token);
    expect(search.data.taskBoard.edges.map((e: any) => e.node.title)).toEqual(["工程 100%_完成"]);
    const percent = await server.gql(BOARD, { filter: { search: "%" } }, cadre.token);
    expect(percent.data.taskBoard.totalCount).toBe(1);
  });

  test("every signed-in user reads the board; an enterprise user sees only its own enterprise's linked project", async () => {
    const asEnterprise = await server.gql(BOARD, { first: 100 }, enterpriseToken);
    const asCadre = await server.gql(BOARD, { first: 100 }, cadre.token);
    const projectOf = (r: any, title: string) => r.data.taskBoard.edges.find((e: any) => e.node.title === title).node.project;
    expect(projectOf(asCadre, "任务 0")).toEqual({ id: ownProject });
    expect(projectOf(asCadre, "任务 1")).toEqual({ id: otherProject });
    expect(projectOf(asEnterprise, "任务 0")).toEqual({ id: ownProject });
    expect(projectOf(asEnterprise, "任务 1")).toBeNull();
    expect(codeOf(await server.gql(BOARD, { filter: { projectId: otherProject } }, enterpriseToken))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(BOARD, {}))).toBe("UNAUTHENTICATED");
  });

  test("a page of tasks with claimant, publisher, project and timeline actors costs a bounded number of SQL statements", async () => {
    const ds = server.app.services.dataSource;
    const runner = ds.createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
    await runner.release();
    const original = proto.query;
    let count = 0;
    proto.query = function (this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
    try {
      const query = `{ taskBoard(first: 20) { edges { node { id claimant { name } publishedBy { name } project { name } timeline { type actor { name } } } } } }`;
      const response = await server.gql(query, {}, cadre.token);
      expect(response.errors).toBeUndefined();
      expect(response.data.taskBoard.edges.length).toBeGreaterThan(5);
      // auth user, page, users (claimants + publishers + actors), projects, timelines, (users again for actors at most)
      expect(count).toBeGreaterThanOrEqual(3);
      expect(count).toBeLessThanOrEqual(7);
    } finally {
      proto.query = original;
    }
  });

  test("the page query filtered by status uses the (status, due_at, id) index", async () => {
    const ds = server.app.services.dataSource;
    const runner = ds.createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
    await runner.release();
    const original = proto.query;
    const seen: Array<[string, unknown[]]> = [];
    proto.query = function (this: unknown, ...args: unknown[]) {
      seen.push([String(args[0]), (args[1] as unknown[]) ?? []]);
      return original.apply(this, args);
    };
    try {
      expect((await server.gql(BOARD, { first: 5, filter: { status: "OPEN" } }, cadre.token)).errors).toBeUndefined();
    } finally {
      proto.query = original;
    }
    const [sql, params] = seen.find(([q]) => /board_task/.test(q) && /ORDER BY/.test(q) && /LIMIT/.test(q))!;
    if (server.app.services.dialect === "mariadb") {
      const plan = await ds.query(`EXPLAIN ${sql}`, params);
      expect(plan[0].key).toBe("IDX_board_task_status_due");
    } else {
      const plan = await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params);
      expect(plan.map((p: any) => p.detail).join(" ")).toContain("USING INDEX IDX_board_task_status_due");
    }
  });

  test("myTasks lists the caller's claimed tasks", async () => {
    const { token, user } = await server.user("CADRE");
    const t = await publishTask(server, admin.token);
    await claim(server, token, t.id);
    const mine = await server.gql(`{ myTasks { totalCount edges { node { id claimant { id } } } } }`, {}, token);
    expect(mine.data.myTasks).toEqual({ totalCount: 1, edges: [{ node: { id: t.id, claimant: { id: user.id } } }] });
  });
});

describe("role rules: refused with FORBIDDEN (or UNAUTHENTICATED) and nothing written", () => {
  test("who may do what", async () => {
    const holder = await server.user("CADRE");
    const outsider = await server.user("CADRE");
    const held = await publishTask(server, admin.token);
    await claim(server, holder.token, held.id);
    const open = await publishTask(server, admin.token);
    const publishInput = { input: { title: "t", description: "d", category: "KEY_WORK", dueAt: "2031-01-01T00:00:00Z" } };
    const snapshot = async () => [
      await rows(server, "SELECT COUNT(*) AS n FROM board_task"),
      await rows(server, "SELECT COUNT(*) AS n FROM board_task_event"),
      await rows(server, "SELECT COUNT(*) AS n FROM audit_entry"),
      await rows(server, "SELECT id, status, claimant_id, revision FROM board_task WHERE id IN (?, ?) ORDER BY id", [held.id, open.id]),
    ];
    const before = await snapshot();
    const cases: Array<[string, string, Record<string, unknown>, string | undefined, string]> = [
      ["unauthenticated publish", PUBLISH, publishInput, undefined, "UNAUTHENTICATED"],
      ["cadre publishes", PUBLISH, publishInput, cadre.token, "FORBIDDEN"],
      ["enterprise publishes", PUBLISH, publishInput, enterpriseToken, "FORBIDDEN"],
      ["admin claims", CLAIM, { input: { taskId: open.id, pledge: "p" } }, admin.token, "FORBIDDEN"],
      ["enterprise claims", CLAIM, { input: { taskId: open.id, pledge: "p" } }, enterpriseToken, "FORBIDDEN"],
      ["unauthenticated claim", CLAIM, { input: { taskId: open.id, pledge: "p" } }, undefined, "UNAUTHENTICATED"],
      ["another cadre releases", RELEASE, { input: { taskId: held.id, reason: "r" } }, outsider.token, "FORBIDDEN"],
      ["another cadre reports progress", PROGRESS, { input: { taskId: held.id, note: "n" } }, outsider.token, "FORBIDDEN"],
      ["another cadre submits", SUBMIT, { input: { taskId: held.id } }, outsider.token, "FORBIDDEN"],
      ["admin releases", RELEASE, { input: { taskId: held.id, reason: "r" } }, admin.token, "FORBIDDEN"],
      ["admin submits", SUBMIT, { input: { taskId: held.id } }, admin.token, "FORBIDDEN"],
      ["cadre verifies", VERIFY, { input: { taskId: held.id, fulfilled: true } }, holder.token, "FORBIDDEN"],
      ["cadre sends back", SEND_BACK, { input: { taskId: held.id, comment: "c" } }, holder.token, "FORBIDDEN"],
      ["cadre withdraws", WITHDRAW, { input: { taskId: open.id } }, cadre.token, "FORBIDDEN"],
      ["enterprise withdraws", WITHDRAW, { input: { taskId: open.id } }, enterpriseToken, "FORBIDDEN"],
      ["cadre reviews", REVIEW, { input: { taskId: held.id, assessments: [] } }, cadre.token, "FORBIDDEN"],
    ];
    for (const [name, query, variables, token, code] of cases) {
      const response = await server.gql(query, variables, token);
      expect(codeOf(response), name).toBe(code);
    }
    expect(await snapshot()).toEqual(before);
  });
});
