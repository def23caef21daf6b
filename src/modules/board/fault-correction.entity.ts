import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { enumOf } from "../../core/enums";
import { User } from "../accounts/user.entity";
import { FaultToleranceReview } from "./fault-tolerance.entity";
import { labelEnum } from "../../core/labels";

export const CORRECTION_STATUSES = ["ORDERED", "SUBMITTED", "COMPLETED"] as const;
export type CorrectionStatus = (typeof CORRECTION_STATUSES)[number];
export const CorrectionStatusEnum = enumOf(CORRECTION_STATUSES);
registerEnumType(CorrectionStatusEnum, {
  name: "FaultCorrectionStatus",
  description: "纠错: ORDERED -> SUBMITTED (the owner reports it done) -> COMPLETED (the reform office verifies it); a submission not accepted goes back to ORDERED.",
  valuesConfig: labelEnum<CorrectionStatus>("FaultCorrectionStatus", {
    ORDERED: { zh: "已责令纠错", en: "Ordered", description: "Ordered by the review (or sent back), waiting for its owner." },
    SUBMITTED: { zh: "已报告", en: "Submitted", description: "The owner reported it done, waiting for the reform office." },
    COMPLETED: { zh: "已完成", en: "Completed", description: "Verified complete by the reform office." },
  }),
});

/** The allowed transitions, as data, checked in one place (assertTransition). */
export const CORRECTION_TRANSITIONS: Record<CorrectionStatus, readonly CorrectionStatus[]> = {
  ORDERED: ["SUBMITTED"],
  SUBMITTED: ["COMPLETED", "ORDERED"],
  COMPLETED: [],
};

/**
 * 纠错: a correction a fault-tolerance review ordered (at most one per review), with an owner (an
 * active cadre) and a due date. Followed like a board task: the owner reports it done with a
 * note, the reform office verifies it (COMPLETED, with who and when) or sends it back (ORDERED).
 */
@ObjectType({ description: "纠错: a correction ordered by a 容错 review, with its owner and due date, followed to completion. Visible to the reform office (ADMIN) and to its owner." })
@Entity("fault_correction")
@Index("UQ_fault_correction_review", ["reviewId"], { unique: true })
@Index("IDX_fault_correction_owner", ["ownerId", "status"])
@Index("IDX_fault_correction_due", ["dueOn", "id"])
@Index("IDX_fault_correction_completed_by", ["completedById"])
export class FaultCorrection extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Column({ name: "review_id", type: "varchar", length: 36 })
  reviewId: string;

  @ManyToOne(() => FaultToleranceReview)
  @JoinColumn({ name: "review_id", foreignKeyConstraintName: "FK_fault_correction_review" })
  review?: FaultToleranceReview;

  @Column({ name: "owner_id", type: "varchar", length: 36 })
  ownerId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "owner_id", foreignKeyConstraintName: "FK_fault_correction_owner" })
  owner?: User;

  @Field({ description: "What must be corrected." })
  @Column({ type: "varchar", length: 2000 })
  description: string;

  @Field(() => GraphQLLocalDate, { description: "The district date it must be completed by." })
  @Column({ name: "due_on", type: "date" })
  dueOn: string;

  @Field(() => CorrectionStatusEnum)
  @Column({ type: "varchar", length: 16, default: "ORDERED" })
  status: CorrectionStatus;

  @Field({ description: "When the review ordered it." })
  declare createdAt: Date;

  @Field(() => Date, { nullable: true, description: "When the owner last reported it done." })
  @TimestampColumn("submitted_at", true)
  submittedAt: Date | null;

  @Field(() => String, { nullable: true, description: "The owner's last report: what was done." })
  @Column({ type: "varchar", length: 2000, nullable: true })
  note: string | null;

  @Field(() => String, { nullable: true, description: "The reform office's last comment (on verifying it, or on sending it back)." })
  @Column({ type: "varchar", length: 2000, nullable: true })
  comment: string | null;

  @Field(() => Date, { nullable: true, description: "When the reform office verified it complete." })
  @TimestampColumn("completed_at", true)
  completedAt: Date | null;

  @Column({ name: "completed_by_id", type: "varchar", length: 36, nullable: true })
  completedById: string | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: "completed_by_id", foreignKeyConstraintName: "FK_fault_correction_completed_by" })
  completedBy?: User | null;
}
