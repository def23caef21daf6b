import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { DeferredItem } from "../../src/modules/fast-track/deferred-item.entity";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import { reminderService } from "../../src/modules/reminders/reminder.service";
import { deferredItem, makeEnterprise, makeProject } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";
import { makeProjectWithTeam } from "../tickets/fixtures";
import { ACK, ESCALATE, OPEN, RESOLVE, START } from "../tickets/gql";
import { claim, publishTask, RELEASE, SUBMIT } from "../board/board-helpers";
import { teamOf } from "../instep/callers";
import { deactivate, noticesAbout, sorted } from "./causes-rows";

const HOUR = 3_600_000;
const NOTHING = { TICKET_SLA_WARNING: 0, TASK_DUE_SOON: 0, DEFERRED_ITEM_DUE_SOON: 0 };
let server: TestServer;
let admin: string;

beforeAll(async () => {
  // GUIDANCE: acknowledge within 10 h, resolve within 100 h; EMERGENCY resolves within 10 h
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 }, env: { SLA_GUIDANCE_ACK_HOURS: "10", SLA_GUIDANCE_RESOLVE_HOURS: "100", SLA_EMERGENCY_RESOLVE_HOURS: "10" } });
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

const run = () => reminderService.run(RequestContext.system(server.app.services));
/** Two runs at once, then a third: whatever is due is written once, and the third finds nothing. */
async function sweep() {
  const [a, b] = await Promise.all([run(), run()]);
  expect(await run()).toEqual(NOTHING);
  return { TICKET_SLA_WARNING: a.TICKET_SLA_WARNING + b.TICKET_SLA_WARNING, TASK_DUE_SOON: a.TASK_DUE_SOON + b.TASK_DUE_SOON, DEFERRED_ITEM_DUE_SOON: a.DEFERRED_ITEM_DUE_SOON + b.DEFERRED_ITEM_DUE_SOON };
}

async function openTicket(team: Awaited<ReturnType<typeof makeProjectWithTeam>>, input: Record<string, unknown> = {}) {
  const r = await server.gql(OPEN, { input: { projectId: team.project.id, stage: "GUIDANCE", title: "提醒", description: "d", ...input } }, team.owner.token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.openServiceTicket as { id: string; ackDueAt: string; resolveDueAt: string };
}
const warnings = (id: string) => noticesAbout(server, id, "TICKET_SLA_WARNING");

describe("TICKET_SLA_WARNING", () => {
  test("at 80 % of the acknowledge time of an OPEN ticket: its assignee, once; not a moment before, not once acknowledged, not after the deadline passed", async () => {
    await sweep(); // settle what earlier tests left due
    const team = await makeProjectWithTeam(server, admin);
    const ticket = await openTicket(team, { title: "受理提醒", assigneeId: team.member.user.id });
    const acknowledged = await openTicket(team, { title: "已受理" });
    const other = await openTicket(team, { title: "未受理" });
    await server.gql(ACK, { input: { ticketId: acknowledged.id } }, team.manager.token);
    server.clock.advance(8 * HOUR - 1);
    expect(await sweep()).toEqual(NOTHING);
    server.clock.advance(1); // 8 of 10 hours: exactly 80 %
    expect(await sweep()).toEqual({ ...NOTHING, TICKET_SLA_WARNING: 2 }); // this ticket and the other unacknowledged one
    expect(await warnings(ticket.id)).toEqual([
      {
        kind: "TICKET_SLA_WARNING", subjectType: "SERVICE_TICKET", projectId: team.project.id, urgent: false, dueAt: ticket.ackDueAt,
        params: { subject: "受理提醒", project: team.project.code, detail: "受理", detailEn: "acknowledge" },
        dedupeKey: `TICKET_SLA_WARNING:${ticket.id}:ACK:${ticket.ackDueAt}`, inboxes: [team.member.user.id], named: [team.member.user.id],
      },
    ]);
    expect((await warnings(other.id)).map((n) => n.inboxes)).toEqual([[team.manager.user.id]]);
    expect(await warnings(acknowledged.id)).toEqual([]);

    const late = await openTicket(team, { title: "过期未扫" });
    server.clock.advance(10 * HOUR); // past its deadline before any sweep saw it at 80 %
    await sweep();
    expect(await warnings(late.id)).toEqual([]);
    expect(await warnings(ticket.id)).toHaveLength(1);
  });

  test("at 80 % of the resolve time while unresolved; a RESOLVED ticket is not warned; an escalation that brings the deadline forward warns again", async () => {
    await sweep();
    const team = await makeProjectWithTeam(server, admin);
    const ticket = await openTicket(team, { title: "办结提醒" });
    const resolved = await openTicket(team, { title: "已解决" });
    for (const t of [ticket, resolved]) {
      expect((await server.gql(ACK, { input: { ticketId: t.id } }, team.manager.token)).errors).toBeUndefined();
      expect((await server.gql(START, { input: { ticketId: t.id } }, team.manager.token)).errors).toBeUndefined();
    }
    expect((await server.gql(RESOLVE, { input: { ticketId: resolved.id } }, team.manager.token)).errors).toBeUndefined();
    server.clock.advance(80 * HOUR - 1);
    await sweep();
    expect(await warnings(ticket.id)).toEqual([]);
    server.clock.advance(1);
    await sweep();
    expect((await warnings(ticket.id)).map((n) => [n.params.detail, n.params.detailEn, n.dueAt, n.inboxes])).toEqual([["办结", "resolve", ticket.resolveDueAt, [team.manager.user.id]]]);
    expect(await warnings(resolved.id)).toEqual([]);

    // EMERGENCY resolves within 10 h: the deadline comes forward to 90 h, already past its 80 % (72 h)
    server.clock.advance(1000);
    const escalated = await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "EMERGENCY", reason: "急" } }, team.owner.token);
    const moved = escalated.data.escalateTicket.resolveDueAt;
    expect(new Date(moved).getTime()).toBeLessThan(new Date(ticket.resolveDueAt).getTime());
    expect(await sweep()).toMatchObject({ TICKET_SLA_WARNING: 1 });
    expect((await warnings(ticket.id)).map((n) => n.dueAt)).toEqual([ticket.resolveDueAt, moved]);
  });

  test("an unassigned ticket's warning goes to the manager assigned since", async () => {
    await sweep();
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    const r = await server.gql(OPEN, { input: { projectId: project.id, stage: "GUIDANCE", title: "无人", description: "d" } }, owner.token);
    const { manager } = await teamOf(server, admin, project.id);
    server.clock.advance(8 * HOUR);
    await sweep();
    expect((await warnings(r.data.openServiceTicket.id)).map((n) => n.inboxes)).toEqual([[manager.user.id]]);
  });
});

