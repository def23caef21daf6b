import { ArrayMinSize, ArrayUnique, IsIn, IsOptional, Length, Matches } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { IdempotencyKeyField } from "../../core/idempotency";
import { IsId, RequiredText } from "../../core/validation";
import { NOTIFICATION_KINDS, NotificationKindEnum, type NotificationKind } from "../notifications/notification.kinds";

export const WEBHOOK_SECRET_MIN = 16;
export const WEBHOOK_SECRET_MAX = 200;

const URL_FIELD = "The http(s) URL to POST each event to, at most 2000 characters; its host must be one WEBHOOK_ALLOWED_HOSTS allows (BAD_USER_INPUT on url otherwise). No user name or password in it.";
const EVENTS_FIELD = "The event kinds to receive: one or more, each once.";
const SECRET_FIELD = `The signing secret, ${WEBHOOK_SECRET_MIN}-${WEBHOOK_SECRET_MAX} characters without spaces (e.g. 32 random bytes as hex): each request carries x-webhook-signature t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. Never answered again (secretHint shows its last 4 characters).`;

/** The checks of a URL that do not depend on configuration (the host is checked by the service). */
function UrlText(): PropertyDecorator {
  const length = Length(1, 2000, { message: "url must be 1-2000 characters" });
  return (target, property) => length(target, property as string);
}

function SecretText(): PropertyDecorator {
  const length = Length(WEBHOOK_SECRET_MIN, WEBHOOK_SECRET_MAX, { message: `secret must be ${WEBHOOK_SECRET_MIN}-${WEBHOOK_SECRET_MAX} characters` });
  const visible = Matches(/^[\x21-\x7e]+$/, { message: "secret must be printable ASCII without spaces" });
  return (target, property) => {
    length(target, property as string);
    visible(target, property as string);
  };
}

function EventKinds(): PropertyDecorator {
  const decorators = [ArrayMinSize(1, { message: "events must name at least one kind" }), ArrayUnique({ message: "events must name each kind once" }), IsIn(NOTIFICATION_KINDS as unknown as string[], { each: true })];
  return (target, property) => {
    for (const decorate of decorators) decorate(target, property as string);
  };
}

@InputType({ description: "Register a webhook (外发回调): where to send which events, and the secret that signs them." })
export class CreateWebhookInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: URL_FIELD }) @UrlText() url: string;
  @Field(() => [NotificationKindEnum], { description: EVENTS_FIELD }) @EventKinds() events: NotificationKind[];
  @Field({ description: SECRET_FIELD }) @SecretText() secret: string;

  @Field(() => String, { nullable: true, description: "What the endpoint is for, at most 200 characters." })
  @IsOptional()
  @RequiredText(200)
  description?: string | null;
}

@InputType({ description: "Edit a webhook; a field left out stays as it is (description: null clears it)." })
export class UpdateWebhookInput {
  @Field(() => ID, { description: "The webhook." }) @IsId() webhookId: string;

  @Field(() => String, { nullable: true, description: URL_FIELD }) @IsOptional() @UrlText() url?: string | null;
  @Field(() => [NotificationKindEnum], { nullable: true, description: `${EVENTS_FIELD} Replaces the kinds it had; deliveries already made are kept.` })
  @IsOptional()
  @EventKinds()
  events?: NotificationKind[] | null;

  @Field(() => String, { nullable: true, description: `${SECRET_FIELD} A new secret signs every attempt from now on, retries of earlier events too.` })
  @IsOptional()
  @SecretText()
  secret?: string | null;

  @Field(() => String, { nullable: true, description: "What the endpoint is for, at most 200 characters; null clears it." })
  @IsOptional()
  @RequiredText(200)
  description?: string | null;
}

@InputType({ description: "Stop a webhook: no new deliveries; its pending ones wait until it is enabled." })
export class DisableWebhookInput {
  @Field(() => ID, { description: "The webhook." }) @IsId() webhookId: string;
}

@InputType({ description: "Resume a disabled webhook: events from now on, and its deliveries still pending." })
export class EnableWebhookInput {
  @Field(() => ID, { description: "The webhook." }) @IsId() webhookId: string;
}

@InputType({ description: "Send a settled (DELIVERED or FAILED) delivery again." })
export class RedeliverWebhookDeliveryInput {
  @Field(() => ID, { description: "The delivery (webhookDeliveries lists them)." }) @IsId() deliveryId: string;
}
