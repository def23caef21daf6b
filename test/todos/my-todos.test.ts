import { afterAll, beforeAll, expect, test } from "vitest";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { todoWorld } from "./world";

let server: TestServer;
let world: Awaited<ReturnType<typeof todoWorld>>;

const SUBJECT = "__typename ... on BoardTask { id } ... on ServiceTicket { id } ... on ApprovalItem { id } ... on Application { id } ... on DeferredItem { id } ... on JointInspection { id } ... on InspectionFinding { id } ... on CommitmentLetter { id }";
const TODOS = `query($first: Int, $after: String, $kinds: [TodoKind!]) {
  myTodos(first: $first, after: $after, kinds: $kinds) {
    totalCount
    countsByKind { kind count overdue }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id kind title dueAt overdue project { id name } subject { ${SUBJECT} } } }
  }
}`;
const KINDS = [
  "TICKET_TO_ACKNOWLEDGE", "TICKET_TO_RESOLVE", "TASK_HELD", "DEFERRED_ITEM_DUE", "APPROVAL_TO_DECIDE", "APPLICATION_TO_DECIDE",
  "FINDING_TO_FOLLOW_UP", "INSPECTION_TO_RECORD", "LETTER_TO_SIGN", "TICKET_TO_CONFIRM", "TASK_TO_VERIFY",
];
const TYPE_OF: Record<string, string> = {
  TICKET_TO_ACKNOWLEDGE: "ServiceTicket", TICKET_TO_RESOLVE: "ServiceTicket", TICKET_TO_CONFIRM: "ServiceTicket", TASK_HELD: "BoardTask", TASK_TO_VERIFY: "BoardTask",
  DEFERRED_ITEM_DUE: "DeferredItem", APPROVAL_TO_DECIDE: "ApprovalItem", APPLICATION_TO_DECIDE: "Application", FINDING_TO_FOLLOW_UP: "InspectionFinding",
  INSPECTION_TO_RECORD: "JointInspection", LETTER_TO_SIGN: "CommitmentLetter",
};

type Name = keyof Awaited<ReturnType<typeof todoWorld>>["callers"];
const token = (name: Name) => world.callers[name].token;

async function todos(name: Name, variables: Record<string, unknown> = {}, headers?: Record<string, string>) {
  const res = await server.gql(TODOS, { first: 100, ...variables }, token(name), headers);
  expect(res.errors).toBeUndefined();
  return res.data.myTodos;
}
const rows = (connection: any): Array<[string, string]> => connection.edges.map((e: any) => [e.node.kind, e.node.subject.id]);
const node = (connection: any, subjectId: string | undefined) => connection.edges.map((e: any) => e.node).find((n: any) => n.subject.id === subjectId);

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  world = await todoWorld(server);
});
afterAll(() => server?.stop());

test("each caller's list holds exactly what waits on them, most urgent first: due time, then kind, then id", async () => {
  for (const name of Object.keys(world.expected) as Name[]) {
    const list = await todos(name);
    expect(rows(list), name).toEqual(world.expected[name]);
    for (const { node: n } of list.edges) {
      expect(n.id, name).toBe(`${n.kind}:${n.subject.id}`);
      expect(n.subject.__typename, `${name} ${n.kind}`).toBe(TYPE_OF[n.kind]);
    }
    expect(list.totalCount, name).toBe(world.expected[name].length);
    expect(list.pageInfo.hasNextPage).toBe(false);
  }
});

test("an enterprise's user never sees another enterprise's records; a cadre of an uninvolved department sees none", async () => {
  const mine = await todos("otherOwner");
  expect(mine.edges.every((e: any) => e.node.project.id === world.q.id)).toBe(true);
  const pIds = new Set([world.records.toConfirm.id, world.records.deferredSoon.id, world.records.deferredLater.id, world.records.deferredOverdue.id, world.records.draft.id, world.records.governmentSigned.id]);
  expect(mine.edges.some((e: any) => pIds.has(e.node.subject.id))).toBe(false);
  // Q's draft waits on the government only: its enterprise already signed
  expect(mine.edges.some((e: any) => e.node.subject.id === world.records.otherDraft.id)).toBe(false);
  const owner = await todos("owner");
  expect(owner.edges.every((e: any) => e.node.project.name.startsWith("甲"))).toBe(true);
  expect((await todos("transport")).edges).toEqual([]);
});

