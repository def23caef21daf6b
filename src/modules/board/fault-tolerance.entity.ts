import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";
import { BoardTask } from "./board-task.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

/** 六看: the six things a fault-tolerance review judges. */
export const FAULT_ASPECTS = ["NATURE", "BASIS", "MOTIVE", "DUTY", "PROCEDURE", "ATTITUDE"] as const;
export type FaultAspect = (typeof FAULT_ASPECTS)[number];
export const FaultAspectEnum = enumOf(FAULT_ASPECTS);
registerEnumType(FaultAspectEnum, {
  name: "FaultAspect",
  description: "六看: the six things a fault-tolerance review judges.",
  valuesConfig: labelEnum<FaultAspect>("FaultAspect", {
    NATURE: { zh: "看性质", en: "Nature", description: "A mistake made exploring reform, not a knowing violation." },
    BASIS: { zh: "看依据", en: "Basis", description: "Acted on a policy or decision basis." },
    MOTIVE: { zh: "看动机", en: "Motive", description: "For the public good, not private gain." },
    DUTY: { zh: "看履职", en: "Duty performance", description: "Performed the duty diligently." },
    PROCEDURE: { zh: "看程序", en: "Procedure", description: "Followed the required procedure." },
    ATTITUDE: { zh: "看态度", en: "Attitude", description: "Reported and remedied actively." },
  }),
});

export const FAULT_DECISIONS = ["EXEMPTED", "MITIGATED", "NOT_EXEMPTED"] as const;
export type FaultDecision = (typeof FAULT_DECISIONS)[number];
/** What decideFaultTolerance suggests from the six assessments. */
export const FAULT_TOLERANCE_RULE =
  "MOTIVE or BASIS unfavourable -> NOT_EXEMPTED; all six favourable -> EXEMPTED; otherwise MITIGATED (三个区分开来).";
/** Who decides: the rule suggests, the reviewer decides with a written reason. */
export const FAULT_TOLERANCE_DECIDING =
  `The rule suggests (suggestedDecision): ${FAULT_TOLERANCE_RULE} The reviewer decides (decision) and writes the reason (reason), ` +
  "telling a mistake made exploring reform from a knowing violation and acting for the public good from private gain (三个区分开来); " +
  "a decision other than the suggestion must say why it departs (departureReason).";
export const FaultDecisionEnum = enumOf(FAULT_DECISIONS);
registerEnumType(FaultDecisionEnum, {
  name: "FaultDecision",
  description: `容错 decision. ${FAULT_TOLERANCE_DECIDING}`,
  valuesConfig: labelEnum<FaultDecision>("FaultDecision", {
    EXEMPTED: { zh: "予以容错", en: "Exempted", description: "The failure does not count against the cadre." },
    MITIGATED: { zh: "从轻减轻", en: "Mitigated", description: "The failure counts, with leniency." },
    NOT_EXEMPTED: { zh: "不予容错", en: "Not exempted", description: "The failure counts in full." },
  }),
});

/**
 * The suggestion rule (三个区分开来), written once: an unfavourable MOTIVE or BASIS is a
 * knowing violation or private gain -> NOT_EXEMPTED; all six favourable -> EXEMPTED;
 * otherwise MITIGATED. It suggests; the reviewer decides (FaultToleranceReview.decision).
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

/** What a 容错 review judges. */
export const FAULT_REVIEW_SUBJECT_KINDS = ["BOARD_TASK", "APPROVAL_DECISION"] as const;
export type FaultReviewSubjectKind = (typeof FAULT_REVIEW_SUBJECT_KINDS)[number];
export const FaultReviewSubjectKindEnum = enumOf(FAULT_REVIEW_SUBJECT_KINDS);
registerEnumType(FaultReviewSubjectKindEnum, {
  name: "FaultReviewSubjectKind",
  description: "What a 容错 review judges, and so whom.",
  valuesConfig: labelEnum<FaultReviewSubjectKind>("FaultReviewSubjectKind", {
    BOARD_TASK: { zh: "榜单任务", en: "Board task", description: "A FAILED board task (任务榜); its claimant is judged." },
    APPROVAL_DECISION: {
      zh: "容缺审批决定",
      en: "Approval decision",
      description: "An approval item a cadre APPROVED under 容缺 (a deferred material owed on the approval day) whose enterprise then broke its commitment " +
        "(a deferred material OVERDUE or an enterprise clause BREACHED); the cadre who approved it is judged.",
    },
  }),
});

