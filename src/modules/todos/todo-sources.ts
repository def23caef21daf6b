import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { AuthUser } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { addDays, districtDate, DISTRICT_OFFSET_MS } from "../../core/dates";
import { dbDate } from "../../core/db";
import type { Locale } from "../../core/i18n/locale";
import { valueLabel } from "../../core/labels";
import { BoardTask } from "../board/board-task.entity";
import { calendarService } from "../calendar/calendar.service";
import { CommitmentLetter } from "../commitments/commitment.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { Application } from "../intake/application.entity";
import { isVisibleProject } from "../projects/project-access";
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

/** A date-only deadline ends with its day in the district: the instant the next district day starts. */
export const endOfDistrictDay = (date: string): Date => new Date(Date.parse(`${addDays(date, 1)}T00:00:00.000Z`) - DISTRICT_OFFSET_MS);

/**
 * Overdue: the due time has passed. A record its module marks OVERDUE (a deferred material, a
 * finding) is marked only once its day has passed, so it is overdue here too.
 */
const isOverdue = (ctx: RequestContext, dueAt: Date | null) => dueAt !== null && dueAt.getTime() < ctx.clock.now().getTime();

/** How a source's deadline is read: an instant column (moved by offsetMs), or a date column ending with its day. */
type Due<T> =
  | { type: "instant"; column: string; value: (row: T) => Date; offsetMs?: number }
  | { type: "date"; column: string; value: (row: T) => string };

const dueOf = <T>(due: Due<T> | null, row: T): Date | null => {
  if (!due) return null;
  return due.type === "date" ? endOfDistrictDay(due.value(row)) : new Date(due.value(row).getTime() + (due.offsetMs ?? 0));
};

/** SQL for "the due time is after the instant" and "is exactly the instant" (false where it cannot be). */
function dueComparisons<T>(due: Due<T>, at: Date): { after: string; equal: string; params: Record<string, unknown> } {
  if (due.type === "instant") {
    const value = dbDate(new Date(at.getTime() - (due.offsetMs ?? 0)));
    return { after: `${due.column} > :todoAfterDue`, equal: `${due.column} = :todoAfterDue`, params: { todoAfterDue: value } };
  }
  // a day's deadline is the start of the next district day: later than `at` from at's own district day on
  const day = districtDate(at);
  const previous = addDays(day, -1);
  const onBoundary = endOfDistrictDay(previous).getTime() === at.getTime();
  return { after: `${due.column} >= :todoAfterDay`, equal: onBoundary ? `${due.column} = :todoAfterPrevious` : "1 = 0", params: { todoAfterDay: day, todoAfterPrevious: previous } };
}

interface SqlSourceSpec<T extends ObjectLiteral & { id: string }> {
  kind: TodoKind;
  holds(user: AuthUser): boolean;
  /** The records waiting on the caller, limited to what the caller may see; `alias` is the record's alias. */
  query(ctx: RequestContext, user: AuthUser): SelectQueryBuilder<T>;
  alias: string;
  due: Due<T> | null;
  title(row: T, locale: Locale): string;
  project(row: T): Project | null | undefined;
}

/** A source read by one keyset statement per page (due column, id) and one COUNT. */
function sqlSource<T extends ObjectLiteral & { id: string }>(spec: SqlSourceSpec<T>): TodoSource {
  const idColumn = `${spec.alias}.id`;
  return {
    kind: spec.kind,
    holds: spec.holds,
    async page(ctx, user, cursor, limit) {
      const query = spec.query(ctx, user);
      if (cursor && !afterCursor(query, spec, idColumn, cursor)) return [];
      if (spec.due) query.orderBy(spec.due.column, "ASC").addOrderBy(idColumn, "ASC");
      else query.orderBy(idColumn, "ASC");
      // limit, not take: the joins are to-one, so rows never multiply
      const rows = await query.limit(limit).getMany();
      return rows.map((row) => {
        const dueAt = dueOf(spec.due, row);
        const project = spec.project(row) ?? null;
        return {
          kind: spec.kind,
          subjectId: row.id,
          dueAt,
          overdue: isOverdue(ctx, dueAt),
          title: spec.title(row, ctx.locale),
          project: project && isVisibleProject(ctx, project) ? project : null,
          subject: row as unknown as TodoSubjectValue,
        };
      });
    },
    async count(ctx, user) {
      const now = ctx.clock.now();
      // as isOverdue: the due time has passed (a day's deadline once the district day after it began)
      const overdue = spec.due?.type === "instant" ? `${spec.due.column} < :todoNow` : spec.due?.type === "date" ? `${spec.due.column} < :todoToday` : "1 = 0";
      const offset = spec.due?.type === "instant" ? (spec.due.offsetMs ?? 0) : 0;
      const row = await spec
        .query(ctx, user)
        .select("COUNT(*)", "count")
        .addSelect(`SUM(CASE WHEN ${overdue} THEN 1 ELSE 0 END)`, "overdue")
        .setParameters({ todoNow: dbDate(new Date(now.getTime() - offset)), todoToday: districtDate(now) })
        .getRawOne<{ count: string | number; overdue: string | number | null }>();
      return { count: Number(row?.count ?? 0), overdue: Number(row?.overdue ?? 0) };
    },
  };
}

