import { IsBoolean, IsIn, IsOptional, IsUUID, MaxLength } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { APPROVAL_KINDS, ApprovalKindEnum, type ApprovalKind } from "./approval.entity";
import { BUILDING_PART_KINDS, BuildingPartKindEnum, type BuildingPartKind } from "./building.entity";
import { SURVEY_STAGES, SurveyStageEnum } from "./survey.entity";
import { enumOf } from "../../core/enums";
import { MILESTONES, type Milestone } from "../projects/project-milestones";
import { RequiredText } from "../../core/validation";

const ON = { nullable: true, description: "The day it happened (China local date); today when omitted; never in the future." } as const;

@InputType()
export class AddApprovalItemInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field(() => ApprovalKindEnum)
  @IsIn(Object.keys(APPROVAL_KINDS))
  kind: ApprovalKind;

  @Field(() => ID, { nullable: true, description: "The handling department (a Department id); the kind's usual department when omitted. Its cadres submit and decide the item." })
  @IsOptional()
  @IsUUID()
  departmentId?: string | null;

  @Field(() => String, { nullable: true, deprecationReason: "Use departmentId.", description: "The handling department by its exact name (a department record must have it)." })
  @IsOptional()
  @RequiredText(100)
  department?: string | null;
}

@InputType()
export class SubmitApprovalItemInput {
  @Field(() => ID)
  @IsUUID()
  itemId: string;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;

  @Field(() => ID, { nullable: true, description: "多测合一: cite the project's shared survey result instead of a survey of its own." })
  @IsOptional()
  @IsUUID()
  surveyResultId?: string | null;
}

export const APPROVAL_DECISIONS = ["APPROVED", "REJECTED"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];
export const ApprovalDecisionEnum = enumOf(APPROVAL_DECISIONS);
registerEnumType(ApprovalDecisionEnum, { name: "ApprovalDecision", description: "The outcome of a submitted approval." });

@InputType()
export class DecideApprovalItemInput {
  @Field(() => ID)
  @IsUUID()
  itemId: string;

  @Field(() => ApprovalDecisionEnum)
  @IsIn(APPROVAL_DECISIONS)
  decision: ApprovalDecision;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  note?: string | null;
}

@InputType()
export class CiteSurveyResultInput {
  @Field(() => ID)
  @IsUUID()
  itemId: string;

  @Field(() => ID)
  @IsUUID()
  surveyResultId: string;
}

@InputType()
export class CommissionSurveyInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field(() => SurveyStageEnum)
  @IsIn(SURVEY_STAGES)
  stage: "PLANNING" | "COMPLETION";

  @Field({ description: "The surveying firm." })
  @RequiredText(200)
  surveyor: string;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;
}

@InputType()
export class RecordSurveyResultInput {
  @Field(() => ID)
  @IsUUID()
  commissionId: string;

  @Field({ description: "Report number." })
  @RequiredText(100)
  reference: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  summary?: string | null;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;
}

@InputType()
export class AddBuildingInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field({ description: "e.g. 1号厂房 or 1号厂房 1-3层; unique within the project." })
  @RequiredText(100)
  name: string;

  @Field(() => BuildingPartKindEnum)
  @IsIn(BUILDING_PART_KINDS)
  partKind: BuildingPartKind;

  @Field({ description: "Trial production needs this part accepted." })
  @IsBoolean()
  requiredForTrialProduction: boolean;
}

@InputType()
export class RecordBuildingAcceptanceInput {
  @Field(() => ID)
  @IsUUID()
  buildingId: string;

  @Field({ description: "false records a failed inspection; the part may be inspected again." })
  @IsBoolean()
  passed: boolean;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  note?: string | null;
}

export const MilestoneEnum = enumOf(MILESTONES);
registerEnumType(MilestoneEnum, {
  name: "Milestone",
  description: "A project's milestones (the project's date columns).",
  valuesConfig: {
    SIGNED: { description: "签约" },
    LAND_CONTRACT: { description: "拿地: land contract signed (交地)." },
    CONSTRUCTION_START: { description: "开工" },
    COMPLETION: { description: "竣工" },
    CERTIFICATE: { description: "发证: property certificate issued." },
    PRE_ACCEPTANCE: { description: "预验: the parts trial production needs passed pre-acceptance." },
    TRIAL_PRODUCTION: { description: "试产" },
  },
});

@InputType()
export class RecordProjectMilestoneInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field(() => MilestoneEnum)
  @IsIn(MILESTONES)
  milestone: Milestone;

  @Field(() => GraphQLLocalDate, ON)
  @IsOptional()
  on?: string | null;
}

@InputType()
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
