import { IdempotencyKeyField } from "../../core/idempotency";
import { StatusInField } from "../../core/status-filter";
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, Length, Matches, Max, Min, ValidateNested } from "class-validator";
import { GraphQLLocalDate } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { DEFERRED_ITEM_STATUSES, DeferredItemStatusEnum, type DeferredItemStatus } from "./deferred-item.entity";
import { RequiredText, IsId } from "../../core/validation";
import { APPROVAL_KINDS, ApprovalKindEnum, type ApprovalKind } from "../approval-kinds/approval-kinds";

const ITEM_CODE = /^[A-Z][A-Z0-9_]{1,47}$/;

@InputType({ description: "负面清单: an industry on the negative list, whose projects may not take the fast track." })
export class NegativeListEntryInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "Industry code or category prefix: a section letter and 0-4 digits, e.g. C16 or C1610." })
  @Matches(/^[A-T]\d{0,4}$/, { message: "industryCode must be a section letter and 0-4 digits (GB/T 4754), e.g. C16" })
  industryCode: string;

  @Field({ description: "The industry, by name." })
  @RequiredText(100)
  category: string;

  @Field({ description: "Why it may not take the fast track." })
  @RequiredText(500)
  reason: string;
}

@InputType({ description: "Take an industry off the negative list." })
export class RemoveNegativeListEntryInput {
  @Field(() => ID, { description: "The negative-list entry." })
  @IsId()
  id: string;
}

@InputType({ description: "容缺: one material the enterprise defers, with the date it promises to supply it by (先办后补)." })
export class DeferralInput {
  @Field({ description: "A deferrable item's code, e.g. ENVIRONMENTAL_IMPACT." })
  @Matches(ITEM_CODE, { message: "itemCode must be a catalog code such as ENVIRONMENTAL_IMPACT" })
  itemCode: string;

  @Field(() => GraphQLLocalDate, { description: "Promised supply date: not before today, at most DEFERRAL_MAX_DAYS ahead." })
  promisedBy: string;
}

@InputType({ description: "双容双诺: apply for the fast track (承诺前审核: negative list and credit are checked)." })
export class ApplyFastTrackInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
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

@InputType({ description: "The enterprise withdraws its fast-track application before the letter is signed." })
export class WithdrawFastTrackApplicationInput implements FastTrackApplicationDecisionInput {
  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field({ description: "Why the enterprise withdraws; kept in the audit trail." })
  @RequiredText(500)
  reason: string;
}

@InputType({ description: "The government refuses a fast-track application before the letter is signed, with the reason." })
export class RefuseFastTrackApplicationInput implements FastTrackApplicationDecisionInput {
  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field({ description: "Why the reform office refuses; kept in the audit trail." })
  @RequiredText(500)
  reason: string;
}

@InputType({ description: "容缺清单: a new item of the deferrable-material catalog." })
export class CreateDeferrableItemInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "A stable code (upper-case letters, digits, underscores), e.g. ENVIRONMENTAL_IMPACT; unique." })
  @Matches(ITEM_CODE, { message: "code must be upper-case letters, digits and underscores" })
  code: string;

  @Field({ description: "Its name, e.g. 环境影响评价." })
  @RequiredText(100)
  name: string;

  @Field(() => String, { nullable: true, description: "What the material is, and what deferring it means." })
  @IsOptional()
  @Length(0, 500)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: "Its place in the catalog (smaller first)." })
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

@InputType({ description: "Changes to a deferrable-material catalog item; omitted fields stay." })
export class UpdateDeferrableItemInput {
  @Field(() => ID, { description: "The catalog item to change." })
  @IsId()
  id: string;

  @Field({ nullable: true, description: "New name." })
  @IsOptional()
  @RequiredText(100)
  name?: string;

  @Field(() => String, { nullable: true, description: "New description." })
  @IsOptional()
  @Length(0, 500)
  description?: string | null;

  @Field({ nullable: true, description: "An inactive item cannot be newly deferred; existing deferrals stay." })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @Field(() => Int, { nullable: true, description: "New place in the catalog." })
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

@InputType({ description: "Record that a deferred material was supplied (已补正)." })
export class RecordDeferredItemSuppliedInput {
  @Field(() => ID, { description: "The deferred material." })
  @IsId()
  deferredItemId: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "The supply date; today when omitted; never in the future." })
  @IsOptional()
  suppliedOn?: string;

  @Field(() => [ID], { description: "先办后补: the material itself, 1-20 uploads of the caller (POST /files) attached to the item; BAD_USER_INPUT when none, or one is unknown, another user's or already attached." })
  @IsId({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  attachmentIds: string[];
}

@InputType({ description: "Mark a deferred material overdue once its promised date passed (the deadline sweep does this too)." })
export class MarkDeferredItemOverdueInput {
  @Field(() => ID, { description: "The deferred material." })
  @IsId()
  deferredItemId: string;
}

@InputType({ description: "Narrows the deferred materials; all given conditions must hold." })
export class DeferredItemFilter {
  @Field(() => ID, { nullable: true, description: "Only this project's materials." })
  @IsOptional()
  @IsId()
  projectId?: string;

  @Field(() => DeferredItemStatusEnum, { nullable: true, description: "Only materials in this status." })
  @IsOptional()
  @IsIn(DEFERRED_ITEM_STATUSES)
  status?: DeferredItemStatus;

  @StatusInField(DeferredItemStatusEnum, DEFERRED_ITEM_STATUSES)
  statusIn?: DeferredItemStatus[];

  @Field(() => GraphQLLocalDate, { nullable: true, description: "Only items promised before this day." })
  @IsOptional()
  promisedBefore?: string;
}
