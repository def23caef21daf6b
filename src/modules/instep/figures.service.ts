import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { badInput } from "../../core/errors";
import { calendarService, type CalendarSnapshot } from "../calendar/calendar.service";
import { districtDate } from "../../core/dates";
import { assertLocalDate } from "../calendar/local-date";
import { Project } from "../projects/project.entity";
import { CommitmentLetter } from "../commitments/commitment.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { ApprovalItem } from "./approval.entity";
import { boardQueryService } from "../board/board-query.service";
import { ServiceTicket } from "../tickets/service-ticket.entity";
import { TICKET_STAGES } from "../tickets/ticket.states";
import { windowInstants } from "./district-window";
import type {
  ApprovalTimeFigures, BaselineSource, CertificateFigures, DistrictBoardFigures, DistrictFigures, DistrictTicketFigures, DurationFigures,
  ProjectCohort, SameMonthFigures, StartPreparationFigures, TrialProductionFigures,
} from "./figures.types";
import { unionWorkingDays } from "./timeline.service";

const round2 = (n: number) => Math.round(n * 100) / 100;
const average = (values: number[]) => (values.length ? round2(values.reduce((a, b) => a + b, 0) / values.length) : null);

/** What the figures need of a project: its milestones and which cohorts it is in. */
interface ProjectFacts {
  id: string;
  landContractOn: string | null;
  constructionStartOn: string | null;
  completionOn: string | null;
  certificateOn: string | null;
  trialProductionOn: string | null;
  /** Its commitment letter was signed by both parties at some time: it took the fast track. */
  fastTrack: boolean;
  /** It deferred at least one material (容缺). */
  deferred: boolean;
}

const inCohort = (cohort: ProjectCohort) => (p: ProjectFacts) => cohort === "ALL" || (cohort === "FAST_TRACK" ? p.fastTrack : p.deferred);

/**
 * The district's figures for a window [from, to] and a cohort of projects, computed from the data
 * on each request, never stored. Every duration counts working days under the official calendar
 * and is compared with a baseline from the district's own projects outside the reform.
 */
export class FiguresService {
  async districtFigures(ctx: RequestContext, from: string, to: string, cohort: ProjectCohort = "ALL"): Promise<DistrictFigures> {
    assertLocalDate("from", from);
    assertLocalDate("to", to);
    if (to < from) throw badInput("to", "to must not be before from", "结束日期不能早于开始日期");
    const [projects, calendar] = await Promise.all([this.projectFacts(ctx), calendarService.snapshot(ctx)]);
    const members = projects.filter(inCohort(cohort));
    const memberIds = cohort === "ALL" ? null : members.map((p) => p.id);
    const window = { from, to };
    const durations = new DurationCounter(ctx, calendar, projects, cohort, window);
    const [approvalTime, board, tickets] = await Promise.all([
      this.approvalTime(ctx, calendar, durations),
      this.board(ctx, window, memberIds),
      this.tickets(ctx, window, memberIds),
    ]);
    return {
      from,
      to,
      cohort,
      approvalTime,
      startPreparation: this.startPreparation(ctx, durations),
      certificates: this.certificates(ctx, durations),
      trialProduction: this.trialProduction(ctx, durations),
      sameMonth: sameMonth(members, window),
      board,
      tickets,
    };
  }

