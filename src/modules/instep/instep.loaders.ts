import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { groupedLoader, keyedLoader, loaderById } from "../../core/loaders";
import { loadUser } from "../accounts/user-loader";
import { User } from "../accounts/user.entity";
import { calendarService } from "../calendar/calendar.service";
import { districtDate } from "../../core/dates";
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
    const end = reviewEnd(item, districtDate(ctx.clock.now()));
    return item.submittedOn && end ? calendarService.workingDaysBetween(ctx, item.submittedOn, end) : null;
  }

  handledBy(ctx: RequestContext, item: ApprovalItem): Promise<User | null> {
    return loadUser(ctx, item.handledById);
  }

  surveyResult(ctx: RequestContext, id: string | null): Promise<SurveyResult | null> {
    return id ? loaderById(ctx, SurveyResult).load(id) : Promise.resolve(null);
  }

  resultOfCommission(ctx: RequestContext, commissionId: string): Promise<SurveyResult | null> {
    const load = (ids: string[]) => ctx.repo(SurveyResult).findBy({ commissionId: In(ids) });
    return keyedLoader(ctx, "instep.commissionResult", load, (r) => r.commissionId).load(commissionId);
  }



  acceptances(ctx: RequestContext, buildingId: string): Promise<BuildingAcceptance[]> {
    const load = (ids: string[]) => ctx.repo(BuildingAcceptance).find({ where: { buildingId: In(ids) }, order: { inspectedOn: "ASC", createdAt: "ASC" } });
    return groupedLoader(ctx, "instep.acceptances", load, (a) => a.buildingId).load(buildingId);
  }
}

export const inStepFieldService = new InStepFieldService();
