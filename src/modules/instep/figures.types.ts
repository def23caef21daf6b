import { Field, Float, Int, ObjectType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { TicketStageEnum, type TicketStage } from "../tickets/ticket.states";

@ObjectType({ description: "全流程审批时间: whole-process approval time of the projects whose approvals all finished in the window." })
export class ApprovalTimeFigures {
  @Field(() => Int, { description: "Projects counted: at least one approval item, every item APPROVED, the last approval within the window." })
  projects: number;

  @Field(() => Float, { nullable: true, description: "Average working days on which at least one of a project's items was under review (parallel days once); null without projects. Rounded to 2 decimals." })
  averageWorkingDays: number | null;

  @Field(() => Int, { description: "The pre-reform whole-process time (configuration)." })
  baselineWorkingDays: number;

  @Field(() => Float, { nullable: true, description: "(baseline - average) / baseline × 100, rounded to 2 decimals." })
  cutPercent: number | null;

  @Field(() => Int, { description: "The cut aimed for, in percent (configuration, 30)." })
  targetCutPercent: number;

  @Field(() => Boolean, { nullable: true })
  targetMet: boolean | null;
}

@ObjectType({ description: "交地同步开工: start preparation of the projects that started construction in the window." })
export class StartPreparationFigures {
  @Field(() => Int, { description: "Projects with a land contract whose construction started within the window." })
  projects: number;

  @Field(() => Float, { nullable: true, description: "Average working days from land contract to construction start; rounded to 2 decimals." })
  averageWorkingDays: number | null;

  @Field(() => Int, { description: "Target (configuration, 15)." })
  targetWorkingDays: number;

  @Field(() => Int, { description: "拿地即开工: projects whose start preparation stayed within the target." })
  startedOnLandHandover: number;

  @Field(() => Int, { description: "Pre-reform start preparation (configuration)." })
  baselineWorkingDays: number;

  @Field(() => Float, { nullable: true, description: "Over the projects started on land handover: average of (baseline - their start preparation), in working days; rounded to 2 decimals." })
  averageDaysEarlierThanBaseline: number | null;
}

@ObjectType({
  description:
    "任务榜 figures for the window, from the task board module: published (WITHDRAWN excluded), claimed at least once, verified fulfilled; 兑现率 as the board defines it.",
})
export class DistrictBoardFigures {
  @Field(() => Int) published: number;
  @Field(() => Int) claimed: number;
  @Field(() => Float, { nullable: true, description: "claimed / published in [0,1]." }) claimRate: number | null;
  @Field(() => Int) fulfilled: number;
  @Field(() => Float, { nullable: true, description: "兑现率 in [0,1], as the task board module computes it." }) fulfilmentRate: number | null;
}

@ObjectType({ description: "Tickets of one service mode." })
export class DistrictTicketModeFigures {
  @Field(() => TicketStageEnum, { description: "The service mode." }) mode: TicketStage;
  @Field(() => Int) tickets: number;
  @Field(() => Int) resolvedWithinSla: number;
}

@ObjectType({ description: "Service tickets opened in the window: per mode and in all." })
export class DistrictTicketFigures {
  @Field(() => [DistrictTicketModeFigures]) byMode: DistrictTicketModeFigures[];
  @Field(() => Int) tickets: number;
  @Field(() => Float, { nullable: true, description: "Share resolved within the SLA, 0..1." }) shareResolvedWithinSla: number | null;
}

@ObjectType({ description: "The district's reported figures, computed from the data for a window; nothing is stored." })
export class DistrictFigures {
  @Field(() => GraphQLLocalDate) from: string;
  @Field(() => GraphQLLocalDate) to: string;
  @Field(() => ApprovalTimeFigures) approvalTime: ApprovalTimeFigures;
  @Field(() => StartPreparationFigures) startPreparation: StartPreparationFigures;
  @Field(() => DistrictBoardFigures, { description: "Board tasks published in the window (WITHDRAWN ones not counted)." }) board: DistrictBoardFigures;
  @Field(() => DistrictTicketFigures, { description: "Service tickets opened in the window." }) tickets: DistrictTicketFigures;
}
