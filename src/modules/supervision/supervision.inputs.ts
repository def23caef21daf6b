import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID, ValidateNested } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { PHASES, RISK_LEVELS, RiskLevelEnum, SupervisionPhaseEnum, type RiskLevel, type SupervisionPhase } from "./supervision.entity";
import { RequiredText } from "../../core/validation";

@InputType()
export class CreateSupervisionStandardInput {
  @Field() @RequiredText(16) code: string;
  @Field() @RequiredText(200) title: string;
  @Field(() => SupervisionPhaseEnum) @IsIn(PHASES) phase: SupervisionPhase;
}

@InputType()
export class UpdateSupervisionStandardInput {
  @Field(() => ID) @IsUUID() standardId: string;
  @Field({ nullable: true }) @IsOptional() @RequiredText(200) title?: string;
  @Field(() => SupervisionPhaseEnum, { nullable: true }) @IsOptional() @IsIn(PHASES) phase?: SupervisionPhase;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() active?: boolean;
}

@InputType()
export class SetRiskLevelInput {
  @Field(() => ID) @IsUUID() projectId: string;
  @Field(() => RiskLevelEnum) @IsIn(RISK_LEVELS) riskLevel: RiskLevel;
}

@InputType({ description: "One of the two forms is required: leadDepartmentId (with departmentIds), or the deprecated departments names." })
export class ScheduleJointInspectionInput {
  @Field(() => ID) @IsUUID() projectId: string;
  @Field(() => GraphQLLocalDate) @IsISO8601({ strict: true }) scheduledOn: string;
  @Field(() => ID, { nullable: true, description: "牵头部门: the lead department (a Department id); its cadres schedule the visit. Required unless the deprecated departments is sent." })
  @IsOptional()
  @IsUUID()
  leadDepartmentId?: string | null;
  @Field(() => [ID], { nullable: true, description: "The participating departments (Department ids); the lead is added when missing. At least two distinct departments in all." })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsUUID(undefined, { each: true })
  departmentIds?: string[] | null;
  @Field(() => [String], { nullable: true, deprecationReason: "Use leadDepartmentId and departmentIds.", description: "Departments by their exact names (each must be a department record); the first is the lead." })
  @IsOptional()
  @ArrayMaxSize(20)
  @RequiredText(100, { each: true })
  departments?: string[] | null;
}

@InputType()
export class StandardResultInput {
  @Field(() => ID) @IsUUID() standardId: string;
  @Field() @IsBoolean() passed: boolean;
  @Field({ nullable: true }) @IsOptional() @RequiredText(500) note?: string;
  @Field(() => GraphQLLocalDate, { nullable: true, description: "Required when not passed: the follow-up deadline." })
  @IsOptional()
  @IsISO8601({ strict: true })
  followUpDueOn?: string;
}

@InputType()
export class RecordInspectionFindingsInput {
  @Field(() => ID) @IsUUID() inspectionId: string;
  @Field(() => [StandardResultInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(26)
  @ValidateNested({ each: true })
  results: StandardResultInput[];
}

@InputType()
export class ResolveFindingInput {
  @Field(() => ID) @IsUUID() findingId: string;
  @Field({ nullable: true }) @IsOptional() @RequiredText(500) note?: string;
}
