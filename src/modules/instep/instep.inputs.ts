import { IdempotencyKeyField } from "../../core/idempotency";
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, MaxLength } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { StatusInField } from "../../core/status-filter";
import { GraphQLLocalDate } from "graphql-scalars";
import { APPROVAL_KINDS, APPROVAL_STATUSES, ApprovalKindEnum, ApprovalStatusEnum, type ApprovalKind, type ApprovalStatus } from "./approval.entity";
import { BUILDING_PART_KINDS, BuildingPartKindEnum, type BuildingPartKind } from "./building.entity";
import { SURVEY_STAGES, SurveyStageEnum } from "./survey.entity";
import { enumOf } from "../../core/enums";
import { MILESTONES, type Milestone } from "../projects/project-milestones";
import { RequiredText, IsId } from "../../core/validation";
import { labelEnum } from "../../core/labels";

const ON = { nullable: true, description: "The day it happened (China local date); today when omitted; never in the future." } as const;

@InputType({ description: "An approval item (审批事项) a project needs, of one kind." })
export class AddApprovalItemInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => ApprovalKindEnum, { description: "The kind of approval." })
  @IsIn(Object.keys(APPROVAL_KINDS))
  kind: ApprovalKind;

  @Field(() => ID, { nullable: true, description: "The handling department (a Department id); the kind's usual department when omitted. Its cadres submit and decide the item." })
  @IsOptional()
  @IsId()
  departmentId?: string | null;

  @Field(() => String, { nullable: true, deprecationReason: "Use departmentId.", description: "The handling department by its exact name (a department record must have it)." })
  @IsOptional()
  @RequiredText(100)
  department?: string | null;
}

@InputType({ description: "受理: submit an approval item for review." })
export class SubmitApprovalItemInput {
  @Field(() => ID, { description: "The approval item." })
  @IsId()
  itemId: string;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;

  @Field(() => ID, { nullable: true, description: "多测合一: cite the project's shared survey result instead of a survey of its own." })
  @IsOptional()
  @IsId()
  surveyResultId?: string | null;
}

export const APPROVAL_DECISIONS = ["APPROVED", "REJECTED"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];
export const ApprovalDecisionEnum = enumOf(APPROVAL_DECISIONS);
registerEnumType(ApprovalDecisionEnum, {
  name: "ApprovalDecision",
  description: "The outcome of a submitted approval.",
  valuesConfig: labelEnum<ApprovalDecision>("ApprovalDecision", {
    APPROVED: { zh: "准予许可", en: "Approved", description: "The approval is granted (办结)." },
    REJECTED: { zh: "不予许可", en: "Rejected", description: "The approval is refused; the item may be submitted again." },
  }),
});

@InputType({ description: "The department's decision on a submitted approval item." })
export class DecideApprovalItemInput {
  @Field(() => ID, { description: "The approval item." })
  @IsId()
  itemId: string;

  @Field(() => ApprovalDecisionEnum, { description: "APPROVED or REJECTED." })
  @IsIn(APPROVAL_DECISIONS)
  decision: ApprovalDecision;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;

  @Field(() => String, { nullable: true, description: "The reason or conditions." })
  @IsOptional()
  @MaxLength(500)
  note?: string | null;

  @Field(() => [ID], { nullable: true, description: "The document the decision issues (the permit, certificate or filing notice): 1-20 uploads of the caller (POST /files), attached to the item. Required to approve (BAD_USER_INPUT without); optional with a rejection (e.g. the written refusal)." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayMaxSize(20)
  attachmentIds?: string[] | null;
}

@InputType({ description: "多测合一: an approval item cites its stage's shared survey result instead of a survey of its own." })
export class CiteSurveyResultInput {
  @Field(() => ID, { description: "The approval item." })
  @IsId()
  itemId: string;

  @Field(() => ID, { description: "The survey result of its stage." })
  @IsId()
  surveyResultId: string;
}

@InputType({ description: "多测合一: commission the one survey of a project's stage (一次委托)." })
export class CommissionSurveyInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => SurveyStageEnum, { description: "The stage the survey serves." })
  @IsIn(SURVEY_STAGES)
  stage: "PLANNING" | "COMPLETION";

