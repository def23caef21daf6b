import crypto from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { isInputObjectType, isNonNullType } from "graphql";
import { RequestContext } from "../../src/core/context";
import { IDEMPOTENCY_KEY_LIFETIME_MS, pruneIdempotencyKeys } from "../../src/core/idempotency";
import { startAppProcess } from "../support/app-process";
import { codeOf, startTestServer, subscribe, type GraphQLResponse, type TestServer } from "../support/server";
import { departmentId, makeProjectWithTeam, realEvents, warmUp } from "../tickets/fixtures";
import { COMMENT, OPEN, URGENT } from "../tickets/gql";
import { PUBLISH } from "../board/board-helpers";
import { creditCode as validCreditCode } from "../projects/fixtures";

// Safe retries: a create mutation's optional idempotencyKey. The same key from the same user on
// the same mutation within 24 hours returns the first result and writes nothing more; the same
// key with another input answers CONFLICT; the database decides between attempts that arrive at
// once on two instances (on MariaDB the second instance is a child process on the same database).

type Instance = { gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> };
type Team = Awaited<ReturnType<typeof makeProjectWithTeam>>;

const crossProcess = Boolean(process.env.TEST_DATABASE_URL);
let server: TestServer;
let admin: { token: string; user: { id: string } };
let team: Team;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.user("ADMIN");
  team = await makeProjectWithTeam(server, admin.token);
});
afterAll(async () => {
  await server?.stop();
});

const newKey = () => crypto.randomUUID();
const rows = (sql: string, params: unknown[] = []) => server.app.services.dataSource.query(sql, params) as Promise<Array<Record<string, any>>>;
const count = async (sql: string, params: unknown[] = []) => Number((await rows(sql, params))[0].n);
const ticketsTitled = (title: string) => count("SELECT COUNT(*) AS n FROM service_ticket WHERE title = ?", [title]);
const keyRows = () => count("SELECT COUNT(*) AS n FROM idempotency_key");

const ticketInput = (title: string, idempotencyKey?: string, fields: Record<string, unknown> = {}) => ({
  projectId: team.project.id, stage: "EMERGENCY", title, description: "三天内通水通电", ...fields, ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
});

function ok<T = any>(response: GraphQLResponse<T>): T {
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!;
}

/** Every create mutation takes the key; the report lists the same set. */
const CREATE_INPUTS = [
  "OpenServiceTicketInput", "PublishTaskInput", "CreateProjectInput", "CreateEnterpriseInput", "CreateUserInput", "CreateDepartmentInput",
  "SubmitApplicationInput", "DraftCommitmentLetterInput", "AmendCommitmentLetterInput", "ApplyFastTrackInput", "CommentOnTicketInput",
  "ScheduleJointInspectionInput", "RecordInspectionFindingsInput", "AddApprovalItemInput", "AddBuildingInput", "AddTeamMemberInput",
  "CommissionSurveyInput", "CreateClauseTemplateInput", "CreateDeferrableItemInput", "CreateSupervisionStandardInput", "NegativeListEntryInput",
  "RecordDelayCauseInput", "RecordProjectMilestoneInput", "ReviewFaultToleranceInput", "AssignProjectManagerInput", "RecordSurveyResultInput",
  "RecordBuildingAcceptanceInput", "DeclareCalendarYearInput",
];

test("every create mutation's input takes an optional, described idempotencyKey: String", () => {
  for (const name of CREATE_INPUTS) {
    const type = server.app.schema.getType(name);
    expect(isInputObjectType(type), name).toBe(true);
    const field = isInputObjectType(type) ? type.getFields().idempotencyKey : undefined;
    expect(field, `${name}.idempotencyKey`).toBeDefined();
    expect(isNonNullType(field!.type), `${name}.idempotencyKey is optional`).toBe(false);
    expect(String(field!.type)).toBe("String");
    expect(field!.description).toMatch(/幂等键.*1-100 visible characters/);
  }
});

