import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, Length, MaxLength, ValidateNested } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { TASK_CATEGORIES, TASK_STATUSES, TaskCategoryEnum, TaskStatusEnum, type TaskCategory, type TaskStatus } from "./board-task.entity";
import { FAULT_ASPECTS, FAULT_DECISIONS, FAULT_TOLERANCE_RULE, FaultAspectEnum, FaultDecisionEnum, type FaultAspect, type FaultDecision } from "./fault-tolerance.entity";
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

@InputType({ description: `容错 review of a FAILED task. ${FAULT_TOLERANCE_RULE}` })
export class ReviewFaultToleranceInput {
  @Field(() => ID, TASK_ID) @Length(1, 36) taskId: string;

  @Field(() => [FaultAssessmentInput], { description: "The six assessments (六看), each aspect exactly once." })
  @ArrayMinSize(6)
  @ArrayMaxSize(6)
  @ValidateNested()
  assessments: FaultAssessmentInput[];

  @Field(() => FaultDecisionEnum, { nullable: true, description: `Optional: when given it must be what the rule decides. ${FAULT_TOLERANCE_RULE}` })
  @IsOptional()
  @IsIn(FAULT_DECISIONS)
  decision?: FaultDecision;
}