describe("TASK_DUE_SOON", () => {
  test("a claimed task due within 24 hours (24 exactly counts): its claimant, once; a new claimant is told again; submitted or open tasks are not", async () => {
    await sweep();
    const first = await server.user("CADRE");
    const second = await server.user("CADRE");
    const other = await server.user("CADRE");
    const due = new Date(server.clock.now().getTime() + 48 * HOUR).toISOString();
    const task = await publishTask(server, admin, { title: "招商对接", dueAt: due });
    const submitted = await publishTask(server, admin, { dueAt: due });
    const open = await publishTask(server, admin, { dueAt: due });
    await claim(server, first.token, task.id);
    await claim(server, other.token, submitted.id);
    await server.gql(SUBMIT, { input: { taskId: submitted.id } }, other.token);
    server.clock.advance(24 * HOUR - 1);
    expect(await sweep()).toEqual(NOTHING);
    server.clock.advance(1);
    expect(await sweep()).toEqual({ ...NOTHING, TASK_DUE_SOON: 1 });
    expect(await noticesAbout(server, task.id)).toEqual([
      {
        kind: "TASK_DUE_SOON", subjectType: "BOARD_TASK", projectId: null, urgent: false, dueAt: due, params: { subject: "招商对接" },
        dedupeKey: `TASK_DUE_SOON:${task.id}:${first.user.id}:${due}`, inboxes: [first.user.id], named: [first.user.id],
      },
    ]);
    for (const t of [submitted, open]) expect(await noticesAbout(server, t.id, "TASK_DUE_SOON")).toEqual([]);

    server.clock.advance(1000);
    await server.gql(RELEASE, { input: { taskId: task.id, reason: "调岗" } }, first.token);
    await claim(server, second.token, task.id);
    expect(await sweep()).toMatchObject({ TASK_DUE_SOON: 1 });
    expect((await noticesAbout(server, task.id, "TASK_DUE_SOON")).map((n) => n.inboxes)).toEqual([[first.user.id], [second.user.id]]);
  });

  test("a task already past its due time is not reminded of", async () => {
    await sweep();
    const cadre = await server.user("CADRE");
    const task = await publishTask(server, admin, { dueAt: new Date(server.clock.now().getTime() + 30 * HOUR).toISOString() });
    await claim(server, cadre.token, task.id);
    server.clock.advance(30 * HOUR); // due this very moment: no longer "due soon"
    expect(await sweep()).toEqual(NOTHING);
    expect(await noticesAbout(server, task.id)).toEqual([]);
  });
});

