import { afterAll, beforeAll, expect, test } from "vitest";
import { openOtherConnection } from "../support/other-connection";
import { startTestServer, subscribe, type TestServer } from "../support/server";
import { makeProjectWithTeam, nextReal, realEvents, WARM_UP_AT, warmUp } from "./fixtures";
import { ACK, COMMENT, ESCALATE, OPEN, REASSIGN, URGENT } from "./gql";

let server: TestServer;
let admin: string;
let a: Awaited<ReturnType<typeof makeProjectWithTeam>>;
let b: Awaited<ReturnType<typeof makeProjectWithTeam>>;

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = (await server.user("ADMIN")).token;
  a = await makeProjectWithTeam(server, admin);
  b = await makeProjectWithTeam(server, admin);
});
afterAll(() => server?.stop());

async function openTicket(team: typeof a, stage: string, title: string) {
  const r = await server.gql(OPEN, { input: { projectId: team.project.id, stage, title, description: "d" } }, team.owner.token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return { ...r.data.openServiceTicket, projectId: team.project.id, enterpriseId: team.enterprise.id };
}

test("urgent requests reach only subscribers who may see the ticket, after commit, for EMERGENCY tickets", async () => {
  const seedA = await openTicket(a, "EMERGENCY", "预热A");
  const seedB = await openTicket(b, "EMERGENCY", "预热B");
  const subs = {
    admin: subscribe(server.ws(admin), URGENT),
    entA: subscribe(server.ws(a.owner.token), URGENT),
    entB: subscribe(server.ws(b.owner.token), URGENT),
    managerA: subscribe(server.ws(a.manager.token), URGENT),
    memberB: subscribe(server.ws(b.member.token), URGENT), // a cadre serving on B only
    adminOnlyB: subscribe(server.ws(admin), URGENT, { projectId: b.project.id }),
  };
  await warmUp(server, [
    { sub: subs.admin, ticket: seedA },
    { sub: subs.entA, ticket: seedA },
    { sub: subs.entB, ticket: seedB },
    { sub: subs.managerA, ticket: seedA },
    { sub: subs.memberB, ticket: seedB },
    { sub: subs.adminOnlyB, ticket: seedB },
  ]);

  // On A: an EMERGENCY ticket, a GUIDANCE one (not urgent), its escalation into EMERGENCY, work on it.
  const urgent = await openTicket(a, "EMERGENCY", "三天内通水通电");
  const guidance = await openTicket(a, "GUIDANCE", "导诊");
  expect((await server.gql(ACK, { input: { ticketId: urgent.id } }, a.owner.token)).errors![0].extensions!.code).toBe("FORBIDDEN"); // rolled back: no event
  await server.gql(ESCALATE, { input: { ticketId: guidance.id, toStage: "EMERGENCY", reason: "停工待电" } }, a.owner.token);
  await server.gql(ACK, { input: { ticketId: urgent.id } }, a.manager.token);
  await server.gql(COMMENT, { input: { ticketId: urgent.id, body: "供电局已到场" } }, a.member.token);
  await server.gql(REASSIGN, { input: { ticketId: urgent.id, assigneeId: a.member.user.id } }, a.manager.token);
  // On B: one EMERGENCY ticket, the sentinel for B's subscribers.
  const onB = await openTicket(b, "EMERGENCY", "B急诊");

  const expectedA = [
    ["CREATED", urgent.id, a.owner.user.id],
    ["ESCALATED", guidance.id, a.owner.user.id],
    ["STATUS_CHANGED", urgent.id, a.manager.user.id],
    ["COMMENTED", urgent.id, a.member.user.id],
    ["REASSIGNED", urgent.id, a.manager.user.id],
  ];
  const summary = (events: any[]) => events.map((e) => [e.urgentRequests.type, e.urgentRequests.ticket.id, e.urgentRequests.actor?.id]);
  expect(summary(await nextReal(subs.entA, 5))).toEqual(expectedA);
  expect(summary(await nextReal(subs.managerA, 5))).toEqual(expectedA);
  expect(summary(await nextReal(subs.admin, 6))).toEqual([...expectedA, ["CREATED", onB.id, b.owner.user.id]]);
  // B's enterprise and B's team member get B's ticket first: nothing of A ever reached them.
  expect(summary(await nextReal(subs.entB, 1))).toEqual([["CREATED", onB.id, b.owner.user.id]]);
  expect(summary(await nextReal(subs.memberB, 1))).toEqual([["CREATED", onB.id, b.owner.user.id]]);
  expect(summary(await nextReal(subs.adminOnlyB, 1))).toEqual([["CREATED", onB.id, b.owner.user.id]]);

  const first = (await nextReal(subs.entA, 1))[0].urgentRequests;
  expect(first).toMatchObject({ projectId: a.project.id, ticket: { stage: "EMERGENCY", title: "三天内通水通电" } });
  expect(first.at).toBe(server.clock.now().toISOString());

  // Nothing further arrives for A's subscribers after B's event either (a comment on B is the next sentinel).
  await server.gql(COMMENT, { input: { ticketId: onB.id, body: "收到" } }, b.manager.token);
  expect(summary(await nextReal(subs.memberB, 2))[1]).toEqual(["COMMENTED", onB.id, b.manager.user.id]);
  expect(realEvents(subs.entA)).toHaveLength(5);
  expect(subs.entB.errors).toEqual([]);
});

test("subscribing needs a signed-in user", async () => {
  const anonymous = subscribe(server.ws(), URGENT);
  await anonymous.next(1).catch(() => undefined);
  expect(JSON.stringify(anonymous.errors)).toContain("UNAUTHENTICATED");
});

test("following another enterprise's project answers NOT_FOUND at once, as on the board; one's own project is followed alone", async () => {
  const started = Date.now();
  const foreign = subscribe(server.ws(a.owner.token), URGENT, { projectId: b.project.id });
  await foreign.next(1, 3000);
  expect(JSON.stringify(foreign.errors)).toContain("NOT_FOUND");
  expect(Date.now() - started).toBeLessThan(1000);
  // their own project: B's ticket, opened first, does not reach this subscriber; A's does
  const seed = await openTicket(a, "EMERGENCY", "预热自家"); // opened before subscribing: only warm-up events follow it
  const own = subscribe(server.ws(a.owner.token), URGENT, { projectId: a.project.id });
  await warmUp(server, [{ sub: own, ticket: seed }]);
  await openTicket(b, "EMERGENCY", "他家急诊");
  const mine = await openTicket(a, "EMERGENCY", "自家急诊");
  const [first] = await nextReal(own, 1);
  expect(first.urgentRequests).toMatchObject({ type: "CREATED", projectId: a.project.id, ticket: { id: mine.id } });
  expect(own.errors).toEqual([]);
});

test("when a subscriber hears of an urgent request it is already committed: a read through another database connection at that moment sees the ticket as announced", async () => {
  const other = await openOtherConnection(server);
  // Each event's ticket row, read through the other connection the moment the event arrives.
  const readOnArrival: Array<Promise<{ type: string; ticketId: string; row: unknown }>> = [];
  const sub = subscribe(server.ws(a.manager.token), URGENT, { projectId: a.project.id }, (data: any) => {
    const { type, ticket, at } = data.urgentRequests;
    if (at === WARM_UP_AT) return;
    readOnArrival.push(other.query("SELECT status FROM service_ticket WHERE id = ?", [ticket.id]).then((found) => ({ type, ticketId: ticket.id, row: found[0] ?? null })));
  });
  try {
    const seed = await openTicket(a, "EMERGENCY", "预热");
    await warmUp(server, [{ sub, ticket: seed }]);
    const ticket = await openTicket(a, "EMERGENCY", "停电抢修");
    expect((await server.gql(ACK, { input: { ticketId: ticket.id } }, a.manager.token)).errors).toBeUndefined();
    await sub.until(() => realEvents(sub).filter((e: any) => e.urgentRequests.ticket.id === ticket.id).length >= 2, 10_000);
    const reads = (await Promise.all(readOnArrival)).filter((r) => r.ticketId === ticket.id);
    expect(reads).toEqual([
      // the acknowledgement may already be in when the first event arrives: the ticket is there either way
      { type: "CREATED", ticketId: ticket.id, row: { status: expect.stringMatching(/^(OPEN|ACKNOWLEDGED)$/) } },
      { type: "STATUS_CHANGED", ticketId: ticket.id, row: { status: "ACKNOWLEDGED" } },
    ]);
  } finally {
    sub.unsubscribe();
    await Promise.allSettled(readOnArrival);
    await other.close();
  }
});
