import { LessThan } from "typeorm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
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
  ownEnterprise = (await makeEnterprise(server, "企业0")).id;
  const otherEnterprise = (await makeEnterprise(server, "企业1")).id;
  ownProject = (await makeProject(server, ownEnterprise, { name: "项目0" })).id;
  otherProject = (await makeProject(server, otherEnterprise, { name: "项目1" })).id;
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
    // Other tests here claim tasks too: the filter answers what the database holds, this claim among it.
    const claimed = (await rows(server, "SELECT id FROM board_task WHERE status = 'CLAIMED' ORDER BY due_at, id")).map((r) => r.id);
    expect(claimed).toContain(some);
    const byStatus = await server.gql(BOARD, { filter: { status: "CLAIMED" }, first: 100 }, cadre.token);
    expect(byStatus.data.taskBoard.edges.map((e: any) => e.node.id)).toEqual(claimed);
    expect(byStatus.data.taskBoard.totalCount).toBe(claimed.length);
    const held = (await rows(server, "SELECT id FROM board_task WHERE claimant_id = ? ORDER BY due_at, id", [cadre.id])).map((r) => r.id);
    const byClaimant = await server.gql(BOARD, { filter: { claimantId: cadre.id }, first: 100 }, cadre.token);
    expect(byClaimant.data.taskBoard.edges.map((e: any) => e.node.id)).toEqual(held);
    expect(byClaimant.data.taskBoard.edges.map((e: any) => e.node.claimant.id)).toEqual(held.map(() => cadre.id));
    expect(held).toContain(some);
    const byCategory = await server.gql(BOARD, { filter: { category: "KEY_WORK", status: "OPEN" } }, cadre.token);
    expect(byCategory.data.taskBoard.edges.every((e: any) => e.node.category === "KEY_WORK" && e.node.status === "OPEN")).toBe(true);
    const openKeyWorkRows = await rows(server, "SELECT id, title FROM board_task WHERE category = 'KEY_WORK' AND status = 'OPEN' ORDER BY due_at, id");
    const openKeyWork = openKeyWorkRows.map((r) => r.id);
    // tasks 2, 5 and 8 of the nine, and any KEY_WORK task other tests here published
    expect(openKeyWorkRows.map((r) => r.title)).toEqual(expect.arrayContaining(["任务 2", "任务 5", "任务 8"]));
    expect(byCategory.data.taskBoard.edges.map((e: any) => e.node.id)).toEqual(openKeyWork);
    expect(byCategory.data.taskBoard.totalCount).toBe(Number((await rows(server, "SELECT COUNT(*) AS n FROM board_task WHERE category = 'KEY_WORK' AND status = 'OPEN'"))[0].n));
    const byProject = await server.gql(BOARD, { filter: { projectId: ownProject } }, enterpriseToken);
    expect(byProject.data.taskBoard.edges.map((e: any) => e.node.project)).toEqual([{ id: ownProject }]);
    const cutoff = new Date(server.clock.now().getTime() + 2.5 * 86_400_000).toISOString();
    const soon = await server.gql(BOARD, { filter: { dueBefore: cutoff } }, cadre.token);
    expect(soon.data.taskBoard.edges.every((e: any) => e.node.dueAt < cutoff)).toBe(true);
    expect(soon.data.taskBoard.totalCount).toBe(2);
    const dueSoon = await server.app.services.dataSource.getRepository(BoardTask).find({ where: { dueAt: LessThan(new Date(cutoff)) }, order: { dueAt: "ASC", id: "ASC" } });
    expect(dueSoon.map((t) => t.title)).toEqual(["工程 100%_完成", "任务 8"]); // due in 1 and 2 days
    expect(soon.data.taskBoard.edges.map((e: any) => e.node.id)).toEqual(dueSoon.map((t) => t.id));
    const search = await server.gql(BOARD, { filter: { search: "100%_" } }, cadre.token);
    expect(search.data.taskBoard.edges.map((e: any) => e.node.title)).toEqual(["工程 100%_完成"]);
    const percent = await server.gql(BOARD, { filter: { search: "%" } }, cadre.token);
    expect(percent.data.taskBoard.totalCount).toBe(1);
    // an empty search box filters nothing, as on projects
    const empty = await server.gql(BOARD, { filter: { search: "" } }, cadre.token);
    expect(empty.data.taskBoard.totalCount).toBe((await server.gql(BOARD, {}, cadre.token)).data.taskBoard.totalCount);
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
    // Claimants that only the longer page reaches (the tasks due last), so its users batch holds more ids.
    const late = await rows(server, "SELECT id FROM board_task WHERE status = 'OPEN' ORDER BY due_at DESC, id DESC LIMIT 2");
    expect(late).toHaveLength(2);
    const claimants: string[] = [];
    for (const { id } of late) {
      claimants.push((await server.user("CADRE")).token);
      expect((await claim(server, claimants.at(-1)!, id)).errors).toBeUndefined();
    }
    const total = Number((await rows(server, "SELECT COUNT(*) AS n FROM board_task"))[0].n);
    expect(total).toBeGreaterThan(5);
    const query = `query($n: Int) { taskBoard(first: $n) { edges { node { id claimant { name } publishedBy { name } project { name } timeline { type actor { name } } } } } }`;
    const page = async (n: number) => {
      const { result: response, statements } = await countStatements(server, () => server.gql(query, { n }, cadre.token));
      expect(response.errors).toBeUndefined();
      const nodes = response.data.taskBoard.edges.map((e: any) => e.node);
      expect(nodes).toHaveLength(Math.min(n, total));
      for (const node of nodes) {
        expect(node.publishedBy.name).toBeTruthy();
        expect(node.timeline.length).toBeGreaterThan(0);
        expect(node.timeline.every((event: any) => event.actor?.name)).toBe(true);
      }
      return { nodes, statements: statements.length };
    };
    const small = await page(5);
    const large = await page(20);
    // the longer page reaches more claimants than the short one, in the same statements
    const claimantsOf = (nodes: any[]) => new Set(nodes.map((node) => node.claimant?.name).filter(Boolean)).size;
    expect(claimantsOf(large.nodes)).toBeGreaterThan(claimantsOf(small.nodes));
    expect(large.nodes.filter((node: any) => node.project).length).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeGreaterThanOrEqual(3);
    // auth user, page, users (claimants + publishers + actors), projects, timelines, (users again for actors at most)
    expect(large.statements).toBeLessThanOrEqual(7);
    // back to OPEN: the later tests (the index one reads MariaDB's plan for status = 'OPEN') find the board as before
    for (const [i, { id }] of late.entries()) {
      expect((await server.gql(RELEASE, { input: { taskId: id, reason: "test cleanup" } }, claimants[i])).errors).toBeUndefined();
    }
  });

  test("the page query filtered by status uses the (status, due_at, id) index", async () => {
    const ds = server.app.services.dataSource;
    const { result, statements, parameters } = await countStatements(server, () => server.gql(BOARD, { first: 5, filter: { status: "OPEN" } }, cadre.token));
    expect(result.errors).toBeUndefined();
    const page = statements.findIndex((q) => /board_task/.test(q) && /ORDER BY/.test(q) && /LIMIT/.test(q));
    const [sql, params] = [statements[page], parameters[page]];
    if (server.app.services.dialect === "mariadb") {
      // fresh statistics: on a table this small, stale row estimates can tip the plan to a scan
      await ds.query("ANALYZE TABLE board_task");
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
      ["cadre reviews", REVIEW, { input: { taskId: held.id, assessments: [], decision: "EXEMPTED", reason: "理由" } }, cadre.token, "FORBIDDEN"],
    ];
    for (const [name, query, variables, token, code] of cases) {
      const response = await server.gql(query, variables, token);
      expect(codeOf(response), name).toBe(code);
    }
    expect(await snapshot()).toEqual(before);
  });
});
