import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { enumOf } from "../../core/enums";
import { BoardFigures } from "../board/board.types";
import { TicketStageEnum, type TicketStage } from "../tickets/ticket.states";
import { labelEnum } from "../../core/labels";

export const PROJECT_COHORTS = ["ALL", "FAST_TRACK", "WITH_DEFERRED_ITEMS"] as const;
export type ProjectCohort = (typeof PROJECT_COHORTS)[number];
export const ProjectCohortEnum = enumOf(PROJECT_COHORTS);
registerEnumType(ProjectCohortEnum, {
  name: "ProjectCohort",
  description: "Which projects a figure counts.",
  valuesConfig: labelEnum<ProjectCohort>("ProjectCohort", {
    ALL: { zh: "全部项目", en: "All projects", description: "Every project (and, for board tasks and tickets, those linked to no project)." },
    FAST_TRACK: { zh: "极速审批项目", en: "Fast-track projects", description: "Projects admitted to the fast track, i.e. whose two-way commitment letter both parties signed at some time (suspended and exited ones included)." },
    WITH_DEFERRED_ITEMS: { zh: "容缺项目", en: "Projects with deferred materials", description: "Projects that deferred at least one material (先办后补)." },
  }),
});

export const BASELINE_SOURCES = ["DATA", "CONFIGURED"] as const;
export type BaselineSource = (typeof BASELINE_SOURCES)[number];
export const BaselineSourceEnum = enumOf(BASELINE_SOURCES);
registerEnumType(BaselineSourceEnum, {
  name: "BaselineSource",
  description: "Where a figure's baseline (改革前基准) came from.",
  valuesConfig: labelEnum<BaselineSource>("BaselineSource", {
    DATA: { zh: "本区数据", en: "District data", description: "The average over the district's own projects that did not take the fast track (or finished before REFORM_START_ON)." },
    CONFIGURED: { zh: "配置值", en: "Configured", description: "Fewer than BASELINE_MIN_PROJECTS such projects exist, so the configured value stands in." },
  }),
});

const BASELINE =
  "The baseline is the average of the same span over the projects that never took the fast track, or whose span ended before REFORM_START_ON, over all time (not only the window); " +
  "with fewer than BASELINE_MIN_PROJECTS of them the configured value is used. baselineSource says which, baselineSampleSize how many projects the data had.";

/** A duration measured over the projects of a cohort whose span ended in the window, against its baseline. */
@ObjectType({ description: `A span between two milestones, in working days of the official calendar, over the projects whose span ended in the window. ${BASELINE}` })
export class DurationFigures {
  @Field(() => Int, { description: "Projects measured: in the cohort, both milestones recorded, the later one within the window." })
  projects: number;

  @Field(() => Float, { nullable: true, description: "Average working days of the span; null without projects. Rounded to 2 decimals." })
  averageWorkingDays: number | null;

  @Field(() => Float, { description: "改革前基准: the baseline span in working days (rounded to 2 decimals)." })
  baseline: number;

  @Field(() => BaselineSourceEnum)
  baselineSource: BaselineSource;

  @Field(() => Int, { description: "Projects the baseline could be computed from (also when fewer than BASELINE_MIN_PROJECTS, and the configured value was used)." })
  baselineSampleSize: number;

  @Field(() => Float, { nullable: true, description: "baseline - averageWorkingDays: working days saved per project, over every project measured; negative when slower. Null without projects." })
  averageWorkingDaysSaved: number | null;
}

@ObjectType({ description: `全流程审批时间: whole-process approval time of the projects whose approvals all finished in the window (every item APPROVED, the last approval in the window); a project's time is the working days on which any of its items was under review. ${BASELINE}` })
export class ApprovalTimeFigures extends DurationFigures {
  @Field(() => Int, { deprecationReason: "Rounded; read baseline, which may now come from data (baselineSource)." })
  baselineWorkingDays: number;

  @Field(() => Float, { nullable: true, description: "(baseline - average) / baseline × 100, rounded to 2 decimals." })
  cutPercent: number | null;

  @Field(() => Int, { description: "The cut aimed for, in percent (configuration, 30)." })
  targetCutPercent: number;

  @Field(() => Boolean, { nullable: true })
  targetMet: boolean | null;
}

