import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, Length, Matches, Max, Min, ValidateNested } from "class-validator";
import { GraphQLLocalDate } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { GOVERNMENT_CLAUSE_RULES, GovernmentClauseRuleEnum, PARTIES, PartyEnum, type GovernmentClauseRule, type Party } from "./commitment.entity";
import { RequiredText } from "../../core/validation";

const CODE = /^[A-Z][A-Z0-9_]{1,47}$/;

@InputType()
export class CreateClauseTemplateInput {
  @Field()
  @Matches(CODE, { message: "code must be upper-case letters, digits and underscores" })
  code: string;

  @Field(() => PartyEnum)
  @IsIn(PARTIES)
  party: Party;

  @Field()
  @RequiredText(200)
  title: string;

  @Field({ description: "Clause text; {project}, {dueOn}, {workingDays} (ruleWorkingDays), {ackHours} and {resolveHours} (the EMERGENCY ticket SLA) are filled in when drafting." })
  @RequiredText(5000)
  body: string;

  @Field(() => String, { nullable: true, description: "ENTERPRISE clauses only: the deferrable item the clause follows." })
  @IsOptional()
  @Matches(CODE, { message: "deferrableItemCode must be a catalog code" })
  deferrableItemCode?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  dueDays?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
  @Field(() => GovernmentClauseRuleEnum, { nullable: true, description: "GOVERNMENT clauses only: the rule the deadline sweep judges the clause by (none: ADMIN judges it with a note)." })
  @IsOptional()
  @IsIn(GOVERNMENT_CLAUSE_RULES)
  rule?: GovernmentClauseRule | null;

  @Field(() => Int, { nullable: true, description: "SERVICE_TEAM_IN_PLACE only (and required there): the working days after signing by which a project manager is in place; {workingDays} in the body." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(250)
  ruleWorkingDays?: number | null;
}

@InputType()
export class UpdateClauseTemplateInput {
  @Field(() => ID)
  @Length(1, 36)
  id: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(200)
  title?: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(5000)
  body?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  dueDays?: number | null;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @Field(() => GovernmentClauseRuleEnum, { nullable: true, description: "GOVERNMENT clauses only: the rule the deadline sweep judges the clause by (none: ADMIN judges it with a note); null removes it. Letters already drafted keep theirs." })
  @IsOptional()
  @IsIn(GOVERNMENT_CLAUSE_RULES)
  rule?: GovernmentClauseRule | null;

  @Field(() => Int, { nullable: true, description: "SERVICE_TEAM_IN_PLACE only (and required there): the working days after signing by which a project manager is in place; {workingDays} in the body." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(250)
  ruleWorkingDays?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

@InputType()
export class ClauseDateInput {
  @Field()
  @Matches(CODE, { message: "templateCode must be a clause template code" })
  templateCode: string;

  @Field(() => GraphQLLocalDate)
  dueOn: string;
}

@InputType()
export class DraftCommitmentLetterInput {
  @Field(() => ID)
  @Length(1, 36)
  projectId: string;

  @Field(() => [ClauseDateInput], { defaultValue: [], description: "Due dates replacing the defaults (a deferred item's promised date, or today + the template's dueDays)." })
  @ValidateNested({ each: true })
  @ArrayMaxSize(50)
  dueDates: ClauseDateInput[];
}

@InputType()
export class AmendCommitmentLetterInput {
  @Field(() => ID, { description: "The latest signed version." })
  @Length(1, 36)
  letterId: string;

  @Field(() => [ClauseDateInput], { defaultValue: [], description: "Due dates that change in the new version." })
  @ValidateNested({ each: true })
  @ArrayMaxSize(50)
  dueDates: ClauseDateInput[];
}

@InputType()
export class SignCommitmentLetterInput {
  @Field(() => ID)
  @Length(1, 36)
  letterId: string;

  @Field(() => PartyEnum, { nullable: true, description: "The side signed: ENTERPRISE (signCommitmentLetterForEnterprise) or GOVERNMENT (signCommitmentLetterForGovernment); the caller's own side when omitted (ENTERPRISE for an enterprise's user, GOVERNMENT otherwise)." })
  @IsOptional()
  @IsIn(PARTIES)
  party?: Party;
}

@InputType()
export class UpdateCommitmentClauseInput {
  @Field(() => ID)
  @Length(1, 36)
  clauseId: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @IsOptional()
  dueOn?: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(5000)
  text?: string;
}

@InputType()
export class RecordClauseFulfilmentInput {
  @Field(() => ID)
  @Length(1, 36)
  clauseId: string;

  @Field({ description: "true: kept (FULFILLED); false: not kept by its date (BREACHED)." })
  @IsBoolean()
  fulfilled: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "When it was kept; today when omitted." })
  @IsOptional()
  fulfilledOn?: string;

  @Field(() => String, { nullable: true, description: "What the facts were: required for a government clause (stored as its judgement)." })
  @IsOptional()
  @RequiredText(2000)
  note?: string | null;
}