test("due times come from each record's own deadline, date-only ones ending with their district day; overdue when passed or marked", async () => {
  const now = server.clock.now().getTime();
  const iso = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
  const manager = await todos("manager");
  expect(node(manager, world.records.ackLate.id)).toMatchObject({ dueAt: iso(-1), overdue: true, project: { id: world.p.id, name: "甲项目" } });
  expect(node(manager, world.records.ackSoon.id)).toMatchObject({ dueAt: iso(2), overdue: false });
  expect(node(manager, world.records.inProgress.id)).toMatchObject({ kind: "TICKET_TO_RESOLVE", dueAt: iso(5), overdue: false });
  expect(node(manager, world.records.draft.id)).toMatchObject({ dueAt: null, overdue: false });
  const owner = await todos("owner");
  expect(node(owner, world.records.deferredOverdue.id)).toMatchObject({ dueAt: "2026-02-20T16:00:00.000Z", overdue: true });
  expect(node(owner, world.records.deferredLater.id)).toMatchObject({ dueAt: "2026-03-10T16:00:00.000Z", overdue: false });
  expect(node(owner, world.records.deferredSoon.id)).toMatchObject({ dueAt: "2026-03-03T16:00:00.000Z", overdue: false });
  // closes by itself TICKET_AUTO_CLOSE_HOURS after it was resolved
  expect(node(owner, world.records.toConfirm.id)).toMatchObject({ dueAt: new Date(world.records.toConfirm.resolvedAt!.getTime() + server.config.ticketAutoCloseHours * 3_600_000).toISOString() });
  const housing = await todos("housing");
  // submitted Monday 2026-03-02: 3 working days for a construction permit, 5 for a fire design review
  expect(node(housing, world.records.permit.id)).toMatchObject({ dueAt: "2026-03-05T16:00:00.000Z", overdue: false });
  expect(node(housing, world.records.otherFire.id)).toMatchObject({ dueAt: "2026-03-09T16:00:00.000Z", project: { id: world.q.id } });
  expect(node(housing, world.records.application.id)).toMatchObject({ dueAt: "2026-03-09T16:00:00.000Z" });
  expect(node(housing, world.records.findingOverdue.id)).toMatchObject({ dueAt: "2026-02-25T16:00:00.000Z", overdue: true });
  expect(node(housing, world.records.scheduled.id)).toMatchObject({ dueAt: "2026-03-04T16:00:00.000Z", overdue: false });
  const claimant = await todos("claimant");
  expect(node(claimant, world.records.heldSooner.id)).toMatchObject({ project: null, dueAt: iso(24) });
  const admin = await todos("admin");
  expect(node(admin, world.records.submitted.id)).toMatchObject({ kind: "TASK_TO_VERIFY", dueAt: null, project: { id: world.p.id } });
});

test("countsByKind lists every kind in order with its count and overdue count; totalCount is their sum", async () => {
  const counts = async (name: Name) => Object.fromEntries((await todos(name, { first: 0 })).countsByKind.map((c: any) => [c.kind, [c.count, c.overdue]]));
  const manager = await todos("manager", { first: 0 });
  expect(manager.edges).toEqual([]);
  expect(manager.countsByKind.map((c: any) => c.kind)).toEqual(KINDS);
  expect(manager.totalCount).toBe(5);
  const zero = (kinds: Record<string, number[]>) => Object.fromEntries(KINDS.map((k) => [k, kinds[k] ?? [0, 0]]));
  expect(await counts("manager")).toEqual(zero({ TICKET_TO_ACKNOWLEDGE: [3, 1], TICKET_TO_RESOLVE: [1, 0], LETTER_TO_SIGN: [1, 0] }));
  expect(await counts("housing")).toEqual(zero({ APPROVAL_TO_DECIDE: [2, 0], APPLICATION_TO_DECIDE: [1, 0], FINDING_TO_FOLLOW_UP: [3, 1], INSPECTION_TO_RECORD: [1, 0], TASK_HELD: [1, 0] }));
  expect(await counts("owner")).toEqual(zero({ DEFERRED_ITEM_DUE: [3, 1], TICKET_TO_CONFIRM: [1, 0], LETTER_TO_SIGN: [2, 0] }));
  expect(await counts("admin")).toEqual(zero({ LETTER_TO_SIGN: [2, 0], TASK_TO_VERIFY: [1, 0] }));
  expect(await counts("claimant")).toEqual(zero({ TASK_HELD: [2, 0] }));
  expect(await counts("otherOwner")).toEqual(zero({ TICKET_TO_CONFIRM: [1, 0], DEFERRED_ITEM_DUE: [1, 0] }));
});