  /** Every project's milestones and cohorts, in one statement. */
  private async projectFacts(ctx: RequestContext): Promise<ProjectFacts[]> {
    const query = ctx.repo(Project).createQueryBuilder("p");
    const signed = query.subQuery().select("1").from(CommitmentLetter, "letter").where("letter.project_id = p.id AND letter.signed_at IS NOT NULL").getQuery();
    const deferred = query.subQuery().select("1").from(DeferredItem, "deferred").where("deferred.project_id = p.id").getQuery();
    const rows = await query
      .select("p.id", "id")
      .addSelect("p.land_contract_on", "landContractOn")
      .addSelect("p.construction_start_on", "constructionStartOn")
      .addSelect("p.completion_on", "completionOn")
      .addSelect("p.certificate_on", "certificateOn")
      .addSelect("p.trial_production_on", "trialProductionOn")
      .addSelect(`CASE WHEN EXISTS ${signed} THEN 1 ELSE 0 END`, "fastTrack")
      .addSelect(`CASE WHEN EXISTS ${deferred} THEN 1 ELSE 0 END`, "deferred")
      .getRawMany<Record<string, string | number | Date | null>>();
    const day = (value: string | number | Date | null) => (value === null ? null : value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));
    return rows.map((r) => ({
      id: String(r.id),
      landContractOn: day(r.landContractOn),
      constructionStartOn: day(r.constructionStartOn),
      completionOn: day(r.completionOn),
      certificateOn: day(r.certificateOn),
      trialProductionOn: day(r.trialProductionOn),
      fastTrack: Number(r.fastTrack) === 1,
      deferred: Number(r.deferred) === 1,
    }));
  }

  /**
   * Projects with at least one item, all items APPROVED; the last approval dates the span. Each
   * counts the working days on which any of its items was under review (parallel days once).
   */
  private async approvalTime(ctx: RequestContext, calendar: CalendarSnapshot, durations: DurationCounter): Promise<ApprovalTimeFigures> {
    const { approvalBaselineWorkingDays: configured, approvalCutTargetPercent: target } = ctx.app.config;
    const finished: Array<{ projectId: string }> = await ctx
      .repo(ApprovalItem)
      .createQueryBuilder("item")
      .select("item.project_id", "projectId")
      .groupBy("item.project_id")
      .having("SUM(CASE WHEN item.status <> 'APPROVED' THEN 1 ELSE 0 END) = 0")
      .getRawMany();
    const items = finished.length ? await ctx.repo(ApprovalItem).findBy({ projectId: In(finished.map((f) => f.projectId)) }) : [];
    const byProject = new Map<string, ApprovalItem[]>();
    for (const item of items) byProject.set(item.projectId, [...(byProject.get(item.projectId) ?? []), item]);
    const today = districtDate(ctx.clock.now());
    const measured = durations.measure(
      (p) => {
        const projectItems = byProject.get(p.id);
        if (!projectItems?.length) return null;
        const last = projectItems.map((i) => i.approvedOn!).sort().at(-1)!;
        return { end: last, workingDays: unionWorkingDays(calendar, projectItems, today) };
      },
      configured,
    );
    const { figures } = measured;
    const cutPercent = figures.averageWorkingDays === null ? null : round2(((figures.baseline - figures.averageWorkingDays) / figures.baseline) * 100);
    return {
      ...figures,
      baselineWorkingDays: Math.round(figures.baseline),
      cutPercent,
      targetCutPercent: target,
      targetMet: cutPercent === null ? null : cutPercent >= target,
    };
  }

  /** 交地同步开工: land contract -> construction start. */
  private startPreparation(ctx: RequestContext, durations: DurationCounter): StartPreparationFigures {
    const { startPreparationTargetWorkingDays: target, startPreparationBaselineWorkingDays: configured } = ctx.app.config;
    const { figures, spans } = durations.between((p) => ({ from: p.landContractOn, to: p.constructionStartOn }), configured);
    return {
      ...figures,
      targetWorkingDays: target,
      startedOnLandHandover: spans.filter((wd) => wd <= target).length,
      baselineWorkingDays: Math.round(figures.baseline),
      averageDaysEarlierThanBaseline: figures.averageWorkingDaysSaved,
    };
  }

  /** 竣工同步发证: completion (acceptance applied for) -> certificates. */
  private certificates(ctx: RequestContext, durations: DurationCounter): CertificateFigures {
    const { certificateTargetWorkingDays: target, certificateBaselineWorkingDays: configured } = ctx.app.config;
    const { figures, spans } = durations.between((p) => ({ from: p.completionOn, to: p.certificateOn }), configured);
    return { ...figures, targetWorkingDays: target, withinTarget: spans.filter((wd) => wd <= target).length };
  }

  /** 预验同步试产: construction start -> trial production. */
  private trialProduction(ctx: RequestContext, durations: DurationCounter): TrialProductionFigures {
    const { figures, measured } = durations.between((p) => ({ from: p.constructionStartOn, to: p.trialProductionOn }), ctx.app.config.trialProductionBaselineWorkingDays);
    return { ...figures, beforeCompletion: measured.filter((p) => !p.completionOn || p.trialProductionOn! < p.completionOn).length };
  }

  /** Board tasks published in the window, of the cohort's projects (all tasks for ALL), as boardStats counts them. */
  private board(ctx: RequestContext, window: { from: string; to: string }, projectIds: string[] | null): Promise<DistrictBoardFigures> {
    const { start, end } = windowInstants(window.from, window.to);
    return boardQueryService.figures(ctx, (query) => {
      query.where("task.published_at >= :start AND task.published_at < :end", { start, end });
      if (projectIds) query.andWhere(projectIds.length ? "task.project_id IN (:...projectIds)" : "1 = 0", { projectIds });
    });
  }

  /** Service tickets opened in the window, per mode, and the share resolved by their resolve deadline. */
  private async tickets(ctx: RequestContext, window: { from: string; to: string }, projectIds: string[] | null): Promise<DistrictTicketFigures> {
    const { start, end } = windowInstants(window.from, window.to);
    const query = ctx
      .repo(ServiceTicket)
      .createQueryBuilder("ticket")
      .select("ticket.stage", "mode")
      .addSelect("COUNT(*)", "tickets")
      .addSelect("SUM(CASE WHEN ticket.resolved_at IS NOT NULL AND ticket.resolved_at <= ticket.resolve_due_at THEN 1 ELSE 0 END)", "withinSla")
      .where("ticket.opened_at >= :start AND ticket.opened_at < :end", { start, end })
      .groupBy("ticket.stage");
    if (projectIds) query.andWhere(projectIds.length ? "ticket.project_id IN (:...projectIds)" : "1 = 0", { projectIds });
    const rows = await query.getRawMany<{ mode: string; tickets: string | number; withinSla: string | number | null }>();
    const byMode = TICKET_STAGES.map((mode) => {
      const row = rows.find((r) => r.mode === mode);
      return { mode, tickets: Number(row?.tickets ?? 0), resolvedWithinSla: Number(row?.withinSla ?? 0) };
    });
    const tickets = byMode.reduce((n, m) => n + m.tickets, 0);
    const within = byMode.reduce((n, m) => n + m.resolvedWithinSla, 0);
    return { byMode, tickets, shareResolvedWithinSla: tickets ? within / tickets : null };
  }
}

