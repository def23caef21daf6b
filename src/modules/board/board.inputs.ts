import { IdempotencyKeyField } from "../../core/idempotency";
import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, MaxLength, ValidateNested } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { TASK_CATEGORIES, TASK_STATUSES, TaskCategoryEnum, TaskStatusEnum, type TaskCategory, type TaskStatus } from "./board-task.entity";
import { GraphQLLocalDate } from "graphql-scalars";
import { FAULT_ASPECTS, FAULT_DECISIONS, FAULT_TOLERANCE_DECIDING, FAULT_TOLERANCE_RULE, FaultAspectEnum, FaultDecisionEnum, type FaultAspect, type FaultDecision } from "./fault-tolerance.entity";
import { CORRECTION_STATUSES, CorrectionStatusEnum, type CorrectionStatus } from "./fault-correction.entity";
import { enumOf } from "../../core/enums";
import { RequiredText, IsId } from "../../core/validation";
import { StatusInField } from "../../core/status-filter";
import { labelEnum } from "../../core/labels";

export const TASK_BOARD_ORDERS = ["DUE_AT_ASC", "PUBLISHED_AT_DESC"] as const;
export type TaskBoardOrder = (typeof TASK_BOARD_ORDERS)[number];
export const TaskBoardOrderEnum = enumOf(TASK_BOARD_ORDERS);
registerEnumType(TaskBoardOrderEnum, {
  name: "TaskBoardOrder",
  description: "How the board is ordered (keyset cursors for both).",
  valuesConfig: labelEnum<TaskBoardOrder>("TaskBoardOrder", {
    DUE_AT_ASC: { zh: "按期限", en: "By due date", description: "Soonest due first." },
    PUBLISHED_AT_DESC: { zh: "按发布时间", en: "Newest first", description: "Most recently published first." },
  }),
});

const TASK_ID = { description: "The task's id." };

@InputType({ description: "Narrows the caller's own tasks; all given conditions must hold." })
export class MyTasksFilter {
  @StatusInField(TaskStatusEnum, TASK_STATUSES) statusIn?: TaskStatus[];
}

@InputType({ description: "Narrows the board; all given conditions must hold." })
export class TaskBoardFilter {
  @Field(() => TaskStatusEnum, { nullable: true, description: "Tasks in this state." }) @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus;
  @StatusInField(TaskStatusEnum, TASK_STATUSES) statusIn?: TaskStatus[];
  @Field(() => TaskCategoryEnum, { nullable: true, description: "Only tasks of this category." }) @IsOptional() @IsIn(TASK_CATEGORIES) category?: TaskCategory;
  @Field(() => ID, { nullable: true, description: "Only tasks linked to this project." }) @IsOptional() @IsId() projectId?: string;
  @Field(() => ID, { nullable: true, description: "Only tasks claimed by this cadre." }) @IsOptional() @IsId() claimantId?: string;
  @Field({ nullable: true, description: "Only tasks due strictly before this time." }) @IsOptional() dueBefore?: Date;
  @Field({ nullable: true, description: "Text the title or description contains (one phrase, not separate words); empty matches every task." }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType({ description: "Narrows the board's figures; all given conditions must hold." })
export class BoardStatsFilter {
  @Field(() => TaskCategoryEnum, { nullable: true, description: "Only tasks of this category." }) @IsOptional() @IsIn(TASK_CATEGORIES) category?: TaskCategory;
  @Field(() => ID, { nullable: true, description: "Only tasks linked to this project." }) @IsOptional() @IsId() projectId?: string;
}

@InputType({ description: "Which board events a subscriber (or a catch-up with boardChangesSince) wants; omitted conditions match everything, given ones must all hold." })
export class TaskBoardChangedFilter {
  @Field(() => TaskCategoryEnum, { nullable: true, description: "Events of tasks of this category." }) @IsOptional() @IsIn(TASK_CATEGORIES) category?: TaskCategory;
  @Field(() => ID, { nullable: true, description: "Events of tasks serving this project (one the caller may see, NOT_FOUND otherwise)." }) @IsOptional() @IsId() projectId?: string;
  @StatusInField(TaskStatusEnum, TASK_STATUSES, "Events after which the task is in one of these states (its status right after the change: a claim is CLAIMED, a release OPEN); one to all states, each once.")
  statusIn?: TaskStatus[];
}

@InputType({ description: "一榜双令: a task to publish on the board (任务榜) for cadres to claim." })
export class PublishTaskInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "What the task is, in a line." }) @RequiredText(200) title: string;
  @Field({ description: "What must be delivered, in full." }) @RequiredText(5000) description: string;
  @Field(() => TaskCategoryEnum, { description: "重大项目, 重要改革 or 重点工作." }) @IsIn(TASK_CATEGORIES) category: TaskCategory;
  @Field(() => ID, { nullable: true, description: "The project the task serves, if any." }) @IsOptional() @IsId() projectId?: string;
  @Field({ description: "Deliver by; must be in the future." }) dueAt: Date;
}

