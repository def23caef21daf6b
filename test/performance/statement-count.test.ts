import { afterAll, beforeAll, expect, test } from "vitest";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import { startTestServer, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let admin: { user: { id: string }; token: string };
let firstCadre: { user: { id: string }; token: string };
let firstProjectId: string;

const BOARD = `query($first: Int) { taskBoard(first: $first) { edges { node { id title claimant { name } project { name manager { name } } } } } }`;
const TICKETS = `query($first: Int) { serviceTickets(first: $first) { edges { node { id title project { name } assignee { name } } } } }`;

/** 50 tasks and 50 tickets over 10 projects, each with a manager; every task claimed by one of 10 cadres. */
beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = await server.user("ADMIN");
  const { dataSource } = server.app.services;
  const cadres = await Promise.all(Array.from({ length: 10 }, () => server.user("CADRE")));
  firstCadre = cadres[0];
  const enterprise = await makeEnterprise(server, "批量企业");
  const projects = [];
  for (let i = 0; i < 10; i++) {
    const project = await makeProject(server, enterprise.id);
    projects.push(project);
    firstProjectId ??= project.id;
    const res = await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId: project.id, cadreId: cadres[i].user.id } }, admin.token);
    expect(res.errors).toBeUndefined();
  }
  const now = server.clock.now();
  for (let i = 0; i < 50; i++) {
    const task = dataSource.getRepository(BoardTask).create({
      title: `任务 ${i}`, description: "d", category: "KEY_WORK", projectId: projects[i % 10].id, publishedById: admin.user.id, publishedAt: now,
      dueAt: new Date(now.getTime() + (i + 1) * 86_400_000), status: "CLAIMED", claimantId: cadres[i % 10].user.id, claimedAt: now, firstClaimedAt: now, pledge: "按期完成",
    } as Partial<BoardTask>);
    await dataSource.getRepository(BoardTask).insert(task);
    const ticket = dataSource.getRepository(ServiceTicket).create({
      projectId: projects[i % 10].id, stage: "GUIDANCE", title: `工单 ${i}`, description: "d", status: "OPEN", raisedById: cadres[i % 10].user.id,
      assigneeId: cadres[i % 10].user.id, openedAt: new Date(now.getTime() + i), ackDueAt: new Date(now.getTime() + 86_400_000), resolveDueAt: new Date(now.getTime() + 5 * 86_400_000),
    } as Partial<ServiceTicket>);
    await dataSource.getRepository(ServiceTicket).insert(ticket);
  }
});
afterAll(() => server?.stop());

async function statementsFor(query: string, first: number) {
  const { result, statements } = await countStatements(server, () => server.gql(query, { first }, admin.token));
  expect(result.errors).toBeUndefined();
  const connection = Object.values(result.data)[0] as { edges: unknown[] };
  expect(connection.edges).toHaveLength(first);
  return statements.length;
}

test("a taskBoard page with claimant, project and project.manager costs the same few statements for 5 and for 50 tasks", async () => {
  const five = await statementsFor(BOARD, 5);
  const fifty = await statementsFor(BOARD, 50);
  expect(fifty).toBe(five);
  expect(fifty).toBe(2); // the caller; the page with its claimants, projects and their managers joined
});

/** The page statement of a board query, and its answer (statements after the caller's read). */
async function pageStatement(query: string, variables: Record<string, unknown> = {}, token = admin.token) {
  const { result, statements } = await countStatements(server, () => server.gql(query, variables, token));
  expect(result.errors).toBeUndefined();
  const pages = statements.filter((sql) => /FROM [`"]?board_task[`"]?/.test(sql) && /LIMIT/.test(sql));
  expect(pages).toHaveLength(1);
  return { result, statements, page: pages[0] };
}

test("a page joins the projects' managers only when the selection shows them, through fragments too, and each project's own", async () => {
  const without = await pageStatement(`{ taskBoard(first: 10) { edges { node { id project { name } } } } }`);
  expect(without.page).not.toMatch(/project_manager_assignment/);
  const viaFragments = await pageStatement(
    `query { taskBoard(first: 50) { edges { node { ...Task } } } } fragment Task on BoardTask { id project { ... on Project { code lead: manager { id name } } } }`,
  );
  expect(viaFragments.page).toMatch(/project_manager_assignment/);
  expect(viaFragments.statements).toHaveLength(2);
  // every joined manager is the one the project's own query gives
  const managers = new Map<string, string>();
  for (const { node } of viaFragments.result.data.taskBoard.edges) managers.set(node.project.code, node.project.lead.id);
  expect(managers.size).toBe(10);
  const byProject = await server.gql(`{ projects(first: 20) { edges { node { code manager { id } } } } }`, {}, admin.token);
  const loaded = new Map<string, string>(byProject.data.projects.edges.map(({ node }: { node: { code: string; manager: { id: string } } }) => [node.code, node.manager.id]));
  expect([...managers.keys()].map((code) => loaded.get(code))).toEqual([...managers.values()]);
});

test("myTasks and Project.boardTasks join the managers as taskBoard does", async () => {
  // the first cadre claimed the first project's tasks and manages that project
  const mine = await pageStatement(`{ myTasks(first: 5) { edges { node { project { manager { id } } } } } }`, {}, firstCadre.token);
  expect(mine.page).toMatch(/project_manager_assignment/);
  expect(mine.statements).toHaveLength(2);
  expect(mine.result.data.myTasks.edges.map((e: { node: { project: { manager: { id: string } } } }) => e.node.project.manager.id)).toEqual(Array(5).fill(firstCadre.user.id));
  const ofProject = await pageStatement(`query($id: ID!) { project(id: $id) { boardTasks(first: 5) { edges { node { project { manager { id } } } } } } }`, { id: firstProjectId });
  expect(ofProject.page).toMatch(/project_manager_assignment/);
  expect(ofProject.result.data.project.boardTasks.edges.map((e: { node: { project: { manager: { id: string } } } }) => e.node.project.manager.id)).toEqual(Array(5).fill(firstCadre.user.id));
  const plain = await pageStatement(`{ myTasks(first: 5) { edges { node { id } } } }`, {}, firstCadre.token);
  expect(plain.page).not.toMatch(/project_manager_assignment/);
});

test("a serviceTickets page with project and assignee costs the same few statements for 5 and for 50 tickets", async () => {
  const five = await statementsFor(TICKETS, 5);
  const fifty = await statementsFor(TICKETS, 50);
  expect(fifty).toBe(five);
  expect(fifty).toBeLessThanOrEqual(5);
});
