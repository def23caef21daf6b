import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";
import { BoardTask } from "./board-task.entity";
import { enumOf } from "../../core/enums";

/** 六看: the six things a fault-tolerance review judges. */
export const FAULT_ASPECTS = ["NATURE", "BASIS", "MOTIVE", "DUTY", "PROCEDURE", "ATTITUDE"] as const;
export type FaultAspect = (typeof FAULT_ASPECTS)[number];
export const FaultAspectEnum = enumOf(FAULT_ASPECTS);
registerEnumType(FaultAspectEnum, {
  name: "FaultAspect",
  description: "六看: the six things a fault-tolerance review judges.",
  valuesConfig: {
    NATURE: { description: "看性质: a mistake made exploring reform, not a knowing violation." },
    BASIS: { description: "看依据: acted on a policy or decision basis." },
    MOTIVE: { description: "看动机: for the public good, not private gain." },
    DUTY: { description: "看履职: performed the duty diligently." },
    PROCEDURE: { description: "看程序: followed the required procedure." },
    ATTITUDE: { description: "看态度: reported and remedied actively." },
  },
});

export const FAULT_DECISIONS = ["EXEMPTED", "MITIGATED", "NOT_EXEMPTED"] as const;
export type FaultDecision = (typeof FAULT_DECISIONS)[number];
export const FAULT_TOLERANCE_RULE =
  "MOTIVE or BASIS unfavourable -> NOT_EXEMPTED; all six favourable -> EXEMPTED; otherwise MITIGATED (三个区分开来).";
export const FaultDecisionEnum = enumOf(FAULT_DECISIONS);
registerEnumType(FaultDecisionEnum, {
  name: "FaultDecision",
  description: `容错 decision, by the rule: ${FAULT_TOLERANCE_RULE}`,
  valuesConfig: {
    EXEMPTED: { description: "予以容错: exempted; the failure does not count against the cadre." },
    MITIGATED: { description: "从轻减轻: mitigated; the failure counts, with leniency." },
    NOT_EXEMPTED: { description: "不予容错: not exempted." },
  },
});

/**
 * The decision rule (三个区分开来), written once: an unfavourable MOTIVE or BASIS is a
 * knowing violation or private gain -> NOT_EXEMPTED; all six favourable -> EXEMPTED;
 * otherwise MITIGATED.
 */
export function decideFaultTolerance(favourable: Record<FaultAspect, boolean>): FaultDecision {
  if (!favourable.MOTIVE || !favourable.BASIS) return "NOT_EXEMPTED";
  if (FAULT_ASPECTS.every((aspect) => favourable[aspect])) return "EXEMPTED";
  return "MITIGATED";
}

@ObjectType({ description: "One of the six assessments (六看) of a fault-tolerance review." })
export class FaultAssessment {
  @Field(() => FaultAspectEnum) aspect: FaultAspect;
  @Field() favourable: boolean;
  @Field() note: string;
}

const ASPECT_COLUMN: Record<FaultAspect, string> = {
  NATURE: "nature", BASIS: "basis", MOTIVE: "motive", DUTY: "duty", PROCEDURE: "procedure", ATTITUDE: "attitude",
};
export const aspectColumn = (aspect: FaultAspect) => ASPECT_COLUMN[aspect];

/** 容错 review of one FAILED task (at most one per task), judging its claimant by 六看. */
@ObjectType({ description: `容错 fault-tolerance review (六看) of a FAILED task. Decision rule: ${FAULT_TOLERANCE_RULE}` })
@Entity("fault_tolerance_review")
@Index("UQ_fault_tolerance_review_task", ["taskId"], { unique: true })
@Index("IDX_fault_tolerance_review_cadre", ["cadreId", "decision"])
@Index("IDX_fault_tolerance_review_reviewer", ["reviewerId"])
export class FaultToleranceReview extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "task_id", type: "varchar", length: 36 })
  taskId: string;

  @ManyToOne(() => BoardTask)
  @JoinColumn({ name: "task_id", foreignKeyConstraintName: "FK_fault_tolerance_review_task" })
  task?: BoardTask;

  /** The claimant whose failure is judged. */
  @Column({ name: "cadre_id", type: "varchar", length: 36 })
  cadreId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "cadre_id", foreignKeyConstraintName: "FK_fault_tolerance_review_cadre" })
  cadre?: User;

  @Column({ name: "reviewer_id", type: "varchar", length: 36 })
  reviewerId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "reviewer_id", foreignKeyConstraintName: "FK_fault_tolerance_review_reviewer" })
  reviewer?: User;

  @Column({ name: "nature_favourable", type: "boolean" }) natureFavourable: boolean;
  @Column({ name: "nature_note", type: "varchar", length: 500 }) natureNote: string;
  @Column({ name: "basis_favourable", type: "boolean" }) basisFavourable: boolean;
  @Column({ name: "basis_note", type: "varchar", length: 500 }) basisNote: string;
  @Column({ name: "motive_favourable", type: "boolean" }) motiveFavourable: boolean;
  @Column({ name: "motive_note", type: "varchar", length: 500 }) motiveNote: string;
  @Column({ name: "duty_favourable", type: "boolean" }) dutyFavourable: boolean;
  @Column({ name: "duty_note", type: "varchar", length: 500 }) dutyNote: string;
  @Column({ name: "procedure_favourable", type: "boolean" }) procedureFavourable: boolean;
  @Column({ name: "procedure_note", type: "varchar", length: 500 }) procedureNote: string;
  @Column({ name: "attitude_favourable", type: "boolean" }) attitudeFavourable: boolean;
  @Column({ name: "attitude_note", type: "varchar", length: 500 }) attitudeNote: string;

  @Field(() => FaultDecisionEnum, { description: FAULT_TOLERANCE_RULE })
  @Column({ type: "varchar", length: 16 })
  decision: FaultDecision;

  @Field()
  @TimestampColumn("reviewed_at")
  reviewedAt: Date;
}

/** The six assessments of a review, in 六看 order. */
export function assessmentsOf(review: FaultToleranceReview): FaultAssessment[] {
  const row = review as unknown as Record<string, unknown>;
  return FAULT_ASPECTS.map((aspect) => {
    const column = ASPECT_COLUMN[aspect];
    return { aspect, favourable: Boolean(row[`${column}Favourable`]), note: String(row[`${column}Note`]) };
  });
}
