import DataLoader from "dataloader";
import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { User } from "../accounts/user.entity";
import { calendarService } from "../calendar/calendar.service";
import { chinaToday } from "../calendar/local-date";
import { APPROVAL_KINDS, type ApprovalItem, type ApprovalPhase } from "./approval.entity";
import { BuildingAcceptance } from "./building.entity";
import { SurveyResult } from "./survey.entity";
import { reviewEnd } from "./timeline.service";

/** Per-request loaders for the nested fields of approvals, surveys and buildings (one query per field, not per row). */
export class InStepFieldService {
  phase(item: ApprovalItem): ApprovalPhase {
    return APPROVAL_KINDS[item.kind].phase;
  }

  /** Working days under review: submittedOn to approvedOn (rejectedOn when rejected, today while pending). */
  async reviewWorkingDays(ctx: RequestContext, item: ApprovalItem): Promise<number | null> {
    const end = reviewEnd(item, chinaToday(ctx.clock));
    return item.submittedOn && end ? calendarService.workingDaysBetween(ctx, item.submittedOn, end) : null;
  }

  handledBy(ctx: RequestContext, item: ApprovalItem): Promise<User | null> {
    if (!item.handledById) return Promise.resolve(null);
    return loaderById(ctx, User).load(item.handledById);
  }

  surveyResult(ctx: RequestContext, id: string | null): Promise<SurveyResult | null> {
    if (!id) return Promise.resolve(null);
    return ctx
      .loader("instep.surveyResult", () => new DataLoader<string, SurveyResult | null>(async (ids) => {
        const rows = await ctx.repo(SurveyResult).findBy({ id: In([...ids]) });
        return ids.map((key) => rows.find((r) => r.id === key) ?? null);
      }))
      .load(id);
  }

  resultOfCommission(ctx: RequestContext, commissionId: string): Promise<SurveyResult | null> {
    return ctx
      .loader("instep.commissionResult", () => new DataLoader<string, SurveyResult | null>(async (ids) => {
        const rows = await ctx.repo(SurveyResult).findBy({ commissionId: In([...ids]) });
        return ids.map((key) => rows.find((r) => r.commissionId === key) ?? null);
      }))
      .load(commissionId);
  }

  acceptances(ctx: RequestContext, buildingId: string): Promise<BuildingAcceptance[]> {
    return ctx
      .loader("instep.acceptances", () => new DataLoader<string, BuildingAcceptance[]>(async (ids) => {
        const rows = await ctx.repo(BuildingAcceptance).find({ where: { buildingId: In([...ids]) }, order: { inspectedOn: "ASC", createdAt: "ASC" } });
        return ids.map((key) => rows.filter((r) => r.buildingId === key));
      }))
      .load(buildingId);
  }
}

export const inStepFieldService = new InStepFieldService();
