import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity } from "../../core/base.entity";
import { Project } from "../projects/project.entity";
import { User } from "../accounts/user.entity";
import { Department } from "../departments/department.entity";
import { ApprovalKindEnum, type ApprovalKind } from "../approval-kinds/approval-kinds";

export * from "../approval-kinds/approval-kinds";
import { SurveyResult } from "./survey.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const APPROVAL_STATUSES = ["NOT_STARTED", "SUBMITTED", "APPROVED", "REJECTED"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const ApprovalStatusEnum = enumOf(APPROVAL_STATUSES);
registerEnumType(ApprovalStatusEnum, {
  name: "ApprovalStatus",
  description: "Where an approval item is: NOT_STARTED -> SUBMITTED -> APPROVED or REJECTED (a rejected item may be submitted again).",
  valuesConfig: labelEnum<ApprovalStatus>("ApprovalStatus", {
    NOT_STARTED: { zh: "未申报", en: "Not started", description: "Not yet submitted." },
    SUBMITTED: { zh: "已受理", en: "Submitted", description: "Under review." },
    APPROVED: { zh: "已办结", en: "Approved", description: "Approved." },
    REJECTED: { zh: "不予许可", en: "Rejected", description: "Rejected; may be submitted again." },
  }),
});

/** Allowed status changes (data): a rejected item may be submitted again; an approved one is final. */
export const APPROVAL_TRANSITIONS: Record<ApprovalStatus, readonly ApprovalStatus[]> = {
  NOT_STARTED: ["SUBMITTED"],
  SUBMITTED: ["APPROVED", "REJECTED"],
  REJECTED: ["SUBMITTED"],
  APPROVED: [],
};

/**
 * One approval of one project (at most one per kind). Items run side by side: starting one
 * never waits on another; the few real dependencies (approval_dependency) only forbid
 * approving an item before the item it requires is approved.
 */
@ObjectType({ description: "One approval of a project (审批事项); items run side by side (齐步跑)." })
@Entity("approval_item")
@Index("UQ_approval_item_project_kind", ["projectId", "kind"], { unique: true })
@Index("IDX_approval_item_handled_by", ["handledById"])
@Index("IDX_approval_item_department", ["departmentId"])
@Index("IDX_approval_item_survey_result", ["surveyResultId"])
export class ApprovalItem extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_approval_item_project" })
  project?: Project;

  @Field(() => ApprovalKindEnum)
  @Column({ type: "varchar", length: 32 })
  kind: ApprovalKind;

  /** The department that handles it: its cadres submit, decide and cite for it (the remits). */
  @Column({ name: "department_id", type: "varchar", length: 36 })
  departmentId: string;

  @ManyToOne(() => Department)
  @JoinColumn({ name: "department_id", foreignKeyConstraintName: "FK_approval_item_department" })
  department?: Department;

  @Field(() => ApprovalStatusEnum)
  @Column({ type: "varchar", length: 16, default: "NOT_STARTED" })
  status: ApprovalStatus;

  @Field(() => Int, { description: "承诺办结时限: the working days the department promised to decide it in once submitted (from the kind when added). Past it, a pending item is the government's delay." })
  @Column({ name: "promised_working_days", type: "int", default: 5 })
  promisedWorkingDays: number;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "受理: the day it was (last) submitted." })
  @Column({ name: "submitted_on", type: "date", nullable: true })
  submittedOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "办结: the day it was approved." })
  @Column({ name: "approved_on", type: "date", nullable: true })
  approvedOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "The day it was last rejected." })
  @Column({ name: "rejected_on", type: "date", nullable: true })
  rejectedOn: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 500, nullable: true })
  note: string | null;

  /** The ADMIN or CADRE who recorded its last change. */
  @Column({ name: "handled_by_id", type: "varchar", length: 36, nullable: true })
  handledById: string | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: "handled_by_id", foreignKeyConstraintName: "FK_approval_item_handled_by" })
  handledBy?: User | null;

  /** 多测合一: the shared survey result this item cites instead of a survey of its own. */
  @Field(() => ID, { nullable: true })
  @Column({ name: "survey_result_id", type: "varchar", length: 36, nullable: true })
  surveyResultId: string | null;

  @ManyToOne(() => SurveyResult, { nullable: true })
  @JoinColumn({ name: "survey_result_id", foreignKeyConstraintName: "FK_approval_item_survey_result" })
  surveyResult?: SurveyResult | null;
}

/** A real dependency, as data: an item of `kind` may not be approved before the project's item of `requiresKind` is approved. */
@ObjectType({ description: "A real dependency between approvals: `kind` is approved only on or after `requiresKind` (when the project has both)." })
@Entity("approval_dependency")
@Index("UQ_approval_dependency", ["kind", "requiresKind"], { unique: true })
export class ApprovalDependency extends BaseEntity {
  @Field(() => ApprovalKindEnum)
  @Column({ type: "varchar", length: 32 })
  kind: ApprovalKind;

  @Field(() => ApprovalKindEnum)
  @Column({ name: "requires_kind", type: "varchar", length: 32 })
  requiresKind: ApprovalKind;
}