test("paging with cursors returns every to-do once, in order, whatever the page size", async () => {
  for (const name of Object.keys(world.expected) as Name[]) {
    for (const first of [1, 2, 3]) {
      const seen: Array<[string, string]> = [];
      let after: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await todos(name, { first, after });
        seen.push(...rows(page));
        expect(page.edges.length).toBeLessThanOrEqual(first);
        expect(page.pageInfo.hasPreviousPage).toBe(Boolean(after));
        if (!page.pageInfo.hasNextPage) break;
        expect(page.edges).toHaveLength(first);
        after = page.pageInfo.endCursor;
      }
      expect(seen, `${name} by ${first}`).toEqual(world.expected[name]);
    }
  }
});

test("kinds narrows the page, totalCount and countsByKind; an empty list asks for none", async () => {
  const kinds = ["FINDING_TO_FOLLOW_UP", "APPROVAL_TO_DECIDE"];
  const list = await todos("housing", { kinds });
  expect(rows(list)).toEqual(world.expected.housing.filter(([kind]) => kinds.includes(kind)));
  expect(list.totalCount).toBe(5);
  expect(list.countsByKind).toEqual([{ kind: "APPROVAL_TO_DECIDE", count: 2, overdue: 0 }, { kind: "FINDING_TO_FOLLOW_UP", count: 3, overdue: 1 }]);
  const paged = await todos("housing", { kinds, first: 1, after: list.edges[1].cursor });
  expect(rows(paged)).toEqual([rows(list)[2]]);
  const none = await todos("housing", { kinds: [] });
  expect(none).toMatchObject({ edges: [], totalCount: 0, countsByKind: [] });
});

test("a forged or foreign cursor is BAD_USER_INPUT; anonymous callers are UNAUTHENTICATED; first is capped", async () => {
  const forged = Buffer.from(JSON.stringify(["todos", "not a date", "TASK_HELD", "x"])).toString("base64url");
  for (const after of ["garbage", forged, Buffer.from(JSON.stringify(["tickets", "2026-01-01T00:00:00.000Z", "x"])).toString("base64url")]) {
    const res = await server.gql(TODOS, { after }, token("manager"));
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.extensions?.field).toBe("after");
  }
  expect(codeOf(await server.gql(TODOS, {}))).toBe("UNAUTHENTICATED");
  expect(codeOf(await server.gql(TODOS, { first: 101 }, token("manager")))).toBe("BAD_USER_INPUT");
});

test("titles speak the caller's language", async () => {
  const zh = await todos("manager", {}, { "accept-language": "zh-CN" });
  const en = await todos("manager", {}, { "accept-language": "en" });
  expect(node(zh, world.records.ackSoon.id).title).toBe("受理工单：尽快受理");
  expect(node(en, world.records.ackSoon.id).title).toBe("Acknowledge the ticket: 尽快受理");
  const housing = await todos("housing", {}, { "accept-language": "zh-CN" });
  expect(node(housing, world.records.permit.id).title).toBe("审批“施工许可”：甲项目");
  expect((await todos("housing", {}, { "accept-language": "en" })).edges.find((e: any) => e.node.subject.id === world.records.permit.id).node.title).toBe("Decide Construction permit: 甲项目");
});

test("the counts are the same whether the page holds each kind whole, in part, or comes after a cursor", async () => {
  for (const name of Object.keys(world.expected) as Name[]) {
    const counted = await todos(name, { first: 0 });
    const after = (await todos(name, { first: 1 })).pageInfo.endCursor;
    for (const variables of [{ first: 100 }, { first: 1 }, { first: 1, after }]) {
      const list = await todos(name, variables);
      expect(list.countsByKind, `${name} ${JSON.stringify(variables)}`).toEqual(counted.countsByKind);
      expect(list.totalCount, `${name} ${JSON.stringify(variables)}`).toBe(counted.totalCount);
    }
  }
});

