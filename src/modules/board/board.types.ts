import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { User } from "../accounts/user.entity";
import { BoardTask, TaskCategoryEnum, TaskEventTypeEnum, TaskStatusEnum, type TaskCategory, type TaskEventType, type TaskStatus } from "./board-task.entity";

@ObjectType({ description: "One change on the live board, sent after it committed (by taskBoardChanged, and again on request by boardChangesSince)." })
export class TaskBoardChange {
  @Field(() => Int, {
    description: "The change's place on the board, from the database: 1, 2, 3 … in commit order, with no gaps and the same on every instance. " +
      "A subscriber receives its changes in this order; after a reconnect it asks boardChangesSince for what came after the last one it holds.",
  })
  sequence: number;
  @Field(() => TaskEventTypeEnum) type: TaskEventType;
  @Field(() => TaskStatusEnum, { description: "The task's status right after this change (what statusIn filters on); task.status is the status now." }) status: TaskStatus;
  @Field(() => BoardTask, { description: "The task as it is when the event is delivered." }) task: BoardTask;
  @Field(() => User, { description: "Who made the change." }) actor: User;
  @Field() at: Date;
}

@ObjectType({
  description: "What a client missed: the board changes after a sequence, in sequence order, one page at a time. Ask again from `until` while hasMore.",
})
export class BoardChangesPage {
  @Field(() => [TaskBoardChange], { description: "The changes that pass the filter, oldest first; empty when resetRequired." }) changes: TaskBoardChange[];
  @Field(() => Int, {
    description: "Where the client now stands: pass it as the next sequence. The last change returned while hasMore; otherwise latestSequence " +
      "(changes the filter left out are passed over too).",
  })
  until: number;
  @Field({ description: "More changes after until pass the filter: ask again from until." }) hasMore: boolean;
  @Field({
    description: "The changes after the given sequence are no longer all kept (older than the retention, BOARD_CHANGES_RETENTION_HOURS) or the sequence was never given out: " +
      "nothing is returned; reload the board (taskBoard) and continue from until.",
  })
  resetRequired: boolean;
  @Field(() => Int, { description: "The last sequence committed when the page was read." }) latestSequence: number;
  @Field(() => Int, { description: "The lowest sequence a catch-up may still start from: every change after it is kept." }) oldestAvailable: number;
}

/** How every board figure is counted; stated once, in the schema of each figure type. */
export const BOARD_FIGURE_DEFINITIONS =
  "Tasks WITHDRAWN before anyone claimed them are not counted anywhere. A task is due (应兑现) once it is verified (FULFILLED or FAILED) or its due time has passed (server clock): " +
  "due = fulfilledOnTime + fulfilledLate + failed + unfinished. fulfilledOnTime: FULFILLED and last submitted by the due time; fulfilledLate: FULFILLED, submitted after it; " +
  "unfinished: past due and not verified (OPEN, CLAIMED or SUBMITTED); overdue: the unfinished that a cadre holds (CLAIMED or SUBMITTED). " +
  "兑现率 fulfilmentRate = (fulfilledOnTime + fulfilledLate) / due; onTimeRate = fulfilledOnTime / due; both null while nothing is due. claimRate = claimed / published.";

@ObjectType({ description: `Board figures for a set of tasks. ${BOARD_FIGURE_DEFINITIONS}` })
export class BoardFigures {
  @Field(() => Int, { description: "Published tasks, WITHDRAWN excluded." }) published: number;
  @Field(() => Int, { description: "Of those, tasks claimed at least once (still claimed or not)." }) claimed: number;
  @Field(() => Float, { nullable: true, description: "claimed / published in [0,1]; null when nothing is published." }) claimRate: number | null;
  @Field(() => Int, { description: "OPEN now." }) open: number;
  @Field(() => Int, { description: "CLAIMED or SUBMITTED now." }) inProgress: number;
  @Field(() => Int, { description: "应兑现: verified, or past their due time unverified. The denominator of 兑现率." }) due: number;
  @Field(() => Int, { description: "Verified FULFILLED (兑现), on time or late." }) fulfilled: number;
  @Field(() => Int, { description: "按时兑现: FULFILLED, last submitted by the due time." }) fulfilledOnTime: number;
  @Field(() => Int, { description: "逾期兑现: FULFILLED, submitted after the due time." }) fulfilledLate: number;
  @Field(() => Int, { description: "Verified FAILED, exempted ones included." }) failed: number;
  @Field(() => Int, { description: "Of the failed, those a fault-tolerance review EXEMPTED (容错), reported apart." }) exemptedFailures: number;
  @Field(() => Int, { description: "未完成: past the due time and not verified (OPEN, CLAIMED or SUBMITTED); due, and counted against 兑现率." }) unfinished: number;
  @Field(() => Int, { description: "逾期: of the unfinished, those a cadre holds (CLAIMED or SUBMITTED past their due time)." }) overdue: number;
  @Field(() => Float, { nullable: true, description: "兑现率: fulfilled / due in [0,1]; null while nothing is due." }) fulfilmentRate: number | null;
  @Field(() => Float, { nullable: true, description: "按时兑现率: fulfilledOnTime / due in [0,1]; null while nothing is due." }) onTimeRate: number | null;
}

@ObjectType({ description: "Board figures of one category." })
export class CategoryFigures extends BoardFigures {
  @Field(() => TaskCategoryEnum) category: TaskCategory;
}

@ObjectType({ description: `The board's figures over all matching tasks, and per category. ${BOARD_FIGURE_DEFINITIONS}` })
export class BoardStats extends BoardFigures {
  @Field(() => [CategoryFigures], { description: "Every category, in MAJOR_PROJECT, KEY_REFORM, KEY_WORK order." }) byCategory: CategoryFigures[];
}

@ObjectType({
  description:
    "A cadre's record on the board, over the tasks they hold or held to verification: due = fulfilled + failed + overdue; exempted failures (容错) are counted apart and are not due; 兑现率 = fulfilled / due.",
})
export class CadreRecord {
  @Field(() => ID) cadreId: string;
  @Field(() => User) cadre: User;
  @Field(() => Int, { description: "Tasks the cadre ever claimed (released ones included)." }) claimed: number;
  @Field(() => Int, { description: "Tasks the cadre holds now (CLAIMED or SUBMITTED)." }) inProgress: number;
  @Field(() => Int, { description: "应兑现: fulfilled + failed + overdue." }) due: number;
  @Field(() => Int) fulfilled: number;
  @Field(() => Int, { description: "FULFILLED, last submitted by the due time." }) fulfilledOnTime: number;
  @Field(() => Int, { description: "FULFILLED, submitted after the due time." }) fulfilledLate: number;
  @Field(() => Int, { description: "FAILED tasks that count against the cadre: not exempted (mitigated ones included)." }) failed: number;
  @Field(() => Int, { description: "Of the failed, those reviewed MITIGATED." }) mitigated: number;
  @Field(() => Int, { description: "FAILED tasks a fault-tolerance review EXEMPTED; not in failed, not due." }) exempted: number;
  @Field(() => Int, { description: "Tasks the cadre holds past their due time (CLAIMED or SUBMITTED)." }) overdue: number;
  @Field(() => Float, { nullable: true, description: "兑现率: fulfilled / due in [0,1]; null while nothing is due." }) fulfilmentRate: number | null;
}
