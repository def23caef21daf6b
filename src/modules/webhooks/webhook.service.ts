import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { assertTransition, badInput, invalidTransition, notFound } from "../../core/errors";
import { idempotent } from "../../core/idempotency";
import { groupedLoader, loaderById } from "../../core/loaders";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { OutboxEvent } from "../notifications/notification.entity";
import { policyService } from "../policy/policy.service";
import { checkWebhookUrl } from "./webhook-hosts";
import { Webhook, WEBHOOK_DELIVERY_TRANSITIONS, WebhookAttempt, WebhookDelivery, type WebhookDeliveryStatus } from "./webhook.entity";
import type { CreateWebhookInput, UpdateWebhookInput } from "./webhook.inputs";

/** What an audit entry records of a webhook: everything but the secret, and whether it changed. */
function audited(webhook: Webhook, secretChanged?: boolean) {
  const { secret: _secret, ...rest } = webhook;
  return { ...rest, secret: "[redacted]", ...(secretChanged === undefined ? {} : { secretChanged }) };
}

/** The last 4 characters of a secret, for recognising which one is set. */
export const secretHint = (secret: string): string => `…${secret.slice(-4)}`;

/**
 * 外发回调: the endpoints the reform office (ADMIN) registers, and their deliveries. Delivery
 * itself is webhook-relay.ts; here the rules of registering, editing and redelivering.
 */
export class WebhookService {
  /** BAD_USER_INPUT on url unless the URL is http(s) and its host allowed now. */
  private assertUrl(ctx: RequestContext, url: string): void {
    const verdict = checkWebhookUrl(url, ctx.app.config.webhookAllowedHosts);
    if (!verdict.ok) throw badInput("url", verdict.en, verdict.zh);
  }

  /** Registers a webhook (ADMIN), active at once: it hears of events from its kinds that happen from now on. */
  create(ctx: RequestContext, input: CreateWebhookInput): Promise<Webhook> {
    return idempotent(ctx, "createWebhook", Webhook, input, (tx) =>
      tx.transaction(async (tx) => {
        await policyService.authorize(tx, "createWebhook");
        this.assertUrl(tx, input.url);
        const webhook = tx.repo(Webhook).create({
          url: input.url,
          events: [...input.events],
          secret: input.secret,
          description: input.description ?? null,
          active: true,
          createdById: tx.requireUser().id,
          createdAt: tx.clock.now(),
        });
        await tx.repo(Webhook).insert(webhook);
        await recordAudit(tx, { action: "webhook.create", entityType: "Webhook", entityId: webhook.id, after: audited(webhook) });
        return webhook;
      }),
    );
  }

