import { createHmac, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { In, IsNull, LessThan, LessThanOrEqual, Or } from "typeorm";
import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
import { OutboxEvent } from "../notifications/notification.entity";
import { checkWebhookUrl } from "./webhook-hosts";
import { Webhook, WebhookAttempt, WebhookDelivery } from "./webhook.entity";

/** Events fanned out, and due deliveries claimed, per query; a run goes on until none are left or it did RUN_LIMIT. */
const BATCH = 100;
const RUN_LIMIT = 1000;
/** Deliveries one instance sends at once. */
const CONCURRENCY = 4;
/** The longest wait between two attempts of a delivery. */
export const WEBHOOK_RETRY_MAX_MS = 3_600_000;
/** How much longer than the request timeout a deliverer's lease lasts (the time to record the attempt). */
const LEASE_MARGIN_MS = 60_000;
const ERROR_MAX = 500;

/** The wait after attempt `attempt` failed: WEBHOOK_RETRY_BASE_MS, doubling with each attempt, at most an hour. */
export const retryDelayMs = (baseMs: number, attempt: number): number => Math.min(baseMs * 2 ** Math.min(attempt - 1, 30), WEBHOOK_RETRY_MAX_MS);

/** The JSON body every webhook receives for an event (the same bytes in every attempt). */
export function webhookPayload(event: OutboxEvent): string {
  return JSON.stringify({
    id: event.id,
    kind: event.kind,
    occurredAt: event.occurredAt.toISOString(),
    subject: { type: event.subjectType, id: event.subjectId },
    projectId: event.projectId,
    dueAt: event.dueAt ? event.dueAt.toISOString() : null,
    urgent: Boolean(event.urgent),
    recipients: JSON.parse(event.recipientIds) as string[],
    data: JSON.parse(event.params) as Record<string, unknown>,
  });
}

/** x-webhook-signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (as Stripe signs). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface WebhookRunReport {
  /** Events fanned out by this run (each by exactly one relay), and the deliveries made for them. */
  eventsFannedOut: number;
  deliveriesCreated: number;
  /** Attempts this run made, and how the deliveries ended up. */
  attempts: number;
  delivered: number;
  failed: number;
  retrying: number;
}

/**
 * The relay of the transactional outbox: each event not yet fanned out is claimed by a
 * conditional UPDATE of fanned_out_at (only one relay's matches, on any number of instances), and
 * in that same transaction one PENDING delivery is written per active webhook subscribed to its
 * kind, due now and given up WEBHOOK_RETRY_HOURS after the event occurred. Events no active
 * webhook wants (all of them while none is registered) need nothing written with them: a batch
 * of those is claimed by one UPDATE. An event whose transaction rolled back was never written,
 * so it is never sent.
 */
export async function relayOutbox(ctx: RequestContext, webhooks: readonly Webhook[], report: WebhookRunReport): Promise<void> {
  const subscribers = (event: OutboxEvent) => webhooks.filter((w) => w.events.includes(event.kind));
  for (let done = 0; done < RUN_LIMIT; ) {
    const events = await ctx.repo(OutboxEvent).find({ where: { fannedOutAt: IsNull() }, order: { occurredAt: "ASC", id: "ASC" }, take: BATCH });
    if (!events.length) return;
    done += events.length;
    let won = 0;
    const unwanted = events.filter((event) => !subscribers(event).length).map((event) => event.id);
    if (unwanted.length) {
      // in a transaction of its own: on SQLite a statement outside one would join whichever is open on the shared connection
      const claimed = await ctx.transaction((tx) => tx.repo(OutboxEvent).update({ id: In(unwanted), fannedOutAt: IsNull() }, { fannedOutAt: tx.clock.now() }));
      won += claimed.affected ?? 0;
      report.eventsFannedOut += claimed.affected ?? 0;
    }
    for (const event of events) {
      const wanting = subscribers(event);
      if (!wanting.length) continue;
      try {
        const made = await ctx.transaction(async (tx) => {
          const now = tx.clock.now();
          const claimed = await tx.repo(OutboxEvent).update({ id: event.id, fannedOutAt: IsNull() }, { fannedOutAt: now });
          if (claimed.affected !== 1) return null;
          const giveUpAt = new Date(event.occurredAt.getTime() + tx.app.config.webhookRetryHours * 3_600_000);
          const rows = wanting.map((webhook) =>
            tx.repo(WebhookDelivery).create({
              id: randomUUID(), webhookId: webhook.id, eventId: event.id, status: "PENDING", attemptCount: 0, createdAt: now, nextAttemptAt: now, giveUpAt,
              lockedUntil: null, deliveredAt: null, lastStatusCode: null, lastError: null,
            }),
          );
          await tx.repo(WebhookDelivery).createQueryBuilder().insert().values(rows).updateEntity(false).execute();
          return rows.length;
        });
        if (made !== null) {
          won++;
          report.eventsFannedOut++;
          report.deliveriesCreated += made;
        }
      } catch (error) {
        // a deadlock or a lost connection: the event stays unclaimed and the next run takes it
        ctx.app.logger.warn({ err: error, eventId: event.id }, "webhook relay could not fan an event out");
      }
    }
    // an event committed after this batch was read wakes another run
    if (!won || events.length < BATCH) return;
  }
}

