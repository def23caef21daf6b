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

const RATES =
  "claimRate = claimed / published (tasks claimed at least once, over published tasks not WITHDRAWN); " +
  "fulfilmentRate = fulfilled / (fulfilled + failed), null when nothing is verified yet; " +
  "overdue = CLAIMED or SUBMITTED tasks past their due time.";

@ObjectType({ description: `Board figures for a set of tasks. ${RATES}` })
export class BoardFigures {
  @Field(() => Int, { description: "Published tasks, WITHDRAWN excluded." }) published: number;
  @Field(() => Int, { description: "Of those, tasks claimed at least once (still claimed or not)." }) claimed: number;
  @Field(() => Float, { nullable: true, description: "claimed / published in [0,1]; null when nothing is published." }) claimRate: number | null;
  @Field(() => Int, { description: "OPEN now." }) open: number;
  @Field(() => Int, { description: "CLAIMED or SUBMITTED now." }) inProgress: number;
  @Field(() => Int, { description: "Verified FULFILLED (兑现)." }) fulfilled: number;
  @Field(() => Int, { description: "Verified FAILED, exempted ones included." }) failed: number;
  @Field(() => Int, { description: "Of the failed, those a fault-tolerance review EXEMPTED (容错), reported apart." }) exemptedFailures: number;
  @Field(() => Float, { nullable: true, description: "兑现率: fulfilled / (fulfilled + failed) in [0,1]; null when nothing is verified." }) fulfilmentRate: number | null;
  @Field(() => Int, { description: "CLAIMED or SUBMITTED tasks past their due time (server clock)." }) overdue: number;
}

@ObjectType({ description: "Board figures of one category." })
export class CategoryFigures extends BoardFigures {
  @Field(() => TaskCategoryEnum) category: TaskCategory;
}

@ObjectType({ description: `The board's figures over all matching tasks, and per category. ${RATES}` })
export class BoardStats extends BoardFigures {
  @Field(() => [CategoryFigures], { description: "Every category, in MAJOR_PROJECT, KEY_REFORM, KEY_WORK order." }) byCategory: CategoryFigures[];
}

@ObjectType({ description: "A cadre's record on the board; exempted failures (容错) count apart from failures." })
export class CadreRecord {
  @Field(() => ID) cadreId: string;
  @Field(() => User) cadre: User;
  @Field(() => Int, { description: "Tasks the cadre ever claimed (released ones included)." }) claimed: number;
  @Field(() => Int, { description: "Tasks the cadre holds now (CLAIMED or SUBMITTED)." }) inProgress: number;
  @Field(() => Int) fulfilled: number;
  @Field(() => Int, { description: "FAILED tasks that count against the cadre: not exempted (mitigated ones included)." }) failed: number;
  @Field(() => Int, { description: "Of the failed, those reviewed MITIGATED." }) mitigated: number;
  @Field(() => Int, { description: "FAILED tasks a fault-tolerance review EXEMPTED; not in failed." }) exempted: number;
}
