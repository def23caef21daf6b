import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import { TicketEvent } from "../../src/modules/tickets/ticket-event.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { departmentId, makeProjectWithTeam } from "./fixtures";
import { ACK, CLOSE, COMMENT, ESCALATE, OPEN, REASSIGN, REOPEN, RESOLVE, START, TICKET, TICKETS } from "./gql";

let server: TestServer;
let admin: string;
let team: Awaited<ReturnType<typeof makeProjectWithTeam>>;
let other: Awaited<ReturnType<typeof makeProjectWithTeam>>;
const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = (await server.user("ADMIN")).token;
  team = await makeProjectWithTeam(server, admin);
  other = await makeProjectWithTeam(server, admin);
});
afterAll(() => server?.stop());

async function open(stage = "GUIDANCE", token = team.owner.token, extra: Record<string, unknown> = {}) {
  const response = await server.gql(OPEN, { input: { projectId: team.project.id, stage, title: `${stage} 工单`, description: "需要协调", ...extra } }, token);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data.openServiceTicket;
}

describe("opening a ticket", () => {
  test("an enterprise user of the project raises it; the manager is the default assignee; SLA from the stage and clock", async () => {
    const now = server.clock.now();
    const ticket = await open("EMERGENCY");
    expect(ticket).toMatchObject({
      stage: "EMERGENCY",
      status: "OPEN",
      project: { id: team.project.id },
      raisedBy: { id: team.owner.user.id },
      assignee: { id: team.manager.user.id },
      ackDueAt: new Date(now.getTime() + 2 * HOUR).toISOString(),
      resolveDueAt: new Date(now.getTime() + 72 * HOUR).toISOString(),
      ackBreached: false,
      resolveBreached: false,
    });
    const read = await server.gql(TICKET, { id: ticket.id }, team.owner.token);
    expect(read.data.ticket.timeline.edges.map((e: any) => e.node)).toEqual([
      { type: "OPENED", at: now.toISOString(), fromStatus: null, toStatus: "OPEN", fromStage: null, toStage: "EMERGENCY", body: null, actor: { id: team.owner.user.id }, assignee: { id: team.manager.user.id } },
    ]);
    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityType: "ServiceTicket", entityId: ticket.id });
    expect(audit.map((a) => a.action)).toEqual(["ticket.open"]);
  });

  test("the manager and team members may raise one; ADMIN, outsiders and another enterprise may not", async () => {
    expect((await open("PRE_DIAGNOSIS", team.manager.token)).raisedBy.id).toBe(team.manager.user.id);
    expect((await open("GUIDANCE", team.member.token)).raisedBy.id).toBe(team.member.user.id);
    const input = { projectId: team.project.id, stage: "GUIDANCE", title: "t", description: "d" };
    const outsider = await server.user("CADRE");
    expect(codeOf(await server.gql(OPEN, { input }, outsider.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(OPEN, { input }, admin))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(OPEN, { input }, other.owner.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(OPEN, { input }))).toBe("UNAUTHENTICATED");
  });

  test("CONSULTATION needs departments; bad input writes nothing", async () => {
    const before = await server.app.services.dataSource.getRepository(ServiceTicket).count();
    const input = { projectId: team.project.id, stage: "CONSULTATION", title: "会诊", description: "多部门会商" };
    const missing = await server.gql(OPEN, { input }, team.owner.token);
    expect(codeOf(missing)).toBe("BAD_USER_INPUT");
    expect(missing.errors![0].extensions!.field).toBe("departmentIds");
    const unknown = await server.gql(OPEN, { input: { ...input, departmentIds: ["00000000-0000-4000-8000-000000000000"] } }, team.owner.token);
    expect(unknown.errors![0].extensions!.field).toBe("departmentIds");
    const empty = await server.gql(OPEN, { input: { ...input, title: "" } }, team.owner.token);
    expect(empty.errors![0].extensions!.field).toBe("title");
    const outsider = await server.user("CADRE");
    const badAssignee = await server.gql(OPEN, { input: { ...input, departmentIds: [await departmentId(server, "FIRE_RESCUE")], assigneeId: outsider.user.id } }, team.owner.token);
    expect(badAssignee.errors![0].extensions!.field).toBe("assigneeId");
    expect(await server.app.services.dataSource.getRepository(ServiceTicket).count()).toBe(before);

    const ok = await open("CONSULTATION", team.owner.token, {
      departmentIds: [await departmentId(server, "FIRE_RESCUE"), await departmentId(server, "HOUSING_CONSTRUCTION")],
      assigneeId: team.member.user.id,
    });
    expect(ok.departments.map((d: any) => d.code).sort()).toEqual(["FIRE_RESCUE", "HOUSING_CONSTRUCTION"]);
    expect(ok.assignee.id).toBe(team.member.user.id);
  });
});