/**
 * Measures one span over the projects: the cohort's projects whose span ended in the window are
 * measured; the projects outside the reform (never on the fast track, or whose span ended before
 * REFORM_START_ON), over all time, make the baseline, unless fewer than BASELINE_MIN_PROJECTS.
 */
class DurationCounter {
  constructor(
    private readonly ctx: RequestContext,
    private readonly calendar: CalendarSnapshot,
    private readonly projects: ProjectFacts[],
    private readonly cohort: ProjectCohort,
    private readonly window: { from: string; to: string },
  ) {}

  /** A span between two of a project's days, in working days. */
  between(days: (p: ProjectFacts) => { from: string | null; to: string | null }, configured: number) {
    return this.measure((p) => {
      const { from, to } = days(p);
      return from && to ? { end: to, workingDays: this.calendar.workingDaysBetween(from, to) } : null;
    }, configured);
  }

  measure(spanOf: (p: ProjectFacts) => { end: string; workingDays: number } | null, configured: number) {
    const { reformStartOn, baselineMinProjects } = this.ctx.app.config;
    const member = inCohort(this.cohort);
    const spans: number[] = [];
    const measured: ProjectFacts[] = [];
    const before: number[] = [];
    for (const project of this.projects) {
      const span = spanOf(project);
      if (!span) continue;
      if (!project.fastTrack || (reformStartOn !== null && span.end < reformStartOn)) before.push(span.workingDays);
      if (member(project) && span.end >= this.window.from && span.end <= this.window.to) {
        spans.push(span.workingDays);
        measured.push(project);
      }
    }
    const source: BaselineSource = before.length >= baselineMinProjects ? "DATA" : "CONFIGURED";
    const baseline = source === "DATA" ? average(before)! : configured;
    const averageWorkingDays = average(spans);
    const figures: DurationFigures = {
      projects: spans.length,
      averageWorkingDays,
      baseline,
      baselineSource: source,
      baselineSampleSize: before.length,
      averageWorkingDaysSaved: averageWorkingDays === null ? null : round2(baseline - averageWorkingDays),
    };
    return { figures, spans, measured };
  }
}

/** 当月拿地、当月开工 (construction start in the window) and, of those, 当年试产 (trial production in the window). */
function sameMonth(projects: ProjectFacts[], window: { from: string; to: string }): SameMonthFigures {
  const inWindow = (day: string | null) => !!day && day >= window.from && day <= window.to;
  const startedSameMonth = projects.filter((p) => p.landContractOn && p.constructionStartOn && p.landContractOn.slice(0, 7) === p.constructionStartOn.slice(0, 7));
  return {
    landAndStartSameMonth: startedSameMonth.filter((p) => inWindow(p.constructionStartOn)).length,
    withTrialProductionSameYear: startedSameMonth.filter((p) => inWindow(p.trialProductionOn) && p.trialProductionOn!.slice(0, 4) === p.landContractOn!.slice(0, 4)).length,
  };
}

export const figuresService = new FiguresService();
