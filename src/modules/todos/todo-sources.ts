import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { AuthUser } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { addDays, districtDate, endOfDistrictDay } from "../../core/dates";
import { dbDate } from "../../core/db";
import type { Locale } from "../../core/i18n/locale";
import { valueLabel } from "../../core/labels";
import { BoardTask } from "../board/board-task.entity";
import { calendarService, type CalendarSnapshot } from "../calendar/calendar.service";
import { CommitmentLetter } from "../commitments/commitment.entity";
import { enterpriseScope } from "../enterprises/enterprise-access";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { Application } from "../intake/application.entity";
import type { Project } from "../projects/project.entity";
import { approvalDueOn } from "../supervision/breaker-facts";
import { InspectionFinding, JointInspection } from "../supervision/supervision.entity";
import { scopeTickets } from "../tickets/ticket-access";
import { ServiceTicket } from "../tickets/service-ticket.entity";
import { kindRank, type TodoKind } from "./todo.kinds";
import type { TodoSubjectValue } from "./todo.types";

/** Where a page starts: after this to-do in the list's order. */
export interface TodoCursor {
  dueAt: Date | null;
  kind: TodoKind;
  subjectId: string;
}

/** One to-do before it becomes a Todo: the record, its deadline and what it says. */
export interface TodoCandidate extends TodoCursor {
  overdue: boolean;
  title: string;
  project: Project | null;
  subject: TodoSubjectValue;
}

export interface TodoCounts {
  count: number;
  overdue: number;
}

/** One kind of to-do: which callers can have it, a page of them after a cursor, and their count. */
export interface TodoSource {
  kind: TodoKind;
  /** Whether this caller can have to-dos of the kind at all; no statement runs for one who cannot. */
  holds(user: AuthUser): boolean;
  /** Up to `limit` to-dos after the cursor, in the list's order: one statement. */
  page(ctx: RequestContext, user: AuthUser, cursor: TodoCursor | null, limit: number): Promise<TodoCandidate[]>;
  /** How many wait on the caller, and how many of them are overdue: one statement. */
  count(ctx: RequestContext, user: AuthUser): Promise<TodoCounts>;
}

/**
 * The list's order: due time ascending, none last; then TODO_KINDS order; then the record's id.
 * Each source's SQL sorts by its due column and id, which is this order within one kind.
 */
export function compareTodos(a: TodoCursor, b: TodoCursor): number {
  if (a.dueAt && b.dueAt && a.dueAt.getTime() !== b.dueAt.getTime()) return a.dueAt.getTime() - b.dueAt.getTime();
  if (!a.dueAt !== !b.dueAt) return a.dueAt ? -1 : 1;
  if (a.kind !== b.kind) return kindRank(a.kind) - kindRank(b.kind);
  return a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0;
}

/**
 * Overdue: the due time has passed. A record its module marks OVERDUE (a deferred material, a
 * finding) is marked only once its day has passed, so it is overdue here too.
 */
const isOverdue = (ctx: RequestContext, dueAt: Date | null) => dueAt !== null && dueAt.getTime() < ctx.clock.now().getTime();

/** A source's deadline column: a row's due time, and SQL comparing the column with a cursor's instant and with now. */
interface Due<T> {
  column: string;
  of(ctx: RequestContext, row: T): Date;
  /** SQL for "due after the instant" and "due exactly at it" ("1 = 0" where no value of the column can be). */
  compare(ctx: RequestContext, at: Date): { after: string; equal: string; params: Record<string, unknown> };
  /** SQL for "the due time has passed", as isOverdue. */
  overdue(ctx: RequestContext): { sql: string; params: Record<string, unknown> };
}

/** An instant column, due `offsetMs` after it (0 unless the configuration sets it). */
function instantDue<T>(column: string, value: (row: T) => Date, offsetMs: (ctx: RequestContext) => number = () => 0): Due<T> {
  const columnValue = (ctx: RequestContext, at: Date) => dbDate(new Date(at.getTime() - offsetMs(ctx)));
  return {
    column,
    of: (ctx, row) => new Date(value(row).getTime() + offsetMs(ctx)),
    compare: (ctx, at) => ({ after: `${column} > :todoAfterDue`, equal: `${column} = :todoAfterDue`, params: { todoAfterDue: columnValue(ctx, at) } }),
    overdue: (ctx) => ({ sql: `${column} < :todoNow`, params: { todoNow: columnValue(ctx, ctx.clock.now()) } }),
  };
}

