import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, Length, MaxLength, ValidateNested } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { TASK_CATEGORIES, TASK_STATUSES, TaskCategoryEnum, TaskStatusEnum, type TaskCategory, type TaskStatus } from "./board-task.entity";
import { GraphQLLocalDate } from "graphql-scalars";
import { FAULT_ASPECTS, FAULT_DECISIONS, FAULT_TOLERANCE_DECIDING, FAULT_TOLERANCE_RULE, FaultAspectEnum, FaultDecisionEnum, type FaultAspect, type FaultDecision } from "./fault-tolerance.entity";
import { CORRECTION_STATUSES, CorrectionStatusEnum, type CorrectionStatus } from "./fault-correction.entity";
import { enumOf } from "../../core/enums";
import { RequiredText } from "../../core/validation";

export const TASK_BOARD_ORDERS = ["DUE_AT_ASC", "PUBLISHED_AT_DESC"] as const;
export type TaskBoardOrder = (typeof TASK_BOARD_ORDERS)[number];
export const TaskBoardOrderEnum = enumOf(TASK_BOARD_ORDERS);
registerEnumType(TaskBoardOrderEnum, {
  name: "TaskBoardOrder",
  description: "How the board is ordered (keyset cursors for both).",
  valuesConfig: {
    DUE_AT_ASC: { description: "按期限: soonest due first." },
    PUBLISHED_AT_DESC: { description: "按发布: newest first." },
  },
});

const TASK_ID = { description: "The task's id." };

@InputType({ description: "Narrows the board; all given conditions must hold." })
export class TaskBoardFilter {
  @Field(() => TaskStatusEnum, { nullable: true }) @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus;
  @Field(() => TaskCategoryEnum, { nullable: true }) @IsOptional() @IsIn(TASK_CATEGORIES) category?: TaskCategory;
  @Field(() => ID, { nullable: true }) @IsOptional() @Length(1, 36) projectId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @Length(1, 36) claimantId?: string;
  @Field({ nullable: true, description: "Only tasks due strictly before this time." }) @IsOptional() dueBefore?: Date;
  @Field({ nullable: true, description: "Text the title or description contains (one phrase, not separate words); empty matches every task." }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class BoardStatsFilter {
  @Field(() => TaskCategoryEnum, { nullable: true }) @IsOptional() @IsIn(TASK_CATEGORIES) category?: TaskCategory;
  @Field(() => ID, { nullable: true }) @IsOptional() @Length(1, 36) projectId?: string;
}

@InputType({ description: "Which board events a subscriber wants; omitted conditions match everything." })
export class TaskBoardChangedFilter {
  @Field(() => TaskCategoryEnum, { nullable: true }) @IsOptional() @IsIn(TASK_CATEGORIES) category?: TaskCategory;
  @Field(() => ID, { nullable: true }) @IsOptional() @Length(1, 36) projectId?: string;
}

@InputType()
export class PublishTaskInput {
  @Field() @RequiredText(200) title: string;
  @Field() @RequiredText(5000) description: string;
  @Field(() => TaskCategoryEnum) @IsIn(TASK_CATEGORIES) category: TaskCategory;
  @Field(() => ID, { nullable: true, description: "The project the task serves, if any." }) @IsOptional() @Length(1, 36) projectId?: string;
  @Field({ description: "Deliver by; must be in the future." }) dueAt: Date;
}

@InputType()
export class ClaimTaskInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;
  @Field({ description: "承诺: what the cadre pledges to deliver by the due date." }) @RequiredText(1000) pledge: string;
}

@InputType()
export class ReleaseTaskInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;
  @Field({ description: "Why the claimant gives the task back." }) @RequiredText(1000) reason: string;
}

@InputType()
export class ReportTaskProgressInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;
  @Field() @RequiredText(1000) note: string;
}

@InputType()
export class SubmitTaskInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;
  @Field({ nullable: true, description: "What was delivered." }) @IsOptional() @MaxLength(1000) note?: string;
}

