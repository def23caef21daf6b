import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { Project } from "../projects/project.entity";
import { Department } from "../departments/department.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";


export const PHASES = ["BEFORE", "DURING", "AFTER"] as const;
export type SupervisionPhase = (typeof PHASES)[number];
export const SupervisionPhaseEnum = enumOf(PHASES);
registerEnumType(SupervisionPhaseEnum, {
  name: "SupervisionPhase",
  description: "周期监管: when in the cycle a standard applies.",
  valuesConfig: labelEnum<SupervisionPhase>("SupervisionPhase", {
    BEFORE: { zh: "事前", en: "Before", description: "审承诺、核资质: review commitments, check qualifications." },
    DURING: { zh: "事中", en: "During", description: "质量安全: quality and safety on site." },
    AFTER: { zh: "事后", en: "After", description: "限时验收、结果可溯: timely acceptance, traceable results." },
  }),
});

export const RISK_LEVELS = ["LOW", "MEDIUM", "HIGH"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RiskLevelEnum = enumOf(RISK_LEVELS);
registerEnumType(RiskLevelEnum, {
  name: "RiskLevel",
  description: "风险等级差异化监管: sets how often a project is inspected (INSPECTION_INTERVAL_DAYS, default LOW 180, MEDIUM 90, HIGH 30 days).",
  valuesConfig: labelEnum<RiskLevel>("RiskLevel", {
    LOW: { zh: "低风险", en: "Low", description: "Inspected least often (default every 180 days)." },
    MEDIUM: { zh: "中风险", en: "Medium", description: "Inspected more often (default every 90 days)." },
    HIGH: { zh: "高风险", en: "High", description: "Inspected most often (default every 30 days)." },
  }),
});

export const INSPECTION_STATUSES = ["SCHEDULED", "COMPLETED", "CANCELLED"] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];
export const InspectionStatusEnum = enumOf(INSPECTION_STATUSES);
registerEnumType(InspectionStatusEnum, {
  name: "InspectionStatus",
  description: "综合查一次: where a joint inspection is.",
  valuesConfig: labelEnum<InspectionStatus>("InspectionStatus", {
    SCHEDULED: { zh: "已安排", en: "Scheduled", description: "Planned for its date, not yet carried out." },
    COMPLETED: { zh: "已完成", en: "Completed", description: "Carried out; its findings are recorded." },
    CANCELLED: { zh: "已取消", en: "Cancelled", description: "Called off; it counts for nothing." },
  }),
});

export const FOLLOW_UP_STATUSES = ["NONE", "OPEN", "RESOLVED", "OVERDUE"] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const FollowUpStatusEnum = enumOf(FOLLOW_UP_STATUSES);
registerEnumType(FollowUpStatusEnum, {
  name: "FollowUpStatus",
  description: "A finding's follow-up: NONE for a pass, OPEN until RESOLVED, OVERDUE once its deadline passed unresolved (swept like any deadline).",
  valuesConfig: labelEnum<FollowUpStatus>("FollowUpStatus", {
    NONE: { zh: "无需整改", en: "None", description: "The check passed; nothing to follow up." },
    OPEN: { zh: "整改中", en: "Open", description: "To be put right by its deadline." },
    RESOLVED: { zh: "已整改", en: "Resolved", description: "Put right." },
    OVERDUE: { zh: "逾期未整改", en: "Overdue", description: "Its deadline passed unresolved." },
  }),
});

/** 26项细则标准: one of the district's supervision standards, managed by ADMIN. */
@ObjectType({ description: "One of the district's 26 supervision standards (26项细则标准)." })
@Entity("supervision_standard")
@Index("UQ_supervision_standard_code", ["code"], { unique: true })
export class SupervisionStandard extends BaseEntity {
  @Field(() => ID) declare id: string;

  @Field({ description: "Short stable code, e.g. S01." })
  @Column({ type: "varchar", length: 16 })
  code: string;

  @Field()
  @Column({ type: "varchar", length: 200 })
  title: string;

  @Field(() => SupervisionPhaseEnum)
  @Column({ type: "varchar", length: 8 })
  phase: SupervisionPhase;

  @Field()
  @Column({ type: "boolean", default: true })
  active: boolean;
}