test("the same openServiceTicket sent again with its key returns the first ticket and writes nothing more: one ticket, one audit entry, one timeline entry, one event", async () => {
  const sub = subscribe(server.ws(team.owner.token), URGENT, { projectId: team.project.id });
  await warmUp(server, [{ sub, ticket: { id: null, projectId: team.project.id, enterpriseId: team.enterprise.id } }]);
  const key = newKey();
  const title = `重复提交 ${key}`;
  const first = ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket;
  const again = ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket;
  expect(again).toEqual(first);
  expect(await ticketsTitled(title)).toBe(1);
  expect(await count("SELECT COUNT(*) AS n FROM audit_entry WHERE entity_id = ? AND action = 'ticket.open'", [first.id])).toBe(1);
  expect(await count("SELECT COUNT(*) AS n FROM ticket_event WHERE ticket_id = ?", [first.id])).toBe(1);
  const [keyRow] = await rows("SELECT user_id, mutation, result_type, result_id FROM idempotency_key WHERE result_id = ?", [first.id]);
  expect(keyRow).toEqual({ user_id: team.owner.user.id, mutation: "openServiceTicket", result_type: "ServiceTicket", result_id: first.id });

  // A comment after both: once it arrived, every event of the two opens has too. Only one CREATED.
  ok(await server.gql(COMMENT, { input: { ticketId: first.id, body: "哨兵" } }, team.owner.token));
  await sub.until(() => realEvents(sub).some((e) => e.urgentRequests.type === "COMMENTED"));
  expect(realEvents(sub).map((e) => [e.urgentRequests.type, e.urgentRequests.ticket.id])).toEqual([["CREATED", first.id], ["COMMENTED", first.id]]);
  sub.unsubscribe();
});

test("the same key with a different input answers CONFLICT and writes nothing", async () => {
  const key = newKey();
  const title = `不同请求 ${key}`;
  const first = ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket;
  const keysBefore = await keyRows();
  const auditBefore = await count("SELECT COUNT(*) AS n FROM audit_entry");
  for (const changed of [ticketInput(`${title} (改)`, key), ticketInput(title, key, { stage: "GUIDANCE" }), ticketInput(title, key, { assigneeId: team.member.user.id })]) {
    const response = await server.gql(OPEN, { input: changed }, team.owner.token);
    expect(codeOf(response)).toBe("CONFLICT");
    expect(response.errors![0].message).toMatch(/already used for a different request/);
    expect(response.errors![0].extensions).toMatchObject({ field: "idempotencyKey" });
  }
  expect(await count("SELECT COUNT(*) AS n FROM service_ticket WHERE title LIKE ?", [`不同请求 ${key}%`])).toBe(1);
  expect(await keyRows()).toBe(keysBefore);
  expect(await count("SELECT COUNT(*) AS n FROM audit_entry")).toBe(auditBefore);
  // the first request itself still replays
  expect(ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket.id).toBe(first.id);
});

test("a key is the user's own and the mutation's own: another user, or another mutation, with the same key acts anew", async () => {
  const key = newKey();
  const title = `各自的键 ${key}`;
  const byOwner = ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket;
  const byManager = ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.manager.token)).openServiceTicket;
  expect(byManager.id).not.toBe(byOwner.id);
  expect(byManager.raisedBy.id).toBe(team.manager.user.id);
  expect(await ticketsTitled(title)).toBe(2);
  // the same key on commentOnTicket is another request, not a CONFLICT
  const commented = ok(await server.gql(COMMENT, { input: { ticketId: byOwner.id, body: "同一个键的评论", idempotencyKey: key } }, team.owner.token));
  expect(commented.commentOnTicket.id).toBe(byOwner.id);
  // keys are compared exactly (MariaDB's collation would ignore case): KEY and key are two keys
  const upper = ok(await server.gql(OPEN, { input: ticketInput(`${title} 大小写`, `CASE-${key}`) }, team.owner.token)).openServiceTicket;
  const lower = ok(await server.gql(OPEN, { input: ticketInput(`${title} 大小写`, `case-${key}`) }, team.owner.token)).openServiceTicket;
  expect(lower.id).not.toBe(upper.id);
});

test("commentOnTicket with its key comments once; the replay returns the ticket", async () => {
  const ticket = ok(await server.gql(OPEN, { input: ticketInput(`评论 ${newKey()}`) }, team.owner.token)).openServiceTicket;
  const input = { ticketId: ticket.id, body: "供电局已排期", idempotencyKey: newKey() };
  const first = ok(await server.gql(COMMENT, { input }, team.manager.token)).commentOnTicket;
  const again = ok(await server.gql(COMMENT, { input }, team.manager.token)).commentOnTicket;
  expect(again).toEqual(first);
  expect(await count("SELECT COUNT(*) AS n FROM ticket_event WHERE ticket_id = ? AND type = 'COMMENTED'", [ticket.id])).toBe(1);
  expect(await count("SELECT COUNT(*) AS n FROM audit_entry WHERE entity_id = ? AND action = 'ticket.comment'", [ticket.id])).toBe(1);
});

