import type { RequestContext } from "../../core/context";
import { calendarService, type CalendarSnapshot } from "../calendar/calendar.service";
import { districtDate } from "../../core/dates";
import { findVisibleProject } from "../projects/project-access";
import type { Project } from "../projects/project.entity";
import { APPROVAL_KINDS, type ApprovalItem, type ApprovalPhase } from "./approval.entity";
import { approvalService } from "./approval.service";
import { buildingService } from "./building.service";
import { MILESTONES, milestoneOn } from "../projects/project-milestones";
import { surveyService } from "./survey.service";
import type { ApprovalOverlap, CriticalPath, InStepCheck, ProjectTimeline, TimelineData } from "./timeline.types";

const KIND_ORDER = Object.keys(APPROVAL_KINDS);

/** An item's review: from submittedOn to approvedOn (rejectedOn when rejected, today while pending). */
export function reviewEnd(item: ApprovalItem, today: string): string | null {
  if (!item.submittedOn) return null;
  if (item.status === "APPROVED") return item.approvedOn;
  if (item.status === "REJECTED") return item.rejectedOn;
  return today;
}

/** Latest end first, then earlier submission, then catalog order. */
function byEndDesc(today: string) {
  return (a: ApprovalItem, b: ApprovalItem) =>
    (reviewEnd(b, today) ?? "").localeCompare(reviewEnd(a, today) ?? "") ||
    (a.submittedOn ?? "").localeCompare(b.submittedOn ?? "") ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
}

/**
 * Working days on which at least one of the items was under review: the union of their
 * (submittedOn, end] spans, counted once. The whole-process approval time of a project.
 */
export function unionWorkingDays(calendar: CalendarSnapshot, items: ApprovalItem[], today: string): number {
  const spans = items
    .map((i) => [i.submittedOn, reviewEnd(i, today)] as const)
    .filter((s): s is readonly [string, string] => !!s[0] && !!s[1])
    .sort((a, b) => a[0].localeCompare(b[0]));
  let total = 0;
  let current: [string, string] | null = null;
  for (const [start, end] of spans) {
    if (current && start <= current[1]) {
      if (end > current[1]) current[1] = end;
    } else {
      if (current) total += calendar.workingDaysBetween(current[0], current[1]);
      current = [start, end];
    }
  }
  if (current) total += calendar.workingDaysBetween(current[0], current[1]);
  return total;
}

/**
 * 三同步 timeline of one project: milestones, approvals with their overlaps, the critical
 * path, and the three in-step checks in working days against the configured targets.
 */
export class TimelineService {
  async timeline(ctx: RequestContext, projectId: string): Promise<ProjectTimeline> {
    const project = await findVisibleProject(ctx, projectId);
    const [items, dependencies, buildings, surveys, calendar] = await Promise.all([
      approvalService.itemsOf(ctx, project.id),
      approvalService.dependencies(ctx),
      buildingService.buildings(ctx, project.id),
      surveyService.commissions(ctx, project.id),
      calendarService.snapshot(ctx),
    ]);
    const today = districtDate(ctx.clock.now());
    items.sort(
      (a, b) =>
        (a.submittedOn ? 0 : 1) - (b.submittedOn ? 0 : 1) ||
        (a.submittedOn ?? "").localeCompare(b.submittedOn ?? "") ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
    );
    const reviewed = items.filter((i) => i.submittedOn);
    return {
      project,
      milestones: MILESTONES.map((milestone) => ({ milestone, on: milestoneOn(project, milestone) })),
      items,
      overlaps: this.overlaps(calendar, reviewed, today),
      approvalWorkingDays: unionWorkingDays(calendar, reviewed, today),
      sequentialWorkingDays: reviewed.reduce((sum, i) => sum + calendar.workingDaysBetween(i.submittedOn!, reviewEnd(i, today)!), 0),
      checks: this.checks(ctx, calendar, project),
      buildings,
      surveys,
      data: { project, items, dependencies, today },
    };
  }

