import crypto from "node:crypto";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deferredItem, makeEnterprise, makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type GraphQLResponse, type TestServer } from "../support/server";
import { makeProjectWithTeam } from "../tickets/fixtures";
import { ALL_SIX, SUBMIT, VERIFY, claim, publishTask, rows } from "./board-helpers";

// statusIn on every list with a status filter: the board, corrections, deferred items, service
// tickets, applications. Each is paged with first: 2 through its keyset cursors; status and statusIn
// together keep their intersection; an empty list, a repeated state or an unknown one is refused.

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

function ok(response: GraphQLResponse) {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return Object.values(response.data)[0] as any;
}

/** Every node of a list, paged `first` at a time through endCursor; checks no page is larger and totalCount is the same on each. */
async function pageAll(query: string, variables: Record<string, unknown>, token: string, first = 2): Promise<{ ids: string[]; total: number; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let total = -1;
  let pages = 0;
  for (;;) {
    const page = ok(await server.gql(query, { ...variables, first, after }, token));
    pages += 1;
    expect(page.edges.length).toBeLessThanOrEqual(first);
    if (total === -1) total = page.totalCount;
    expect(page.totalCount).toBe(total);
    ids.push(...page.edges.map((e: any) => e.node.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
    expect(pages).toBeLessThan(50);
  }
  return { ids, total, pages };
}

/** Sets a row's status straight in the database (fixture setup: the lists are under test, not the transitions). */
const setStatus = (table: string, id: string, status: string) => rows(server, `UPDATE ${table} SET status = ? WHERE id = ?`, [status, id]);

const BOARD = `query($first: Int, $after: String, $filter: TaskBoardFilter, $orderBy: TaskBoardOrder) {
  taskBoard(first: $first, after: $after, filter: $filter, orderBy: $orderBy) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;

describe("taskBoard(filter: { statusIn })", () => {
  const tasks: Array<{ id: string; status: string; dueAt: string; publishedAt: string }> = [];
  let projectId: string;

  beforeAll(async () => {
    // A project of its own keeps other tests' tasks out of the counts.
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    projectId = project.id;
    const category = "KEY_REFORM";
    const statuses = ["OPEN", "CLAIMED", "SUBMITTED", "FULFILLED", "OPEN", "WITHDRAWN", "CLAIMED", "FAILED", "OPEN", "CLAIMED", "OPEN"];
    for (let i = 0; i < statuses.length; i++) {
      server.clock.advance(1000);
      // due dates out of publication order, two on the same instant (ties broken by id)
      const dueAt = new Date(server.clock.now().getTime() + ((i * 7) % 5) * 86_400_000 + 86_400_000).toISOString();
      const task = await publishTask(server, admin, { category, projectId: project.id, dueAt });
      await setStatus("board_task", task.id, statuses[i]);
      tasks.push({ id: task.id, status: statuses[i], dueAt, publishedAt: task.publishedAt });
    }
  });

  const byDue = (list: typeof tasks) => [...list].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id)).map((t) => t.id);
  const byPublished = (list: typeof tasks) => [...list].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.id.localeCompare(a.id)).map((t) => t.id);

  test("pages through exactly the tasks in the given states, in due order and in publication order, with keyset cursors", async () => {
    const wanted = tasks.filter((t) => ["OPEN", "CLAIMED"].includes(t.status));
    const due = await pageAll(BOARD, { filter: { projectId, statusIn: ["CLAIMED", "OPEN"] } }, admin);
    expect(due.ids).toEqual(byDue(wanted));
    expect(due.total).toBe(7);
    expect(due.pages).toBe(4);
    const published = await pageAll(BOARD, { filter: { projectId, statusIn: ["OPEN", "CLAIMED"] }, orderBy: "PUBLISHED_AT_DESC" }, admin, 3);
    expect(published.ids).toEqual(byPublished(wanted));
    // one state, and all six
    expect((await pageAll(BOARD, { filter: { projectId, statusIn: ["FAILED"] } }, admin)).ids).toEqual(byDue(tasks.filter((t) => t.status === "FAILED")));
    const all = ["OPEN", "CLAIMED", "SUBMITTED", "FULFILLED", "FAILED", "WITHDRAWN"];
    expect((await pageAll(BOARD, { filter: { projectId, statusIn: all } }, admin, 5)).ids).toEqual(byDue(tasks));
  });

  test("status and statusIn together keep their intersection; the single status still works alone", async () => {
    const open = byDue(tasks.filter((t) => t.status === "OPEN"));
    expect((await pageAll(BOARD, { filter: { projectId, status: "OPEN" } }, admin)).ids).toEqual(open);
    expect((await pageAll(BOARD, { filter: { projectId, status: "OPEN", statusIn: ["OPEN", "CLAIMED"] } }, admin)).ids).toEqual(open);
    expect(await pageAll(BOARD, { filter: { projectId, status: "OPEN", statusIn: ["CLAIMED", "SUBMITTED"] } }, admin)).toEqual({ ids: [], total: 0, pages: 1 });
  });

  test("an empty statusIn, a repeated state or an unknown one is refused", async () => {
    for (const statusIn of [[], ["OPEN", "OPEN"]]) {
      const response = await server.gql(BOARD, { filter: { statusIn } }, admin);
      expect(codeOf(response), JSON.stringify({ statusIn, errors: response.errors })).toBe("BAD_USER_INPUT");
      expect(response.data?.taskBoard ?? null).toBeNull();
    }
    const unknown = await server.gql(BOARD, { filter: { statusIn: ["OPEN", "LOST"] } }, admin);
    expect(unknown.errors?.length).toBeGreaterThan(0);
    expect(["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"]).toContain(codeOf(unknown));
    // a null statusIn is no condition
    expect((await server.gql(BOARD, { filter: { statusIn: null }, first: 1 }, admin)).errors).toBeUndefined();
  });
});

test("faultCorrections(filter: { statusIn }) pages through the corrections in those states", async () => {
  const owner = await server.user("CADRE");
  const created: Array<{ id: string; status: string }> = [];
  const plan = ["ORDERED", "SUBMITTED", "COMPLETED", "ORDERED", "SUBMITTED", "ORDERED", "COMPLETED"];
  for (let i = 0; i < plan.length; i++) {
    const cadre = await server.user("CADRE");
    const task = await publishTask(server, admin);
    ok(await claim(server, cadre.token, task.id));
    ok(await server.gql(SUBMIT, { input: { taskId: task.id, note: "已提交" } }, cadre.token));
    ok(await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: false, comment: "未兑现" } }, admin));
    const review = ok(await server.gql(
      `mutation($input: ReviewFaultToleranceInput!) { reviewFaultTolerance(input: $input) { correction { id } } }`,
      { input: {
        taskId: task.id, assessments: ALL_SIX.map((aspect) => ({ aspect, favourable: aspect !== "DUTY", note: "说明" })), decision: "MITIGATED", reason: "履职不到位",
        correction: { ownerId: owner.user.id, description: `纠错 ${i}`, dueOn: `2026-04-${String(10 + i).padStart(2, "0")}` },
      } },
      admin,
    ));
    await setStatus("fault_correction", review.correction.id, plan[i]);
    created.push({ id: review.correction.id, status: plan[i] });
  }
  const query = `query($first: Int, $after: String, $filter: FaultCorrectionFilter) {
    faultCorrections(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
  const listed = await pageAll(query, { filter: { ownerId: owner.user.id, statusIn: ["ORDERED", "SUBMITTED"] } }, admin);
  // soonest due first: the plan's order (due dates ascending)
  expect(listed.ids).toEqual(created.filter((c) => c.status !== "COMPLETED").map((c) => c.id));
  expect(listed.total).toBe(5);
  // the owner sees the same through their own filter; intersection with status
  expect((await pageAll(query, { filter: { statusIn: ["COMPLETED"] } }, owner.token)).ids).toEqual(created.filter((c) => c.status === "COMPLETED").map((c) => c.id));
  expect((await pageAll(query, { filter: { status: "SUBMITTED", statusIn: ["ORDERED"] } }, owner.token)).ids).toEqual([]);
  expect(codeOf(await server.gql(query, { filter: { statusIn: [] } }, admin))).toBe("BAD_USER_INPUT");
});

test("deferredItems(filter: { statusIn }) pages through the items in those states", async () => {
  const enterprise = await makeEnterprise(server);
  const project = await makeProject(server, enterprise.id);
  const codes = (await rows(server, "SELECT code FROM deferrable_item ORDER BY code")).map((r) => r.code as string).slice(0, 6);
  expect(codes.length).toBe(6);
  const plan = ["PENDING", "SUPPLIED", "OVERDUE", "PENDING", "OVERDUE", "SUPPLIED"] as const;
  const items = [];
  for (let i = 0; i < plan.length; i++) items.push({ ...(await deferredItem(server, project.id, codes[i], `2026-05-${String(20 - i).padStart(2, "0")}`, plan[i])), planned: plan[i] });
  const query = `query($first: Int, $after: String, $filter: DeferredItemFilter) {
    deferredItems(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
  const wanted = items.filter((d) => d.planned !== "SUPPLIED").sort((a, b) => a.promisedBy.localeCompare(b.promisedBy)).map((d) => d.id);
  const listed = await pageAll(query, { filter: { projectId: project.id, statusIn: ["OVERDUE", "PENDING"] } }, admin);
  expect(listed).toMatchObject({ ids: wanted, total: 4 });
  expect((await pageAll(query, { filter: { projectId: project.id, status: "PENDING", statusIn: ["PENDING", "SUPPLIED"] } }, admin)).ids).toEqual(
    items.filter((d) => d.planned === "PENDING").sort((a, b) => a.promisedBy.localeCompare(b.promisedBy)).map((d) => d.id),
  );
  expect(codeOf(await server.gql(query, { filter: { statusIn: ["PENDING", "PENDING"] } }, admin))).toBe("BAD_USER_INPUT");
});

test("serviceTickets(filter: { statusIn }) pages through the tickets in those states, newest first", async () => {
  const team = await makeProjectWithTeam(server, admin);
  const plan = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED", "IN_PROGRESS", "OPEN"];
  const opened: Array<{ id: string; status: string }> = [];
  for (let i = 0; i < plan.length; i++) {
    server.clock.advance(1000);
    const ticket = ok(await server.gql(
      `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { id } }`,
      { input: { projectId: team.project.id, stage: "PRE_DIAGNOSIS", title: `工单 ${i}`, description: "说明" } },
      team.owner.token,
    ));
    await setStatus("service_ticket", ticket.id, plan[i]);
    opened.push({ id: ticket.id, status: plan[i] });
  }
  const query = `query($first: Int, $after: String, $filter: ServiceTicketFilter) {
    serviceTickets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
  const wanted = opened.filter((t) => ["OPEN", "IN_PROGRESS"].includes(t.status)).map((t) => t.id).reverse();
  expect(await pageAll(query, { filter: { projectId: team.project.id, statusIn: ["IN_PROGRESS", "OPEN"] } }, team.owner.token)).toMatchObject({ ids: wanted, total: 4 });
  expect((await pageAll(query, { filter: { projectId: team.project.id, status: "CLOSED", statusIn: ["RESOLVED", "CLOSED"] } }, admin)).ids).toEqual([opened[4].id]);
  expect(codeOf(await server.gql(query, { filter: { statusIn: [] } }, admin))).toBe("BAD_USER_INPUT");
});

test("applications(filter: { statusIn }) pages through the applications in those states, newest first", async () => {
  const enterprise = await makeEnterprise(server);
  const project = await makeProject(server, enterprise.id);
  const plan = ["RECEIVED", "ROUTED", "APPROVED", "REJECTED", "ISSUED", "ROUTED", "RECEIVED", "APPROVED"];
  const submitted: Array<{ id: string; status: string }> = [];
  for (let i = 0; i < plan.length; i++) {
    server.clock.advance(1000);
    const application = ok(await server.gql(
      `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
      { input: { projectId: project.id, applicationClass: "FILING", title: `申请 ${i}` } },
      admin,
    ));
    // finished, so the class is free for the next one (one application of a class at a time)
    await setStatus("application", application.id, "ISSUED");
    submitted.push({ id: application.id, status: plan[i] });
  }
  for (const a of submitted) await setStatus("application", a.id, a.status);
  const query = `query($first: Int, $after: String, $filter: ApplicationFilter) {
    applications(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
  const wanted = submitted.filter((a) => ["ROUTED", "APPROVED"].includes(a.status)).map((a) => a.id).reverse();
  expect(await pageAll(query, { filter: { projectId: project.id, statusIn: ["APPROVED", "ROUTED"] } }, admin)).toMatchObject({ ids: wanted, total: 4 });
  expect((await pageAll(query, { filter: { projectId: project.id, status: "ISSUED", statusIn: ["RECEIVED"] } }, admin)).ids).toEqual([]);
  expect(codeOf(await server.gql(query, { filter: { statusIn: ["RECEIVED", "RECEIVED"] } }, admin))).toBe("BAD_USER_INPUT");
});

test("projects(filter: { fastTrackStatusIn }) pages through the projects in those fast-track states, newest first", async () => {
  const enterprise = await makeEnterprise(server);
  const plan = ["NOT_APPLIED", "APPLIED", "ADMITTED", "SUSPENDED", "ADMITTED", "EXITED", "APPLIED"] as const;
  const made: Array<{ id: string; status: string }> = [];
  for (const fastTrackStatus of plan) {
    server.clock.advance(1000);
    const project = await makeProject(server, enterprise.id, { fastTrackStatus, createdAt: server.clock.now() });
    made.push({ id: project.id, status: fastTrackStatus });
  }
  const query = `query($first: Int, $after: String, $filter: ProjectFilter) {
    projects(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id fastTrackStatus } } } }`;
  const wanted = made.filter((p) => ["APPLIED", "ADMITTED"].includes(p.status)).map((p) => p.id).reverse();
  expect(await pageAll(query, { filter: { enterpriseId: enterprise.id, fastTrackStatusIn: ["ADMITTED", "APPLIED"] } }, admin)).toMatchObject({ ids: wanted, total: 4 });
  expect((await pageAll(query, { filter: { enterpriseId: enterprise.id, fastTrackStatus: "EXITED", fastTrackStatusIn: ["EXITED", "SUSPENDED"] } }, admin)).ids).toEqual([made[5].id]);
  expect(codeOf(await server.gql(query, { filter: { fastTrackStatusIn: [] } }, admin))).toBe("BAD_USER_INPUT");
});

test("myTasks(filter: { statusIn }) pages through the caller's tasks in those states, soonest due first", async () => {
  const { user: cadre, token } = await server.user("CADRE");
  const plan = ["CLAIMED", "SUBMITTED", "FULFILLED", "CLAIMED", "FAILED", "SUBMITTED"];
  const mine: Array<{ id: string; status: string; dueAt: string }> = [];
  for (let i = 0; i < plan.length; i++) {
    server.clock.advance(1000);
    const dueAt = new Date(server.clock.now().getTime() + ((i * 5) % 4) * 86_400_000 + 86_400_000).toISOString();
    const task = await publishTask(server, admin, { dueAt });
    await rows(server, "UPDATE board_task SET status = ?, claimant_id = ? WHERE id = ?", [plan[i], cadre.id, task.id]);
    mine.push({ id: task.id, status: plan[i], dueAt });
  }
  const query = `query($first: Int, $after: String, $filter: MyTasksFilter) {
    myTasks(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
  const byDue = (list: typeof mine) => [...list].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id)).map((t) => t.id);
  const unfinished = await pageAll(query, { filter: { statusIn: ["CLAIMED", "SUBMITTED"] } }, token);
  expect(unfinished).toMatchObject({ ids: byDue(mine.filter((t) => ["CLAIMED", "SUBMITTED"].includes(t.status))), total: 4 });
  expect((await pageAll(query, {}, token)).ids).toEqual(byDue(mine));
  expect(codeOf(await server.gql(query, { filter: { statusIn: [] } }, token))).toBe("BAD_USER_INPUT");
});

test("approvalItems(filter: { statusIn }) pages through a project's items in those states, oldest first", async () => {
  const enterprise = await makeEnterprise(server);
  const project = await makeProject(server, enterprise.id);
  const department = (await server.department("HOUSING_CONSTRUCTION")).id;
  const kinds = ["LAND_USE_PLANNING_PERMIT", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT", "COMPLETION_FILING"];
  const plan = ["NOT_STARTED", "SUBMITTED", "APPROVED", "SUBMITTED"];
  const ids: string[] = [];
  for (let i = 0; i < kinds.length; i++) {
    server.clock.advance(1000);
    const repo = server.app.services.dataSource.getRepository(ApprovalItem);
    const item = repo.create({
      id: crypto.randomUUID(), createdAt: server.clock.now(), projectId: project.id, kind: kinds[i] as ApprovalItem["kind"], departmentId: department, status: plan[i] as ApprovalItem["status"],
      promisedWorkingDays: 5, submittedOn: null, approvedOn: null, rejectedOn: null, note: null, handledById: null, surveyResultId: null,
    });
    await repo.insert(item);
    ids.push(item.id);
  }
  const query = `query($projectId: ID!, $first: Int, $after: String, $filter: ApprovalItemFilter) {
    approvalItems(projectId: $projectId, first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
  const pending = await pageAll(query, { projectId: project.id, filter: { statusIn: ["SUBMITTED", "NOT_STARTED"] } }, admin, 1);
  expect(pending).toMatchObject({ ids: ids.filter((_, i) => plan[i] !== "APPROVED"), total: 3, pages: 3 });
  expect((await pageAll(query, { projectId: project.id }, admin)).ids).toEqual(ids);
  expect(codeOf(await server.gql(query, { projectId: project.id, filter: { statusIn: ["APPROVED", "APPROVED"] } }, admin))).toBe("BAD_USER_INPUT");
});
