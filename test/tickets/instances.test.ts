import crypto from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { checkSla } from "../../src/modules/tickets/sla.service";
import { TicketEvent } from "../../src/modules/tickets/ticket-event.entity";
import { startTestServer, subscribe, type TestServer } from "../support/server";
import { makeProjectWithTeam, nextReal, realEvents, warmUp } from "./fixtures";
import { COMMENT, OPEN, URGENT } from "./gql";

// Two instances sharing one database (MariaDB schema or SQLite file) and one Redis; a channel
// prefix of their own keeps other test files' events apart.
const redisUrl = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
const redisChannelPrefix = `test-${crypto.randomBytes(4).toString("hex")}:`;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  first = await startTestServer({ config: { redisUrl, redisChannelPrefix, slaCheckIntervalMs: 0 } });
  second = await startTestServer({ share: first, config: { redisUrl, redisChannelPrefix, slaCheckIntervalMs: 0 } });
});
afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

test("an EMERGENCY ticket opened through instance A reaches a subscriber connected to instance B (through Redis)", async () => {
  const admin = (await first.user("ADMIN")).token;
  const team = await makeProjectWithTeam(first, admin);
  const other = await makeProjectWithTeam(first, admin);
  const open = async (server: TestServer, t: typeof team, title: string) => {
    const r = await server.gql(OPEN, { input: { projectId: t.project.id, stage: "EMERGENCY", title, description: "d" } }, t.owner.token);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return { id: r.data.openServiceTicket.id as string, projectId: t.project.id, enterpriseId: t.enterprise.id };
  };
  const seed = await open(first, team, "预热");
  const seedOther = await open(first, other, "预热");

  // Subscribers on B: the project's enterprise and manager, and another enterprise (which must get nothing of it).
  const onB = subscribe(second.ws(team.owner.token), URGENT);
  const managerOnB = subscribe(second.ws(team.manager.token), URGENT);
  const otherOnB = subscribe(second.ws(other.owner.token), URGENT);
  // A subscriber on A, for the reverse direction.
  const onA = subscribe(first.ws(team.owner.token), URGENT);
  await warmUp(first, [
    { sub: onB, ticket: seed },
    { sub: managerOnB, ticket: seed },
    { sub: otherOnB, ticket: seedOther },
    { sub: onA, ticket: seed },
  ]);

  const ticket = await open(first, team, "聚芯源二期: 三天内通水通电");
  const [event] = await nextReal(onB, 1);
  expect(event.urgentRequests).toMatchObject({ type: "CREATED", projectId: team.project.id, actor: { id: team.owner.user.id }, ticket: { id: ticket.id, stage: "EMERGENCY" } });
  expect((await nextReal(managerOnB, 1))[0].urgentRequests.ticket.id).toBe(ticket.id);

  // B -> A as well: a comment made through B reaches the subscriber on A.
  const comment = await second.gql(COMMENT, { input: { ticketId: ticket.id, body: "供电局已排期" } }, team.manager.token);
  expect(comment.errors).toBeUndefined();
  const onAEvents = await nextReal(onA, 2);
  expect(onAEvents.map((e) => [e.urgentRequests.type, e.urgentRequests.ticket.id])).toEqual([
    ["CREATED", ticket.id],
    ["COMMENTED", ticket.id],
  ]);

  // Both instances run the SLA check: the breach is stamped and announced once. On MariaDB they
  // run at once. On SQLite both instances' connections live in this one process and better-sqlite3
  // blocks the thread while waiting for the file lock, so two overlapping writers here would wait on
  // each other until busy_timeout: there they run one after the other (separate processes, as in a
  // real deployment, would simply wait their turn).
  first.clock.set(new Date(first.clock.now().getTime() + 3 * 3_600_000));
  second.clock.set(first.clock.now());
  const checkA = () => checkSla(RequestContext.system(first.app.services));
  const checkB = () => checkSla(RequestContext.system(second.app.services));
  const results = first.databaseUrl ? await Promise.all([checkA(), checkB()]) : [await checkA(), await checkB()];
  expect(results.reduce((n, r) => n + r.ackBreaches, 0)).toBe(3); // one per open EMERGENCY ticket (two warm-up ones and this)
  const dataSource = first.app.services.dataSource;
  expect(await dataSource.getRepository(TicketEvent).countBy({ ticketId: ticket.id, type: "ACK_SLA_BREACHED" })).toBe(1);
  await second.gql(COMMENT, { input: { ticketId: ticket.id, body: "哨兵" } }, team.manager.token);
  const mine = () => realEvents(onB).filter((e) => e.urgentRequests.ticket.id === ticket.id).map((e) => e.urgentRequests.type);
  await onB.until(() => mine().filter((t) => t === "COMMENTED").length >= 2, 10_000);
  expect(mine()).toEqual(["CREATED", "COMMENTED", "SLA_BREACHED", "COMMENTED"]);

  // The other enterprise saw none of it: only its own tickets' events (its warm-up ticket's breach, then this).
  const own = await open(second, other, "自家急诊");
  await otherOnB.until(() => realEvents(otherOnB).some((e) => e.urgentRequests.ticket.id === own.id), 10_000);
  expect(realEvents(otherOnB).map((e) => [e.urgentRequests.type, e.urgentRequests.ticket.id])).toEqual([
    ["SLA_BREACHED", seedOther.id],
    ["CREATED", own.id],
  ]);
});
