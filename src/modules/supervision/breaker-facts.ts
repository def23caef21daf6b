import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { addMonths, districtDate } from "../../core/dates";
import { calendarService, type CalendarSnapshot } from "../calendar/calendar.service";
import { commitmentService } from "../commitments/commitment.service";
import { DeferrableItem } from "../fast-track/deferrable-item.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { Project } from "../projects/project.entity";
import { DelayCause } from "./circuit-breaker.entity";

/** The letter in force a breaker counts from: the project's latest SIGNED commitment letter. */
export interface LetterInForce {
  id: string;
  version: number;
  signedAt: Date;
  /** The district date it became binding; the breaker's months run from it. */
  signedOn: string;
  /** signedOn + CIRCUIT_BREAKER_MONTHS: from this day on the breaker watches the project. */
  watchedFrom: string;
}

/** An enterprise cause of a delay, as a fact: an overdue deferred material, or one the manager recorded. */
export interface EnterpriseCause {
  kind: "OVERDUE_DEFERRED_ITEM" | "RECORDED";
  /** When it arose (the material found overdue) or was recorded. */
  at: Date;
  text: string;
}

/** A government cause that is real now: an approval of the project pending past its promised working days. */
export interface GovernmentDelay {
  itemId: string;
  kind: string;
  submittedOn: string;
  promisedWorkingDays: number;
  /** The last day it could be decided in time (approvalDueOn); null when the calendar does not know a year in between: the delay cannot be ruled out. */
  dueOn: string | null;
}

/** What the breaker decides on for one project. */
export interface BreakerFacts {
  project: Project;
  letter: LetterInForce;
  enterpriseCauses: EnterpriseCause[];
  governmentDelays: GovernmentDelay[];
}

/**
 * 熔断的事实: the ADMITTED projects whose construction permit is not APPROVED
 * CIRCUIT_BREAKER_MONTHS after their letter in force was signed (district dates), those that started
 * on commitment first, each with the facts that attribute the delay:
 * - every OVERDUE deferred material is the enterprise's cause, with nobody recording it;
 * - every ENTERPRISE delay cause the manager (or the reform office) recorded;
 * - every approval item SUBMITTED and still pending after its due day (approvalDueOn) is a real
 *   government cause. A typed GOVERNMENT delay cause is a note, not a fact: it protects nothing.
 */
export async function watchedProjects(ctx: RequestContext, today: string): Promise<BreakerFacts[]> {
  const months = ctx.app.config.circuitBreakerMonths;
  const projects = await ctx
    .repo(Project)
    .createQueryBuilder("project")
    .where("project.fastTrackStatus = 'ADMITTED'")
    .andWhere("NOT EXISTS (SELECT 1 FROM approval_item permit WHERE permit.project_id = project.id AND permit.kind = 'CONSTRUCTION_PERMIT' AND permit.status = 'APPROVED')")
    .andWhere("EXISTS (SELECT 1 FROM commitment_letter letter WHERE letter.project_id = project.id AND letter.status = 'SIGNED')")
    .orderBy("project.startedOnCommitment", "DESC")
    .addOrderBy("project.id", "ASC")
    .getMany();
  if (!projects.length) return [];
  // the binding letter of each (one query through the commitments loader)
  const current = await Promise.all(projects.map((p) => commitmentService.current(ctx, p.id)));
  const inForce = new Map<string, LetterInForce>();
  for (const letter of current) {
    if (!letter?.signedAt) continue;
    const signedOn = districtDate(letter.signedAt);
    inForce.set(letter.projectId, { id: letter.id, version: letter.version, signedAt: letter.signedAt, signedOn, watchedFrom: addMonths(signedOn, months) });
  }
  const due = projects.filter((p) => inForce.has(p.id) && inForce.get(p.id)!.watchedFrom <= today);
  if (!due.length) return [];
  const ids = due.map((p) => p.id);
  const [overdue, recorded, pending, calendar] = await Promise.all([
    ctx.repo(DeferredItem).find({ where: { projectId: In(ids), status: "OVERDUE" }, order: { promisedBy: "ASC", id: "ASC" } }),
    ctx.repo(DelayCause).find({ where: { projectId: In(ids), attributedTo: "ENTERPRISE" }, order: { recordedAt: "ASC", id: "ASC" } }),
    ctx.repo(ApprovalItem).find({ where: { projectId: In(ids), status: "SUBMITTED" }, order: { submittedOn: "ASC", id: "ASC" } }),
    calendarService.snapshot(ctx),
  ]);
  const catalogIds = [...new Set(overdue.map((d) => d.deferrableItemId))];
  const catalog = new Map((catalogIds.length ? await ctx.repo(DeferrableItem).findBy({ id: In(catalogIds) }) : []).map((c) => [c.id, c]));
  return due.map((project) => ({
    project,
    letter: inForce.get(project.id)!,
    enterpriseCauses: [
      ...overdue
        .filter((d) => d.projectId === project.id)
        .map((d): EnterpriseCause => {
          const item = catalog.get(d.deferrableItemId);
          return { kind: "OVERDUE_DEFERRED_ITEM", at: d.overdueAt ?? d.createdAt, text: `deferred material ${item?.code ?? d.deferrableItemId} (${item?.name ?? "?"}) promised by ${d.promisedBy}, not supplied` };
        }),
      ...recorded
        .filter((c) => c.projectId === project.id)
        .map((c): EnterpriseCause => ({ kind: "RECORDED", at: c.recordedAt, text: `recorded ${c.cause}${c.note ? ` (${c.note})` : ""}` })),
    ],
    governmentDelays: pending
      .filter((i) => i.projectId === project.id && i.submittedOn)
      .map((i) => ({ itemId: i.id, kind: i.kind, submittedOn: i.submittedOn!, promisedWorkingDays: i.promisedWorkingDays, dueOn: approvalDueOn(calendar, i.submittedOn!, i.promisedWorkingDays) }))
      .filter((d) => d.dueOn === null || d.dueOn < today),
  }));
}

/**
 * 承诺办结时限: the last day an approval submitted on `submittedOn` is decided in time, its
 * promised working days later on the official calendar. Decided after it, or still pending once it
 * has passed, the approval is late: the government's delay (the breaker) and a broken
 * APPROVALS_ON_TIME commitment. Null when the calendar does not know a year in between.
 */
export function approvalDueOn(calendar: CalendarSnapshot, submittedOn: string, promisedWorkingDays: number): string | null {
  return calendar.addWorkingDaysIfKnown(submittedOn, promisedWorkingDays);
}

/** The enterprise causes that arose (or were recorded) after `since`: after a confirmed rectification only new ones trip the breaker again. */
export function causesSince(facts: BreakerFacts, since: Date | null): EnterpriseCause[] {
  return since ? facts.enterpriseCauses.filter((c) => c.at.getTime() > since.getTime()) : facts.enterpriseCauses;
}

/** Cuts a text to a column's length. */
export function clip(text: string, length = 500): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