@InputType()
export class VerifyTaskInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;
  @Field({ description: "true: FULFILLED (兑现); false: FAILED." }) fulfilled: boolean;
  @Field({ nullable: true }) @IsOptional() @MaxLength(1000) comment?: string;
}

@InputType()
export class SendBackTaskInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;
  @Field({ description: "What the claimant must still do." }) @RequiredText(1000) comment: string;
}

@InputType()
export class WithdrawTaskInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(1000) reason?: string;
}

@InputType()
export class FaultAssessmentInput {
  @Field(() => FaultAspectEnum) @IsIn(FAULT_ASPECTS) aspect: FaultAspect;
  @Field() favourable: boolean;
  @Field() @RequiredText(500) note: string;
}

@InputType({ description: "纠错: a correction the review orders, with its owner and due date." })
export class FaultCorrectionOrderInput {
  @Field(() => ID, { description: "Who must carry it out: an active cadre." }) @Length(1, 36) ownerId: string;
  @Field({ description: "What must be corrected." }) @RequiredText(2000) description: string;
  @Field(() => GraphQLLocalDate, { description: "Due by this district date; today or later." }) dueOn: string;
}

@InputType({ description: `容错 review of a FAILED board task or of an approval decision made under 容缺; give exactly one of taskId and approvalItemId. ${FAULT_TOLERANCE_DECIDING}` })
export class ReviewFaultToleranceInput {
  @Field(() => ID, { nullable: true, description: "A FAILED board task: its claimant is judged." })
  @IsOptional()
  @Length(1, 36)
  taskId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "An approval item a cadre APPROVED while a deferred material of the project was owed (容缺), whose enterprise has since broken its commitment " +
      "(a deferred material OVERDUE or an enterprise clause BREACHED): the cadre who approved it is judged. Otherwise CONFLICT naming the missing conditions (extensions.missing).",
  })
  @IsOptional()
  @Length(1, 36)
  approvalItemId?: string | null;

  @Field(() => [FaultAssessmentInput], { description: "The six assessments (六看), each aspect exactly once." })
  @ArrayMinSize(6)
  @ArrayMaxSize(6)
  @ValidateNested()
  assessments: FaultAssessmentInput[];

  @Field(() => FaultDecisionEnum, { description: `The reviewer's decision. The rule's suggestion is recorded beside it: ${FAULT_TOLERANCE_RULE}` })
  @IsIn(FAULT_DECISIONS)
  decision: FaultDecision;

  @Field({ description: "The written reason (三个区分开来): a mistake made exploring reform or a knowing violation; for the public good or for private gain." })
  @RequiredText(2000)
  reason: string;

  @Field(() => String, { nullable: true, description: "Required when decision differs from the rule's suggestion: why the reviewer departs from it; refused when it does not differ." })
  @IsOptional()
  @RequiredText(2000)
  departureReason?: string | null;

  @Field(() => FaultCorrectionOrderInput, { nullable: true, description: "纠错: order a correction with an owner and a due date." })
  @IsOptional()
  @ValidateNested()
  correction?: FaultCorrectionOrderInput | null;
}

const CORRECTION_ID = { description: "The correction's id." };

@InputType()
export class SubmitFaultCorrectionInput {
  @Field(() => ID, CORRECTION_ID) @Length(1, 36) id: string;
  @Field({ description: "What was done." }) @RequiredText(2000) note: string;
}

@InputType()
export class VerifyFaultCorrectionInput {
  @Field(() => ID, CORRECTION_ID) @Length(1, 36) id: string;
  @Field({ description: "true: COMPLETED; false: sent back to its owner (ORDERED)." }) accepted: boolean;
  @Field({ description: "The reform office's finding." }) @RequiredText(2000) comment: string;
}

@InputType({ description: "Narrows the corrections; all given conditions must hold." })
export class FaultCorrectionFilter {
  @Field(() => ID, { nullable: true, description: "The owner; a cadre may give only their own id." }) @IsOptional() @Length(1, 36) ownerId?: string;
  @Field(() => CorrectionStatusEnum, { nullable: true }) @IsOptional() @IsIn(CORRECTION_STATUSES) status?: CorrectionStatus;
}