  /** Edits a webhook (ADMIN); a new URL is checked as on creation, a new secret signs every attempt from now on. */
  async update(ctx: RequestContext, input: UpdateWebhookInput): Promise<Webhook> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(Webhook).findOneBy({ id: input.webhookId });
      if (!before) throw notFound("Webhook", input.webhookId);
      await policyService.authorize(tx, "updateWebhook");
      if (input.url != null) this.assertUrl(tx, input.url);
      const changes: Partial<Pick<Webhook, "url" | "events" | "secret" | "description">> = {};
      if (input.url != null) changes.url = input.url;
      if (input.events != null) changes.events = [...input.events];
      if (input.secret != null) changes.secret = input.secret;
      if (input.description !== undefined) changes.description = input.description;
      const after = tx.repo(Webhook).merge(tx.repo(Webhook).create({ ...before }), changes);
      after.updatedAt = tx.clock.now();
      await tx.repo(Webhook).save(after);
      await recordAudit(tx, { action: "webhook.update", entityType: "Webhook", entityId: after.id, before: audited(before), after: audited(after, changes.secret !== undefined && changes.secret !== before.secret) });
      return after;
    });
  }

  /** Disables or enables a webhook (ADMIN); asking for the state it is in changes nothing. */
  async setActive(ctx: RequestContext, webhookId: string, active: boolean): Promise<Webhook> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(Webhook).findOneBy({ id: webhookId });
      if (!before) throw notFound("Webhook", webhookId);
      await policyService.authorize(tx, active ? "enableWebhook" : "disableWebhook");
      if (before.active === active) return before;
      await tx.repo(Webhook).update({ id: webhookId }, { active });
      const after = await tx.repo(Webhook).findOneByOrFail({ id: webhookId });
      await recordAudit(tx, { action: active ? "webhook.enable" : "webhook.disable", entityType: "Webhook", entityId: webhookId, before: audited(before), after: audited(after) });
      return after;
    });
  }

  /**
   * Sends a settled delivery again (ADMIN): a DELIVERED or FAILED one goes back to PENDING, due
   * now, retried for another WEBHOOK_RETRY_HOURS; its attempts are kept and counted on. A PENDING
   * one answers INVALID_TRANSITION (it is being sent already). The conditional UPDATE decides
   * between two redeliveries at once.
   */
  async redeliver(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(WebhookDelivery).findOneBy({ id: deliveryId });
      if (!before) throw notFound("WebhookDelivery", deliveryId);
      await policyService.authorize(tx, "redeliverWebhookDelivery");
      assertTransition(WEBHOOK_DELIVERY_TRANSITIONS, "WebhookDelivery", before.status, "PENDING");
      const now = tx.clock.now();
      const result = await tx
        .repo(WebhookDelivery)
        .createQueryBuilder()
        .update()
        .set({ status: "PENDING", nextAttemptAt: now, giveUpAt: new Date(now.getTime() + tx.app.config.webhookRetryHours * 3_600_000), lockedUntil: null, deliveredAt: null })
        .where("id = :id AND status IN (:...settled)", { id: deliveryId, settled: ["DELIVERED", "FAILED"] })
        .execute();
      if (result.affected !== 1) throw invalidTransition("WebhookDelivery", "PENDING", "PENDING");
      const after = await tx.repo(WebhookDelivery).findOneByOrFail({ id: deliveryId });
      await recordAudit(tx, { action: "webhook.redeliver", entityType: "WebhookDelivery", entityId: deliveryId, before, after });
      return after;
    });
  }

  /** Webhooks, newest first, disabled ones too. */
  list(ctx: RequestContext, args: ConnectionArgs): Promise<Connection<Webhook>> {
    return paginate(ctx.repo(Webhook).createQueryBuilder("webhook"), args, {
      name: "createdAt",
      direction: "DESC",
      keys: [{ column: "webhook.createdAt", value: (w) => w.createdAt, kind: "date" }],
      idColumn: "webhook.id",
    });
  }

  async get(ctx: RequestContext, id: string): Promise<Webhook> {
    const webhook = await loaderById(ctx, Webhook).load(id);
    if (!webhook) throw notFound("Webhook", id);
    return webhook;
  }

  /** A webhook's deliveries, newest first, of one status if asked. */
  async deliveries(ctx: RequestContext, webhookId: string, args: ConnectionArgs, status?: WebhookDeliveryStatus | null): Promise<Connection<WebhookDelivery>> {
    await this.get(ctx, webhookId);
    const query = ctx.repo(WebhookDelivery).createQueryBuilder("delivery").where("delivery.webhookId = :webhookId", { webhookId });
    if (status) query.andWhere("delivery.status = :status", { status });
    return paginate(query, args, {
      name: "createdAt",
      direction: "DESC",
      keys: [{ column: "delivery.createdAt", value: (d) => d.createdAt, kind: "date" }],
      idColumn: "delivery.id",
    });
  }

  /** A delivery's attempts, first first (one query for a page of deliveries). */
  attempts(ctx: RequestContext, deliveryId: string): Promise<WebhookAttempt[]> {
    return groupedLoader(
      ctx,
      "WebhookAttempt.byDelivery",
      (ids) => ctx.repo(WebhookAttempt).find({ where: { deliveryId: In(ids) }, order: { attempt: "ASC" } }),
      (row) => row.deliveryId,
    ).load(deliveryId);
  }

  /** The event a delivery carries (for its kind). */
  async eventOf(ctx: RequestContext, delivery: WebhookDelivery): Promise<OutboxEvent> {
    const event = await loaderById(ctx, OutboxEvent).load(delivery.eventId);
    if (!event) throw notFound("OutboxEvent", delivery.eventId);
    return event;
  }
}

export const webhookService = new WebhookService();
