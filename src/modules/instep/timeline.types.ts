import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { Project } from "../projects/project.entity";
import { ApprovalItem } from "./approval.entity";
import { Building } from "./building.entity";
import type { Milestone } from "../projects/project-milestones";
import { MilestoneEnum } from "./instep.inputs";
import { SurveyCommission } from "./survey.entity";
import type { ApprovalDependency } from "./approval.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

@ObjectType({ description: "A milestone and its day (null while not reached)." })
export class MilestoneDate {
  @Field(() => MilestoneEnum)
  milestone: Milestone;

  @Field(() => GraphQLLocalDate, { nullable: true })
  on: string | null;
}

@ObjectType({
  description:
    "Two approval items under review at the same time. An item is under review from submittedOn to approvedOn (rejectedOn when rejected, today while pending); the overlap runs from the later start to the earlier end.",
})
export class ApprovalOverlap {
  @Field(() => ApprovalItem)
  first: ApprovalItem;

  @Field(() => ApprovalItem)
  second: ApprovalItem;

  @Field(() => GraphQLLocalDate)
  from: string;

  @Field(() => GraphQLLocalDate)
  to: string;

  @Field(() => Int, { description: "Working days of the overlap: working days d with from < d <= to (always > 0; touching items are not listed)." })
  workingDays: number;
}

@ObjectType({
  description:
    "关键路径: the chain of approval items that determines the end date. It ends at the item whose review ended last (approvedOn, rejectedOn, or today while pending; ties: earlier submittedOn, then kind order). " +
    "Each step back goes to the item the current one depends on (approval_dependency) that was still under review when the current one was submitted (its end >= the current item's submittedOn) — the item whose approval the current one had to wait for; among several, the one that ended last. " +
    "The chain stops at an item with no such predecessor: its own review time set the pace. start = first item's submittedOn, end = last item's end.",
})
export class CriticalPath {
  @Field(() => [ApprovalItem], { description: "In order, from the item that started the chain to the one that ends it." })
  items: ApprovalItem[];

  @Field(() => GraphQLLocalDate)
  start: string;

  @Field(() => GraphQLLocalDate)
  end: string;

  @Field(() => Int, { description: "Working days from start to end." })
  workingDays: number;
}

export const IN_STEP_CHECKS = ["START_ON_LAND_HANDOVER", "CERTIFICATE_ON_COMPLETION", "TRIAL_PRODUCTION_ON_PRE_ACCEPTANCE"] as const;
export type InStepCheckKind = (typeof IN_STEP_CHECKS)[number];
export const InStepCheckKindEnum = enumOf(IN_STEP_CHECKS);
registerEnumType(InStepCheckKindEnum, {
  name: "InStepCheckKind",
  description: "三同步: the three in-step checks.",
  valuesConfig: labelEnum<InStepCheckKind>("InStepCheckKind", {
    START_ON_LAND_HANDOVER: { zh: "交地同步开工", en: "Start on land handover", description: "Land contract -> construction start; saving against the pre-reform start preparation." },
    CERTIFICATE_ON_COMPLETION: { zh: "竣工同步发证", en: "Certificate on completion", description: "Completion -> certificate; saving against the pre-reform completion-to-certificate time." },
    TRIAL_PRODUCTION_ON_PRE_ACCEPTANCE: {
      zh: "预验同步试产",
      en: "Trial production on pre-acceptance",
      description: "Pre-acceptance -> trial production; saving = working days trial production started before completion (竣工), when it used to wait for it.",
    },
  }),
});

@ObjectType({ description: "One in-step check of a project: working days between two milestones against the target." })
export class InStepCheck {
  @Field(() => InStepCheckKindEnum)
  check: InStepCheckKind;

  @Field(() => MilestoneEnum)
  from: Milestone;

  @Field(() => MilestoneEnum)
  to: Milestone;

  @Field(() => GraphQLLocalDate, { nullable: true })
  fromOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  toOn: string | null;

  @Field(() => Int, { nullable: true, description: "Working days from fromOn to toOn; null until both are reached." })
  workingDays: number | null;

  @Field(() => Int, { description: "The target (configuration)." })
  targetWorkingDays: number;

  @Field(() => Boolean, { nullable: true, description: "workingDays <= targetWorkingDays; null until both milestones are reached." })
  met: boolean | null;

  @Field(() => Int, { nullable: true, description: "The pre-reform duration it is compared with (configuration); null for trial production, which compares with completion." })
  baselineWorkingDays: number | null;

  @Field(() => Int, { nullable: true, description: "Working days saved: baseline - workingDays; for trial production, working days from trial production to completion." })
  savedWorkingDays: number | null;
}

/** What the timeline resolver's fields compute from (not all of it is exposed). */
export interface TimelineData {
  project: Project;
  items: ApprovalItem[];
  dependencies: ApprovalDependency[];
  today: string;
}

@ObjectType({ description: "A project's three in-step timeline: milestones, approvals side by side, overlaps, the critical path and the checks." })
export class ProjectTimeline {
  @Field(() => Project)
  project: Project;

  @Field(() => [MilestoneDate])
  milestones: MilestoneDate[];

  @Field(() => [ApprovalItem], { description: "Every approval item, in order of submission (not started last)." })
  items: ApprovalItem[];

  @Field(() => [ApprovalOverlap], { description: "Every pair of items whose reviews overlapped by at least one working day." })
  overlaps: ApprovalOverlap[];

  @Field(() => Int, { description: "Working days on which at least one item was under review (parallel days counted once): the project's whole-process approval time." })
  approvalWorkingDays: number;

  @Field(() => Int, { description: "The sum of every item's own review working days: what a relay (one after another) would have taken." })
  sequentialWorkingDays: number;

  @Field(() => [InStepCheck])
  checks: InStepCheck[];

  @Field(() => [Building], { description: "Buildings and floors accepted one by one." })
  buildings: Building[];

  @Field(() => [SurveyCommission], { description: "多测合一 commissions, one per stage." })
  surveys: SurveyCommission[];

  /** Kept for the criticalPath field. */
  data: TimelineData;
}
