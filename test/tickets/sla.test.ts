import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { RequestContext } from "../../src/core/context";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import { TicketEvent } from "../../src/modules/tickets/ticket-event.entity";
import { checkSla } from "../../src/modules/tickets/sla.service";
import { startTestServer, subscribe, type TestServer } from "../support/server";
import { makeProjectWithTeam, realEvents, warmUp } from "./fixtures";
import { ACK, COMMENT, OPEN, RESOLVE, START, TICKET, TICKETS, URGENT } from "./gql";

const HOUR = 3_600_000;
let server: TestServer;
let admin: string;
let team: Awaited<ReturnType<typeof makeProjectWithTeam>>;

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 }, env: { SLA_GUIDANCE_ACK_HOURS: "5", SLA_GUIDANCE_RESOLVE_HOURS: "50" } });
  admin = (await server.user("ADMIN")).token;
  team = await makeProjectWithTeam(server, admin);
});
afterAll(() => server?.stop());

async function open(stage: string, title = "工单") {
  const r = await server.gql(OPEN, { input: { projectId: team.project.id, stage, title, description: "d" } }, team.owner.token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return { ...r.data.openServiceTicket, projectId: team.project.id, enterpriseId: team.enterprise.id };
}

const checker = () => checkSla(RequestContext.system(server.app.services));
const entries = (ticketId: string, type: string) => server.app.services.dataSource.getRepository(TicketEvent).countBy({ ticketId, type: type as TicketEvent["type"] });

describe("SLA", () => {
  test("deadlines per stage come from the configuration (EMERGENCY: 2 h / 72 h by default; GUIDANCE set to 5 h / 50 h here)", async () => {
    const now = server.clock.now().getTime();
    const guidance = await open("GUIDANCE");
    expect(guidance.ackDueAt).toBe(new Date(now + 5 * HOUR).toISOString());
    expect(guidance.resolveDueAt).toBe(new Date(now + 50 * HOUR).toISOString());
    const emergency = await open("EMERGENCY");
    expect(emergency.ackDueAt).toBe(new Date(now + 2 * HOUR).toISOString());
    expect(emergency.resolveDueAt).toBe(new Date(now + 72 * HOUR).toISOString());
  });

  test("a breach is announced exactly once when two checkers run together", async () => {
    const seed = await open("EMERGENCY", "预热");
    const sub = subscribe(server.ws(team.manager.token), URGENT);
    await warmUp(server, [{ sub, ticket: seed }]);
    await checker(); // settle older tickets of this file

    const ticket = await open("EMERGENCY", "工地临时用电");
    server.clock.advance(2 * HOUR - 1);
    expect(await checker()).toMatchObject({ ackBreaches: 0 });
    expect((await server.gql(TICKET, { id: ticket.id }, admin)).data.ticket.ackBreached).toBe(false);

    server.clock.advance(2);
    const [one, two] = await Promise.all([checker(), checker()]);
    expect(one.ackBreaches + two.ackBreaches).toBeGreaterThanOrEqual(1);
    expect(await entries(ticket.id, "ACK_SLA_BREACHED")).toBe(1);
    const stored = await server.app.services.dataSource.getRepository(ServiceTicket).findOneByOrFail({ id: ticket.id });
    expect(stored.ackBreachedAt?.toISOString()).toBe(server.clock.now().toISOString());
    expect(await server.app.services.dataSource.getRepository(AuditEntry).countBy({ entityId: ticket.id, action: "ticket.ack_sla_breached" })).toBe(1);
    expect((await Promise.all([checker(), checker()])).map((r) => r.ackBreaches)).toEqual([0, 0]);

    // Resolve deadline: acknowledged and started, still unresolved after 72 h.
    await server.gql(ACK, { input: { ticketId: ticket.id } }, team.manager.token);
    await server.gql(START, { input: { ticketId: ticket.id } }, team.manager.token);
    server.clock.advance(70 * HOUR + 1);
    const [three, four] = await Promise.all([checker(), checker()]);
    expect(three.resolveBreaches + four.resolveBreaches).toBeGreaterThanOrEqual(1);
    expect(await entries(ticket.id, "RESOLVE_SLA_BREACHED")).toBe(1);

    // The subscriber got each breach once: created, ack breach, acknowledged, started, resolve breach, then the sentinel comment.
    await server.gql(COMMENT, { input: { ticketId: ticket.id, body: "哨兵" } }, team.manager.token);
    await sub.until(() => realEvents(sub).some((e: any) => e.urgentRequests.type === "COMMENTED" && e.urgentRequests.ticket.id === ticket.id), 10_000);
    // Other EMERGENCY tickets of this file breach too; this ticket's events are the ones to count.
    const events = realEvents(sub)
      .filter((e: any) => e.urgentRequests.ticket.id === ticket.id)
      .map((e: any) => [true, e.urgentRequests.type, e.urgentRequests.actor?.id ?? null]);
    expect(events).toEqual([
      [true, "CREATED", team.owner.user.id],
      [true, "SLA_BREACHED", null],
      [true, "STATUS_CHANGED", team.manager.user.id],
      [true, "STATUS_CHANGED", team.manager.user.id],
      [true, "SLA_BREACHED", null],
      [true, "COMMENTED", team.manager.user.id],
    ]);
    const timeline = (await server.gql(TICKET, { id: ticket.id }, admin)).data.ticket;
    expect(timeline).toMatchObject({ ackBreached: true, resolveBreached: true });
  });

  test("a RESOLVED ticket closes itself after TICKET_AUTO_CLOSE_HOURS (72 by default), once", async () => {
    const ticket = await open("GUIDANCE", "自动办结");
    for (const doc of [ACK, START, RESOLVE]) await server.gql(doc, { input: { ticketId: ticket.id } }, team.manager.token);
    server.clock.advance(72 * HOUR - 1);
    await Promise.all([checker(), checker()]);
    expect((await server.gql(TICKET, { id: ticket.id }, admin)).data.ticket.status).toBe("RESOLVED");
    server.clock.advance(2);
    const results = await Promise.all([checker(), checker()]);
    expect(results.reduce((n, r) => n + r.autoClosed, 0)).toBeGreaterThanOrEqual(1);
    const read = (await server.gql(TICKET, { id: ticket.id }, admin)).data.ticket;
    expect(read).toMatchObject({ status: "CLOSED", closedAt: server.clock.now().toISOString() });
    const last = read.timeline.edges.at(-1).node;
    expect(last).toMatchObject({ type: "AUTO_CLOSED", fromStatus: "RESOLVED", toStatus: "CLOSED", actor: null });
    expect(await entries(ticket.id, "AUTO_CLOSED")).toBe(1);
  });

  test("serviceTickets(filter: { breached }) tells missed deadlines apart", async () => {
    const late = await open("EMERGENCY", "超时");
    const fine = await open("PRE_DIAGNOSIS", "未超时");
    server.clock.advance(3 * HOUR); // past EMERGENCY's 2 h to acknowledge, within PRE_DIAGNOSIS's 24 h
    const ids = async (breached: boolean) =>
      (await server.gql(TICKETS, { filter: { breached, projectId: team.project.id }, first: 100 }, admin)).data.serviceTickets.edges.map((e: any) => e.node.id);
    expect(await ids(true)).toContain(late.id);
    expect(await ids(true)).not.toContain(fine.id);
    expect(await ids(false)).toContain(fine.id);
    expect(await ids(false)).not.toContain(late.id);
  });
});

test("the server runs the check by itself every SLA_CHECK_INTERVAL_MS", async () => {
  const own = await startTestServer({ config: { slaCheckIntervalMs: 20 } });
  try {
    const adminToken = (await own.user("ADMIN")).token;
    const t = await makeProjectWithTeam(own, adminToken);
    const r = await own.gql(OPEN, { input: { projectId: t.project.id, stage: "EMERGENCY", title: "x", description: "d" } }, t.owner.token);
    const id = r.data.openServiceTicket.id;
    own.clock.advance(3 * HOUR);
    const repo = own.app.services.dataSource.getRepository(ServiceTicket);
    await expect.poll(async () => (await repo.findOneByOrFail({ id })).ackBreachedAt, { timeout: 10_000, interval: 20, message: "the periodic checker stamps the breach" }).not.toBeNull();
    expect(await own.app.services.dataSource.getRepository(TicketEvent).countBy({ ticketId: id, type: "ACK_SLA_BREACHED" })).toBe(1);
  } finally {
    await own.stop();
  }
});
