import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { Project } from "../projects/project.entity";
import { Department, type DepartmentCode } from "../departments/department.entity";
import { enumOf } from "../../core/enums";

export const APPLICATION_CLASSES = [
  "FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT", "ENVIRONMENTAL_IMPACT", "FIRE_DESIGN_REVIEW",
  "COMPLETION_FILING", "JOINT_ACCEPTANCE", "PROPERTY_REGISTRATION",
] as const;
export type ApplicationClass = (typeof APPLICATION_CLASSES)[number];
export const ApplicationClassEnum = enumOf(APPLICATION_CLASSES);
registerEnumType(ApplicationClassEnum, {
  name: "ApplicationClass",
  description: "The class of an application, which decides the back office it is routed to.",
  valuesConfig: {
    FILING: { description: "项目备案" },
    PLANNING_PERMIT: { description: "建设工程规划许可" },
    CONSTRUCTION_PERMIT: { description: "施工许可" },
    ENVIRONMENTAL_IMPACT: { description: "环评审批" },
    FIRE_DESIGN_REVIEW: { description: "消防设计审查" },
    COMPLETION_FILING: { description: "竣工验收备案" },
    JOINT_ACCEPTANCE: { description: "联合验收" },
    PROPERTY_REGISTRATION: { description: "不动产登记" },
  },
});

/** 后台分类审批: the back office each class goes to. Data, so a reorganisation edits one table. */
export const BACK_OFFICE_BY_CLASS: Record<ApplicationClass, DepartmentCode> = {
  FILING: "DEVELOPMENT_REFORM",
  PLANNING_PERMIT: "NATURAL_RESOURCES",
  CONSTRUCTION_PERMIT: "HOUSING_CONSTRUCTION",
  ENVIRONMENTAL_IMPACT: "ECOLOGY_ENVIRONMENT",
  FIRE_DESIGN_REVIEW: "HOUSING_CONSTRUCTION",
  COMPLETION_FILING: "HOUSING_CONSTRUCTION",
  JOINT_ACCEPTANCE: "HOUSING_CONSTRUCTION",
  PROPERTY_REGISTRATION: "REAL_ESTATE_REGISTRATION",
};

export const APPLICATION_STATUSES = ["RECEIVED", "ROUTED", "APPROVED", "REJECTED", "ISSUED"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const ApplicationStatusEnum = enumOf(APPLICATION_STATUSES);
registerEnumType(ApplicationStatusEnum, {
  name: "ApplicationStatus",
  description: "一门式一网式: front desk intake -> back-office approval by class -> one-window issuance.",
  valuesConfig: {
    RECEIVED: { description: "前台受理: taken in at the front desk." },
    ROUTED: { description: "分类流转: routed to the back office for its class." },
    APPROVED: { description: "后台审批通过." },
    REJECTED: { description: "后台审批不予通过." },
    ISSUED: { description: "统一窗口出件: the result handed out at the one window." },
  },
});

/** RECEIVED -> ROUTED -> APPROVED | REJECTED -> ISSUED (either decision is issued at the window). */
export const APPLICATION_TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  RECEIVED: ["ROUTED"],
  ROUTED: ["APPROVED", "REJECTED"],
  APPROVED: ["ISSUED"],
  REJECTED: ["ISSUED"],
  ISSUED: [],
};

/** One application for a project through the one window: who handled each step, and when. */
@ObjectType({ description: "一门式一网式 application: intake, routing by class, back-office decision, issuance." })
@Entity("application")
@Index("IDX_application_project", ["projectId", "receivedAt", "id"])
@Index("IDX_application_status", ["status", "receivedAt", "id"])
@Index("IDX_application_department", ["departmentId"])
@Index("IDX_application_approval_item", ["approvalItemId"])
export class Application extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_application_project" })
  project?: Project;

  @Field(() => ApplicationClassEnum)
  @Column({ name: "application_class", type: "varchar", length: 32 })
  applicationClass: ApplicationClass;

  @Field()
  @Column({ type: "varchar", length: 200 })
  title: string;

  @Field(() => ApplicationStatusEnum)
  @Column({ type: "varchar", length: 16, default: "RECEIVED" })
  status: ApplicationStatus;

  /** The back office it was routed to: its cadres decide it (the remits). */
  @Column({ name: "department_id", type: "varchar", length: 36, nullable: true })
  departmentId: string | null;

  @ManyToOne(() => Department, { nullable: true })
  @JoinColumn({ name: "department_id", foreignKeyConstraintName: "FK_application_department" })
  department?: Department | null;

  /** One fact, recorded once: the approval item this application is about; its decision decides the item. */
  @Column({ name: "approval_item_id", type: "varchar", length: 36, nullable: true })
  approvalItemId: string | null;

  @ManyToOne(() => ApprovalItem, { nullable: true })
  @JoinColumn({ name: "approval_item_id", foreignKeyConstraintName: "FK_application_approval_item" })
  approvalItem?: ApprovalItem | null;

  @Column({ name: "received_by_id", type: "varchar", length: 36 })
  receivedById: string;

  @Field()
  @TimestampColumn("received_at")
  receivedAt: Date;

  @Column({ name: "routed_by_id", type: "varchar", length: 36, nullable: true })
  routedById: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("routed_at", true)
  routedAt: Date | null;

  @Column({ name: "decided_by_id", type: "varchar", length: 36, nullable: true })
  decidedById: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("decided_at", true)
  decidedAt: Date | null;

  @Field(() => String, { nullable: true, description: "The back office's opinion." })
  @Column({ name: "decision_note", type: "varchar", length: 500, nullable: true })
  decisionNote: string | null;

  @Column({ name: "issued_by_id", type: "varchar", length: 36, nullable: true })
  issuedById: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("issued_at", true)
  issuedAt: Date | null;
}