  /** The critical path of the timeline's items (or of one phase's items); null when nothing was submitted. See CriticalPath. */
  async criticalPath(ctx: RequestContext, data: TimelineData, phase: ApprovalPhase | null | undefined): Promise<CriticalPath | null> {
    const calendar = await calendarService.snapshot(ctx);
    const { today } = data;
    const nodes = data.items.filter((i) => i.submittedOn && (!phase || APPROVAL_KINDS[i.kind].phase === phase));
    if (!nodes.length) return null;
    const order = byEndDesc(today);
    const chain = [[...nodes].sort(order)[0]];
    for (;;) {
      const current = chain[0];
      const requires = new Set(data.dependencies.filter((d) => d.kind === current.kind).map((d) => d.requiresKind));
      const binding = nodes
        .filter((n) => requires.has(n.kind) && !chain.includes(n) && reviewEnd(n, today)! >= current.submittedOn!)
        .sort(order);
      if (!binding.length) break;
      chain.unshift(binding[0]);
    }
    const start = chain[0].submittedOn!;
    const end = reviewEnd(chain[chain.length - 1], today)!;
    return { items: chain, start, end, workingDays: calendar.workingDaysBetween(start, end) };
  }

  private overlaps(calendar: CalendarSnapshot, items: ApprovalItem[], today: string): ApprovalOverlap[] {
    const overlaps: ApprovalOverlap[] = [];
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const [a, b] = [items[i], items[j]];
        const from = a.submittedOn! > b.submittedOn! ? a.submittedOn! : b.submittedOn!;
        const endA = reviewEnd(a, today)!;
        const endB = reviewEnd(b, today)!;
        const to = endA < endB ? endA : endB;
        if (from >= to) continue;
        const workingDays = calendar.workingDaysBetween(from, to);
        if (workingDays > 0) overlaps.push({ first: a, second: b, from, to, workingDays });
      }
    }
    return overlaps;
  }

  /** The three in-step checks of one project, in working days. */
  checks(ctx: RequestContext, calendar: CalendarSnapshot, project: Project): InStepCheck[] {
    const config = ctx.app.config;
    const span = (from: string | null, to: string | null) => (from && to ? calendar.workingDaysBetween(from, to) : null);
    const check = (
      kind: InStepCheck["check"],
      from: InStepCheck["from"],
      to: InStepCheck["to"],
      target: number,
      baseline: number | null,
      saved: (workingDays: number) => number | null,
    ): InStepCheck => {
      const fromOn = milestoneOn(project, from);
      const toOn = milestoneOn(project, to);
      const workingDays = span(fromOn, toOn);
      return {
        check: kind,
        from,
        to,
        fromOn,
        toOn,
        workingDays,
        targetWorkingDays: target,
        met: workingDays === null ? null : workingDays <= target,
        baselineWorkingDays: baseline,
        savedWorkingDays: workingDays === null ? null : saved(workingDays),
      };
    };
    return [
      check("START_ON_LAND_HANDOVER", "LAND_CONTRACT", "CONSTRUCTION_START", config.startPreparationTargetWorkingDays, config.startPreparationBaselineWorkingDays, (wd) => config.startPreparationBaselineWorkingDays - wd),
      check("CERTIFICATE_ON_COMPLETION", "COMPLETION", "CERTIFICATE", config.certificateTargetWorkingDays, config.certificateBaselineWorkingDays, (wd) => config.certificateBaselineWorkingDays - wd),
      check("TRIAL_PRODUCTION_ON_PRE_ACCEPTANCE", "PRE_ACCEPTANCE", "TRIAL_PRODUCTION", config.trialProductionTargetWorkingDays, null, () =>
        span(project.trialProductionOn, project.completionOn),
      ),
    ];
  }
}

export const timelineService = new TimelineService();