@ObjectType({ description: `交地同步开工: land contract -> construction start, over the projects whose construction started in the window. ${BASELINE}` })
export class StartPreparationFigures extends DurationFigures {
  @Field(() => Int, { description: "Target (configuration, 15)." })
  targetWorkingDays: number;

  @Field(() => Int, { description: "拿地即开工: projects whose start preparation stayed within the target." })
  startedOnLandHandover: number;

  @Field(() => Int, { deprecationReason: "Rounded; read baseline, which may now come from data (baselineSource)." })
  baselineWorkingDays: number;

  @Field(() => Float, {
    nullable: true,
    deprecationReason: "Read averageWorkingDaysSaved: the same figure (平均提前开工天数), which now counts every project measured, not only those within the target.",
  })
  averageDaysEarlierThanBaseline: number | null;
}

@ObjectType({ description: `竣工同步发证: completion (竣工, when acceptance is applied for) -> certificates, over the projects certified in the window; averageWorkingDaysSaved is 从申请验收到拿证 缩短的工作日. ${BASELINE}` })
export class CertificateFigures extends DurationFigures {
  @Field(() => Int, { description: "Target (configuration, 20)." })
  targetWorkingDays: number;

  @Field(() => Int, { description: "Projects certified within the target." })
  withinTarget: number;
}

@ObjectType({ description: `预验同步试产: construction start -> trial production, over the projects that began trial production in the window; averageWorkingDaysSaved is how much earlier trial production came (投产提前). ${BASELINE}` })
export class TrialProductionFigures extends DurationFigures {
  @Field(() => Int, { description: "预验即试产: of those, projects whose trial production came before completion (竣工) was recorded, or with no completion yet." })
  beforeCompletion: number;
}

@ObjectType({ description: "当月拿地、当月开工、当年试产: projects of the cohort that took land and started construction in the same calendar month, and of those, the ones that began trial production in the same calendar year as the land." })
export class SameMonthFigures {
  @Field(() => Int, { description: "当月拿地、当月开工: construction started in the window, in the calendar month of the land contract." })
  landAndStartSameMonth: number;

  @Field(() => Int, { description: "当月拿地、当月开工、当年试产: trial production began in the window and in the calendar year of the land contract, construction having started in the land contract's month." })
  withTrialProductionSameYear: number;
}

@ObjectType({ description: "任务榜 figures of the board tasks published in the window (of the cohort's projects, unless ALL), counted as boardStats counts them." })
export class DistrictBoardFigures extends BoardFigures {}

@ObjectType({ description: "Tickets of one service mode." })
export class DistrictTicketModeFigures {
  @Field(() => TicketStageEnum, { description: "The service mode." }) mode: TicketStage;
  @Field(() => Int) tickets: number;
  @Field(() => Int) resolvedWithinSla: number;
}

@ObjectType({ description: "Service tickets opened in the window (of the cohort's projects, unless ALL): per mode and in all." })
export class DistrictTicketFigures {
  @Field(() => [DistrictTicketModeFigures]) byMode: DistrictTicketModeFigures[];
  @Field(() => Int) tickets: number;
  @Field(() => Float, { nullable: true, description: "Share resolved within the SLA, 0..1." }) shareResolvedWithinSla: number | null;
}

@ObjectType({ description: "The district's reported figures, computed from the data for a window and a cohort of projects; nothing is stored." })
export class DistrictFigures {
  @Field(() => GraphQLLocalDate) from: string;
  @Field(() => GraphQLLocalDate) to: string;
  @Field(() => ProjectCohortEnum, { description: "The projects counted." }) cohort: ProjectCohort;
  @Field(() => ApprovalTimeFigures) approvalTime: ApprovalTimeFigures;
  @Field(() => StartPreparationFigures) startPreparation: StartPreparationFigures;
  @Field(() => CertificateFigures) certificates: CertificateFigures;
  @Field(() => TrialProductionFigures) trialProduction: TrialProductionFigures;
  @Field(() => SameMonthFigures) sameMonth: SameMonthFigures;
  @Field(() => DistrictBoardFigures, { description: "Board tasks published in the window (WITHDRAWN ones not counted)." }) board: DistrictBoardFigures;
  @Field(() => DistrictTicketFigures, { description: "Service tickets opened in the window." }) tickets: DistrictTicketFigures;
}
