import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { Enterprise } from "../enterprises/enterprise.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const SEVERITIES = ["MINOR", "GENERAL", "SERIOUS"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SeverityEnum = enumOf(SEVERITIES);
registerEnumType(SeverityEnum, {
  name: "CreditSeverity",
  description: "How grave a breach is; each severity weighs points (CREDIT_POINTS, default 1, 2, 5) and lapses after its period (CREDIT_PERIOD_DAYS, default 180, 365, 1095 days).",
  valuesConfig: labelEnum<Severity>("CreditSeverity", {
    MINOR: { zh: "轻微失信", en: "Minor", description: "E.g. an inspection finding not followed up by its deadline." },
    GENERAL: { zh: "一般失信", en: "General", description: "E.g. a deferred material or a commitment clause overdue." },
    SERIOUS: { zh: "严重失信", en: "Serious", description: "E.g. a suspended project that did not rectify (熔断 without rectification)." },
  }),
});

export const MEASURES = ["NONE", "KEY_ATTENTION", "WARNING_INTERVIEW", "PUBLIC_NOTICE", "FACILITATION_RESTRICTED", "MARKET_BAN"] as const;
export type Measure = (typeof MEASURES)[number];
export const MeasureEnum = enumOf(MEASURES);
registerEnumType(MeasureEnum, {
  name: "CreditMeasure",
  description:
    "阶梯式惩戒, stepped by the enterprise's active credit points (the sum over its records neither lifted nor lapsed): " +
    "at least CREDIT_THRESHOLDS[0] (default 1) KEY_ATTENTION, [1] (3) WARNING_INTERVIEW, [2] (5) PUBLIC_NOTICE, " +
    "[3] (8) FACILITATION_RESTRICTED, [4] (12) MARKET_BAN. FACILITATION_RESTRICTED or worse refuses the fast track (CREDIT_RESTRICTED).",
  valuesConfig: labelEnum<Measure>("CreditMeasure", {
    NONE: { zh: "守信", en: "None", description: "No active record." },
    KEY_ATTENTION: { zh: "列入重点关注名单", en: "Key-attention list", description: "On the key-attention list." },
    WARNING_INTERVIEW: { zh: "警示约谈", en: "Warning interview", description: "Called to a warning interview." },
    PUBLIC_NOTICE: { zh: "公开通报", en: "Public notice", description: "Publicly named." },
    FACILITATION_RESTRICTED: { zh: "限制享受便利化措施", en: "Facilitation restricted", description: "No fast track, no deferral." },
    MARKET_BAN: { zh: "市场禁入", en: "Market ban", description: "Barred from the market." },
  }),
});

/**
 * 信用记录: one breach of an enterprise commitment, on the enterprise and its responsible person.
 * A source (what was breached) yields at most one record: the unique key makes every sweep
 * effect happen once however many sweeps run.
 */
@ObjectType({ description: "信用记录: one breach of a commitment by an enterprise." })
@Entity("credit_record")
@Index("UQ_credit_record_source", ["sourceType", "sourceId"], { unique: true })
@Index("IDX_credit_record_enterprise", ["enterpriseId", "recordedAt", "id"])
export class CreditRecord extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Column({ name: "enterprise_id", type: "varchar", length: 36 })
  enterpriseId: string;

  @ManyToOne(() => Enterprise)
  @JoinColumn({ name: "enterprise_id", foreignKeyConstraintName: "FK_credit_record_enterprise" })
  enterprise?: Enterprise;

  @Field({ description: "The responsible person (法定代表人) at the time of the breach." })
  @Column({ name: "responsible_person", type: "varchar", length: 100 })
  responsiblePerson: string;

  @Field(() => SeverityEnum)
  @Column({ type: "varchar", length: 16 })
  severity: Severity;

  @Field()
  @Column({ type: "varchar", length: 500 })
  reason: string;

  @Field({ description: "What was breached: DEFERRED_ITEM, COMMITMENT_CLAUSE, INSPECTION_FINDING, CIRCUIT_BREAKER." })
  @Column({ name: "source_type", type: "varchar", length: 32 })
  sourceType: string;

  @Field(() => ID)
  @Column({ name: "source_id", type: "varchar", length: 36 })
  sourceId: string;

  @Field()
  @TimestampColumn("recorded_at")
  recordedAt: Date;

  @Field({ description: "When the record lapses by itself (信用修复 by time)." })
  @TimestampColumn("expires_at")
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("lifted_at", true)
  liftedAt: Date | null;

  @Field(() => ID, { nullable: true })
  @Column({ name: "lifted_by_id", type: "varchar", length: 36, nullable: true })
  liftedById: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "lift_reason", type: "varchar", length: 500, nullable: true })
  liftReason: string | null;
}
