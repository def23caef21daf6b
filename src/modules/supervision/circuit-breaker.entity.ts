import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { Project } from "../projects/project.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";


export const BREAKER_STATES = ["ACTIVE", "SUSPENDED", "AWAITING_DECISION", "EXITED", "REAPPLY"] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];
export const BreakerStateEnum = enumOf(BREAKER_STATES);
registerEnumType(BreakerStateEnum, {
  name: "CircuitBreakerState",
  description:
    "熔断: an ADMITTED project whose construction permit is not APPROVED CIRCUIT_BREAKER_MONTHS (6) after its commitment letter was signed " +
    "(those that started on commitment first of all), with an enterprise cause (an OVERDUE deferred material, with nobody recording it, or one the " +
    "manager recorded) and no real government cause (an approval item pending past its promised working days), is SUSPENDED: the stop-work order " +
    "(停工整改) holds the project SUSPENDED until the rectification, within RECTIFICATION_DAYS, is confirmed (ACTIVE, the project ADMITTED again). " +
    "Not rectified by the deadline it is AWAITING_DECISION until the reform office decides EXITED or REAPPLY. A typed GOVERNMENT cause protects nothing.",
  valuesConfig: labelEnum<BreakerState>("CircuitBreakerState", {
    ACTIVE: { zh: "正常", en: "Active", description: "Running normally." },
    SUSPENDED: { zh: "停工整改", en: "Suspended", description: "Stop-work order issued (the project SUSPENDED: milestones, building acceptances and board progress answer STOP_WORK_ORDER), rectification deadline running." },
    AWAITING_DECISION: { zh: "整改期满待决定", en: "Awaiting decision", description: "整改期满仍未达标: awaiting the ADMIN decision; the stop-work order stays." },
    EXITED: { zh: "退出", en: "Exited", description: "The project left the fast track (EXITED), its letters TERMINATED, a credit record on the enterprise." },
    REAPPLY: { zh: "重报", en: "Reapply", description: "The letters TERMINATED and the project NOT_APPLIED, to apply again; once admitted again the breaker watches it anew (causes after the decision)." },
  }),
});

/** Allowed moves of the breaker, checked in one place. */
export const BREAKER_TRANSITIONS: Record<BreakerState, readonly BreakerState[]> = {
  ACTIVE: ["SUSPENDED"],
  SUSPENDED: ["ACTIVE", "AWAITING_DECISION"],
  AWAITING_DECISION: ["EXITED", "REAPPLY"],
  EXITED: [],
  // a project told to reapply and admitted again is watched anew
  REAPPLY: ["SUSPENDED"],
};

export const DELAY_PARTIES = ["ENTERPRISE", "GOVERNMENT"] as const;
export type DelayParty = (typeof DELAY_PARTIES)[number];
export const DelayPartyEnum = enumOf(DELAY_PARTIES);
registerEnumType(DelayPartyEnum, {
  name: "DelayParty",
  description: "Whose fault a delay is, as recorded: an ENTERPRISE cause can trip the circuit breaker; a GOVERNMENT one is a note (only an approval pending past its promised working days protects the project).",
  valuesConfig: labelEnum<DelayParty>("DelayParty", {
    ENTERPRISE: { zh: "企业自身原因", en: "Enterprise", description: "The enterprise's own cause; it can trip the circuit breaker." },
    GOVERNMENT: { zh: "政府原因", en: "Government", description: "A government cause, kept as a note." },
  }),
});

