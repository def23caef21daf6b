import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getIntrospectionQuery } from "graphql";
import type { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import type { Project } from "../../src/modules/projects/project.entity";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { teamOf, type Caller } from "../instep/callers";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

/**
 * A project page in one query (Project.serviceTickets, boardTasks, timeline) where one NOT_FOUND
 * nulls its own field only: every root lookup of one record is nullable, and a projectId the
 * caller may not see (another enterprise's, or none at all) answers NOT_FOUND in every list filter.
 */

let server: TestServer;
let admin: Caller;
let enterprise: Enterprise;
let project: Project;
let otherProject: Project;
let own: Caller;
let stranger: Caller;
let manager: Caller;
let outsider: Caller;
const ticketIds: string[] = [];
const taskIds: string[] = [];

const OPEN = `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { id } }`;
const ACK = `mutation($input: TicketStatusInput!) { acknowledgeTicket(input: $input) { id } }`;
const PUBLISH = `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`;

async function must(query: string, variables: Record<string, unknown>, token: string) {
  const res = await server.gql(query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = await server.user("ADMIN");
  enterprise = await makeEnterprise(server, "页面企业");
  const other = await makeEnterprise(server, "别家企业");
  project = await makeProject(server, enterprise.id, { name: "页面项目" });
  otherProject = await makeProject(server, other.id, { name: "别家项目" });
  ({ manager } = await teamOf(server, admin.token, project.id));
  own = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  stranger = await server.user("ENTERPRISE", { enterpriseId: other.id });
  outsider = await server.user("CADRE");
  for (let i = 0; i < 5; i++) {
    server.clock.advance(60_000);
    const input = { projectId: project.id, stage: "GUIDANCE", title: `页面工单 ${i}`, description: "需要协调" };
    ticketIds.push((await must(OPEN, { input }, own.token)).openServiceTicket.id);
  }
  await must(ACK, { input: { ticketId: ticketIds[0] } }, manager.token);
  for (let i = 0; i < 3; i++) {
    const dueAt = new Date(server.clock.now().getTime() + (i + 1) * 86_400_000).toISOString();
    taskIds.push((await must(PUBLISH, { input: { title: `页面任务 ${i}`, description: "d", category: "KEY_WORK", projectId: project.id, dueAt } }, admin.token)).publishTask.id);
  }
  await must(PUBLISH, { input: { title: "别家任务", description: "d", category: "KEY_WORK", projectId: otherProject.id, dueAt: new Date(server.clock.now().getTime() + 86_400_000).toISOString() } }, admin.token);
  await must(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId: project.id, kind: "FILING" } }, admin.token);
});
afterAll(() => server?.stop());

const PAGE = `query($id: ID!, $first: Int, $after: String, $tickets: ServiceTicketFilter, $tasks: TaskBoardFilter) {
  me { id claimLimit unfinishedTaskCount }
  project(id: $id) {
    id name viewerActions
    serviceTickets(first: $first, after: $after, filter: $tickets) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title status viewerActions } } }
    boardTasks(first: $first, filter: $tasks) { totalCount edges { node { id title viewerCanClaim } } }
    timeline { project { id } items { kind status } approvalWorkingDays }
  }
}`;

const ROOT_TICKETS = `query($first: Int, $after: String, $filter: ServiceTicketFilter) { serviceTickets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title status viewerActions } } } }`;
const ROOT_BOARD = `query($first: Int, $filter: TaskBoardFilter) { taskBoard(first: $first, filter: $filter) { totalCount edges { node { id title viewerCanClaim } } } }`;
const ROOT_TIMELINE = `query($projectId: ID!) { projectTimeline(projectId: $projectId) { project { id } items { kind status } approvalWorkingDays } }`;

