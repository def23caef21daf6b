import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { Project } from "../projects/project.entity";
import { Department, type DepartmentCode } from "../departments/department.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const APPLICATION_CLASSES = [
  "FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT", "ENVIRONMENTAL_IMPACT", "FIRE_DESIGN_REVIEW",
  "COMPLETION_FILING", "JOINT_ACCEPTANCE", "PROPERTY_REGISTRATION",
] as const;
export type ApplicationClass = (typeof APPLICATION_CLASSES)[number];
export const ApplicationClassEnum = enumOf(APPLICATION_CLASSES);
registerEnumType(ApplicationClassEnum, {
  name: "ApplicationClass",
  description: "The class of an application, which decides the back office it is routed to (后台分类审批).",
  valuesConfig: labelEnum<ApplicationClass>("ApplicationClass", {
    FILING: { zh: "项目备案", en: "Project filing", description: "Filing of the investment project." },
    PLANNING_PERMIT: { zh: "建设工程规划许可", en: "Construction planning permit", description: "The construction project planning permit." },
    CONSTRUCTION_PERMIT: { zh: "施工许可", en: "Construction permit", description: "The construction permit." },
    ENVIRONMENTAL_IMPACT: { zh: "环境影响评价", en: "Environmental impact assessment", description: "Approval of the environmental impact assessment (环评)." },
    FIRE_DESIGN_REVIEW: { zh: "消防设计审查", en: "Fire design review", description: "Review of the fire protection design." },
    COMPLETION_FILING: { zh: "竣工验收备案", en: "Completion filing", description: "Filing of the completion acceptance." },
    JOINT_ACCEPTANCE: { zh: "联合验收", en: "Joint acceptance", description: "Acceptance by the departments together." },
    PROPERTY_REGISTRATION: { zh: "不动产登记", en: "Property registration", description: "Real-estate registration and its certificate." },
  }),
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
  valuesConfig: labelEnum<ApplicationStatus>("ApplicationStatus", {
    RECEIVED: { zh: "前台受理", en: "Received", description: "Taken in at the front desk (前台综合受理)." },
    ROUTED: { zh: "后台审批中", en: "Routed", description: "Routed to the back office for its class (后台分类审批)." },
    APPROVED: { zh: "审批通过", en: "Approved", description: "The back office approved it." },
    REJECTED: { zh: "审批不予通过", en: "Rejected", description: "The back office refused it." },
    ISSUED: { zh: "统一窗口出件", en: "Issued", description: "The result handed out at the one window." },
  }),
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
