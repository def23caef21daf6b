import { IdempotencyKeyField } from "../../core/idempotency";
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from "class-validator";
import { GraphQLLocalDate } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { GOVERNMENT_CLAUSE_RULES, GovernmentClauseRuleEnum, PARTIES, PartyEnum, type GovernmentClauseRule, type Party } from "./commitment.entity";
import { IsId, RequiredText } from "../../core/validation";

const CODE = /^[A-Z][A-Z0-9_]{1,47}$/;

@InputType({ description: "承诺条款范本: a new clause template for one party." })
export class CreateClauseTemplateInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "A stable code (upper-case letters, digits, underscores); unique." })
  @Matches(CODE, { message: "code must be upper-case letters, digits and underscores" })
  code: string;

  @Field(() => PartyEnum, { description: "Whom the clause binds: ENTERPRISE or GOVERNMENT." })
  @IsIn(PARTIES)
  party: Party;

  @Field({ description: "The clause's title." })
  @RequiredText(200)
  title: string;

  @Field({ description: "Clause text; {project}, {dueOn}, {workingDays} (ruleWorkingDays), {ackHours} and {resolveHours} (the EMERGENCY ticket SLA) are filled in when drafting." })
  @RequiredText(5000)
  body: string;

  @Field(() => String, { nullable: true, description: "ENTERPRISE clauses only: the deferrable item the clause follows." })
  @IsOptional()
  @Matches(CODE, { message: "deferrableItemCode must be a catalog code" })
  deferrableItemCode?: string | null;

  @Field(() => Int, { nullable: true, description: "Days after signing the clause falls due by default; no due date when omitted." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  dueDays?: number | null;

  @Field(() => Int, { nullable: true, description: "Its place among the party's clauses (smaller first)." })
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

@InputType({ description: "Changes to a clause template; omitted fields stay. Letters already drafted keep their copied text." })
export class UpdateClauseTemplateInput {
  @Field(() => ID, { description: "The template to change." })
  @IsId()
  id: string;

  @Field({ nullable: true, description: "New title." })
  @IsOptional()
  @RequiredText(200)
  title?: string;

  @Field({ nullable: true, description: "New text of the clause." })
  @IsOptional()
  @RequiredText(5000)
  body?: string;

  @Field(() => Int, { nullable: true, description: "New default days after signing." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  dueDays?: number | null;

  @Field({ nullable: true, description: "false: new letters no longer use it." })
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

  @Field(() => Int, { nullable: true, description: "New place among the party's clauses." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

@InputType({ description: "The due date of one clause, named by its template's code." })
export class ClauseDateInput {
  @Field({ description: "The clause, by its template's code." })
  @Matches(CODE, { message: "templateCode must be a clause template code" })
  templateCode: string;

  @Field(() => GraphQLLocalDate, { description: "Its due date." })
  dueOn: string;
}

@InputType({ description: "双向承诺书: draft the two-way commitment letter of a project from the active clause templates." })
export class DraftCommitmentLetterInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project the letter binds." })
  @IsId()
  projectId: string;

  @Field(() => [ClauseDateInput], { defaultValue: [], description: "Due dates replacing the defaults (a deferred item's promised date, or today + the template's dueDays)." })
  @ValidateNested({ each: true })
  @ArrayMaxSize(50)
  dueDates: ClauseDateInput[];
}

@InputType({ description: "Amend a signed letter: a new version, to be signed again by both parties." })
export class AmendCommitmentLetterInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The latest signed version." })
  @IsId()
  letterId: string;

  @Field(() => [ClauseDateInput], { defaultValue: [], description: "Due dates that change in the new version." })
  @ValidateNested({ each: true })
  @ArrayMaxSize(50)
  dueDates: ClauseDateInput[];
}

@InputType({ description: "Sign a draft letter for one party (签约一次、双向约束)." })
export class SignCommitmentLetterInput {
  @Field(() => ID, { description: "The draft letter." })
  @IsId()
  letterId: string;

  @Field(() => PartyEnum, { nullable: true, description: "The side signed: ENTERPRISE (signCommitmentLetterForEnterprise) or GOVERNMENT (signCommitmentLetterForGovernment); the caller's own side when omitted (ENTERPRISE for an enterprise's user, GOVERNMENT otherwise)." })
  @IsOptional()
  @IsIn(PARTIES)
  party?: Party;
}

@InputType({ description: "Changes to a clause of a draft letter nobody has signed; omitted fields stay." })
export class UpdateCommitmentClauseInput {
  @Field(() => ID, { nullable: true, description: "The clause to change (required; nullable only while the deprecated clauseId is accepted)." })
  @IsOptional()
  @IsId()
  id?: string | null;

  @Field(() => ID, { nullable: true, deprecationReason: "Use id.", description: "The clause to change, by its former name; give id instead (not both)." })
  @IsOptional()
  @IsId()
  clauseId?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "New due date." })
  @IsOptional()
  dueOn?: string;

  @Field({ nullable: true, description: "New text of the clause." })
  @IsOptional()
  @RequiredText(5000)
  text?: string;
}

@InputType({ description: "Record whether a clause of a signed letter was kept (a clause without a rule, judged by hand)." })
export class RecordClauseFulfilmentInput {
  @Field(() => ID, { description: "The clause." })
  @IsId()
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