test("createEnterprise with its key: the retry returns the enterprise (without a key the same request is refused as a duplicate)", async () => {
  const CREATE = `mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id name creditCode } }`;
  const creditCode = validCreditCode();
  const input = { name: "幂等企业", creditCode, legalRepresentative: "李四", contact: "0762-1111111" };
  const key = newKey();
  const first = ok(await server.gql(CREATE, { input: { ...input, idempotencyKey: key } }, admin.token)).createEnterprise;
  expect(ok(await server.gql(CREATE, { input: { ...input, idempotencyKey: key } }, admin.token)).createEnterprise).toEqual(first);
  expect(await count("SELECT COUNT(*) AS n FROM enterprise WHERE credit_code = ?", [creditCode])).toBe(1);
  expect(await count("SELECT COUNT(*) AS n FROM audit_entry WHERE entity_id = ?", [first.id])).toBe(1);
  expect(codeOf(await server.gql(CREATE, { input }, admin.token))).toBe("CONFLICT");
});

test("a retry is answered with the first result even where the request's checks would now refuse it (publishTask after its dueAt passed)", async () => {
  const start = server.clock.now();
  try {
    const dueAt = new Date(start.getTime() + 3_600_000).toISOString();
    const input = { title: `幂等任务 ${newKey()}`, description: "d", category: "KEY_WORK", dueAt, idempotencyKey: newKey() };
    const first = ok(await server.gql(PUBLISH, { input }, admin.token)).publishTask;
    server.clock.advance(2 * 3_600_000);
    const again = ok(await server.gql(PUBLISH, { input }, admin.token)).publishTask;
    expect(again.id).toBe(first.id);
    expect(await count("SELECT COUNT(*) AS n FROM board_task WHERE title = ?", [input.title])).toBe(1);
    // a new request with that dueAt is refused
    expect(codeOf(await server.gql(PUBLISH, { input: { ...input, idempotencyKey: newKey() } }, admin.token))).toBe("BAD_USER_INPUT");
  } finally {
    server.clock.set(start);
  }
});

test("a first attempt that failed leaves no key: its retry runs (here with the input corrected)", async () => {
  const key = newKey();
  const title = `失败后重试 ${key}`;
  const keysBefore = await keyRows();
  // refused inside the transaction (the department does not exist), after the key's row was written
  const failed = await server.gql(OPEN, { input: ticketInput(title, key, { stage: "CONSULTATION", departmentIds: [crypto.randomUUID()] }) }, team.owner.token);
  expect(codeOf(failed)).toBe("BAD_USER_INPUT");
  expect(await keyRows()).toBe(keysBefore);
  const retried = await server.gql(OPEN, { input: ticketInput(title, key, { stage: "CONSULTATION", departmentIds: [await departmentId(server, "NATURAL_RESOURCES")] }) }, team.owner.token);
  expect(ok(retried).openServiceTicket.stage).toBe("CONSULTATION");
  expect(await ticketsTitled(title)).toBe(1);
  expect(await keyRows()).toBe(keysBefore + 1);
});

test("the key must be 1-100 visible characters: anything else is BAD_USER_INPUT on idempotencyKey and writes nothing", async () => {
  const title = `无效键 ${newKey()}`;
  for (const key of ["", " ", "a b", "x".repeat(101), "tab\tkey", "zero\u200Bwidth"]) {
    const response = await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token);
    expect(codeOf(response), JSON.stringify(key)).toBe("BAD_USER_INPUT");
    expect(response.errors![0].extensions).toMatchObject({ field: "idempotencyKey" });
  }
  expect(await ticketsTitled(title)).toBe(0);
  // 100 characters, Chinese among them, are fine
  const long = `幂等-${"k".repeat(97)}`;
  expect([...long]).toHaveLength(100);
  ok(await server.gql(OPEN, { input: ticketInput(title, long) }, team.owner.token));
  ok(await server.gql(OPEN, { input: ticketInput(title, long) }, team.owner.token));
  expect(await ticketsTitled(title)).toBe(1);
});

