import { IdempotencyKeyField } from "../../core/idempotency";
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsISO8601, IsOptional, ValidateNested } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { PHASES, RISK_LEVELS, RiskLevelEnum, SupervisionPhaseEnum, type RiskLevel, type SupervisionPhase } from "./supervision.entity";
import { IsId, RequiredText } from "../../core/validation";

@InputType({ description: "26项细则标准: a new supervision standard." })
export class CreateSupervisionStandardInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "A short stable code; unique." }) @RequiredText(16) code: string;
  @Field({ description: "What the standard requires." }) @RequiredText(200) title: string;
  @Field(() => SupervisionPhaseEnum, { description: "When in the cycle it applies (事前, 事中, 事后)." }) @IsIn(PHASES) phase: SupervisionPhase;
}

@InputType({ description: "Changes to a supervision standard (细则标准); omitted or null fields stay." })
export class UpdateSupervisionStandardInput {
  @Field(() => ID, { nullable: true, description: "The standard to change (required; nullable only while the deprecated standardId is accepted)." })
  @IsOptional()
  @IsId()
  id?: string | null;
  @Field(() => ID, { nullable: true, deprecationReason: "Use id.", description: "The standard to change, by its former name; give id instead (not both)." })
  @IsOptional()
  @IsId()
  standardId?: string | null;
  @Field({ nullable: true, description: "New title." }) @IsOptional() @RequiredText(200) title?: string;
  @Field(() => SupervisionPhaseEnum, { nullable: true, description: "New phase." }) @IsOptional() @IsIn(PHASES) phase?: SupervisionPhase;
  @Field({ nullable: true, description: "false: no longer checked in new inspections." }) @IsOptional() @IsBoolean() active?: boolean;
}

@InputType({ description: "风险等级差异化监管: a project's new risk level." })
export class SetRiskLevelInput {
  @Field(() => ID, { nullable: true, description: "The project (required; nullable only while the deprecated projectId is accepted)." })
  @IsOptional()
  @IsId()
  id?: string | null;
  @Field(() => ID, { nullable: true, deprecationReason: "Use id.", description: "The project, by its former name; give id instead (not both)." })
  @IsOptional()
  @IsId()
  projectId?: string | null;
  @Field(() => RiskLevelEnum, { description: "The new risk level, which sets the inspection interval." }) @IsIn(RISK_LEVELS) riskLevel: RiskLevel;
}

@InputType({ description: "One of the two forms is required: leadDepartmentId (with departmentIds), or the deprecated departments names." })
export class ScheduleJointInspectionInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." }) @IsId() projectId: string;
  @Field(() => GraphQLLocalDate, { description: "The day of the visit." }) @IsISO8601({ strict: true }) scheduledOn: string;
  @Field(() => ID, { nullable: true, description: "牵头部门: the lead department (a Department id); its cadres schedule the visit. Required unless the deprecated departments is sent." })
  @IsOptional()
  @IsId()
  leadDepartmentId?: string | null;
  @Field(() => [ID], { nullable: true, description: "The participating departments (Department ids); the lead is added when missing. At least two distinct departments in all." })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsId({ each: true })
  departmentIds?: string[] | null;
  @Field(() => [String], { nullable: true, deprecationReason: "Use leadDepartmentId and departmentIds.", description: "Departments by their exact names (each must be a department record); the first is the lead." })
  @IsOptional()
  @ArrayMaxSize(20)
  @RequiredText(100, { each: true })
  departments?: string[] | null;
}

@InputType({ description: "One standard checked in a joint inspection, and how the project fared." })
export class StandardResultInput {
  @Field(() => ID, { description: "The standard checked." }) @IsId() standardId: string;
  @Field({ description: "true when the project met it." }) @IsBoolean() passed: boolean;
  @Field({ nullable: true, description: "What was found." }) @IsOptional() @RequiredText(500) note?: string;
  @Field(() => GraphQLLocalDate, { nullable: true, description: "Required when not passed: the follow-up deadline." })
  @IsOptional()
  @IsISO8601({ strict: true })
  followUpDueOn?: string;

  @Field(() => [ID], { nullable: true, description: "Photos taken on the visit: up to 20 uploads of the caller (POST /files), images only (BAD_USER_INPUT for any other type), attached to this result." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayMaxSize(20)
  attachmentIds?: string[] | null;
}

@InputType({ description: "综合查一次: the findings of a joint inspection, one per standard checked." })
export class RecordInspectionFindingsInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The joint inspection." }) @IsId() inspectionId: string;
  @Field(() => [StandardResultInput], { description: "One result per standard checked (each standard once, at most 26)." })
  @ArrayMinSize(1)
  @ArrayMaxSize(26)
  @ValidateNested({ each: true })
  results: StandardResultInput[];
}

@InputType({ description: "Record that a failed finding was put right (整改)." })
export class ResolveFindingInput {
  @Field(() => ID, { description: "The finding." }) @IsId() findingId: string;
  @Field({ nullable: true, description: "What was done." }) @IsOptional() @RequiredText(500) note?: string;
}
