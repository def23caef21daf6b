import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { badInput } from "../../core/errors";
import { calendarService } from "../calendar/calendar.service";
import { districtDate } from "../../core/dates";
import { assertLocalDate } from "../calendar/local-date";
import { Project } from "../projects/project.entity";
import { ApprovalItem } from "./approval.entity";
import { BoardTask } from "../board/board-task.entity";
import { ServiceTicket } from "../tickets/service-ticket.entity";
import { TICKET_STAGES } from "../tickets/ticket.states";
import { windowInstants } from "./district-window";
import type { ApprovalTimeFigures, DistrictBoardFigures, DistrictFigures, DistrictTicketFigures, StartPreparationFigures } from "./figures.types";
import { unionWorkingDays } from "./timeline.service";

const round2 = (n: number) => Math.round(n * 100) / 100;
const average = (values: number[]) => (values.length ? round2(values.reduce((a, b) => a + b, 0) / values.length) : null);

/**
 * The district's figures for a window [from, to], computed from the data on each request,
 * never stored. Every duration counts working days under the official calendar.
 */
export class FiguresService {
  async districtFigures(ctx: RequestContext, from: string, to: string): Promise<DistrictFigures> {
    assertLocalDate("from", from);
    assertLocalDate("to", to);
    if (to < from) throw badInput("to", "to must not be before from");
    const [approvalTime, startPreparation, board, tickets] = await Promise.all([
      this.approvalTime(ctx, from, to),
      this.startPreparation(ctx, from, to),
      this.board(ctx, from, to),
      this.tickets(ctx, from, to),
    ]);
    return { from, to, approvalTime, startPreparation, board, tickets };
  }

  /**
   * Projects with at least one item, all items APPROVED, the last approval in the window;
   * each counts the working days on which any of its items was under review.
   */
  async approvalTime(ctx: RequestContext, from: string, to: string): Promise<ApprovalTimeFigures> {
    const { approvalBaselineWorkingDays: baseline, approvalCutTargetPercent: target } = ctx.app.config;
    const calendar = await calendarService.snapshot(ctx);
    const today = districtDate(ctx.clock.now());
    // The projects that qualify, found in SQL; then only their items are loaded.
    const finished: Array<{ projectId: string }> = await ctx
      .repo(ApprovalItem)
      .createQueryBuilder("item")
      .select("item.project_id", "projectId")
      .groupBy("item.project_id")
      .having("SUM(CASE WHEN item.status <> 'APPROVED' THEN 1 ELSE 0 END) = 0")
      .andHaving("MAX(item.approved_on) >= :from AND MAX(item.approved_on) <= :to", { from, to })
      .getRawMany();
    const items = finished.length ? await ctx.repo(ApprovalItem).findBy({ projectId: In(finished.map((f) => f.projectId)) }) : [];
    const byProject = new Map<string, ApprovalItem[]>();
    for (const item of items) byProject.set(item.projectId, [...(byProject.get(item.projectId) ?? []), item]);
    const durations = [...byProject.values()].map((projectItems) => unionWorkingDays(calendar, projectItems, today));
    const averageWorkingDays = average(durations);
    const cutPercent = averageWorkingDays === null ? null : round2(((baseline - averageWorkingDays) / baseline) * 100);
    return {
      projects: durations.length,
      averageWorkingDays,
      baselineWorkingDays: baseline,
      cutPercent,
      targetCutPercent: target,
      targetMet: cutPercent === null ? null : cutPercent >= target,
    };
  }

  /** Projects whose construction started in the window, with their land contract date. */
  async startPreparation(ctx: RequestContext, from: string, to: string): Promise<StartPreparationFigures> {
    const { startPreparationTargetWorkingDays: target, startPreparationBaselineWorkingDays: baseline } = ctx.app.config;
    const calendar = await calendarService.snapshot(ctx);
    const projects = await ctx
      .repo(Project)
      .createQueryBuilder("p")
      .where("p.land_contract_on IS NOT NULL")
      .andWhere("p.construction_start_on >= :from AND p.construction_start_on <= :to", { from, to })
      .getMany();
    const spans = projects.map((p) => calendar.workingDaysBetween(p.landContractOn!, p.constructionStartOn!));
    const onHandover = spans.filter((wd) => wd <= target);
    return {
      projects: projects.length,
      averageWorkingDays: average(spans),
      targetWorkingDays: target,
      startedOnLandHandover: onHandover.length,
      baselineWorkingDays: baseline,
      averageDaysEarlierThanBaseline: average(onHandover.map((wd) => baseline - wd)),
    };
  }
  /**
   * Board tasks published in the window (withdrawn ones not counted): claimed ever, fulfilled, and
   * the rates as boardStats defines them (fulfilment over verified tasks).
   */
  async board(ctx: RequestContext, from: string, to: string): Promise<DistrictBoardFigures> {
    const { start, end } = windowInstants(from, to);
    const row = await ctx
      .repo(BoardTask)
      .createQueryBuilder("task")
      .select("COUNT(*)", "published")
      .addSelect("SUM(CASE WHEN task.first_claimed_at IS NOT NULL THEN 1 ELSE 0 END)", "claimed")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' THEN 1 ELSE 0 END)", "fulfilled")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' THEN 1 ELSE 0 END)", "failed")
      .where("task.status <> 'WITHDRAWN' AND task.published_at >= :start AND task.published_at < :end", { start, end })
      .getRawOne<Record<string, string | number | null>>();
    const published = Number(row?.published ?? 0);
    const claimed = Number(row?.claimed ?? 0);
    const fulfilled = Number(row?.fulfilled ?? 0);
    const verified = fulfilled + Number(row?.failed ?? 0);
    return { published, claimed, claimRate: published ? claimed / published : null, fulfilled, fulfilmentRate: verified ? fulfilled / verified : null };
  }

  /** Service tickets opened in the window, per mode, and the share resolved by their resolve deadline. */
  async tickets(ctx: RequestContext, from: string, to: string): Promise<DistrictTicketFigures> {
    const { start, end } = windowInstants(from, to);
    const rows = await ctx
      .repo(ServiceTicket)
      .createQueryBuilder("ticket")
      .select("ticket.stage", "mode")
      .addSelect("COUNT(*)", "tickets")
      .addSelect("SUM(CASE WHEN ticket.resolved_at IS NOT NULL AND ticket.resolved_at <= ticket.resolve_due_at THEN 1 ELSE 0 END)", "withinSla")
      .where("ticket.opened_at >= :start AND ticket.opened_at < :end", { start, end })
      .groupBy("ticket.stage")
      .getRawMany<{ mode: string; tickets: string | number; withinSla: string | number | null }>();
    const byMode = TICKET_STAGES.map((mode) => {
      const row = rows.find((r) => r.mode === mode);
      return { mode, tickets: Number(row?.tickets ?? 0), resolvedWithinSla: Number(row?.withinSla ?? 0) };
    });
    const tickets = byMode.reduce((n, m) => n + m.tickets, 0);
    const within = byMode.reduce((n, m) => n + m.resolvedWithinSla, 0);
    return { byMode, tickets, shareResolvedWithinSla: tickets ? within / tickets : null };
  }
}

export const figuresService = new FiguresService();