test("after 24 hours a key is spent: the same request acts anew, and the periodic job has pruned the old key", async () => {
  const start = server.clock.now();
  try {
    const key = newKey();
    const title = `过期的键 ${key}`;
    const first = ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket;
    // just inside 24 hours: still the first ticket
    server.clock.advance(IDEMPOTENCY_KEY_LIFETIME_MS - 1000);
    expect(ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket.id).toBe(first.id);
    expect(await count("SELECT COUNT(*) AS n FROM idempotency_key WHERE result_id = ?", [first.id])).toBe(1);
    // past 24 hours the pruning removes it (and only what is that old)
    const fresh = ok(await server.gql(OPEN, { input: ticketInput(`${title} 新`, newKey()) }, team.owner.token)).openServiceTicket;
    server.clock.advance(2000);
    expect(await pruneIdempotencyKeys(RequestContext.system(server.app.services))).toBeGreaterThanOrEqual(1);
    expect(await count("SELECT COUNT(*) AS n FROM idempotency_key WHERE result_id = ?", [first.id])).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM idempotency_key WHERE result_id = ?", [fresh.id])).toBe(1);
    // the key may be used again: a new ticket
    const reused = ok(await server.gql(OPEN, { input: ticketInput(title, key) }, team.owner.token)).openServiceTicket;
    expect(reused.id).not.toBe(first.id);
    expect(await ticketsTitled(title)).toBe(2);

    // past 24 hours but not yet pruned, a key is spent all the same
    const other = newKey();
    const before = ok(await server.gql(OPEN, { input: ticketInput(`${title} 未清理`, other) }, team.owner.token)).openServiceTicket;
    server.clock.advance(IDEMPOTENCY_KEY_LIFETIME_MS + 1000);
    const after = ok(await server.gql(OPEN, { input: ticketInput(`${title} 未清理`, other) }, team.owner.token)).openServiceTicket;
    expect(after.id).not.toBe(before.id);
  } finally {
    server.clock.set(start);
  }
});

test("the server runs the pruning by itself (on SWEEP_INTERVAL_MS, first at start)", async () => {
  const start = server.clock.now();
  let pruner: TestServer | undefined;
  try {
    // a key made 25 hours before the clock a second instance starts with
    server.clock.set(new Date(start.getTime() - 25 * 3_600_000));
    const old = ok(await server.gql(OPEN, { input: ticketInput(`旧键 ${newKey()}`, newKey()) }, team.owner.token)).openServiceTicket;
    server.clock.set(start);
    expect(await count("SELECT COUNT(*) AS n FROM idempotency_key WHERE result_id = ?", [old.id])).toBe(1);
    pruner = await startTestServer({ share: server, config: { sweepIntervalMs: 3_600_000 } });
    const deadline = Date.now() + 10_000;
    while ((await count("SELECT COUNT(*) AS n FROM idempotency_key WHERE result_id = ?", [old.id])) > 0) {
      if (Date.now() > deadline) throw new Error("the periodic job did not prune the old key");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    server.clock.set(start);
    await pruner?.stop();
  }
});

test(
  crossProcess
    ? "20 identical openServiceTicket with one key sent at once through two app processes on one database: one ticket, every answer is that ticket"
    : "20 identical openServiceTicket with one key through two app instances on one database (SQLite: one instance after the other): one ticket, every answer is that ticket",
  async () => {
    const second = crossProcess ? await startAppProcess(server) : await startTestServer({ share: server });
    try {
      // the second instance answers before the race (its first request is slow: connections, JIT)
      expect(ok(await second.gql(`{ me { id } }`, {}, team.owner.token)).me.id).toBe(team.owner.user.id);
      for (let round = 0; round < 5; round++) {
        const key = newKey();
        const title = `并发 ${round} ${key}`;
        const through = (i: number): Instance => (i % 2 === 0 ? server : second);
        const send = (i: number) => through(i).gql(OPEN, { input: ticketInput(title, key) }, team.owner.token);
        const indices = Array.from({ length: 20 }, (_, i) => i);
        let responses: GraphQLResponse[];
        if (crossProcess) {
          responses = await Promise.all(indices.map(send));
        } else {
          responses = new Array(indices.length);
          for (const parity of [round % 2, (round + 1) % 2]) {
            const mine = indices.filter((i) => i % 2 === parity);
            (await Promise.all(mine.map(send))).forEach((r, k) => (responses[mine[k]] = r));
          }
        }
        const ids = responses.map((r) => ok(r).openServiceTicket.id);
        expect(new Set(ids).size, `round ${round}: the tickets the answers name`).toBe(1);
        expect(await ticketsTitled(title), `round ${round}: tickets in the database`).toBe(1);
        expect(await count("SELECT COUNT(*) AS n FROM audit_entry WHERE entity_id = ? AND action = 'ticket.open'", [ids[0]])).toBe(1);
        expect(await count("SELECT COUNT(*) AS n FROM ticket_event WHERE ticket_id = ?", [ids[0]])).toBe(1);
        expect(await count("SELECT COUNT(*) AS n FROM idempotency_key WHERE result_id = ?", [ids[0]])).toBe(1);
      }
    } finally {
      await second.stop();
    }
  },
  60_000,
);

test("without a key nothing changes: each request creates", async () => {
  const title = `无键 ${newKey()}`;
  ok(await server.gql(OPEN, { input: ticketInput(title) }, team.owner.token));
  ok(await server.gql(OPEN, { input: ticketInput(title) }, team.owner.token));
  expect(await ticketsTitled(title)).toBe(2);
});