describe("a project page in one query", () => {
  test("the project's tickets, tasks and timeline are the root lists with the project fixed, page for page", async () => {
    for (const caller of [own, manager, admin]) {
      const page = await server.gql(PAGE, { id: project.id, first: 2 }, caller.token);
      expect(page.errors).toBeUndefined();
      const root = await server.gql(ROOT_TICKETS, { first: 2, filter: { projectId: project.id } }, caller.token);
      expect(page.data.project.serviceTickets).toEqual(root.data.serviceTickets);
      expect(page.data.project.serviceTickets.totalCount).toBe(5);
      // the next page through the nested field's cursor
      const after = page.data.project.serviceTickets.pageInfo.endCursor;
      const second = await server.gql(PAGE, { id: project.id, first: 2, after }, caller.token);
      const rootSecond = await server.gql(ROOT_TICKETS, { first: 2, after, filter: { projectId: project.id } }, caller.token);
      expect(second.data.project.serviceTickets).toEqual(rootSecond.data.serviceTickets);
      expect(second.data.project.serviceTickets.edges.map((e: any) => e.node.id)).not.toContain(page.data.project.serviceTickets.edges[0].node.id);
      const board = await server.gql(ROOT_BOARD, { first: 2, filter: { projectId: project.id } }, caller.token);
      expect(page.data.project.boardTasks).toEqual(board.data.taskBoard);
      expect(page.data.project.boardTasks.totalCount).toBe(3);
      const timeline = await server.gql(ROOT_TIMELINE, { projectId: project.id }, caller.token);
      expect(page.data.project.timeline).toEqual(timeline.data.projectTimeline);
      expect(page.data.project.timeline.items.map((i: any) => i.kind)).toEqual(["FILING"]);
    }
  });

  test("the nested lists take the root lists' filters", async () => {
    const page = await server.gql(PAGE, { id: project.id, first: 10, tickets: { status: "ACKNOWLEDGED" }, tasks: { search: "页面任务 1" } }, admin.token);
    expect(page.errors).toBeUndefined();
    expect(page.data.project.serviceTickets.edges.map((e: any) => e.node.id)).toEqual([ticketIds[0]]);
    expect(page.data.project.boardTasks.edges.map((e: any) => e.node.id)).toEqual([taskIds[1]]);
  });

  test("the nested lists show what the root lists show the caller: a cadre outside the team sees no tickets", async () => {
    const page = await server.gql(PAGE, { id: project.id, first: 10 }, outsider.token);
    expect(page.errors).toBeUndefined();
    const root = await server.gql(ROOT_TICKETS, { first: 10, filter: { projectId: project.id } }, outsider.token);
    expect(root.data.serviceTickets.totalCount).toBe(0);
    expect(page.data.project.serviceTickets).toEqual(root.data.serviceTickets);
    expect(page.data.project.boardTasks.totalCount).toBe(3); // the board is public
  });

  test("a filter naming another project in a nested list answers BAD_USER_INPUT on that field only", async () => {
    const page = await server.gql(PAGE, { id: project.id, first: 2, tickets: { projectId: otherProject.id }, tasks: { projectId: otherProject.id } }, admin.token);
    expect(page.errors?.map((e) => [e.path?.join("."), e.extensions?.code]).sort()).toEqual([
      ["project.boardTasks", "BAD_USER_INPUT"],
      ["project.serviceTickets", "BAD_USER_INPUT"],
    ]);
    expect(page.data.project.name).toBe("页面项目");
    expect(page.data.project.serviceTickets).toBeNull();
    expect(page.data.project.boardTasks).toBeNull();
    expect(page.data.project.timeline.project.id).toBe(project.id);
    // naming the project itself is allowed
    const same = await server.gql(PAGE, { id: project.id, first: 2, tickets: { projectId: project.id }, tasks: { projectId: project.id } }, admin.token);
    expect(same.errors).toBeUndefined();
  });

  test("a timeline that cannot be computed nulls the timeline only", async () => {
    // an item under review since a year the calendar does not know: its working days cannot be counted
    const odd = await makeProject(server, enterprise.id, { name: "历年项目" });
    const item = await must(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId: odd.id, kind: "FILING" } }, admin.token);
    await server.app.services.dataSource.getRepository(ApprovalItem).update({ id: item.addApprovalItem.id }, { status: "SUBMITTED", submittedOn: "1990-01-02" });
    const root = await server.gql(ROOT_TIMELINE, { projectId: odd.id }, admin.token);
    expect(root.errors?.[0]?.extensions?.code).toBe("CALENDAR_YEAR_UNKNOWN");
    const page = await server.gql(PAGE, { id: odd.id, first: 2 }, admin.token);
    expect(page.errors?.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([["project.timeline", "CALENDAR_YEAR_UNKNOWN"]]);
    expect(page.data.project.timeline).toBeNull();
    expect(page.data.project.name).toBe("历年项目");
    expect(page.data.project.serviceTickets.totalCount).toBe(0);
  });

  test("another enterprise's project nulls the project field only: the rest of the page stands", async () => {
    const page = await server.gql(PAGE, { id: project.id, first: 2 }, stranger.token);
    expect(page.status).toBe(200);
    expect(page.data.me.id).toBe(stranger.user.id);
    expect(page.data.project).toBeNull();
    expect(page.errors).toHaveLength(1);
    expect(page.errors![0].path).toEqual(["project"]);
    expect(page.errors![0].extensions!.code).toBe("NOT_FOUND");
  });
});