/**
 * 容错 review of one subject, at most one per subject (a unique key on each): a FAILED board task
 * (its claimant judged) or an approval decision made under 容缺 that the enterprise later broke
 * (the approving cadre judged). The six assessments (六看) are recorded; the rule's suggestion is
 * kept beside the reviewer's decision and written reason, and a departure from the suggestion
 * carries its own reason. Exactly one of task_id / approval_item_id is set. board-query joins
 * task_id and reads decision (the final decision) for the board's figures.
 */
@ObjectType({ description: `容错 fault-tolerance review (六看) of a FAILED board task or of an approval decision made under 容缺. ${FAULT_TOLERANCE_DECIDING}` })
@Entity("fault_tolerance_review")
@Index("UQ_fault_tolerance_review_task", ["taskId"], { unique: true })
@Index("UQ_fault_tolerance_review_approval_item", ["approvalItemId"], { unique: true })
@Index("IDX_fault_tolerance_review_cadre", ["cadreId", "decision"])
@Index("IDX_fault_tolerance_review_reviewer", ["reviewerId"])
export class FaultToleranceReview extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID, { nullable: true, description: "The FAILED board task reviewed (subject BOARD_TASK)." })
  @Column({ name: "task_id", type: "varchar", length: 36, nullable: true })
  taskId: string | null;

  @ManyToOne(() => BoardTask, { nullable: true })
  @JoinColumn({ name: "task_id", foreignKeyConstraintName: "FK_fault_tolerance_review_task" })
  task?: BoardTask | null;

  @Field(() => ID, { nullable: true, description: "The approval item whose decision is reviewed (subject APPROVAL_DECISION)." })
  @Column({ name: "approval_item_id", type: "varchar", length: 36, nullable: true })
  approvalItemId: string | null;

  /** By entity name: approvals sit above the board (instep reads board tasks), so the board names the entity rather than importing it. */
  @ManyToOne("ApprovalItem", { nullable: true })
  @JoinColumn({ name: "approval_item_id", foreignKeyConstraintName: "FK_fault_tolerance_review_approval_item" })
  approvalItem?: { id: string } | null;

  /** The cadre judged: the task's claimant, or the cadre who approved the item. */
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

  @Field(() => FaultDecisionEnum, { description: `What the rule suggests from the six assessments: ${FAULT_TOLERANCE_RULE}` })
  @Column({ name: "suggested_decision", type: "varchar", length: 16 })
  suggestedDecision: FaultDecision;

  @Field(() => FaultDecisionEnum, { description: "The reviewer's decision, final: what counts for the cadre (cadreRecord, boardStats). It may differ from suggestedDecision only with a departureReason." })
  @Column({ type: "varchar", length: 16 })
  decision: FaultDecision;

  @Field({ description: "The reviewer's written reason (三个区分开来): a mistake made exploring reform or a knowing violation; for the public good or for private gain." })
  @Column({ type: "varchar", length: 2000 })
  reason: string;

  @Field(() => String, { nullable: true, description: "Why the decision departs from suggestedDecision; null when it follows it." })
  @Column({ name: "departure_reason", type: "varchar", length: 2000, nullable: true })
  departureReason: string | null;

  @Field()
  @TimestampColumn("reviewed_at")
  reviewedAt: Date;
}

/** The subject a review judges, from which of its keys is set. */
export const subjectKindOf = (review: Pick<FaultToleranceReview, "taskId">): FaultReviewSubjectKind => (review.taskId ? "BOARD_TASK" : "APPROVAL_DECISION");

/** The six assessments of a review, in 六看 order. */
export function assessmentsOf(review: FaultToleranceReview): FaultAssessment[] {
  const row = review as unknown as Record<string, unknown>;
  return FAULT_ASPECTS.map((aspect) => {
    const column = ASPECT_COLUMN[aspect];
    return { aspect, favourable: Boolean(row[`${column}Favourable`]), note: String(row[`${column}Note`]) };
  });
}