/** A date-only column ('YYYY-MM-DD'): due when its day ends in the district. */
function dayDue<T>(column: string, value: (row: T) => string): Due<T> {
  return {
    column,
    of: (_ctx, row) => endOfDistrictDay(value(row)),
    compare(_ctx, at) {
      // a day's deadline is the start of the next district day: later than `at` from at's own district day on
      const day = districtDate(at);
      const previous = addDays(day, -1);
      const onBoundary = endOfDistrictDay(previous).getTime() === at.getTime();
      return { after: `${column} >= :todoAfterDay`, equal: onBoundary ? `${column} = :todoAfterPrevious` : "1 = 0", params: { todoAfterDay: day, todoAfterPrevious: previous } };
    },
    // its day has passed: the district day after it began
    overdue: (ctx) => ({ sql: `${column} < :todoToday`, params: { todoToday: districtDate(ctx.clock.now()) } }),
  };
}

/** What every source says of its records. */
interface Described<T> {
  kind: TodoKind;
  holds(user: AuthUser): boolean;
  title(row: T, locale: Locale): string;
  project(row: T): Project | null | undefined;
}

/** Every source's query holds what the caller may see (an enterprise user: its own enterprise's records), projects included. */
const candidate = <T extends { id: string }>(ctx: RequestContext, spec: Described<T>, row: T, dueAt: Date | null): TodoCandidate => ({
  kind: spec.kind,
  subjectId: row.id,
  dueAt,
  overdue: isOverdue(ctx, dueAt),
  title: spec.title(row, ctx.locale),
  project: spec.project(row) ?? null,
  subject: row as unknown as TodoSubjectValue,
});

interface SqlSourceSpec<T extends ObjectLiteral & { id: string }> extends Described<T> {
  /** The records waiting on the caller, limited to what the caller may see; `alias` is the record's alias. */
  query(ctx: RequestContext, user: AuthUser): SelectQueryBuilder<T>;
  alias: string;
  due: Due<T> | null;
}

/** A source read by one keyset statement per page (due column, id) and one COUNT. */
function sqlSource<T extends ObjectLiteral & { id: string }>(spec: SqlSourceSpec<T>): TodoSource {
  const idColumn = `${spec.alias}.id`;
  return {
    kind: spec.kind,
    holds: spec.holds,
    async page(ctx, user, cursor, limit) {
      const query = spec.query(ctx, user);
      if (cursor && !afterCursor(ctx, query, spec, idColumn, cursor)) return [];
      if (spec.due) query.orderBy(spec.due.column, "ASC").addOrderBy(idColumn, "ASC");
      else query.orderBy(idColumn, "ASC");
      // limit, not take: the joins are to-one, so rows never multiply
      const rows = await query.limit(limit).getMany();
      return rows.map((row) => candidate(ctx, spec, row, spec.due ? spec.due.of(ctx, row) : null));
    },
    async count(ctx, user) {
      const overdue = spec.due?.overdue(ctx) ?? { sql: "1 = 0", params: {} };
      const row = await spec
        .query(ctx, user)
        .select("COUNT(*)", "count")
        .addSelect(`SUM(CASE WHEN ${overdue.sql} THEN 1 ELSE 0 END)`, "overdue")
        .setParameters(overdue.params)
        .getRawOne<{ count: string | number; overdue: string | number | null }>();
      return { count: Number(row?.count ?? 0), overdue: Number(row?.overdue ?? 0) };
    },
  };
}

/**
 * Narrows the query to the records after the cursor in the list's order; false when none of this
 * kind can come after it (a dated source past a cursor among the undated ones, or an earlier kind there).
 */
function afterCursor<T extends ObjectLiteral & { id: string }>(ctx: RequestContext, query: SelectQueryBuilder<T>, spec: SqlSourceSpec<T>, idColumn: string, cursor: TodoCursor): boolean {
  const order = kindRank(spec.kind) - kindRank(cursor.kind);
  const afterId = { todoAfterId: cursor.subjectId };
  if (cursor.dueAt === null) {
    // the cursor is among the to-dos without a due time, which come last
    if (spec.due !== null || order < 0) return false;
    if (order === 0) query.andWhere(`${idColumn} > :todoAfterId`, afterId);
    return true;
  }
  // to-dos without a due time come after every dated one
  if (spec.due === null) return true;
  const { after, equal, params } = spec.due.compare(ctx, cursor.dueAt);
  if (order < 0) query.andWhere(`(${after})`, params);
  else if (order === 0) query.andWhere(`(${after} OR (${equal} AND ${idColumn} > :todoAfterId))`, { ...params, ...afterId });
  else query.andWhere(`(${after} OR ${equal})`, params);
  return true;
}

