import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, Length, Matches, Max, Min, ValidateNested } from "class-validator";
import { GraphQLLocalDate } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { PARTIES, PartyEnum, type Party } from "./commitment.entity";
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

  @Field({ description: "Clause text; {project} and {dueOn} are filled in when drafting." })
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
}
