import { randomUUID } from "node:crypto";
import { OutboxEvent } from "../../../src/modules/notifications/notification.entity";
import { Webhook, WebhookDelivery } from "../../../src/modules/webhooks/webhook.entity";
import type { RemitCases, World } from "../world";

/** The host the matrix server allows for webhooks (remit-matrix.test.ts sets WEBHOOK_ALLOWED_HOSTS to it). */
export const MATRIX_WEBHOOK_HOST = "hooks.matrix.example.gov.cn";
const SECRET = "matrix-secret-0123456789abcdef";

/** A webhook written straight to the database (active unless told). */
async function webhookRow(world: World, active = true): Promise<Webhook> {
  const repo = world.server.app.services.dataSource.getRepository(Webhook);
  const webhook = repo.create({
    url: `https://${MATRIX_WEBHOOK_HOST}/in`, events: ["TASK_VERIFIED"], secret: SECRET, description: null, active,
    createdById: world.callers.ADMIN.user.id, createdAt: world.server.clock.now(),
  });
  await repo.insert(webhook);
  return webhook;
}

/** A delivered delivery of an event to a fresh webhook, written straight to the database. */
async function deliveredRow(world: World): Promise<WebhookDelivery> {
  const { dataSource } = world.server.app.services;
  const now = world.server.clock.now();
  const webhook = await webhookRow(world);
  const event = dataSource.getRepository(OutboxEvent).create({
    id: randomUUID(), kind: "TASK_VERIFIED", subjectType: "BOARD_TASK", subjectId: randomUUID(), projectId: world.project.id, dueAt: null, urgent: false,
    params: "{}", recipientIds: "[]", dedupeKey: null, occurredAt: now, fannedOutAt: now,
  });
  await dataSource.getRepository(OutboxEvent).insert(event);
  const delivery = dataSource.getRepository(WebhookDelivery).create({
    id: randomUUID(), webhookId: webhook.id, eventId: event.id, status: "DELIVERED", attemptCount: 1, createdAt: now, nextAttemptAt: now,
    giveUpAt: new Date(now.getTime() + 86_400_000), lockedUntil: null, deliveredAt: now, lastStatusCode: 200, lastError: null,
  });
  await dataSource.getRepository(WebhookDelivery).insert(delivery);
  return delivery;
}

/** Webhooks out are the reform office's alone; none belongs to a project. */
export const webhookCases: RemitCases = {
  createWebhook: {
    projectScoped: false,
    async prepare() {
      return {
        query: `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`,
        variables: { input: { url: `https://${MATRIX_WEBHOOK_HOST}/in`, events: ["TASK_VERIFIED"], secret: SECRET } },
      };
    },
  },
  updateWebhook: {
    projectScoped: false,
    async prepare(world) {
      const webhook = await webhookRow(world);
      return { query: `mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { id } }`, variables: { input: { webhookId: webhook.id, events: ["TASK_SENT_BACK"] } } };
    },
  },
  disableWebhook: {
    projectScoped: false,
    async prepare(world) {
      const webhook = await webhookRow(world);
      return { query: `mutation($input: DisableWebhookInput!) { disableWebhook(input: $input) { id active } }`, variables: { input: { webhookId: webhook.id } } };
    },
  },
  enableWebhook: {
    projectScoped: false,
    async prepare(world) {
      const webhook = await webhookRow(world, false);
      return { query: `mutation($input: EnableWebhookInput!) { enableWebhook(input: $input) { id active } }`, variables: { input: { webhookId: webhook.id } } };
    },
  },
  redeliverWebhookDelivery: {
    projectScoped: false,
    async prepare(world) {
      const delivery = await deliveredRow(world);
      return { query: `mutation($input: RedeliverWebhookDeliveryInput!) { redeliverWebhookDelivery(input: $input) { id status } }`, variables: { input: { deliveryId: delivery.id } } };
    },
  },
};
