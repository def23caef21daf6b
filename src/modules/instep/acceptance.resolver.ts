import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { Building, BuildingAcceptance } from "./building.entity";
import { buildingService } from "./building.service";
import { inStepFieldService } from "./instep.loaders";
import { AddBuildingInput, CommissionSurveyInput, RecordBuildingAcceptanceInput, RecordSurveyResultInput } from "./instep.inputs";
import { SurveyCommission, SurveyResult } from "./survey.entity";
import { surveyService } from "./survey.service";

/** 多测合一 surveys and 预验同步试产 per-building acceptance (changes by ADMIN or CADRE). */
@Resolver(() => Building)
export class BuildingResolver {
  @Remit("addBuilding")
  @Mutation(() => Building, { description: described("addBuilding", "Add a building or floor of a project (unique name per project).") })
  addBuilding(@Ctx() ctx: RequestContext, @Arg("input") input: AddBuildingInput): Promise<Building> {
    return buildingService.addBuilding(ctx, input);
  }

  @Remit("recordBuildingAcceptance")
  @Mutation(() => Building, { description: described("recordBuildingAcceptance", "Record one acceptance inspection of a building or floor; a pass is final (CONFLICT after it). STOP_WORK_ORDER while the project is SUSPENDED.") })
  recordBuildingAcceptance(@Ctx() ctx: RequestContext, @Arg("input") input: RecordBuildingAcceptanceInput): Promise<Building> {
    return buildingService.recordAcceptance(ctx, input);
  }

  @FieldResolver(() => [BuildingAcceptance], { description: "Its inspections, oldest first." })
  acceptances(@Ctx() ctx: RequestContext, @Root() building: Building): Promise<BuildingAcceptance[]> {
    return inStepFieldService.acceptances(ctx, building.id);
  }
}

@Resolver(() => SurveyCommission)
export class SurveyResolver {
  @Remit("commissionSurvey")
  @Mutation(() => SurveyCommission, { description: described("commissionSurvey", "一次委托: commission the one survey of a project stage (CONFLICT for a second).") })
  commissionSurvey(@Ctx() ctx: RequestContext, @Arg("input") input: CommissionSurveyInput): Promise<SurveyCommission> {
    return surveyService.commission(ctx, input);
  }

  @Remit("recordSurveyResult")
  @Mutation(() => SurveyResult, { description: described("recordSurveyResult", "成果共享: record the commission's result, which the stage's approval items then cite.") })
  recordSurveyResult(@Ctx() ctx: RequestContext, @Arg("input") input: RecordSurveyResultInput): Promise<SurveyResult> {
    return surveyService.recordResult(ctx, input);
  }

  @FieldResolver(() => SurveyResult, { nullable: true })
  result(@Ctx() ctx: RequestContext, @Root() commission: SurveyCommission): Promise<SurveyResult | null> {
    return inStepFieldService.resultOfCommission(ctx, commission.id);
  }
}