describe("lifecycle", () => {
  test("OPEN -> ACKNOWLEDGED -> IN_PROGRESS -> RESOLVED -> (reopen) -> RESOLVED -> CLOSED, on the timeline with who and when", async () => {
    const ticket = await open("GUIDANCE");
    const input = { ticketId: ticket.id };
    server.clock.advance(HOUR);
    const acked = await server.gql(ACK, { input: { ...input, note: "已受理" } }, team.manager.token);
    expect(acked.data.acknowledgeTicket).toMatchObject({ status: "ACKNOWLEDGED", acknowledgedAt: server.clock.now().toISOString() });
    // updatedAt is the change's own time, to the millisecond, by the service clock
    const touched = await server.gql(`query($id: ID!) { ticket(id: $id) { updatedAt } }`, { id: ticket.id }, team.manager.token);
    expect(touched.data.ticket.updatedAt).toBe(server.clock.now().toISOString());
    expect((await server.gql(COMMENT, { input: { ticketId: ticket.id, body: "请补充用地红线图" } }, team.member.token)).data.commentOnTicket.status).toBe("ACKNOWLEDGED");
    expect((await server.gql(START, { input }, team.manager.token)).data.startTicket.status).toBe("IN_PROGRESS");
    server.clock.advance(HOUR);
    const resolved = await server.gql(RESOLVE, { input: { ...input, note: "已协调" } }, team.manager.token);
    expect(resolved.data.resolveTicket).toMatchObject({ status: "RESOLVED", resolvedAt: server.clock.now().toISOString() });
    // Only the raiser reopens.
    expect(codeOf(await server.gql(REOPEN, { input }, team.manager.token))).toBe("FORBIDDEN");
    const reopened = await server.gql(REOPEN, { input: { ...input, note: "还没通水" } }, team.owner.token);
    expect(reopened.data.reopenTicket).toMatchObject({ status: "IN_PROGRESS", resolvedAt: null });
    await server.gql(RESOLVE, { input }, team.manager.token);
    // Only the raiser (or ADMIN) confirms.
    expect(codeOf(await server.gql(CLOSE, { input }, team.manager.token))).toBe("FORBIDDEN");
    const closed = await server.gql(CLOSE, { input }, team.owner.token);
    expect(closed.data.closeTicket).toMatchObject({ status: "CLOSED", closedAt: server.clock.now().toISOString() });

    const read = await server.gql(TICKET, { id: ticket.id }, admin);
    const timeline = read.data.ticket.timeline.edges.map((e: any) => e.node);
    expect(timeline.map((e: any) => [e.type, e.fromStatus, e.toStatus, e.actor?.id])).toEqual([
      ["OPENED", null, "OPEN", team.owner.user.id],
      ["ACKNOWLEDGED", "OPEN", "ACKNOWLEDGED", team.manager.user.id],
      ["COMMENTED", null, null, team.member.user.id],
      ["STARTED", "ACKNOWLEDGED", "IN_PROGRESS", team.manager.user.id],
      ["RESOLVED", "IN_PROGRESS", "RESOLVED", team.manager.user.id],
      ["REOPENED", "RESOLVED", "IN_PROGRESS", team.owner.user.id],
      ["RESOLVED", "IN_PROGRESS", "RESOLVED", team.manager.user.id],
      ["CLOSED", "RESOLVED", "CLOSED", team.owner.user.id],
    ]);
    expect(timeline[1].body).toBe("已受理");
    expect(timeline[2].body).toBe("请补充用地红线图");
    expect(timeline[5].body).toBe("还没通水");
    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityType: "ServiceTicket", entityId: ticket.id });
    expect(audit).toHaveLength(8);
  });

  test("every illegal transition answers INVALID_TRANSITION and changes nothing", async () => {
    const actions: Record<string, { doc: string; token: () => string; extra?: Record<string, unknown> }> = {
      acknowledge: { doc: ACK, token: () => admin },
      start: { doc: START, token: () => admin },
      resolve: { doc: RESOLVE, token: () => admin },
      close: { doc: CLOSE, token: () => admin },
      reopen: { doc: REOPEN, token: () => team.owner.token },
      comment: { doc: COMMENT, token: () => admin, extra: { body: "x" } },
      reassign: { doc: REASSIGN, token: () => admin, extra: { assigneeId: team.member.user.id } },
      escalate: { doc: ESCALATE, token: () => admin, extra: { toStage: "EMERGENCY", reason: "急" } },
    };
    const allowed: Record<string, string[]> = {
      OPEN: ["acknowledge", "comment", "reassign", "escalate"],
      ACKNOWLEDGED: ["start", "comment", "reassign", "escalate"],
      IN_PROGRESS: ["resolve", "comment", "reassign", "escalate"],
      RESOLVED: ["close", "reopen", "comment"],
      CLOSED: [],
    };
    const path = [ACK, START, RESOLVE, CLOSE];
    const ds = server.app.services.dataSource;
    const snapshot = async (ticketId: string) => ({
      ticket: await ds.getRepository(ServiceTicket).findOneByOrFail({ id: ticketId }),
      events: await ds.getRepository(TicketEvent).countBy({ ticketId }),
      audits: await ds.getRepository(AuditEntry).countBy({ entityType: "ServiceTicket", entityId: ticketId }),
    });
    for (const [depth, status] of ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED"].entries()) {
      const ticket = await open("GUIDANCE");
      for (const doc of path.slice(0, depth)) {
        const r = await server.gql(doc, { input: { ticketId: ticket.id } }, doc === CLOSE ? team.owner.token : admin);
        expect(r.errors).toBeUndefined();
      }
      const before = await snapshot(ticket.id);
      expect(before.events).toBe(1 + depth); // OPENED and one per step
      expect(before.audits).toBe(1 + depth);
      let refused = 0;
      for (const [name, action] of Object.entries(actions)) {
        if (allowed[status].includes(name)) continue;
        const r = await server.gql(action.doc, { input: { ticketId: ticket.id, ...action.extra } }, action.token());
        expect(codeOf(r), `${name} on ${status}`).toBe("INVALID_TRANSITION");
        expect(r.errors![0].extensions!.from).toBe(status);
        refused += 1;
      }
      expect(refused).toBe(Object.keys(actions).length - allowed[status].length);
      const after = await snapshot(ticket.id);
      expect(after).toEqual(before);
      expect(after.ticket.status).toBe(status);
      expect(after.ticket.stage).toBe("GUIDANCE");
    }
  });

  test("only the assignee, the project's manager or ADMIN works a ticket", async () => {
    const ticket = await open("GUIDANCE", team.owner.token, { assigneeId: team.member.user.id });
    const outsider = await server.user("CADRE");
    expect(codeOf(await server.gql(ACK, { input: { ticketId: ticket.id } }, team.owner.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(ACK, { input: { ticketId: ticket.id } }, outsider.token))).toBe("NOT_FOUND");
    expect((await server.gql(ACK, { input: { ticketId: ticket.id } }, team.member.token)).data.acknowledgeTicket.status).toBe("ACKNOWLEDGED");
  });

  test("a caller without the remit is refused FORBIDDEN whatever the ticket's state, naming who may, and nothing is written", async () => {
    const ds = server.app.services.dataSource;
    const openTicket = await open("GUIDANCE");
    const closed = await open("GUIDANCE");
    for (const doc of [ACK, START, RESOLVE]) expect((await server.gql(doc, { input: { ticketId: closed.id } }, team.manager.token)).errors).toBeUndefined();
    expect((await server.gql(CLOSE, { input: { ticketId: closed.id } }, team.owner.token)).errors).toBeUndefined();
    const snapshot = async () => [await ds.getRepository(TicketEvent).count(), await ds.getRepository(AuditEntry).countBy({ entityType: "ServiceTicket" })];
    const before = await snapshot();
    const cases: Array<[string, string, string, Record<string, unknown>, string]> = [
      // the member is not the assignee (the manager is): not theirs to work on, CLOSED or not
      ["acknowledge a CLOSED ticket", ACK, closed.id, {}, "Only the ticket's assignee or the project's manager or the reform office (ADMIN) may work on this ticket"],
      ["resolve an OPEN ticket", RESOLVE, openTicket.id, {}, "Only the ticket's assignee or the project's manager or the reform office (ADMIN) may work on this ticket"],
      ["close an OPEN ticket", CLOSE, openTicket.id, {}, "Only the ticket's raiser or the reform office (ADMIN) may close this ticket"],
      ["reopen a CLOSED ticket", REOPEN, closed.id, {}, "Only the ticket's raiser may reopen this ticket"],
      ["reassign a CLOSED ticket", REASSIGN, closed.id, { assigneeId: team.manager.user.id }, "Only the project's manager or the reform office (ADMIN) may reassign this ticket"],
    ];
    for (const [what, doc, ticketId, extra, message] of cases) {
      const r = await server.gql(doc, { input: { ticketId, ...extra } }, team.member.token);
      expect(codeOf(r), what).toBe("FORBIDDEN");
      expect(r.errors![0].message, what).toBe(message);
    }
    // the manager works tickets, but only the raiser reopens
    expect(codeOf(await server.gql(REOPEN, { input: { ticketId: openTicket.id } }, team.manager.token))).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  test("reassignment: ADMIN or the manager, to a cadre serving on the project", async () => {
    const ticket = await open("GUIDANCE");
    const outsider = await server.user("CADRE");
    expect(codeOf(await server.gql(REASSIGN, { input: { ticketId: ticket.id, assigneeId: team.member.user.id } }, team.member.token))).toBe("FORBIDDEN");
    const bad = await server.gql(REASSIGN, { input: { ticketId: ticket.id, assigneeId: outsider.user.id } }, team.manager.token);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(bad.errors![0].extensions!.field).toBe("assigneeId");
    const ok = await server.gql(REASSIGN, { input: { ticketId: ticket.id, assigneeId: team.member.user.id, reason: "国土专员跟进" } }, team.manager.token);
    expect(ok.data.reassignTicket.assignee.id).toBe(team.member.user.id);
    const read = await server.gql(TICKET, { id: ticket.id }, team.member.token);
    expect(read.data.ticket.timeline.edges.at(-1).node).toMatchObject({ type: "REASSIGNED", assignee: { id: team.member.user.id }, body: "国土专员跟进", actor: { id: team.manager.user.id } });
  });

  test("escalation goes only to a more urgent stage and brings the deadlines forward", async () => {
    const t0 = server.clock.now();
    const ticket = await open("PRE_DIAGNOSIS");
    expect(codeOf(await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "PRE_DIAGNOSIS", reason: "x" } }, team.owner.token))).toBe("INVALID_TRANSITION");
    const toConsultation = await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "CONSULTATION", reason: "需多部门" } }, team.owner.token);
    expect(toConsultation.errors![0].extensions!.field).toBe("departmentIds");
    server.clock.advance(HOUR);
    const t1 = server.clock.now();
    const consult = await server.gql(
      ESCALATE,
      { input: { ticketId: ticket.id, toStage: "CONSULTATION", reason: "需多部门", departmentIds: [await departmentId(server, "ECOLOGY_ENVIRONMENT")] } },
      team.owner.token,
    );
    expect(consult.data.escalateTicket).toMatchObject({
      stage: "CONSULTATION",
      departments: [{ code: "ECOLOGY_ENVIRONMENT" }],
      ackDueAt: new Date(t1.getTime() + 8 * HOUR).toISOString(),
      resolveDueAt: new Date(t1.getTime() + 168 * HOUR).toISOString(),
    });
    expect(codeOf(await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "GUIDANCE", reason: "x" } }, team.owner.token))).toBe("INVALID_TRANSITION");
    await server.gql(ACK, { input: { ticketId: ticket.id } }, team.manager.token);
    server.clock.advance(HOUR);
    const t2 = server.clock.now();
    const emergency = await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "EMERGENCY", reason: "停工待水电" } }, team.member.token);
    expect(emergency.data.escalateTicket).toMatchObject({
      stage: "EMERGENCY",
      status: "ACKNOWLEDGED",
      ackDueAt: new Date(t1.getTime() + 8 * HOUR).toISOString(), // already acknowledged: unchanged
      resolveDueAt: new Date(t2.getTime() + 72 * HOUR).toISOString(),
    });
    expect(t0.getTime()).toBeLessThan(t2.getTime());
    const read = await server.gql(TICKET, { id: ticket.id }, admin);
    expect(read.data.ticket.timeline.edges.filter((e: any) => e.node.type === "ESCALATED").map((e: any) => [e.node.fromStage, e.node.toStage, e.node.body])).toEqual([
      ["PRE_DIAGNOSIS", "CONSULTATION", "需多部门"],
      ["CONSULTATION", "EMERGENCY", "停工待水电"],
    ]);
  });
});

