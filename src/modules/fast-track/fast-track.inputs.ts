import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, Length, Matches, Max, Min, ValidateNested } from "class-validator";
import { GraphQLLocalDate } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { DEFERRED_ITEM_STATUSES, DeferredItemStatusEnum, type DeferredItemStatus } from "./deferred-item.entity";
import { RequiredText } from "../../core/validation";
import { APPROVAL_KINDS, ApprovalKindEnum, type ApprovalKind } from "../approval-kinds/approval-kinds";

const ITEM_CODE = /^[A-Z][A-Z0-9_]{1,47}$/;

@InputType()
export class NegativeListEntryInput {
  @Field({ description: "Industry code or category prefix: a section letter and 0-4 digits, e.g. C16 or C1610." })
  @Matches(/^[A-T]\d{0,4}$/, { message: "industryCode must be a section letter and 0-4 digits (GB/T 4754), e.g. C16" })
  industryCode: string;

  @Field()
  @RequiredText(100)
  category: string;

  @Field()
  @RequiredText(500)
  reason: string;
}

@InputType()
export class RemoveNegativeListEntryInput {
  @Field(() => ID)
  @Length(1, 36)
  id: string;
}

@InputType()
export class DeferralInput {
  @Field({ description: "A deferrable item's code, e.g. ENVIRONMENTAL_IMPACT." })
  @Matches(ITEM_CODE, { message: "itemCode must be a catalog code such as ENVIRONMENTAL_IMPACT" })
  itemCode: string;

  @Field(() => GraphQLLocalDate, { description: "Promised supply date: not before today, at most DEFERRAL_MAX_DAYS ahead." })
  promisedBy: string;
}

@InputType()
export class ApplyFastTrackInput {
  @Field(() => ID)
  @Length(1, 36)
  projectId: string;

  @Field(() => [DeferralInput], { defaultValue: [], description: "The materials the enterprise defers (容缺), each with a promised date." })
  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  deferredItems: DeferralInput[];
}

/** What withdrawing or refusing an application needs: the project and why. */
export interface FastTrackApplicationDecisionInput {
  projectId: string;
  reason: string;
}

@InputType()
export class WithdrawFastTrackApplicationInput implements FastTrackApplicationDecisionInput {
  @Field(() => ID)
  @Length(1, 36)
  projectId: string;

  @Field({ description: "Why the enterprise withdraws; kept in the audit trail." })
  @RequiredText(500)
  reason: string;
}

@InputType()
export class RefuseFastTrackApplicationInput implements FastTrackApplicationDecisionInput {
  @Field(() => ID)
  @Length(1, 36)
  projectId: string;

  @Field({ description: "Why the reform office refuses; kept in the audit trail." })
  @RequiredText(500)
  reason: string;
}

@InputType()
export class CreateDeferrableItemInput {
  @Field()
  @Matches(ITEM_CODE, { message: "code must be upper-case letters, digits and underscores" })
  code: string;

  @Field()
  @RequiredText(100)
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 500)
  description?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;

  @Field(() => ApprovalKindEnum, { nullable: true, description: "容而不缺: the approval kind the material stands in for." })
  @IsOptional()
  @IsIn(Object.keys(APPROVAL_KINDS))
  approvalKind?: ApprovalKind | null;
}

@InputType()
export class UpdateDeferrableItemInput {
  @Field(() => ID)
  @Length(1, 36)
  id: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(100)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 500)
  description?: string | null;

  @Field({ nullable: true, description: "An inactive item cannot be newly deferred; existing deferrals stay." })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;

  @Field(() => ApprovalKindEnum, { nullable: true, description: "容而不缺: the approval kind the material stands in for; null unbinds it." })
  @IsOptional()
  @IsIn(Object.keys(APPROVAL_KINDS))
  approvalKind?: ApprovalKind | null;
}

@InputType()
export class RecordDeferredItemSuppliedInput {
  @Field(() => ID)
  @Length(1, 36)
  deferredItemId: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "The supply date; today when omitted; never in the future." })
  @IsOptional()
  suppliedOn?: string;
}

@InputType()
export class MarkDeferredItemOverdueInput {
  @Field(() => ID)
  @Length(1, 36)
  deferredItemId: string;
}

@InputType()
export class DeferredItemFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Length(1, 36)
  projectId?: string;

  @Field(() => DeferredItemStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(DEFERRED_ITEM_STATUSES)
  status?: DeferredItemStatus;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "Only items promised before this day." })
  @IsOptional()
  promisedBefore?: string;
}