/** An attempt's outcome, before it is recorded. */
interface Outcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const clip = (text: string) => (text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX - 1)}…` : text);

/** Why a request got no answer, from fetch's error (undici puts the socket's error in `cause`). */
function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${timeoutMs} ms (WEBHOOK_TIMEOUT_MS)`;
  if (e?.cause?.code) return `${e.cause.code}: ${e.cause.message ?? e.message ?? ""}`.trim();
  return String(e?.cause?.message ?? e?.message ?? error);
}

/** One POST of the event to the webhook, never following a redirect; only a 2xx is a success. */
async function send(ctx: RequestContext, webhook: Webhook, delivery: WebhookDelivery, event: OutboxEvent, startedAt: Date): Promise<Outcome> {
  const verdict = checkWebhookUrl(webhook.url, ctx.app.config.webhookAllowedHosts);
  // the configuration may have changed since the URL was set: then no request is made
  if (!verdict.ok) return { statusCode: null, error: clip(`not sent: ${verdict.en}`), durationMs: 0 };
  const body = webhookPayload(event);
  const timestamp = Math.floor(startedAt.getTime() / 1000);
  const timeoutMs = ctx.app.config.webhookTimeoutMs;
  const began = performance.now();
  try {
    const response = await fetch(verdict.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "fast-approval-webhooks/1",
        "x-webhook-id": delivery.id,
        "x-webhook-event": event.kind,
        "x-webhook-timestamp": String(timestamp),
        "x-webhook-signature": webhookSignature(webhook.secret, timestamp, body),
      },
      body,
    });
    await response.body?.cancel().catch(() => {});
    const durationMs = Math.round(performance.now() - began);
    if (response.status >= 200 && response.status < 300) return { statusCode: response.status, error: null, durationMs };
    const location = response.headers.get("location");
    const error = response.status >= 300 && response.status < 400 ? `redirect to ${location ?? "(no location)"} not followed` : `answered HTTP ${response.status}`;
    return { statusCode: response.status, error: clip(error), durationMs };
  } catch (error) {
    return { statusCode: null, error: clip(describeFailure(error, timeoutMs)), durationMs: Math.round(performance.now() - began) };
  }
}

/**
 * Claims one due delivery with a conditional UPDATE setting its lease (only one deliverer's
 * matches), sends it, and records the attempt and where the delivery now stands: DELIVERED on a
 * 2xx; else PENDING again after retryDelayMs (the last wait cut to end at giveUpAt), or FAILED
 * once an attempt at or after giveUpAt failed. The claim matches only the attempt count read
 * with the row: every change to the row since then (an attempt recorded, then maybe a
 * redelivery) counted an attempt, so the row read is the row claimed. The record is written only
 * while the lease is still this deliverer's. Returns false when another deliverer had it.
 */
