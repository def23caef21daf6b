import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { DecimalScalar, decimalTransformer } from "../../core/decimal";
import { Enterprise } from "../enterprises/enterprise.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const PROJECT_STAGES = ["PRE_LANDING", "LAND_OBTAINED", "UNDER_CONSTRUCTION", "COMPLETED", "IN_PRODUCTION"] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];
export const ProjectStageEnum = enumOf(PROJECT_STAGES);
registerEnumType(ProjectStageEnum, {
  name: "ProjectStage",
  description: "Where a project is in its life, from its furthest milestone.",
  valuesConfig: labelEnum<ProjectStage>("ProjectStage", {
    PRE_LANDING: { zh: "签约落地前", en: "Before landing", description: "Signed or negotiating, land not yet obtained." },
    LAND_OBTAINED: { zh: "已拿地", en: "Land obtained", description: "Land contract signed." },
    UNDER_CONSTRUCTION: { zh: "在建", en: "Under construction", description: "Construction started." },
    COMPLETED: { zh: "已竣工", en: "Completed", description: "Construction completed." },
    IN_PRODUCTION: { zh: "已投产", en: "In production", description: "Trial or full production." },
  }),
});

export const FAST_TRACK_STATUSES = ["NOT_APPLIED", "APPLIED", "ADMITTED", "SUSPENDED", "EXITED"] as const;
export type FastTrackStatus = (typeof FAST_TRACK_STATUSES)[number];
export const FastTrackStatusEnum = enumOf(FAST_TRACK_STATUSES);
registerEnumType(FastTrackStatusEnum, {
  name: "FastTrackStatus",
  description: "双容双诺 fast track, one governed path: apply (承诺前审核) -> both parties sign the letter (承诺准入) -> work on commitment; the circuit breaker (熔断) suspends and decides.",
  valuesConfig: labelEnum<FastTrackStatus>("FastTrackStatus", {
    NOT_APPLIED: { zh: "未申请", en: "Not applied", description: "Not on the fast track (never applied, withdrawn, refused, or told to reapply)." },
    APPLIED: { zh: "已申请", en: "Applied", description: "承诺前审核 passed (negative list, credit): the letter is drafted and awaits both signatures." },
    ADMITTED: { zh: "承诺准入", en: "Admitted", description: "Both parties signed the letter; construction may start on commitment (承诺即开工)." },
    SUSPENDED: { zh: "停工整改", en: "Suspended", description: "熔断: a stop-work order (责令停工整改) is in force until the rectification is confirmed." },
    EXITED: { zh: "已退出", en: "Exited", description: "The fast track ended after an unrectified suspension (退出); the letter is terminated." },
  }),
});

const DATE = { type: "date", nullable: true } as const;

/** 产业投资项目: an industrial investment project of one enterprise. */
@ObjectType({ description: "产业投资项目: an industrial investment project." })
@Entity("project")
@Index("UQ_project_code", ["code"], { unique: true })
@Index("IDX_project_enterprise", ["enterpriseId", "createdAt", "id"])
@Index("IDX_project_created", ["createdAt", "id"])
export class Project extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field({ description: "投资项目统一代码: YYYY-RRRRRR-BB-CC-NNNNNN." })
  @Column({ type: "varchar", length: 24 })
  code: string;

  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ name: "enterprise_id", type: "varchar", length: 36 })
  enterpriseId: string;

  @ManyToOne(() => Enterprise)
  @JoinColumn({ name: "enterprise_id", foreignKeyConstraintName: "FK_project_enterprise" })
  enterprise?: Enterprise;

  @Field({ description: "Industry code (国民经济行业分类, e.g. C3971), matched against the negative list." })
  @Column({ type: "varchar", length: 16 })
  industry: string;

  /** DECIMAL(18,2): exact, read and written as a string. */
  @Field(() => DecimalScalar, { description: "总投资 in yuan, an exact decimal string." })
  @Column({ name: "total_investment", type: "decimal", precision: 18, scale: 2, transformer: decimalTransformer })
  totalInvestment: string;

  @Field(() => String, { nullable: true, description: "Land parcel reference (地块编号)." })
  @Column({ name: "land_parcel", type: "varchar", length: 100, nullable: true })
  landParcel: string | null;

  /** Derived from the milestones whenever one is recorded (projectStage), never typed. */
  @Field(() => ProjectStageEnum, { description: "Where the project is, derived from its milestones: land contract, construction start, completion, trial production." })
  @Column({ type: "varchar", length: 24, default: "PRE_LANDING" })
  stage: ProjectStage;

  @Field(() => FastTrackStatusEnum)
  @Column({ name: "fast_track_status", type: "varchar", length: 16, default: "NOT_APPLIED" })
  fastTrackStatus: FastTrackStatus;

  @Field(() => Date, { nullable: true, description: "When the project was admitted to the fast track." })
  @TimestampColumn("fast_track_admitted_at", true)
  fastTrackAdmittedAt: Date | null;

  @Column({ name: "fast_track_admitted_by_id", type: "varchar", length: 36, nullable: true })
  fastTrackAdmittedById: string | null;

  @Field({ description: "承诺即开工: construction started on the signed commitment letter, without an approved construction permit. What the circuit breaker watches first." })
  @Column({ name: "started_on_commitment", type: "boolean", default: false })
  startedOnCommitment: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "签约: investment agreement signed." })
  @Column({ name: "signed_on", ...DATE })
  signedOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "拿地: land contract signed." })
  @Column({ name: "land_contract_on", ...DATE })
  landContractOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "开工: construction started." })
  @Column({ name: "construction_start_on", ...DATE })
  constructionStartOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "竣工: construction completed." })
  @Column({ name: "completion_on", ...DATE })
  completionOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "发证: property certificate issued." })
  @Column({ name: "certificate_on", ...DATE })
  certificateOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "预验: pre-acceptance passed." })
  @Column({ name: "pre_acceptance_on", ...DATE })
  preAcceptanceOn: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: "试产: trial production started." })
  @Column({ name: "trial_production_on", ...DATE })
  trialProductionOn: string | null;

  @Field()
  declare createdAt: Date;
}