/**
 * Narrows the query to the records after the cursor in the list's order; false when none of this
 * kind can come after it (a dated source past a cursor among the undated ones, or an earlier kind there).
 */
function afterCursor<T extends ObjectLiteral & { id: string }>(query: SelectQueryBuilder<T>, spec: SqlSourceSpec<T>, idColumn: string, cursor: TodoCursor): boolean {
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
  const { after, equal, params } = dueComparisons(spec.due, cursor.dueAt);
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
function calendarSource<T extends { id: string }>(spec: {
  kind: TodoKind;
  holds(user: AuthUser): boolean;
  rows(ctx: RequestContext, user: AuthUser): Promise<T[]>;
  /** The promised last day, or null when the record has none (or the calendar does not know its year). */
  dueOn(row: T, calendar: Awaited<ReturnType<typeof calendarService.snapshot>>): string | null;
  title(row: T, locale: Locale): string;
  project(row: T): Project | null | undefined;
}): TodoSource {
  const all = (ctx: RequestContext, user: AuthUser) =>
    ctx.loader(`todos.${spec.kind}`, async (): Promise<TodoCandidate[]> => {
      const rows = await spec.rows(ctx, user);
      if (!rows.length) return [];
      const calendar = await calendarService.snapshot(ctx);
      return rows
        .map((row) => {
          const dueOn = spec.dueOn(row, calendar);
          const dueAt = dueOn ? endOfDistrictDay(dueOn) : null;
          const project = spec.project(row) ?? null;
          return {
            kind: spec.kind,
            subjectId: row.id,
            dueAt,
            overdue: isOverdue(ctx, dueAt),
            title: spec.title(row, ctx.locale),
            project: project && isVisibleProject(ctx, project) ? project : null,
            subject: row as unknown as TodoSubjectValue,
          };
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

const zh = (locale: Locale) => locale === "zh-CN";
const isCadre = (user: AuthUser) => user.role === "CADRE";
const inDepartment = (user: AuthUser) => user.role === "CADRE" && !!user.departmentId;
const ofEnterprise = (user: AuthUser) => user.role === "ENTERPRISE";
/** SQL: the caller's department takes part in the inspection (an expression), the lead among them. */
const participates = (inspectionId: string) =>
  `EXISTS (SELECT 1 FROM joint_inspection_department jid WHERE jid.inspection_id = ${inspectionId} AND jid.department_id = :todoDepartmentId)`;

const tickets = (ctx: RequestContext, user: AuthUser) => scopeTickets(ctx.repo(ServiceTicket).createQueryBuilder("ticket").innerJoinAndSelect("ticket.project", "project"), user);

/** Every kind's source, in TODO_KINDS order. Who holds each is the remit of the mutation that settles it (src/modules/policy/remits.ts). */
export const TODO_SOURCES: readonly TodoSource[] = [
  // acknowledgeTicket: the assignee (TICKET_ASSIGNEE) must; the manager and ADMIN only may
  sqlSource<ServiceTicket>({
    kind: "TICKET_TO_ACKNOWLEDGE",
    holds: isCadre,
    query: (ctx, user) => tickets(ctx, user).andWhere("ticket.assigneeId = :todoUserId AND ticket.status = 'OPEN'", { todoUserId: user.id }),
    alias: "ticket",
    due: { type: "instant", column: "ticket.ackDueAt", value: (t) => t.ackDueAt },
    title: (t, locale) => (zh(locale) ? `受理工单：${t.title}` : `Acknowledge the ticket: ${t.title}`),
    project: (t) => t.project,
  }),
  // startTicket, resolveTicket: the assignee
  sqlSource<ServiceTicket>({
    kind: "TICKET_TO_RESOLVE",
    holds: isCadre,
    query: (ctx, user) => tickets(ctx, user).andWhere("ticket.assigneeId = :todoUserId AND ticket.status IN ('ACKNOWLEDGED', 'IN_PROGRESS')", { todoUserId: user.id }),
    alias: "ticket",
    due: { type: "instant", column: "ticket.resolveDueAt", value: (t) => t.resolveDueAt },
    title: (t, locale) => (zh(locale) ? `办理工单：${t.title}` : `Resolve the ticket: ${t.title}`),
    project: (t) => t.project,
  }),
  // releaseTask, reportTaskProgress, submitTask: the claimant
  sqlSource<BoardTask>({
    kind: "TASK_HELD",
    holds: isCadre,
    query: (ctx, user) => ctx.repo(BoardTask).createQueryBuilder("task").leftJoinAndSelect("task.project", "project").where("task.claimantId = :todoUserId AND task.status = 'CLAIMED'", { todoUserId: user.id }),
    alias: "task",
    due: { type: "instant", column: "task.dueAt", value: (t) => t.dueAt },
    title: (t, locale) => (zh(locale) ? `兑现揭榜任务：${t.title}` : `Deliver the board task: ${t.title}`),
    project: (t) => t.project,
  }),
  // 先办后补: the enterprise supplies what it promised (its project's team records it received)
  sqlSource<DeferredItem>({
    kind: "DEFERRED_ITEM_DUE",
    holds: ofEnterprise,
    query: (ctx, user) =>
      ctx
        .repo(DeferredItem)
        .createQueryBuilder("deferred")
        .innerJoinAndSelect("deferred.project", "project")
        .innerJoinAndSelect("deferred.item", "catalog")
        .where("project.enterpriseId = :todoEnterpriseId AND deferred.status IN ('PENDING', 'OVERDUE')", { todoEnterpriseId: user.enterpriseId ?? "none" }),
    alias: "deferred",
    due: { type: "date", column: "deferred.promisedBy", value: (d) => d.promisedBy },
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
    dueOn: (item, calendar) => (item.submittedOn ? approvalDueOn(calendar, item.submittedOn, item.promisedWorkingDays) : null),
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
    dueOn: (a, calendar) => (a.approvalItem?.submittedOn ? approvalDueOn(calendar, a.approvalItem.submittedOn, a.approvalItem.promisedWorkingDays) : null),
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
    due: { type: "date", column: "finding.followUpDueOn", value: (f) => f.followUpDueOn! },
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
    due: { type: "date", column: "inspection.scheduledOn", value: (i) => i.scheduledOn },
    title: (i, locale) => (zh(locale) ? `开展综合检查（${i.scheduledOn}）：${i.project?.name}` : `Carry out the joint inspection of ${i.scheduledOn}: ${i.project?.name}`),
    project: (i) => i.project,
  }),
  // signCommitmentLetter: the enterprise side by its users; the government side by the project's manager or ADMIN
  sqlSource<CommitmentLetter>({
    kind: "LETTER_TO_SIGN",
    holds: () => true,
    query: (ctx, user) => {
      const query = ctx.repo(CommitmentLetter).createQueryBuilder("letter").innerJoinAndSelect("letter.project", "project").where("letter.status = 'DRAFT'");
      if (user.role === "ENTERPRISE") return query.andWhere("letter.enterpriseSignedAt IS NULL AND project.enterpriseId = :todoEnterpriseId", { todoEnterpriseId: user.enterpriseId ?? "none" });
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
  {
    kind: "TICKET_TO_CONFIRM",
    holds: (user) => user.role !== "ADMIN",
    page: (ctx, user, cursor, limit) => ticketsToConfirm(ctx).page(ctx, user, cursor, limit),
    count: (ctx, user) => ticketsToConfirm(ctx).count(ctx, user),
  },
  // verifyTask, sendBackTask: ADMIN
  sqlSource<BoardTask>({
    kind: "TASK_TO_VERIFY",
    holds: (user) => user.role === "ADMIN",
    query: (ctx) => ctx.repo(BoardTask).createQueryBuilder("task").leftJoinAndSelect("task.project", "project").where("task.status = 'SUBMITTED'"),
    alias: "task",
    due: null,
    title: (t, locale) => (zh(locale) ? `验收揭榜任务：${t.title}` : `Verify the board task: ${t.title}`),
    project: (t) => t.project,
  }),
];

/** The raiser's resolved tickets: due when they close by themselves, which the configuration sets. */
function ticketsToConfirm(ctx: RequestContext): TodoSource {
  return sqlSource<ServiceTicket>({
    kind: "TICKET_TO_CONFIRM",
    holds: (user) => user.role !== "ADMIN",
    query: (c, user) => tickets(c, user).andWhere("ticket.raisedById = :todoUserId AND ticket.status = 'RESOLVED' AND ticket.resolvedAt IS NOT NULL", { todoUserId: user.id }),
    alias: "ticket",
    due: { type: "instant", column: "ticket.resolvedAt", value: (t) => t.resolvedAt!, offsetMs: ctx.app.config.ticketAutoCloseHours * 3_600_000 },
    title: (t, locale) => (zh(locale) ? `确认工单办结：${t.title}` : `Confirm the ticket resolved: ${t.title}`),
    project: (t) => t.project,
  });
}