/** Every root field that looks one record up: nullable, and a miss is null plus NOT_FOUND. */
const LOOKUPS: Array<[string, string]> = [
  ["project", `project(id: $id) { id }`],
  ["task", `task(id: $id) { id }`],
  ["ticket", `ticket(id: $id) { id }`],
  ["commitmentLetter", `commitmentLetter(id: $id) { id }`],
  ["deferredItem", `deferredItem(id: $id) { id }`],
  ["enterprise", `enterprise(id: $id) { id }`],
  ["application", `application(id: $id) { id }`],
  ["projectTimeline", `projectTimeline(projectId: $id) { approvalWorkingDays }`],
  ["cadreRecord", `cadreRecord(cadreId: $id) { claimed }`],
];

describe("root lookups of one record are nullable", () => {
  test("in the schema", async () => {
    const schema = (await server.gql(getIntrospectionQuery())).data.__schema;
    const query = schema.types.find((t: any) => t.name === schema.queryType.name);
    for (const [name] of LOOKUPS) {
      const field = query.fields.find((f: any) => f.name === name);
      expect({ name, kind: field.type.kind }).toEqual({ name, kind: "OBJECT" });
    }
  });

  test.each(LOOKUPS)("%s: a miss is null with NOT_FOUND, beside a field that stands", async (name, selection) => {
    const res = await server.gql(`query($id: ID!) { me { id } ${selection} }`, { id: crypto.randomUUID() }, admin.token);
    expect(res.data.me.id).toBe(admin.user.id);
    expect(res.data[name]).toBeNull();
    expect(res.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([[name, "NOT_FOUND"]]);
  });

  test("two projects in one query: another enterprise's is null, the own one is there", async () => {
    const res = await server.gql(`query($a: ID!, $b: ID!) { mine: project(id: $a) { name } theirs: project(id: $b) { name } }`, { a: project.id, b: otherProject.id }, own.token);
    expect(res.data).toEqual({ mine: { name: "页面项目" }, theirs: null });
    expect(res.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([["theirs", "NOT_FOUND"]]);
  });
});

/** Every list that filters by project, as `query($projectId: ID!)`. */
const FILTERED_LISTS: Array<[string, string]> = [
  ["serviceTickets", `serviceTickets(filter: { projectId: $projectId }) { totalCount }`],
  ["taskBoard", `taskBoard(filter: { projectId: $projectId }) { totalCount }`],
  ["boardStats", `boardStats(filter: { projectId: $projectId }) { published }`],
  ["deferredItems", `deferredItems(filter: { projectId: $projectId }) { totalCount }`],
  ["applications", `applications(filter: { projectId: $projectId }) { totalCount }`],
  ["approvalItems", `approvalItems(projectId: $projectId) { totalCount }`],
];

describe("a projectId the caller may not see answers NOT_FOUND in every list filter", () => {
  test.each(FILTERED_LISTS)("%s", async (name, selection) => {
    const query = `query($projectId: ID!) { ${selection} }`;
    // another enterprise's project, to an ENTERPRISE user
    const foreign = await server.gql(query, { projectId: project.id }, stranger.token);
    expect({ name, errors: foreign.errors?.map((e) => e.extensions?.code) }).toEqual({ name, errors: ["NOT_FOUND"] });
    // one that does not exist, to anyone
    const missing = await server.gql(query, { projectId: crypto.randomUUID() }, admin.token);
    expect({ name, errors: missing.errors?.map((e) => e.extensions?.code) }).toEqual({ name, errors: ["NOT_FOUND"] });
    // the own project answers
    const mine = await server.gql(query, { projectId: project.id }, own.token);
    expect({ name, errors: mine.errors }).toEqual({ name, errors: undefined });
  });
});
