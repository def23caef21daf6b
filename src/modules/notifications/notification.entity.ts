import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";
import type { NotificationKind, NotificationParams, NotificationSubjectType } from "./notification.kinds";

/**
 * 事件 (the transactional outbox): one row per cause, written in the transaction of the change
 * that causes it, so a rolled-back change leaves none and a committed one cannot lose it. The
 * inbox rows of its recipients are written with it; webhook deliveries are made from it after
 * commit (fannedOutAt marks that done, set once by a conditional UPDATE). A cause found by a
 * sweep carries a dedupeKey, unique: two sweeps finding the same cause write it once.
 */
@Entity("outbox_event")
@Index("UQ_outbox_event_dedupe", ["dedupeKey"], { unique: true })
@Index("IDX_outbox_event_fan_out", ["fannedOutAt", "occurredAt"])
export class OutboxEvent {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ type: "varchar", length: 40 })
  kind: NotificationKind;

  @Column({ name: "subject_type", type: "varchar", length: 32 })
  subjectType: NotificationSubjectType;

  @Column({ name: "subject_id", type: "varchar", length: 36 })
  subjectId: string;

  @Column({ name: "project_id", type: "varchar", length: 36, nullable: true })
  projectId: string | null;

  /** The deadline the cause is about (an SLA, a task's due time, a material's date), if any. */
  @TimestampColumn("due_at", true)
  dueAt: Date | null;

  @Column({ type: "boolean", default: false })
  urgent: boolean;

  /** NotificationParams as JSON. */
  @Column({ type: "text" })
  params: string;

  /** The users it concerns, as a JSON array of ids (the webhook payload names them too). */
  @Column({ name: "recipient_ids", type: "text" })
  recipientIds: string;

  @Column({ name: "dedupe_key", type: "varchar", length: 191, nullable: true })
  dedupeKey: string | null;

  @TimestampColumn("occurred_at")
  occurredAt: Date;

  @TimestampColumn("fanned_out_at", true)
  fannedOutAt: Date | null;

  parsedParams(): NotificationParams {
    return JSON.parse(this.params) as NotificationParams;
  }
}

/** 通知: one user's copy of an event, read or not. Never edited but for readAt. */
@ObjectType({ description: "通知: something that concerns the signed-in user (a ticket assigned, a deadline near, a stop-work order), written with the change that caused it." })
@Entity("notification")
@Index("IDX_notification_inbox", ["recipientId", "createdAt", "id"])
@Index("IDX_notification_unread", ["recipientId", "readAt"])
@Index("IDX_notification_event", ["eventId"])
export class Notification {
  @Field(() => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "recipient_id", type: "varchar", length: 36 })
  recipientId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "recipient_id", foreignKeyConstraintName: "FK_notification_recipient" })
  recipient?: User;

  @Column({ name: "event_id", type: "varchar", length: 36 })
  eventId: string;

  @ManyToOne(() => OutboxEvent)
  @JoinColumn({ name: "event_id", foreignKeyConstraintName: "FK_notification_event" })
  event?: OutboxEvent;

  @Field({ description: "When it was written: the moment of its cause (service clock)." })
  @TimestampColumn("created_at")
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: "When the user first marked it read; null while unread." })
  @TimestampColumn("read_at", true)
  readAt: Date | null;
}

/** A kind a user chose not to be told about (never an urgent one). */
@Entity("notification_mute")
export class NotificationMute {
  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @PrimaryColumn({ type: "varchar", length: 40 })
  kind: NotificationKind;

  @ManyToOne(() => User)
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "FK_notification_mute_user" })
  user?: User;
}