test("a page costs a statement per kind the caller can hold and a COUNT per kind it does not hold whole, however many to-dos it shows", async () => {
  const cost = async (name: Name, variables: Record<string, unknown>) => {
    const { result, statements } = await countStatements(server, () => server.gql(TODOS, variables, token(name)));
    expect(result.errors).toBeUndefined();
    return statements.length;
  };
  const cursors: Partial<Record<Name, string>> = {};
  for (const name of ["housing", "manager", "owner", "admin"] as Name[]) {
    cursors[name] = (await todos(name, { first: 1 })).pageInfo.endCursor;
    expect(await cost(name, { first: 6, after: cursors[name] }), name).toBe(await cost(name, { first: 1, after: cursors[name] }));
  }
  // the caller, then a page per kind the role can hold (the projects joined into it); the approvals' two
  // kinds read their rows once for the page and the counts, and the working-day calendar (two) when there are any.
  // A first page with every kind whole has counted them:
  expect(await cost("owner", { first: 20 })).toBe(1 + 3);
  expect(await cost("admin", { first: 20 })).toBe(1 + 2);
  expect(await cost("manager", { first: 20 })).toBe(1 + 9);
  expect(await cost("housing", { first: 20 })).toBe(1 + 9 + 2);
  // of housing's, only FINDING_TO_FOLLOW_UP has more than one
  expect(await cost("housing", { first: 1 })).toBe(1 + 9 + 2 + 1);
  // after a cursor, a COUNT per kind read by SQL
  expect(await cost("owner", { first: 20, after: cursors.owner })).toBe(1 + 3 * 2);
  expect(await cost("admin", { first: 20, after: cursors.admin })).toBe(1 + 2 * 2);
  expect(await cost("manager", { first: 20, after: cursors.manager })).toBe(1 + 9 * 2 - 2);
  expect(await cost("housing", { first: 20, after: cursors.housing })).toBe(1 + 9 * 2 - 2 + 2);
});

test("a to-do moves or leaves once acted on", async () => {
  const must = async (query: string, input: Record<string, unknown>, name: Name) => {
    const res = await server.gql(query, { input }, token(name));
    expect(res.errors).toBeUndefined();
  };
  const { records } = world;
  // acknowledged: from TICKET_TO_ACKNOWLEDGE to TICKET_TO_RESOLVE (due at its resolve deadline)
  await must(`mutation($input: TicketStatusInput!) { acknowledgeTicket(input: $input) { id } }`, { ticketId: records.ackSoon.id }, "manager");
  const manager = await todos("manager");
  expect(node(manager, records.ackSoon.id)).toMatchObject({ kind: "TICKET_TO_RESOLVE", id: `TICKET_TO_RESOLVE:${records.ackSoon.id}`, dueAt: records.ackSoon.resolveDueAt.toISOString() });
  // verified: gone from the reform office's list
  await must(`mutation($input: VerifyTaskInput!) { verifyTask(input: $input) { id } }`, { taskId: records.submitted.id, fulfilled: true }, "admin");
  expect(rows(await todos("admin")).map(([, id]) => id)).not.toContain(records.submitted.id);
  // the enterprise signed its side: gone from its list, still waiting on the government's
  await must(`mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id } }`, { letterId: records.draft.id }, "owner");
  expect(rows(await todos("owner")).map(([, id]) => id)).not.toContain(records.draft.id);
  expect(rows(await todos("manager"))).toContainEqual(["LETTER_TO_SIGN", records.draft.id]);
  // the manager signs the government's: gone from the reform office's and the manager's
  await must(`mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id } }`, { letterId: records.draft.id }, "manager");
  expect(rows(await todos("manager")).map(([, id]) => id)).not.toContain(records.draft.id);
  expect(rows(await todos("admin")).map(([, id]) => id)).not.toContain(records.draft.id);
  // a finding put right
  await must(`mutation($input: ResolveFindingInput!) { resolveInspectionFinding(input: $input) { id } }`, { findingId: records.findingOpen.id }, "housing");
  const housing = await todos("housing");
  expect(rows(housing).map(([, id]) => id)).not.toContain(records.findingOpen.id);
  expect(housing.countsByKind.find((c: any) => c.kind === "FINDING_TO_FOLLOW_UP")).toEqual({ kind: "FINDING_TO_FOLLOW_UP", count: 2, overdue: 1 });
  // time passes: the claimant's task due tomorrow becomes overdue
  server.clock.advance(25 * 3_600_000);
  expect(node(await todos("claimant"), records.heldSooner.id)).toMatchObject({ overdue: true });
  expect((await todos("claimant")).countsByKind.find((c: any) => c.kind === "TASK_HELD")).toEqual({ kind: "TASK_HELD", count: 2, overdue: 1 });
});