describe("DEFERRED_ITEM_DUE_SOON", () => {
  test("a pending material due within 3 working days of the official calendar (清明 2026 off): the enterprise's active users and the manager, once", async () => {
    server.clock.set(new Date("2026-04-02T02:00:00.000Z")); // Thursday 10:00 in the district
    await sweep();
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    const gone = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    await deactivate(server, gone.user.id);
    const { manager } = await teamOf(server, admin, project.id); // and a team member, who is not told
    // Fri 04-03 is the 1st working day, Sat-Mon 04-04..06 are off, Tue 04-07 the 2nd, Wed 04-08 the 3rd
    const third = await deferredItem(server, project.id, "ENVIRONMENTAL_IMPACT", "2026-04-08");
    const fourth = await deferredItem(server, project.id, "FIRE_DESIGN_REVIEW", "2026-04-09");
    const today = await deferredItem(server, project.id, "DESIGN_PLAN_REVIEW", "2026-04-02");
    const yesterday = await deferredItem(server, project.id, "CONSTRUCTION_PERMIT", "2026-04-01");
    const supplied = await deferredItem(server, project.id, "ENERGY_REVIEW", "2026-04-03", "SUPPLIED");
    expect(await sweep()).toEqual({ ...NOTHING, DEFERRED_ITEM_DUE_SOON: 2 });
    expect(await noticesAbout(server, third.id)).toEqual([
      {
        kind: "DEFERRED_ITEM_DUE_SOON", subjectType: "DEFERRED_ITEM", projectId: project.id, urgent: false, dueAt: "2026-04-08T16:00:00.000Z",
        params: { subject: "环境影响评价", project: `${project.code} ${project.name}` }, dedupeKey: `DEFERRED_ITEM_DUE_SOON:${third.id}:2026-04-08`,
        inboxes: sorted(owner.user.id, manager.user.id), named: sorted(owner.user.id, manager.user.id),
      },
    ]);
    expect((await noticesAbout(server, today.id)).map((n) => n.kind)).toEqual(["DEFERRED_ITEM_DUE_SOON"]);
    for (const item of [fourth, yesterday, supplied]) expect(await noticesAbout(server, item.id)).toEqual([]);

    server.clock.set(new Date("2026-04-03T02:00:00.000Z")); // Friday: 04-09 is now the 3rd working day
    expect(await sweep()).toEqual({ ...NOTHING, DEFERRED_ITEM_DUE_SOON: 1 });
    expect(await noticesAbout(server, fourth.id)).toHaveLength(1);

    // a promise moved (a new date): reminded again, of the new date
    await server.app.services.dataSource.getRepository(DeferredItem).update({ id: third.id }, { promisedBy: "2026-04-09" });
    expect(await sweep()).toEqual({ ...NOTHING, DEFERRED_ITEM_DUE_SOON: 1 });
    expect((await noticesAbout(server, third.id)).map((n) => n.dueAt)).toEqual(["2026-04-08T16:00:00.000Z", "2026-04-09T16:00:00.000Z"]);
  });

  test("while the calendar does not know the days ahead (2027 not declared yet) nothing is reminded of; once ADMIN declares the year, it is", async () => {
    server.clock.set(new Date("2026-12-30T02:00:00.000Z")); // Wednesday: the 3rd working day ahead falls in 2027
    await sweep();
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    const tomorrow = await deferredItem(server, project.id, "ENVIRONMENTAL_IMPACT", "2026-12-31");
    expect(await sweep()).toEqual(NOTHING);
    expect(await noticesAbout(server, tomorrow.id)).toEqual([]);

    const declared = await server.gql(`mutation($input: DeclareCalendarYearInput!) { declareCalendarYear(input: $input) { year } }`, { input: { year: 2027, note: "国办发明电" } }, admin);
    expect(declared.errors).toBeUndefined();
    expect(await sweep()).toEqual({ ...NOTHING, DEFERRED_ITEM_DUE_SOON: 1 });
    expect((await noticesAbout(server, tomorrow.id)).map((n) => [n.kind, n.inboxes])).toEqual([["DEFERRED_ITEM_DUE_SOON", [owner.user.id]]]);
  });
});

describe("a cause that stops being due while a run is under way", () => {
  /** A run whose first cause transaction is preceded by `meanwhile` (another user's change, committed between the run's read and its write). */
  function runWith(meanwhile: () => Promise<unknown>) {
    const ctx = RequestContext.system(server.app.services);
    const transaction = ctx.transaction.bind(ctx);
    let done = false;
    ctx.transaction = (async (work: Parameters<typeof transaction>[0]) => {
      if (!done) {
        done = true;
        await meanwhile();
      }
      return transaction(work);
    }) as typeof ctx.transaction;
    return reminderService.run(ctx);
  }

  test("a ticket acknowledged after the run read it is not warned of its acknowledge deadline", async () => {
    await sweep();
    const team = await makeProjectWithTeam(server, admin);
    const ticket = await openTicket(team, { title: "刚受理" });
    server.clock.advance(8 * HOUR);
    const now = server.clock.now();
    expect(await runWith(() => server.app.services.dataSource.getRepository(ServiceTicket).update({ id: ticket.id }, { status: "ACKNOWLEDGED", acknowledgedAt: now }))).toEqual(NOTHING);
    expect(await warnings(ticket.id)).toEqual([]);
  });

  test("a task that changed hands after the run read it is reminded to its new claimant only", async () => {
    await sweep();
    const [before, after] = [await server.user("CADRE"), await server.user("CADRE")];
    const task = await publishTask(server, admin, { dueAt: new Date(server.clock.now().getTime() + 10 * HOUR).toISOString() });
    await claim(server, before.token, task.id);
    expect(await runWith(() => server.app.services.dataSource.getRepository(BoardTask).update({ id: task.id }, { claimantId: after.user.id }))).toEqual(NOTHING);
    expect(await sweep()).toMatchObject({ TASK_DUE_SOON: 1 });
    expect((await noticesAbout(server, task.id, "TASK_DUE_SOON")).map((n) => n.inboxes)).toEqual([[after.user.id]]);
  });
});