  @Field({ description: "The surveying firm." })
  @RequiredText(200)
  surveyor: string;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;
}

@InputType({ description: "Record the result of a commissioned survey, shared by every item of its stage (成果共享)." })
export class RecordSurveyResultInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The survey commission." })
  @IsId()
  commissionId: string;

  @Field({ description: "Report number." })
  @RequiredText(100)
  reference: string;

  @Field(() => String, { nullable: true, description: "What the survey found." })
  @IsOptional()
  @MaxLength(1000)
  summary?: string | null;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;
}

@InputType({ description: "分栋分层验收: a building, or floors of one, to be accepted on its own." })
export class AddBuildingInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field({ description: "e.g. 1号厂房 or 1号厂房 1-3层; unique within the project." })
  @RequiredText(100)
  name: string;

  @Field(() => BuildingPartKindEnum, { description: "A whole building, or floors of one." })
  @IsIn(BUILDING_PART_KINDS)
  partKind: BuildingPartKind;

  @Field({ description: "Trial production needs this part accepted." })
  @IsBoolean()
  requiredForTrialProduction: boolean;
}

@InputType({ description: "Record whether a building or floors passed acceptance." })
export class RecordBuildingAcceptanceInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The building or floors." })
  @IsId()
  buildingId: string;

  @Field({ description: "false records a failed inspection; the part may be inspected again." })
  @IsBoolean()
  passed: boolean;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;

  @Field(() => String, { nullable: true, description: "The acceptance's findings." })
  @IsOptional()
  @MaxLength(500)
  note?: string | null;
}

export const MilestoneEnum = enumOf(MILESTONES);
registerEnumType(MilestoneEnum, {
  name: "Milestone",
  description: "A project's milestones (the project's date columns), in the order of the three in-step pairs.",
  valuesConfig: labelEnum<Milestone>("Milestone", {
    SIGNED: { zh: "签约", en: "Signed", description: "The investment agreement signed." },
    LAND_CONTRACT: { zh: "拿地", en: "Land contract", description: "Land contract signed (交地)." },
    CONSTRUCTION_START: { zh: "开工", en: "Construction start", description: "Construction started." },
    COMPLETION: { zh: "竣工", en: "Completion", description: "Construction completed." },
    CERTIFICATE: { zh: "发证", en: "Certificate", description: "Property certificate issued." },
    PRE_ACCEPTANCE: { zh: "预验", en: "Pre-acceptance", description: "The parts trial production needs passed pre-acceptance." },
    TRIAL_PRODUCTION: { zh: "试产", en: "Trial production", description: "Trial production started." },
  }),
});

@InputType({ description: "Record a milestone of a project, after the gate of the path it passes (e.g. 承诺即开工 for the construction start)." })
export class RecordProjectMilestoneInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => MilestoneEnum, { description: "Which milestone." })
  @IsIn(MILESTONES)
  milestone: Milestone;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;
}

@InputType({ description: "Add or remove a dependency between two approval kinds (one may not be approved before the other)." })
export class SetApprovalDependencyInput {
  @Field(() => ApprovalKindEnum, { description: "The item that waits." })
  @IsIn(Object.keys(APPROVAL_KINDS))
  kind: ApprovalKind;

  @Field(() => ApprovalKindEnum, { description: "The item it may not be approved before." })
  @IsIn(Object.keys(APPROVAL_KINDS))
  requiresKind: ApprovalKind;

  @Field({ description: "true adds the dependency, false removes it." })
  @IsBoolean()
  required: boolean;
}

@InputType({ description: "Narrows a project's approval items; all given conditions must hold." })
export class ApprovalItemFilter {
  @StatusInField(ApprovalStatusEnum, APPROVAL_STATUSES) statusIn?: ApprovalStatus[];
}
