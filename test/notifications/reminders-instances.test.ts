import { afterAll, beforeAll, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { insertRows } from "../../src/core/base.entity";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { Notification, OutboxEvent } from "../../src/modules/notifications/notification.entity";
import { reminderService, type ReminderReport } from "../../src/modules/reminders/reminder.service";
import { sweepService } from "../../src/modules/supervision/sweep.service";
import { deferredItem, makeEnterprise, makeProject } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";
import { teamOf } from "../instep/callers";
import { makeProjectWithTeam } from "../tickets/fixtures";
import { OPEN } from "../tickets/gql";

// Two instances sharing one database and nothing in process. On MariaDB their sweeps run at the
// same moment; on SQLite both instances' connections live in this one process and better-sqlite3
// blocks the thread while it waits for the file lock, so there they run one after the other.
const HOUR = 3_600_000;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  first = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  second = await startTestServer({ share: first, config: { slaCheckIntervalMs: 0 } });
});
afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

const at = (when: Date) => {
  first.clock.set(when);
  second.clock.set(when);
};
const remind = (server: TestServer) => () => reminderService.run(RequestContext.system(server.app.services));
const deadlineSweep = (server: TestServer) => () => sweepService.run(RequestContext.system(server.app.services));
async function together<T>(...runs: Array<() => Promise<T>>): Promise<T[]> {
  if (first.databaseUrl) return Promise.all(runs.map((r) => r()));
  const results: T[] = [];
  for (const r of runs) results.push(await r());
  return results;
}
const total = (reports: ReminderReport[]) =>
  reports.reduce((sum, r) => ({ TICKET_SLA_WARNING: sum.TICKET_SLA_WARNING + r.TICKET_SLA_WARNING, TASK_DUE_SOON: sum.TASK_DUE_SOON + r.TASK_DUE_SOON, DEFERRED_ITEM_DUE_SOON: sum.DEFERRED_ITEM_DUE_SOON + r.DEFERRED_ITEM_DUE_SOON }));

test("reminders swept by two instances at the same moment (and twice on one) are written once per cause and once per recipient, more than a page of them", async () => {
  at(new Date("2026-04-02T02:00:00.000Z")); // Thursday in the district
  const { dataSource } = first.app.services;
  const admin = await first.user("ADMIN");
  const cadres = await Promise.all([first.user("CADRE"), first.user("CADRE"), first.user("CADRE")]);

  // 205 claimed tasks due within 24 hours: more than one page (200) of them
  const now = first.clock.now();
  const sweepAt = new Date(now.getTime() + Math.round(19.2 * HOUR)); // 80 % of GUIDANCE's 24 h to acknowledge
  const tasks = Array.from({ length: 205 }, (_, i) =>
    dataSource.getRepository(BoardTask).create({
      title: `任务 ${i}`, description: "d", category: "KEY_WORK", projectId: null, publishedById: admin.user.id, publishedAt: now,
      dueAt: new Date(sweepAt.getTime() + HOUR + (i % 7) * 60_000), status: "CLAIMED", claimantId: cadres[i % 3].user.id, pledge: "按期",
      claimedAt: now, firstClaimedAt: now, submittedAt: null, verifiedAt: null, verifiedById: null, verificationComment: null, withdrawnAt: null, revision: 1,
    }),
  );
  for (let i = 0; i < tasks.length; i += 50) await insertRows(dataSource.getRepository(BoardTask), tasks.slice(i, i + 50)); // ids kept in place

  // 4 tickets reaching 80 % of their acknowledge time (GUIDANCE: 24 h) at once
  const team = await makeProjectWithTeam(first, admin.token);
  const tickets: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await first.gql(OPEN, { input: { projectId: team.project.id, stage: "GUIDANCE", title: `工单 ${i}`, description: "d" } }, team.owner.token);
    expect(r.errors).toBeUndefined();
    tickets.push(r.data.openServiceTicket.id);
  }

  // 2 materials due within 3 working days, for two enterprise users and the manager; 1 overdue for the deadline sweep
  const enterprise = await makeEnterprise(first);
  const project = await makeProject(first, enterprise.id);
  const owners = [await first.user("ENTERPRISE", { enterpriseId: enterprise.id }), await first.user("ENTERPRISE", { enterpriseId: enterprise.id })];
  const { manager } = await teamOf(first, admin.token, project.id);
  const materials = [await deferredItem(first, project.id, "ENVIRONMENTAL_IMPACT", "2026-04-08"), await deferredItem(first, project.id, "FIRE_DESIGN_REVIEW", "2026-04-03")];
  const overdue = await deferredItem(first, project.id, "DESIGN_PLAN_REVIEW", "2026-04-01");

  at(sweepAt); // 05:12 on Friday 04-03 in the district: 04-03 and 04-08 are within 3 working days, 04-01 is overdue
  const reports = await together(remind(first), remind(second), remind(first));
  expect(total(reports)).toEqual({ TICKET_SLA_WARNING: 4, TASK_DUE_SOON: 205, DEFERRED_ITEM_DUE_SOON: 2 });
  expect((await together(remind(first), remind(second))).map((r) => total([r]))).toEqual([
    { TICKET_SLA_WARNING: 0, TASK_DUE_SOON: 0, DEFERRED_ITEM_DUE_SOON: 0 },
    { TICKET_SLA_WARNING: 0, TASK_DUE_SOON: 0, DEFERRED_ITEM_DUE_SOON: 0 },
  ]);
  const sweeps = await together(deadlineSweep(first), deadlineSweep(second));
  expect(sweeps.reduce((n, s) => n + s.overdueDeferredItems, 0)).toBe(1);

  // one event per cause, one inbox row per recipient and cause: exactly these, each once
  const events = await dataSource.getRepository(OutboxEvent).find();
  const reminded = (kind: string) => events.filter((e) => e.kind === kind).map((e) => e.subjectId).sort();
  expect(reminded("TICKET_SLA_WARNING")).toEqual([...tickets].sort());
  expect(reminded("TASK_DUE_SOON")).toEqual(tasks.map((t) => t.id).sort());
  expect(reminded("DEFERRED_ITEM_DUE_SOON")).toEqual(materials.map((m) => m.id).sort());
  expect(reminded("DEFERRED_ITEM_OVERDUE")).toEqual([overdue.id]);
  const kinds = ["TICKET_SLA_WARNING", "TASK_DUE_SOON", "DEFERRED_ITEM_DUE_SOON"];
  const rows = await dataSource.getRepository(Notification).find({ relations: { event: true } });
  const pairs = rows.filter((r) => kinds.includes(r.event!.kind)).map((r) => `${r.event!.kind} ${r.event!.subjectId} ${r.recipientId}`).sort();
  // tickets: the manager each; tasks: the claimant each; materials: the two enterprise users and the manager each
  const materialPeople = [...owners.map((o) => o.user.id), manager.user.id];
  expect(pairs).toEqual([
    ...tickets.map((id) => `TICKET_SLA_WARNING ${id} ${team.manager.user.id}`),
    ...tasks.map((t) => `TASK_DUE_SOON ${t.id} ${t.claimantId}`),
    ...materials.flatMap((m) => materialPeople.map((userId) => `DEFERRED_ITEM_DUE_SOON ${m.id} ${userId}`)),
  ].sort());
});