export const DELAY_CAUSES = ["OVERDUE_MATERIALS", "FUNDS_NOT_IN_PLACE", "DESIGN_CHANGES", "APPROVAL_DELAY", "OTHER"] as const;
export type DelayCauseKind = (typeof DELAY_CAUSES)[number];
export const DelayCauseKindEnum = enumOf(DELAY_CAUSES);
registerEnumType(DelayCauseKindEnum, {
  name: "DelayCauseKind",
  description: "熔断: what delayed the construction permit, as recorded on the project.",
  valuesConfig: labelEnum<DelayCauseKind>("DelayCauseKind", {
    OVERDUE_MATERIALS: { zh: "未按承诺时限补正材料", en: "Materials overdue", description: "Deferred materials not supplied by their promised date." },
    FUNDS_NOT_IN_PLACE: { zh: "资金未到位", en: "Funds not in place", description: "The project's funds did not arrive as promised." },
    DESIGN_CHANGES: { zh: "设计变更", en: "Design changes", description: "The design was changed." },
    APPROVAL_DELAY: { zh: "审批延误", en: "Approval delay", description: "An approval took longer than promised." },
    OTHER: { zh: "其他", en: "Other", description: "Another cause, told in the note." },
  }),
});

/** The breaker of one project; absent until it first trips (ACTIVE is the default). */
@ObjectType({ description: "熔断: the state of a project's circuit breaker." })
@Entity("circuit_breaker")
export class CircuitBreaker {
  @Field(() => ID)
  @PrimaryColumn({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_circuit_breaker_project" })
  project?: Project;

  @Field(() => BreakerStateEnum)
  @Column({ type: "varchar", length: 20 })
  state: BreakerState;

  @Field(() => String, { nullable: true, description: "停工整改通知: the stop-work order." })
  @Column({ name: "stop_work_order", type: "varchar", length: 500, nullable: true })
  stopWorkOrder: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("suspended_at", true)
  suspendedAt: Date | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Column({ name: "rectification_due_on", type: "date", nullable: true })
  rectificationDueOn: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("rectified_at", true)
  rectifiedAt: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "decision_reason", type: "varchar", length: 500, nullable: true })
  decisionReason: string | null;

  @Field(() => Date)
  @TimestampColumn("changed_at")
  changedAt: Date;
}

/** One step of a breaker: who moved it, when and why. */
@ObjectType({ description: "One step of a project's circuit breaker." })
@Entity("circuit_breaker_event")
@Index("IDX_circuit_breaker_event_project", ["projectId", "at"])
export class CircuitBreakerEvent extends BaseEntity {
  @Field(() => ID) declare id: string;

  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @Field(() => BreakerStateEnum)
  @Column({ name: "from_state", type: "varchar", length: 20 })
  fromState: BreakerState;

  @Field(() => BreakerStateEnum)
  @Column({ name: "to_state", type: "varchar", length: 20 })
  toState: BreakerState;

  @Field(() => ID, { nullable: true, description: "null when the sweep acted." })
  @Column({ name: "actor_id", type: "varchar", length: 36, nullable: true })
  actorId: string | null;

  @Field()
  @Column({ type: "varchar", length: 500 })
  reason: string;

  @Field()
  @TimestampColumn("at")
  at: Date;
}

/** A cadre's finding of why a project is late, and whose fault it is: one of the facts the breaker reads (breaker-facts). */
@ObjectType({ description: "Why a project is late and whose fault it is (recordDelayCause): an ENTERPRISE cause counts for the breaker from its recording on." })
@Entity("delay_cause")
@Index("IDX_delay_cause_project", ["projectId", "recordedAt"])
export class DelayCause extends BaseEntity {
  @Field(() => ID) declare id: string;

  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_delay_cause_project" })
  project?: Project;

  @Field(() => DelayPartyEnum)
  @Column({ name: "attributed_to", type: "varchar", length: 12 })
  attributedTo: DelayParty;

  @Field(() => DelayCauseKindEnum)
  @Column({ type: "varchar", length: 24 })
  cause: DelayCauseKind;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 500, nullable: true })
  note: string | null;

  @Field(() => ID)
  @Column({ name: "recorded_by_id", type: "varchar", length: 36 })
  recordedById: string;

  @Field()
  @TimestampColumn("recorded_at")
  recordedAt: Date;
}