async function attemptDelivery(ctx: RequestContext, delivery: WebhookDelivery & { event: OutboxEvent }, webhook: Webhook, report: WebhookRunReport): Promise<boolean> {
  const { config } = ctx.app;
  const claimedAt = ctx.clock.now();
  const lease = new Date(claimedAt.getTime() + config.webhookTimeoutMs + LEASE_MARGIN_MS);
  // in a transaction of its own: on SQLite every statement outside one would join whichever is open on the shared connection
  const claimed = await ctx.transaction((tx) =>
    tx.repo(WebhookDelivery).update(
      { id: delivery.id, status: "PENDING", attemptCount: delivery.attemptCount, nextAttemptAt: LessThanOrEqual(claimedAt), lockedUntil: Or(IsNull(), LessThan(claimedAt)) },
      { lockedUntil: lease },
    ),
  );
  if (claimed.affected !== 1) return false;
  const attempt = delivery.attemptCount + 1;
  const startedAt = ctx.clock.now();
  const outcome = await send(ctx, webhook, delivery, delivery.event, startedAt);
  const finishedAt = ctx.clock.now();
  const ok = outcome.error === null;
  const giveUp = !ok && finishedAt.getTime() >= delivery.giveUpAt.getTime();
  const next = new Date(Math.min(finishedAt.getTime() + retryDelayMs(config.webhookRetryBaseMs, attempt), delivery.giveUpAt.getTime()));
  const recorded = await ctx.transaction(async (tx) => {
    const settled = await tx.repo(WebhookDelivery).update(
      { id: delivery.id, status: "PENDING", lockedUntil: lease },
      {
        attemptCount: attempt,
        lockedUntil: null,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        ...(ok ? { status: "DELIVERED" as const, deliveredAt: finishedAt } : giveUp ? { status: "FAILED" as const } : { nextAttemptAt: next }),
      },
    );
    if (settled.affected !== 1) return false;
    await tx.repo(WebhookAttempt).insert({ id: randomUUID(), deliveryId: delivery.id, attempt, startedAt, durationMs: outcome.durationMs, statusCode: outcome.statusCode, error: outcome.error });
    return true;
  });
  if (recorded) {
    report.attempts++;
    if (ok) report.delivered++;
    else if (giveUp) report.failed++;
    else report.retrying++;
  }
  return true;
}

/**
 * The deliverer: sends every due delivery (PENDING, nextAttemptAt reached, no live lease) of an
 * active webhook, CONCURRENCY at a time, read with its event. Deliveries of a disabled webhook wait.
 */
export async function deliverDue(ctx: RequestContext, webhooks: readonly Webhook[], report: WebhookRunReport): Promise<void> {
  if (!webhooks.length) return;
  const byId = new Map(webhooks.map((w) => [w.id, w]));
  for (let done = 0; done < RUN_LIMIT; ) {
    const now = ctx.clock.now();
    const due = (await ctx
      .repo(WebhookDelivery)
      .createQueryBuilder("delivery")
      .innerJoinAndSelect("delivery.event", "event")
      .where("delivery.status = :status AND delivery.nextAttemptAt <= :now AND (delivery.lockedUntil IS NULL OR delivery.lockedUntil < :now)", { status: "PENDING", now: dbDate(now) })
      .andWhere("delivery.webhookId IN (:...ids)", { ids: [...byId.keys()] })
      .orderBy("delivery.nextAttemptAt", "ASC")
      .addOrderBy("delivery.id", "ASC")
      .limit(BATCH)
      .getMany()) as Array<WebhookDelivery & { event: OutboxEvent }>;
    if (!due.length) return;
    done += due.length;
    let won = 0;
    const queue = [...due];
    const worker = async () => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
        try {
          if (await attemptDelivery(ctx, delivery, byId.get(delivery.webhookId)!, report)) won++;
        } catch (error) {
          // the lease runs out and a later run tries again
          ctx.app.logger.warn({ err: error, deliveryId: delivery.id }, "webhook delivery could not be recorded");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    if (!won || due.length < BATCH) return;
  }
}

/** One run of the periodic "webhooks" job: the relay, then the deliverer, both with the active webhooks as the run began. */
export async function runWebhooks(ctx: RequestContext): Promise<WebhookRunReport> {
  const report: WebhookRunReport = { eventsFannedOut: 0, deliveriesCreated: 0, attempts: 0, delivered: 0, failed: 0, retrying: 0 };
  const webhooks = await ctx.repo(Webhook).find({ where: { active: true } });
  await relayOutbox(ctx, webhooks, report);
  await deliverDue(ctx, webhooks, report);
  return report;
}
