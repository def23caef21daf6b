import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, BeforeInsert, type ColumnOptions } from "typeorm";
import { randomUUID } from "node:crypto";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TIMESTAMP, TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const TASK_CATEGORIES = ["MAJOR_PROJECT", "KEY_REFORM", "KEY_WORK"] as const;
export type TaskCategory = (typeof TASK_CATEGORIES)[number];
export const TaskCategoryEnum = enumOf(TASK_CATEGORIES);
registerEnumType(TaskCategoryEnum, {
  name: "TaskCategory",
  description: "一榜双令 任务榜: what kind of task a board task is.",
  valuesConfig: labelEnum<TaskCategory>("TaskCategory", {
    MAJOR_PROJECT: { zh: "重大项目", en: "Major project", description: "A task on one of the district's major projects." },
    KEY_REFORM: { zh: "重要改革", en: "Key reform", description: "A task of a key reform." },
    KEY_WORK: { zh: "重点工作", en: "Key work", description: "A key piece of work." },
  }),
});

export const TASK_STATUSES = ["OPEN", "CLAIMED", "SUBMITTED", "FULFILLED", "FAILED", "WITHDRAWN"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TaskStatusEnum = enumOf(TASK_STATUSES);
registerEnumType(TaskStatusEnum, {
  name: "TaskStatus",
  description: "Where a board task is: OPEN -> CLAIMED -> SUBMITTED -> FULFILLED or FAILED; CLAIMED -> OPEN on release; SUBMITTED -> CLAIMED when sent back; OPEN -> WITHDRAWN.",
  valuesConfig: labelEnum<TaskStatus>("TaskStatus", {
    OPEN: { zh: "待揭榜", en: "Open", description: "Published, waiting for a cadre to claim it." },
    CLAIMED: { zh: "已揭榜", en: "Claimed", description: "Claimed by a cadre who pledged to deliver it." },
    SUBMITTED: { zh: "已提交", en: "Submitted", description: "The claimant submitted it for verification." },
    FULFILLED: { zh: "已兑现", en: "Fulfilled", description: "Verified as fulfilled by the reform office." },
    FAILED: { zh: "未兑现", en: "Failed", description: "Verified as not fulfilled." },
    WITHDRAWN: { zh: "已撤榜", en: "Withdrawn", description: "Withdrawn by the reform office before anyone claimed it." },
  }),
});

/** Tasks a cadre holds, counted against the claim limit. */
export const UNFINISHED_STATUSES: readonly TaskStatus[] = ["CLAIMED", "SUBMITTED"];

/**
 * The allowed transitions, as data. A progress report keeps a CLAIMED task CLAIMED and is
 * checked apart (it is no transition).
 */
export const TASK_TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  OPEN: ["CLAIMED", "WITHDRAWN"],
  CLAIMED: ["OPEN", "SUBMITTED"],
  SUBMITTED: ["FULFILLED", "FAILED", "CLAIMED"],
  FULFILLED: [],
  FAILED: [],
  WITHDRAWN: [],
};

/** 任务榜 task: published by the reform office, claimed by one cadre at a time, verified by the office. */
@ObjectType({ description: "一榜双令 任务榜: a public board task that a cadre claims (揭榜认领), delivers and the reform office verifies." })
@Entity("board_task")
@Index("IDX_board_task_status_due", ["status", "dueAt", "id"])
@Index("IDX_board_task_due", ["dueAt", "id"])
@Index("IDX_board_task_published", ["publishedAt", "id"])
@Index("IDX_board_task_claimant", ["claimantId", "status"])
@Index("IDX_board_task_project", ["projectId"])
@Index("IDX_board_task_published_by", ["publishedById"])
@Index("IDX_board_task_verified_by", ["verifiedById"])
export class BoardTask extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field()
  @Column({ type: "varchar", length: 200 })
  title: string;

  @Field()
  @Column({ type: "text" })
  description: string;

  @Field(() => TaskCategoryEnum)
  @Column({ type: "varchar", length: 16 })
  category: TaskCategory;

  @Column({ name: "project_id", type: "varchar", length: 36, nullable: true })
  projectId: string | null;

  @ManyToOne(() => Project, { nullable: true })
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_board_task_project" })
  project?: Project | null;

  @Column({ name: "published_by_id", type: "varchar", length: 36 })
  publishedById: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "published_by_id", foreignKeyConstraintName: "FK_board_task_published_by" })
  publishedBy?: User;

  @Field()
  @TimestampColumn("published_at")
  publishedAt: Date;

  @Field({ description: "The date the task must be delivered by." })
  @TimestampColumn("due_at")
  dueAt: Date;

  @Field(() => TaskStatusEnum)
  @Column({ type: "varchar", length: 16, default: "OPEN" })
  status: TaskStatus;

  @Column({ name: "claimant_id", type: "varchar", length: 36, nullable: true })
  claimantId: string | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: "claimant_id", foreignKeyConstraintName: "FK_board_task_claimant" })
  claimant?: User | null;

  @Field(() => String, { nullable: true, description: "The claimant's pledge (承诺): what they will deliver by the due date." })
  @Column({ type: "varchar", length: 1000, nullable: true })
  pledge: string | null;

  @Field(() => Date, { nullable: true, description: "When the current claimant claimed it." })
  @TimestampColumn("claimed_at", true)
  claimedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "When it was first claimed by anyone (kept across releases; counts for claimRate)." })
  @TimestampColumn("first_claimed_at", true)
  firstClaimedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("submitted_at", true)
  submittedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("verified_at", true)
  verifiedAt: Date | null;

  @Column({ name: "verified_by_id", type: "varchar", length: 36, nullable: true })
  verifiedById: string | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: "verified_by_id", foreignKeyConstraintName: "FK_board_task_verified_by" })
  verifiedBy?: User | null;

  @Field(() => String, { nullable: true, description: "The verifier's last comment (on verification or when sent back)." })
  @Column({ name: "verification_comment", type: "varchar", length: 1000, nullable: true })
  verificationComment: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("withdrawn_at", true)
  withdrawnAt: Date | null;

  /** Bumped by every change (the conditional updates set it); numbers the timeline entries. */
  @Field(() => Int, { description: "Bumped by every change; the timeline entry of a change carries it as seq." })
  @Column({ type: "integer", default: 0 })
  revision: number;
}

