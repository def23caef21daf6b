import { In, type SelectQueryBuilder } from "typeorm";
import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
import { districtDate } from "../../core/dates";
import { paginate, type KeysetOrder } from "../../core/pagination";
import { BoardTask } from "../board/board-task.entity";
import { calendarService } from "../calendar/calendar.service";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { deferredItemCause } from "../fast-track/deferred-item.service";
import { OutboxEvent } from "../notifications/notification.entity";
import type { NotificationKind } from "../notifications/notification.kinds";
import { notify, type Cause } from "../notifications/notify";
import { Project } from "../projects/project.entity";
import { teamService } from "../teams/team.service";
import { ServiceTicket } from "../tickets/service-ticket.entity";
import { answerableFor, DEADLINE_WORDS, ticketParams, type TicketDeadline } from "../tickets/ticket-notices";
import { ACTIVE_STATUSES } from "../tickets/ticket.states";

/** Rows one query reads; a run reads page after page (keyset, as lists page) until none is left. */
const BATCH = 200;
const HOUR = 3_600_000;
/** TASK_DUE_SOON: a claimed task due within this long. */
export const TASK_DUE_SOON_HOURS = 24;
/** DEFERRED_ITEM_DUE_SOON: a pending material due within this many working days. */
export const DEFERRED_DUE_SOON_WORKING_DAYS = 3;
/** TICKET_SLA_WARNING: the share of a deadline's time (from opening) after which its cadre is warned. */
const SLA_WARNING_SHARE = { numerator: 4, denominator: 5 };

export type ReminderReport = Record<"TICKET_SLA_WARNING" | "TASK_DUE_SOON" | "DEFERRED_ITEM_DUE_SOON", number>;

/**
 * One kind of reminder: the query of what is due now (its conditions, in one place), the order a
 * run pages through it, the cause's key (naming the deadline, so a moved deadline reminds again)
 * and the cause itself.
 */
interface Reminder<T extends { id: string }> {
  kind: keyof ReminderReport & NotificationKind;
  /** What the query needs worked out once per run (the calendar's window). */
  prepare?(ctx: RequestContext, now: Date): Promise<unknown>;
  /** The rows due now. */
  due(ctx: RequestContext, now: Date, prepared: unknown): SelectQueryBuilder<T>;
  /** The order a run pages through them: one column, then the id. */
  order: KeysetOrder<T>;
  dedupeKey(row: T): string;
  cause(tx: RequestContext, row: T): Promise<Cause>;
}

/** A ticket deadline at 80 %: the time from opening to the deadline, four fifths gone, the deadline not yet passed. */
function slaWarning(deadline: TicketDeadline): Reminder<ServiceTicket> {
  const column = deadline === "ACK" ? "ackDueAt" : "resolveDueAt";
  const dbColumn = deadline === "ACK" ? "ack_due_at" : "resolve_due_at";
  const statuses = deadline === "ACK" ? ["OPEN"] : [...ACTIVE_STATUSES];
  return {
    kind: "TICKET_SLA_WARNING",
    order: { name: `reminder.${deadline}`, direction: "ASC", keys: [{ column: `ticket.${column}`, value: (t) => t[column], kind: "date" }], idColumn: "ticket.id" },
    due: (ctx, now) => {
      // elapsed * 5 >= span * 4, in whole units of each dialect (microseconds, milliseconds): exact on both
      const between = (from: string, to: string) =>
        ctx.app.dialect === "mariadb" ? `TIMESTAMPDIFF(MICROSECOND, ${from}, ${to})` : `CAST(ROUND((julianday(${to}) - julianday(${from})) * 86400000) AS INTEGER)`;
      const { numerator, denominator } = SLA_WARNING_SHARE;
      return ctx.repo(ServiceTicket).createQueryBuilder("ticket")
        .where("ticket.status IN (:...statuses)", { statuses })
        .andWhere(`ticket.${column} > :now`, { now: dbDate(now) })
        .andWhere(`${between("ticket.opened_at", ":now")} * ${denominator} >= ${between("ticket.opened_at", `ticket.${dbColumn}`)} * ${numerator}`);
    },
    dedupeKey: (t) => `TICKET_SLA_WARNING:${t.id}:${deadline}:${t[column].toISOString()}`,
    cause: async (tx, ticket) => {
      const managerId = await teamService.activeManagerId(tx, ticket.projectId);
      const project = await tx.repo(Project).findOneByOrFail({ id: ticket.projectId });
      return {
        kind: "TICKET_SLA_WARNING", subject: { type: "SERVICE_TICKET", id: ticket.id }, projectId: ticket.projectId, recipientIds: [answerableFor(ticket, managerId)],
        dueAt: ticket[column], params: { ...ticketParams(ticket, project), ...DEADLINE_WORDS[deadline] },
      };
    },
  };
}