describe("concurrency", () => {
  test("two acknowledgements at once: one wins, the other answers INVALID_TRANSITION; concurrent comments get distinct positions", async () => {
    const ticket = await open("GUIDANCE");
    const [x, y] = await Promise.all([
      server.gql(ACK, { input: { ticketId: ticket.id } }, team.manager.token),
      server.gql(ACK, { input: { ticketId: ticket.id } }, admin),
    ]);
    expect([x, y].filter((r) => !r.errors)).toHaveLength(1);
    expect([x, y].filter((r) => r.errors).map(codeOf)).toEqual(["INVALID_TRANSITION"]);
    const comments = await Promise.all(Array.from({ length: 6 }, (_, i) => server.gql(COMMENT, { input: { ticketId: ticket.id, body: `第${i}条` } }, i % 2 ? team.member.token : team.owner.token)));
    for (const r of comments) expect(r.errors).toBeUndefined();
    const rows = await server.app.services.dataSource.getRepository(TicketEvent).find({ where: { ticketId: ticket.id }, order: { seq: "ASC" } });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.filter((r) => r.type === "ACKNOWLEDGED")).toHaveLength(1);
  });
});

describe("visibility and lists", () => {
  test("an enterprise sees its own projects' tickets only; another's answer NOT_FOUND; cadres see what they manage or serve on", async () => {
    const mine = await open("GUIDANCE");
    const urgent = await open("EMERGENCY");
    const theirs = await server.gql(OPEN, { input: { projectId: other.project.id, stage: "GUIDANCE", title: "别家", description: "d" } }, other.owner.token);
    const theirsId = theirs.data.openServiceTicket.id;

    expect(codeOf(await server.gql(TICKET, { id: theirsId }, team.owner.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(TICKET, { id: theirsId }, team.manager.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(COMMENT, { input: { ticketId: theirsId, body: "x" } }, team.owner.token))).toBe("NOT_FOUND");
    expect((await server.gql(TICKET, { id: theirsId }, other.member.token)).data.ticket.id).toBe(theirsId);
    expect((await server.gql(TICKET, { id: mine.id }, admin)).data.ticket.id).toBe(mine.id);

    const ids = async (token: string, filter: Record<string, unknown> = {}) => {
      const r = await server.gql(TICKETS, { filter, first: 100 }, token);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data.serviceTickets.edges.map((e: any) => e.node.id) as string[];
    };
    const ownerSees = await ids(team.owner.token);
    expect(ownerSees).toContain(mine.id);
    expect(ownerSees).not.toContain(theirsId);
    expect(await ids(other.owner.token)).toEqual([theirsId]);
    expect(await ids(team.member.token)).toEqual(ownerSees);
    const outsider = await server.user("CADRE");
    expect(await ids(outsider.token)).toEqual([]);
    const all = await ids(admin);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirsId]));

    // Filters.
    expect(await ids(admin, { projectId: other.project.id })).toEqual([theirsId]);
    const emergency = await ids(admin, { stage: "EMERGENCY" });
    const storedEmergency = await server.app.services.dataSource.getRepository(ServiceTicket).findBy({ stage: "EMERGENCY" });
    expect(emergency).toContain(urgent.id);
    expect([...emergency].sort()).toEqual(storedEmergency.map((t) => t.id).sort());
    expect(await ids(admin, { status: "CLOSED", projectId: other.project.id })).toEqual([]);
    expect(await ids(admin, { assigneeId: other.manager.user.id })).toEqual([theirsId]);

    // Pages: keyset cursors, newest first.
    const page1 = await server.gql(TICKETS, { first: 2 }, team.owner.token);
    const page2 = await server.gql(TICKETS, { first: 2, after: page1.data.serviceTickets.pageInfo.endCursor }, team.owner.token);
    expect(page1.data.serviceTickets.totalCount).toBe(ownerSees.length);
    expect([...page1.data.serviceTickets.edges, ...page2.data.serviceTickets.edges].map((e: any) => e.node.id)).toEqual(ownerSees.slice(0, 4));
  });
});