/** A project's place in supervision: its risk level (one row per project). */
@Entity("project_supervision")
export class ProjectSupervision {
  @PrimaryColumn({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_project_supervision_project" })
  project?: Project;

  @Column({ name: "risk_level", type: "varchar", length: 8, default: "MEDIUM" })
  riskLevel: RiskLevel;
}

/** 综合查一次: one visit by several departments together instead of many separate ones. */
@ObjectType({ description: "综合查一次: one joint inspection by several departments." })
@Entity("joint_inspection")
@Index("IDX_joint_inspection_project", ["projectId", "scheduledOn"])
@Index("IDX_joint_inspection_lead_department", ["leadDepartmentId"])
export class JointInspection extends BaseEntity {
  @Field(() => ID) declare id: string;

  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_joint_inspection_project" })
  project?: Project;

  @Field(() => GraphQLLocalDate)
  @Column({ name: "scheduled_on", type: "date" })
  scheduledOn: string;

  /** 牵头部门: the department that arranges the visit; it takes part too. */
  @Column({ name: "lead_department_id", type: "varchar", length: 36 })
  leadDepartmentId: string;

  @ManyToOne(() => Department)
  @JoinColumn({ name: "lead_department_id", foreignKeyConstraintName: "FK_joint_inspection_lead_department" })
  leadDepartment?: Department;

  @Field(() => InspectionStatusEnum)
  @Column({ type: "varchar", length: 12, default: "SCHEDULED" })
  status: InspectionStatus;

  @Field(() => ID)
  @Column({ name: "scheduled_by_id", type: "varchar", length: 36 })
  scheduledById: string;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("completed_at", true)
  completedAt: Date | null;
}

/** A department taking part in a joint inspection (the lead department among them): its cadres record the findings. */
@Entity("joint_inspection_department")
@Index("UQ_joint_inspection_department", ["inspectionId", "departmentId"], { unique: true })
@Index("IDX_joint_inspection_department_department", ["departmentId"])
export class JointInspectionDepartment extends BaseEntity {
  @Column({ name: "inspection_id", type: "varchar", length: 36 })
  inspectionId: string;

  @ManyToOne(() => JointInspection)
  @JoinColumn({ name: "inspection_id", foreignKeyConstraintName: "FK_joint_inspection_department_inspection" })
  inspection?: JointInspection;

  @Column({ name: "department_id", type: "varchar", length: 36 })
  departmentId: string;

  @ManyToOne(() => Department)
  @JoinColumn({ name: "department_id", foreignKeyConstraintName: "FK_joint_inspection_department_department" })
  department?: Department;

  @Column({ name: "sort_order", type: "integer", default: 0 })
  sortOrder: number;
}

/** One standard checked in an inspection: a pass, or a finding with a follow-up deadline. */
@ObjectType({ description: "One standard checked in a joint inspection." })
@Entity("inspection_finding")
@Index("UQ_inspection_finding_standard", ["inspectionId", "standardId"], { unique: true })
@Index("IDX_inspection_finding_follow_up", ["followUpStatus", "followUpDueOn"])
export class InspectionFinding extends BaseEntity {
  @Field(() => ID) declare id: string;

  @Field(() => ID)
  @Column({ name: "inspection_id", type: "varchar", length: 36 })
  inspectionId: string;

  @ManyToOne(() => JointInspection)
  @JoinColumn({ name: "inspection_id", foreignKeyConstraintName: "FK_inspection_finding_inspection" })
  inspection?: JointInspection;

  @Field(() => ID)
  @Column({ name: "standard_id", type: "varchar", length: 36 })
  standardId: string;

  @ManyToOne(() => SupervisionStandard)
  @JoinColumn({ name: "standard_id", foreignKeyConstraintName: "FK_inspection_finding_standard" })
  standard?: SupervisionStandard;

  @Field()
  @Column({ type: "boolean" })
  passed: boolean;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 500, nullable: true })
  note: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "By when a finding must be put right." })
  @Column({ name: "follow_up_due_on", type: "date", nullable: true })
  followUpDueOn: string | null;

  @Field(() => FollowUpStatusEnum)
  @Column({ name: "follow_up_status", type: "varchar", length: 8 })
  followUpStatus: FollowUpStatus;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("follow_up_resolved_at", true)
  followUpResolvedAt: Date | null;
}