export const TASK_EVENT_TYPES = [
  "PUBLISHED", "CLAIMED", "RELEASED", "PROGRESS", "SUBMITTED", "SENT_BACK", "FULFILLED", "FAILED", "WITHDRAWN", "REVIEWED",
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];
export const TaskEventTypeEnum = enumOf(TASK_EVENT_TYPES);
registerEnumType(TaskEventTypeEnum, {
  name: "TaskEventType",
  description: "One entry of a task's timeline, and of the live board.",
  valuesConfig: labelEnum<TaskEventType>("TaskEventType", {
    PUBLISHED: { zh: "发布", en: "Published", description: "The reform office published the task." },
    CLAIMED: { zh: "揭榜", en: "Claimed", description: "A cadre claimed it with a pledge." },
    RELEASED: { zh: "放弃", en: "Released", description: "The claimant released it back to OPEN (note: the reason)." },
    PROGRESS: { zh: "进展", en: "Progress", description: "The claimant reported progress (note)." },
    SUBMITTED: { zh: "提交", en: "Submitted", description: "The claimant submitted it for verification." },
    SENT_BACK: { zh: "退回", en: "Sent back", description: "The verifier sent the submission back to CLAIMED (note: the comment)." },
    FULFILLED: { zh: "兑现", en: "Fulfilled", description: "Verified as fulfilled." },
    FAILED: { zh: "未兑现", en: "Failed", description: "Verified as not fulfilled." },
    WITHDRAWN: { zh: "撤榜", en: "Withdrawn", description: "The reform office withdrew the open task." },
    REVIEWED: { zh: "容错鉴别", en: "Reviewed", description: "The fault-tolerance review (容错, 六看) of a failed task was recorded." },
  }),
});

/** One entry of a task's timeline: who did what, when, and the status change if any. Never edited. */
@ObjectType({ description: "One entry of a task's timeline: who did what, when." })
@Entity("board_task_event")
@Index("UQ_board_task_event_seq", ["taskId", "seq"], { unique: true })
@Index("IDX_board_task_event_actor", ["actorId", "type"])
export class BoardTaskEvent {
  @Field(() => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field(() => ID)
  @Column({ name: "task_id", type: "varchar", length: 36 })
  taskId: string;

  @ManyToOne(() => BoardTask)
  @JoinColumn({ name: "task_id", foreignKeyConstraintName: "FK_board_task_event_task" })
  task?: BoardTask;

  @Field(() => Int, { description: "Position in the task's timeline (the task's revision after the change)." })
  @Column({ type: "integer" })
  seq: number;

  @Column({ name: "actor_id", type: "varchar", length: 36 })
  actorId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "actor_id", foreignKeyConstraintName: "FK_board_task_event_actor" })
  actor?: User;

  @Field(() => TaskEventTypeEnum)
  @Column({ type: "varchar", length: 16 })
  type: TaskEventType;

  @Field(() => TaskStatusEnum, { nullable: true })
  @Column({ name: "from_status", type: "varchar", length: 16, nullable: true })
  fromStatus: TaskStatus | null;

  @Field(() => TaskStatusEnum, { nullable: true })
  @Column({ name: "to_status", type: "varchar", length: 16, nullable: true })
  toStatus: TaskStatus | null;

  @Field(() => String, { nullable: true, description: "Pledge, progress note, release reason or verifier's comment." })
  @Column({ type: "varchar", length: 1000, nullable: true })
  note: string | null;

  @Field()
  @Column({ name: "at", ...TIMESTAMP } as ColumnOptions)
  at: Date;

  @BeforeInsert()
  assignId(): void {
    this.id ??= randomUUID();
  }
}

/**
 * How many unfinished (CLAIMED or SUBMITTED) tasks a cadre holds, kept by conditional
 * updates in the transaction of each claim, release and verification, so the claim limit
 * holds in the database under concurrent claims.
 */
@Entity("cadre_workload")
export class CadreWorkload {
  @PrimaryColumn({ name: "cadre_id", type: "varchar", length: 36 })
  cadreId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "cadre_id", foreignKeyConstraintName: "FK_cadre_workload_cadre" })
  cadre?: User;

  @Column({ name: "open_tasks", type: "integer", default: 0 })
  openTasks: number;
}
