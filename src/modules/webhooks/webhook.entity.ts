import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";
import { User } from "../accounts/user.entity";
import { OutboxEvent } from "../notifications/notification.entity";
import { NotificationKindEnum, type NotificationKind } from "../notifications/notification.kinds";

/** A JSON array of event kinds in a text column. */
const kindList = {
  to: (kinds: NotificationKind[] | undefined) => (kinds === undefined ? undefined : JSON.stringify(kinds)),
  from: (text: string | null) => (text ? (JSON.parse(text) as NotificationKind[]) : []),
};

/**
 * 外发回调 (webhook): an endpoint outside the system that hears of the event kinds it asked for.
 * Its URL's host must be one WEBHOOK_ALLOWED_HOSTS allows, checked when it is set and again before
 * every request. The secret signs each request (HMAC-SHA256); it is stored as given, since the
 * signature needs it, and never answered or audited. A disabled webhook gets no new deliveries
 * and its pending ones wait until it is enabled again.
 */
@ObjectType({ description: "外发回调: an endpoint that receives the events of the kinds it subscribed to, signed with its secret (never shown)." })
@Entity("webhook")
export class Webhook extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field({ description: "The http(s) URL each event is POSTed to; its host is one WEBHOOK_ALLOWED_HOSTS allows." })
  @Column({ type: "varchar", length: 2000 })
  url: string;

  @Field(() => [NotificationKindEnum], { description: "The event kinds it receives." })
  @Column({ type: "text", transformer: kindList })
  events: NotificationKind[];

  /** The signing secret, as given (HMAC needs it): never a GraphQL field, never in an audit entry. */
  @Column({ type: "varchar", length: 200 })
  secret: string;

  @Field(() => String, { nullable: true, description: "What the endpoint is for (e.g. 粤政易 message bridge)." })
  @Column({ type: "varchar", length: 200, nullable: true })
  description: string | null;

  @Field({ description: "false once disabled: no new deliveries, pending ones wait until enabled." })
  @Column({ type: "boolean", default: true })
  active: boolean;

  @Column({ name: "created_by_id", type: "varchar", length: 36 })
  createdById: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "created_by_id", foreignKeyConstraintName: "FK_webhook_created_by" })
  createdBy?: User;

  @Field({ description: "When it was registered." })
  declare createdAt: Date;

  @Field({ description: "When it was last changed." })
  declare updatedAt: Date;
}