/**
 * A source whose due date the working-day calendar gives (an approval's promised last day), which
 * SQL cannot sort by: one statement reads all the department's waiting records (a handful: each is
 * decided within its few promised working days), and the page is cut here. The rows are read once
 * per request, for the page and the counts together.
 */
function calendarSource<T extends { id: string }>(
  spec: Described<T> & {
    rows(ctx: RequestContext, user: AuthUser): Promise<T[]>;
    /** The promised last day, or null when the record has none (or the calendar does not know its year). */
    dueOn(row: T, calendar: CalendarSnapshot): string | null;
  },
): TodoSource {
  const all = (ctx: RequestContext, user: AuthUser) =>
    ctx.loader(`todos.${spec.kind}`, async (): Promise<TodoCandidate[]> => {
      const rows = await spec.rows(ctx, user);
      if (!rows.length) return [];
      const calendar = await calendarService.snapshot(ctx);
      return rows
        .map((row) => {
          const day = spec.dueOn(row, calendar);
          return candidate(ctx, spec, row, day ? endOfDistrictDay(day) : null);
        })
        .sort(compareTodos);
    });
  return {
    kind: spec.kind,
    holds: spec.holds,
    async page(ctx, user, cursor, limit) {
      const rows = await all(ctx, user);
      return (cursor ? rows.filter((row) => compareTodos(row, cursor) > 0) : rows).slice(0, limit);
    },
    async count(ctx, user) {
      const rows = await all(ctx, user);
      return { count: rows.length, overdue: rows.filter((row) => row.overdue).length };
    },
  };
}

/** The caller's tickets in a state (`where`, with :todoUserId), among the tickets they may see (ticket-access), with their projects. */
const ticketSource = (spec: Omit<SqlSourceSpec<ServiceTicket>, "query" | "alias" | "project"> & { where: string }) =>
  sqlSource<ServiceTicket>({
    ...spec,
    query: (ctx, user) => scopeTickets(ctx.repo(ServiceTicket).createQueryBuilder("ticket").innerJoinAndSelect("ticket.project", "project"), user).andWhere(spec.where, { todoUserId: user.id }),
    alias: "ticket",
    project: (t) => t.project,
  });

/** Board tasks in a state (`where`, with :todoUserId), with the project each serves (if any). */
const taskSource = (spec: Omit<SqlSourceSpec<BoardTask>, "query" | "alias" | "project"> & { where: string }) =>
  sqlSource<BoardTask>({
    ...spec,
    query: (ctx, user) => ctx.repo(BoardTask).createQueryBuilder("task").leftJoinAndSelect("task.project", "project").where(spec.where, { todoUserId: user.id }),
    alias: "task",
    project: (t) => t.project,
  });

/** An approval item's promised last day (承诺办结时限, as the circuit breaker counts it); none before it is submitted. */
const promisedLastDay = (item: ApprovalItem | null | undefined, calendar: CalendarSnapshot) =>
  item?.submittedOn ? approvalDueOn(calendar, item.submittedOn, item.promisedWorkingDays) : null;

const zh = (locale: Locale) => locale === "zh-CN";
const isCadre = (user: AuthUser) => user.role === "CADRE";
const inDepartment = (user: AuthUser) => user.role === "CADRE" && !!user.departmentId;
const ofEnterprise = (user: AuthUser) => user.role === "ENTERPRISE";
/** SQL: the caller's department takes part in the inspection (an expression), the lead among them. */
const participates = (inspectionId: string) =>
  `EXISTS (SELECT 1 FROM joint_inspection_department jid WHERE jid.inspection_id = ${inspectionId} AND jid.department_id = :todoDepartmentId)`;