/** A claimed task due within 24 hours, not yet past due: its claimant. */
const taskDueSoon: Reminder<BoardTask> = {
  kind: "TASK_DUE_SOON",
  order: { name: "reminder.task", direction: "ASC", keys: [{ column: "task.dueAt", value: (t) => t.dueAt, kind: "date" }], idColumn: "task.id" },
  due: (ctx, now) =>
    ctx.repo(BoardTask).createQueryBuilder("task")
      .where("task.status = 'CLAIMED' AND task.claimantId IS NOT NULL")
      .andWhere("task.dueAt > :now AND task.dueAt <= :soon", { now: dbDate(now), soon: dbDate(new Date(now.getTime() + TASK_DUE_SOON_HOURS * HOUR)) }),
  dedupeKey: (t) => `TASK_DUE_SOON:${t.id}:${t.claimantId}:${t.dueAt.toISOString()}`,
  cause: async (_tx, task) => ({
    kind: "TASK_DUE_SOON", subject: { type: "BOARD_TASK", id: task.id }, projectId: task.projectId, recipientIds: [task.claimantId], dueAt: task.dueAt, params: { subject: task.title },
  }),
};

/**
 * A pending material due within 3 working days of the official calendar (today counts as due:
 * it is overdue only from the next day): the enterprise's users and the project's manager. Where
 * the calendar does not know the days ahead yet, nothing is reminded of until it does.
 */
const deferredDueSoon: Reminder<DeferredItem> = {
  kind: "DEFERRED_ITEM_DUE_SOON",
  order: { name: "reminder.deferred", direction: "ASC", keys: [{ column: "deferred.promisedBy", value: (d) => d.promisedBy }], idColumn: "deferred.id" },
  prepare: async (ctx, now) => (await calendarService.snapshot(ctx)).addWorkingDaysIfKnown(districtDate(now), DEFERRED_DUE_SOON_WORKING_DAYS),
  due: (ctx, now, last) =>
    ctx.repo(DeferredItem).createQueryBuilder("deferred")
      .where("deferred.status = 'PENDING'")
      .andWhere(last ? "deferred.promisedBy >= :today AND deferred.promisedBy <= :last" : "1 = 0", { today: districtDate(now), last }),
  dedupeKey: (d) => `DEFERRED_ITEM_DUE_SOON:${d.id}:${d.promisedBy}`,
  cause: async (tx, item) => deferredItemCause(tx, item, await tx.repo(Project).findOneByOrFail({ id: item.projectId }), "DEFERRED_ITEM_DUE_SOON"),
};

const REMINDERS: ReadonlyArray<Reminder<any>> = [slaWarning("ACK"), slaWarning("RESOLVE"), taskDueSoon, deferredDueSoon];

/**
 * 提醒: the causes nobody's action makes, found by time (a ticket deadline at 80 %, a task due
 * within 24 hours, a deferred material due within 3 working days). Safe with several sweeps at
 * once (instances, or two runs on one): each cause is written in its own transaction under its
 * dedupeKey, unique in the outbox, so of sweeps finding it together one writes it and the others
 * write nothing; a run reads what is due in keyset pages of 200 and skips the keys already
 * written (one lookup per page), so a run finds nothing twice, and a cause whose deadline moved
 * has a new key and reminds again. Each cause is read again in its transaction: one that stopped
 * being due meanwhile (acknowledged, released, supplied) is not written.
 */
export class ReminderService {
  async run(ctx: RequestContext): Promise<ReminderReport> {
    const report: ReminderReport = { TICKET_SLA_WARNING: 0, TASK_DUE_SOON: 0, DEFERRED_ITEM_DUE_SOON: 0 };
    const now = ctx.clock.now();
    for (const reminder of REMINDERS) report[reminder.kind] += await this.sweep(ctx, reminder, now);
    return report;
  }

  private async sweep<T extends { id: string }>(ctx: RequestContext, reminder: Reminder<T>, now: Date): Promise<number> {
    let written = 0;
    let after: string | undefined;
    const prepared = await reminder.prepare?.(ctx, now);
    do {
      const page = await paginate(reminder.due(ctx, now, prepared), { first: BATCH, after }, reminder.order);
      const rows = page.edges.map((edge) => edge.node);
      if (!rows.length) break;
      const keys = rows.map((row) => reminder.dedupeKey(row));
      const done = new Set((await ctx.repo(OutboxEvent).find({ select: { dedupeKey: true }, where: { dedupeKey: In(keys) } })).map((e) => e.dedupeKey));
      for (const [i, row] of rows.entries()) {
        if (done.has(keys[i])) continue;
        const wrote = await ctx.transaction(async (tx) => {
          // still due as the cause is written (the ticket may have been acknowledged, the task released)
          const current = await reminder.due(tx, now, prepared).andWhere(`${reminder.order.idColumn} = :rowId`, { rowId: row.id }).getOne();
          if (!current || reminder.dedupeKey(current) !== keys[i]) return false;
          return notify(tx, { ...(await reminder.cause(tx, current)), dedupeKey: keys[i] });
        });
        if (wrote) written++;
      }
      after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
    } while (after);
    return written;
  }
}

export const reminderService = new ReminderService();