@InputType({ description: "揭榜认领: claim an OPEN board task with a pledge." })
export class ClaimTaskInput {
  @Field(() => ID, TASK_ID) @IsId() taskId: string;
  @Field({ description: "承诺: what the cadre pledges to deliver by the due date." }) @RequiredText(1000) pledge: string;
}

@InputType({ description: "Give a claimed task back to the board (OPEN), with the reason." })
export class ReleaseTaskInput {
  @Field(() => ID, TASK_ID) @IsId() taskId: string;
  @Field({ description: "Why the claimant gives the task back." }) @RequiredText(1000) reason: string;
}

@InputType({ description: "A progress report on a claimed task." })
export class ReportTaskProgressInput {
  @Field(() => ID, TASK_ID) @IsId() taskId: string;
  @Field({ description: "What has been done so far." }) @RequiredText(1000) note: string;
}

@InputType({ description: "Submit a claimed task for verification." })
export class SubmitTaskInput {
  @Field(() => ID, TASK_ID) @IsId() taskId: string;
  @Field({ nullable: true, description: "What was delivered." }) @IsOptional() @MaxLength(1000) note?: string;
}

@InputType({ description: "The reform office's verification of a submitted task: fulfilled (兑现) or not." })
export class VerifyTaskInput {
  @Field(() => ID, TASK_ID) @IsId() taskId: string;
  @Field({ description: "true: FULFILLED (兑现); false: FAILED." }) fulfilled: boolean;
  @Field({ nullable: true, description: "The verifier's comment." }) @IsOptional() @MaxLength(1000) comment?: string;
}

@InputType({ description: "Send a submitted task back to its claimant (CLAIMED), saying what is still missing." })
export class SendBackTaskInput {
  @Field(() => ID, TASK_ID) @IsId() taskId: string;
  @Field({ description: "What the claimant must still do." }) @RequiredText(1000) comment: string;
}

@InputType({ description: "Withdraw (撤榜) a task nobody has claimed." })
export class WithdrawTaskInput {
  @Field(() => ID, TASK_ID) @IsId() taskId: string;
  @Field({ nullable: true, description: "Why the task is withdrawn." }) @IsOptional() @MaxLength(1000) reason?: string;
}

@InputType({ description: "六看: one aspect of a fault-tolerance review and how it was judged." })
export class FaultAssessmentInput {
  @Field(() => FaultAspectEnum, { description: "Which of the six aspects (六看)." }) @IsIn(FAULT_ASPECTS) aspect: FaultAspect;
  @Field({ description: "true when the aspect speaks for the cadre (e.g. acted for the public good)." }) favourable: boolean;
  @Field({ description: "The facts the judgement rests on." }) @RequiredText(500) note: string;
}

@InputType({ description: "纠错: a correction the review orders, with its owner and due date." })
export class FaultCorrectionOrderInput {
  @Field(() => ID, { description: "Who must carry it out: an active cadre." }) @IsId() ownerId: string;
  @Field({ description: "What must be corrected." }) @RequiredText(2000) description: string;
  @Field(() => GraphQLLocalDate, { description: "Due by this district date; today or later." }) dueOn: string;
}

@InputType({ description: `容错 review of a FAILED board task or of an approval decision made under 容缺; give exactly one of taskId and approvalItemId. ${FAULT_TOLERANCE_DECIDING}` })
export class ReviewFaultToleranceInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { nullable: true, description: "A FAILED board task: its claimant is judged." })
  @IsOptional()
  @IsId()
  taskId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "An approval item a cadre APPROVED while a deferred material of the project was owed (容缺), whose enterprise has since broken its commitment " +
      "(a deferred material OVERDUE or an enterprise clause BREACHED): the cadre who approved it is judged. Otherwise CONFLICT naming the missing conditions (extensions.missing).",
  })
  @IsOptional()
  @IsId()
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

@InputType({ description: "纠错: the owner reports an ordered correction done." })
export class SubmitFaultCorrectionInput {
  @Field(() => ID, CORRECTION_ID) @IsId() id: string;
  @Field({ description: "What was done." }) @RequiredText(2000) note: string;
}

@InputType({ description: "纠错: the reform office accepts a reported correction or sends it back." })
export class VerifyFaultCorrectionInput {
  @Field(() => ID, CORRECTION_ID) @IsId() id: string;
  @Field({ description: "true: COMPLETED; false: sent back to its owner (ORDERED)." }) accepted: boolean;
  @Field({ description: "The reform office's finding." }) @RequiredText(2000) comment: string;
}

@InputType({ description: "Narrows the corrections; all given conditions must hold." })
export class FaultCorrectionFilter {
  @Field(() => ID, { nullable: true, description: "The owner; a cadre may give only their own id." }) @IsOptional() @IsId() ownerId?: string;
  @Field(() => CorrectionStatusEnum, { nullable: true, description: "Corrections in this state." }) @IsOptional() @IsIn(CORRECTION_STATUSES) status?: CorrectionStatus;
  @StatusInField(CorrectionStatusEnum, CORRECTION_STATUSES) statusIn?: CorrectionStatus[];
}
