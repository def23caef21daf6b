import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { IdArg } from "../../core/validation";
import { User } from "../accounts/user.entity";
import { loadUser } from "../accounts/user-loader";
import { NotificationKindEnum } from "../notifications/notification.kinds";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import { Webhook, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatusEnum, type WebhookDeliveryStatus } from "./webhook.entity";
import { CreateWebhookInput, DisableWebhookInput, EnableWebhookInput, RedeliverWebhookDeliveryInput, UpdateWebhookInput } from "./webhook.inputs";
import { secretHint, webhookService } from "./webhook.service";

const WebhookConnection = ConnectionType(Webhook);
const WebhookDeliveryConnection = ConnectionType(WebhookDelivery);

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized("ADMIN")
  @Query(() => WebhookConnection, { description: "外发回调: the registered webhooks, newest first, disabled ones too (ADMIN)." })
  webhooks(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return webhookService.list(ctx, args);
  }

  @Authorized("ADMIN")
  @Query(() => Webhook, { description: "One webhook (ADMIN); NOT_FOUND if there is none with this id." })
  webhook(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The webhook." }) id: string) {
    return webhookService.get(ctx, id);
  }

  @Authorized("ADMIN")
  @Query(() => WebhookDeliveryConnection, { description: "A webhook's deliveries, newest first, with every attempt (ADMIN)." })
  webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @IdArg("webhookId", { description: "The webhook." }) webhookId: string,
    @Args() args: ConnectionArgs,
    @Arg("status", () => WebhookDeliveryStatusEnum, { nullable: true, description: "Only deliveries in this state." }) status?: WebhookDeliveryStatus | null,
  ) {
    return webhookService.deliveries(ctx, webhookId, args, status);
  }

  @Remit("createWebhook")
  @Mutation(() => Webhook, { description: described("createWebhook", "Register a webhook: each event of the kinds named is POSTed to the URL as JSON, signed with the secret, retried with a doubling wait for WEBHOOK_RETRY_HOURS.") })
  createWebhook(@Ctx() ctx: RequestContext, @Arg("input") input: CreateWebhookInput) {
    return webhookService.create(ctx, input);
  }

  @Remit("updateWebhook")
  @Mutation(() => Webhook, { description: described("updateWebhook", "Change a webhook's URL, kinds, secret or description.") })
  updateWebhook(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateWebhookInput) {
    return webhookService.update(ctx, input);
  }

  @Remit("disableWebhook")
  @Mutation(() => Webhook, { description: described("disableWebhook", "Stop a webhook: events from now on are not sent to it, and its pending deliveries wait until it is enabled again.") })
  disableWebhook(@Ctx() ctx: RequestContext, @Arg("input") input: DisableWebhookInput) {
    return webhookService.setActive(ctx, input.webhookId, false);
  }

  @Remit("enableWebhook")
  @Mutation(() => Webhook, { description: described("enableWebhook", "Resume a disabled webhook: it hears of events from now on, and its pending deliveries go out.") })
  enableWebhook(@Ctx() ctx: RequestContext, @Arg("input") input: EnableWebhookInput) {
    return webhookService.setActive(ctx, input.webhookId, true);
  }

  @Remit("redeliverWebhookDelivery")
  @Mutation(() => WebhookDelivery, {
    description: described("redeliverWebhookDelivery", "Send a DELIVERED or FAILED delivery again: PENDING, due now, retried for another WEBHOOK_RETRY_HOURS; its attempts are kept and counted on. INVALID_TRANSITION for a PENDING one."),
  })
  redeliverWebhookDelivery(@Ctx() ctx: RequestContext, @Arg("input") input: RedeliverWebhookDeliveryInput) {
    return webhookService.redeliver(ctx, input.deliveryId);
  }

  @FieldResolver(() => String, { description: "The secret's last 4 characters, to tell which one is set; the secret itself is never answered." })
  secretHint(@Root() webhook: Webhook) {
    return secretHint(webhook.secret);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who registered it." })
  createdBy(@Root() webhook: Webhook, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, webhook.createdById);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => Webhook)
  webhook(@Root() delivery: WebhookDelivery, @Ctx() ctx: RequestContext) {
    return webhookService.get(ctx, delivery.webhookId);
  }

  @FieldResolver(() => NotificationKindEnum, { description: "The kind of the event delivered (its x-webhook-event header)." })
  async eventKind(@Root() delivery: WebhookDelivery, @Ctx() ctx: RequestContext) {
    return (await webhookService.eventOf(ctx, delivery)).kind;
  }

  @FieldResolver(() => Date, { nullable: true, description: "When the next attempt is due; null once DELIVERED or FAILED." })
  nextAttemptAt(@Root() delivery: WebhookDelivery) {
    return delivery.status === "PENDING" ? delivery.nextAttemptAt : null;
  }

  @FieldResolver(() => [WebhookAttempt], { description: "Every attempt made, first first." })
  attempts(@Root() delivery: WebhookDelivery, @Ctx() ctx: RequestContext) {
    return webhookService.attempts(ctx, delivery.id);
  }
}