export const WEBHOOK_DELIVERY_STATUSES = ["PENDING", "DELIVERED", "FAILED"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
export const WebhookDeliveryStatusEnum = enumOf(WEBHOOK_DELIVERY_STATUSES);
registerEnumType(WebhookDeliveryStatusEnum, {
  name: "WebhookDeliveryStatus",
  description: "Where one event's delivery to one webhook stands.",
  valuesConfig: labelEnum<WebhookDeliveryStatus>("WebhookDeliveryStatus", {
    PENDING: { zh: "待发送", en: "Pending", description: "Not yet answered with 2xx: sent at nextAttemptAt, retried with a doubling wait until WEBHOOK_RETRY_HOURS after the event." },
    DELIVERED: { zh: "已送达", en: "Delivered", description: "The endpoint answered an attempt with a 2xx status." },
    FAILED: { zh: "发送失败", en: "Failed", description: "No attempt succeeded within WEBHOOK_RETRY_HOURS of the event; ADMIN may redeliver it." },
  }),
});

/** Who may move a delivery where: the deliverer settles a PENDING one; ADMIN sends a settled one again. */
export const WEBHOOK_DELIVERY_TRANSITIONS: Record<WebhookDeliveryStatus, readonly WebhookDeliveryStatus[]> = {
  PENDING: ["DELIVERED", "FAILED"],
  DELIVERED: ["PENDING"],
  FAILED: ["PENDING"],
};

/**
 * One event for one webhook, made by the relay when it fans the event out (one per active
 * webhook subscribed to its kind; unique per webhook and event). The deliverer that wins the
 * conditional UPDATE setting lockedUntil (a lease) is the only one sending it until the lease
 * ends, so with several instances each delivery is attempted by one at a time.
 */
@ObjectType({ description: "One event's delivery to one webhook, with every attempt made." })
@Entity("webhook_delivery")
@Index("UQ_webhook_delivery_event", ["webhookId", "eventId"], { unique: true })
@Index("IDX_webhook_delivery_due", ["status", "nextAttemptAt"])
@Index("IDX_webhook_delivery_list", ["webhookId", "createdAt", "id"])
export class WebhookDelivery {
  @Field(() => ID, { description: "Also sent as the x-webhook-id header of every attempt." })
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field(() => ID)
  @Column({ name: "webhook_id", type: "varchar", length: 36 })
  webhookId: string;

  @ManyToOne(() => Webhook)
  @JoinColumn({ name: "webhook_id", foreignKeyConstraintName: "FK_webhook_delivery_webhook" })
  webhook?: Webhook;

  @Field(() => ID, { description: "The event's id: the payload's `id`, the same in every webhook's delivery of it (for the receiver's deduplication)." })
  @Column({ name: "event_id", type: "varchar", length: 36 })
  eventId: string;

  @ManyToOne(() => OutboxEvent)
  @JoinColumn({ name: "event_id", foreignKeyConstraintName: "FK_webhook_delivery_event" })
  event?: OutboxEvent;

  @Field(() => WebhookDeliveryStatusEnum)
  @Column({ type: "varchar", length: 16 })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: "Attempts made so far (redeliveries continue the count)." })
  @Column({ name: "attempts", type: "integer", default: 0 })
  attemptCount: number;

  @Field({ description: "When the relay made it (about when the event happened)." })
  @TimestampColumn("created_at")
  createdAt: Date;

  /** When the next attempt is due; kept as it was once the delivery is settled (the field answers null then). */
  @TimestampColumn("next_attempt_at")
  nextAttemptAt: Date;

  @Field({ description: "Past this, a failed attempt makes the delivery FAILED rather than waiting again." })
  @TimestampColumn("give_up_at")
  giveUpAt: Date;

  /** The lease of the deliverer sending it now; null or past when nobody is. */
  @TimestampColumn("locked_until", true)
  lockedUntil: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("delivered_at", true)
  deliveredAt: Date | null;

  @Field(() => Int, { nullable: true, description: "The HTTP status of the last attempt; null if it got no answer." })
  @Column({ name: "last_status_code", type: "integer", nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: "Why the last attempt failed; null after a success." })
  @Column({ name: "last_error", type: "varchar", length: 500, nullable: true })
  lastError: string | null;
}

/** One request made for a delivery (or refused before it was made), never edited. */
@ObjectType({ description: "One attempt to deliver: when, how long, and what came back." })
@Entity("webhook_attempt")
@Index("UQ_webhook_attempt_delivery", ["deliveryId", "attempt"], { unique: true })
export class WebhookAttempt {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "delivery_id", type: "varchar", length: 36 })
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery)
  @JoinColumn({ name: "delivery_id", foreignKeyConstraintName: "FK_webhook_attempt_delivery" })
  delivery?: WebhookDelivery;

  @Field(() => Int, { description: "1 for the first attempt, counting on across redeliveries." })
  @Column({ type: "integer" })
  attempt: number;

  @Field({ description: "When it started (its x-webhook-timestamp)." })
  @TimestampColumn("started_at")
  startedAt: Date;

  @Field(() => Int, { description: "How long the request took, in milliseconds (0 when none was made)." })
  @Column({ name: "duration_ms", type: "integer" })
  durationMs: number;

  @Field(() => Int, { nullable: true, description: "The HTTP status answered; null if none came (refused connection, timeout, host no longer allowed)." })
  @Column({ name: "status_code", type: "integer", nullable: true })
  statusCode: number | null;

  @Field(() => String, { nullable: true, description: "Why it failed; null when it succeeded." })
  @Column({ type: "varchar", length: 500, nullable: true })
  error: string | null;
}