/** Every kind's source, in TODO_KINDS order. Who holds each is the remit of the mutation that settles it (src/modules/policy/remits.ts). */
export const TODO_SOURCES: readonly TodoSource[] = [
  // acknowledgeTicket: the assignee (TICKET_ASSIGNEE) must; the manager and ADMIN only may
  ticketSource({
    kind: "TICKET_TO_ACKNOWLEDGE",
    holds: isCadre,
    where: "ticket.assigneeId = :todoUserId AND ticket.status = 'OPEN'",
    due: instantDue("ticket.ackDueAt", (t) => t.ackDueAt),
    title: (t, locale) => (zh(locale) ? `受理工单：${t.title}` : `Acknowledge the ticket: ${t.title}`),
  }),
  // startTicket, resolveTicket: the assignee
  ticketSource({
    kind: "TICKET_TO_RESOLVE",
    holds: isCadre,
    where: "ticket.assigneeId = :todoUserId AND ticket.status IN ('ACKNOWLEDGED', 'IN_PROGRESS')",
    due: instantDue("ticket.resolveDueAt", (t) => t.resolveDueAt),
    title: (t, locale) => (zh(locale) ? `办理工单：${t.title}` : `Resolve the ticket: ${t.title}`),
  }),
  // releaseTask, reportTaskProgress, submitTask: the claimant
  taskSource({
    kind: "TASK_HELD",
    holds: isCadre,
    where: "task.claimantId = :todoUserId AND task.status = 'CLAIMED'",
    due: instantDue("task.dueAt", (t) => t.dueAt),
    title: (t, locale) => (zh(locale) ? `兑现揭榜任务：${t.title}` : `Deliver the board task: ${t.title}`),
  }),
  // 先办后补: the enterprise supplies what it promised (its project's team records it received)
  sqlSource<DeferredItem>({
    kind: "DEFERRED_ITEM_DUE",
    holds: ofEnterprise,
    query: (ctx) =>
      ctx
        .repo(DeferredItem)
        .createQueryBuilder("deferred")
        .innerJoinAndSelect("deferred.project", "project")
        .innerJoinAndSelect("deferred.item", "catalog")
        .where("project.enterpriseId = :todoEnterpriseId AND deferred.status IN ('PENDING', 'OVERDUE')", { todoEnterpriseId: enterpriseScope(ctx) }),
    alias: "deferred",
    due: dayDue("deferred.promisedBy", (d) => d.promisedBy),
    title: (d, locale) => (zh(locale) ? `补正容缺材料“${d.item?.name}”：${d.project?.name}` : `Supply the deferred material ${d.item?.name}: ${d.project?.name}`),
    project: (d) => d.project,
  }),
  // decideApprovalItem: the handling department (an item applied for through the one window moves through its application)
  calendarSource<ApprovalItem>({
    kind: "APPROVAL_TO_DECIDE",
    holds: inDepartment,
    rows: (ctx, user) =>
      ctx
        .repo(ApprovalItem)
        .createQueryBuilder("item")
        .innerJoinAndSelect("item.project", "project")
        .where("item.departmentId = :todoDepartmentId AND item.status = 'SUBMITTED'", { todoDepartmentId: user.departmentId })
        .andWhere("NOT EXISTS (SELECT 1 FROM application a WHERE a.approval_item_id = item.id)")
        .getMany(),
    dueOn: (item, calendar) => promisedLastDay(item, calendar),
    title: (item, locale) =>
      zh(locale) ? `审批“${valueLabel("ApprovalKind", item.kind, locale)}”：${item.project?.name}` : `Decide ${valueLabel("ApprovalKind", item.kind, locale)}: ${item.project?.name}`,
    project: (item) => item.project,
  }),
  // decideApplication: the back office it was routed to
  calendarSource<Application>({
    kind: "APPLICATION_TO_DECIDE",
    holds: inDepartment,
    rows: (ctx, user) =>
      ctx
        .repo(Application)
        .createQueryBuilder("application")
        .innerJoinAndSelect("application.project", "project")
        .leftJoinAndSelect("application.approvalItem", "item")
        .where("application.departmentId = :todoDepartmentId AND application.status = 'ROUTED'", { todoDepartmentId: user.departmentId })
        .getMany(),
    dueOn: (a, calendar) => promisedLastDay(a.approvalItem, calendar),
    title: (a, locale) => (zh(locale) ? `审批一窗受理申请：${a.title}` : `Decide the one-window application: ${a.title}`),
    project: (a) => a.project,
  }),
  // resolveInspectionFinding: the participating departments follow their findings up
  sqlSource<InspectionFinding>({
    kind: "FINDING_TO_FOLLOW_UP",
    holds: inDepartment,
    query: (ctx, user) =>
      ctx
        .repo(InspectionFinding)
        .createQueryBuilder("finding")
        .innerJoinAndSelect("finding.inspection", "inspection")
        .innerJoinAndSelect("inspection.project", "project")
        .innerJoinAndSelect("finding.standard", "standard")
        .where("finding.followUpStatus IN ('OPEN', 'OVERDUE') AND finding.followUpDueOn IS NOT NULL")
        .andWhere(participates("finding.inspectionId"), { todoDepartmentId: user.departmentId }),
    alias: "finding",
    due: dayDue("finding.followUpDueOn", (f) => f.followUpDueOn!),
    title: (f, locale) => (zh(locale) ? `跟进整改“${f.standard?.title}”：${f.inspection?.project?.name}` : `Follow up the finding ${f.standard?.title}: ${f.inspection?.project?.name}`),
    project: (f) => f.inspection?.project,
  }),
  // recordInspectionFindings: the participating departments (the lead among them) carry it out
  sqlSource<JointInspection>({
    kind: "INSPECTION_TO_RECORD",
    holds: inDepartment,
    query: (ctx, user) =>
      ctx
        .repo(JointInspection)
        .createQueryBuilder("inspection")
        .innerJoinAndSelect("inspection.project", "project")
        .where("inspection.status = 'SCHEDULED'")
        .andWhere(participates("inspection.id"), { todoDepartmentId: user.departmentId }),
    alias: "inspection",
    due: dayDue("inspection.scheduledOn", (i) => i.scheduledOn),
    title: (i, locale) => (zh(locale) ? `开展综合检查（${i.scheduledOn}）：${i.project?.name}` : `Carry out the joint inspection of ${i.scheduledOn}: ${i.project?.name}`),
    project: (i) => i.project,
  }),
  // signCommitmentLetter: the enterprise side by its users; the government side by the project's manager or ADMIN
  sqlSource<CommitmentLetter>({
    kind: "LETTER_TO_SIGN",
    holds: () => true,
    query: (ctx, user) => {
      const query = ctx.repo(CommitmentLetter).createQueryBuilder("letter").innerJoinAndSelect("letter.project", "project").where("letter.status = 'DRAFT'");
      if (user.role === "ENTERPRISE") return query.andWhere("letter.enterpriseSignedAt IS NULL AND project.enterpriseId = :todoEnterpriseId", { todoEnterpriseId: enterpriseScope(ctx) });
      query.andWhere("letter.governmentSignedAt IS NULL");
      if (user.role === "ADMIN") return query;
      return query.andWhere("letter.projectId IN (SELECT a.active_project_id FROM project_manager_assignment a WHERE a.cadre_id = :todoUserId AND a.active_project_id IS NOT NULL)", { todoUserId: user.id });
    },
    alias: "letter",
    due: null,
    title: (l, locale) => (zh(locale) ? `签署双向承诺书（第 ${l.version} 版）：${l.project?.name}` : `Sign the commitment letter (version ${l.version}): ${l.project?.name}`),
    project: (l) => l.project,
  }),
  // closeTicket, reopenTicket: the raiser confirms, or the ticket closes by itself TICKET_AUTO_CLOSE_HOURS after it was resolved
  ticketSource({
    kind: "TICKET_TO_CONFIRM",
    holds: (user) => user.role !== "ADMIN",
    where: "ticket.raisedById = :todoUserId AND ticket.status = 'RESOLVED' AND ticket.resolvedAt IS NOT NULL",
    due: instantDue("ticket.resolvedAt", (t) => t.resolvedAt!, (ctx) => ctx.app.config.ticketAutoCloseHours * 3_600_000),
    title: (t, locale) => (zh(locale) ? `确认工单办结：${t.title}` : `Confirm the ticket resolved: ${t.title}`),
  }),
  // verifyTask, sendBackTask: ADMIN
  taskSource({
    kind: "TASK_TO_VERIFY",
    holds: (user) => user.role === "ADMIN",
    where: "task.status = 'SUBMITTED'",
    due: null,
    title: (t, locale) => (zh(locale) ? `验收揭榜任务：${t.title}` : `Verify the board task: ${t.title}`),
  }),
];
