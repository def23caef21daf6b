import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { User } from "../accounts/user.entity";
import { BoardTask, TaskCategoryEnum, TaskEventTypeEnum, type TaskCategory, type TaskEventType } from "./board-task.entity";

@ObjectType({ description: "One change on the live board, sent after it committed." })
export class TaskBoardChange {
  @Field(() => TaskEventTypeEnum) type: TaskEventType;
  @Field(() => BoardTask, { description: "The task as it is when the event is delivered." }) task: BoardTask;
  @Field(() => User, { description: "Who made the change." }) actor: User;
  @Field() at: Date;
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
