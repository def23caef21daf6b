import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { notify } from "../../src/modules/notifications/notify";
import { claim, publishTask, rows, SUBMIT, VERIFY } from "../board/board-helpers";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { DELIVERIES, DISABLE, ENABLE, REDELIVER, SECRET, UPDATE, createWebhook, deliveriesOf, runJob, startReceiver, verifiedTask, verifySignature, type Receiver } from "./helpers";

let server: TestServer;
let admin: { token: string; user: { id: string } };
let cadre: { token: string; user: { id: string } };
const receivers: Receiver[] = [];
const webhooks: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ config: { webhookAllowedHosts: ["127.0.0.1"], webhookTimeoutMs: 1000 } });
  admin = await server.user("ADMIN");
  cadre = await server.user("CADRE");
});
// each test's webhooks stop with it, so that a later test's runs do not keep retrying them
afterEach(async () => {
  for (const id of webhooks.splice(0)) await server.gql(DISABLE, { input: { webhookId: id } }, admin.token);
  for (const receiver of receivers.splice(0)) await receiver.close().catch(() => {});
});
afterAll(() => server?.stop());

async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}
async function webhook(url: string, input: Record<string, unknown> = {}) {
  const created = await createWebhook(server, admin.token, { url, ...input });
  webhooks.push(created.id);
  return created;
}
const seconds = (iso: string) => new Date(iso).getTime() / 1000;

test("a receiver that is down (503, then unreachable) and then recovers gets each event exactly once accepted, signed; every attempt is logged and the wait doubles", async () => {
  const down = await receiver();
  const hook = await webhook(down.url);
  down.answer(() => 503);
  const first = await verifiedTask(server, admin.token, cadre.token);
  const second = await verifiedTask(server, admin.token, cadre.token);
  const t0 = server.clock.now();

  const run1 = await runJob(server);
  expect(run1).toMatchObject({ deliveriesCreated: 2, attempts: 2, delivered: 0, retrying: 2 });
  expect(down.received).toHaveLength(2);
  let deliveries = await deliveriesOf(server, admin.token, hook.id);
  expect(deliveries.map((d) => [d.eventId, d.eventKind, d.status, d.attemptCount, d.lastStatusCode])).toEqual(
    expect.arrayContaining([[first.eventId, "TASK_VERIFIED", "PENDING", 1, 503], [second.eventId, "TASK_VERIFIED", "PENDING", 1, 503]]),
  );
  for (const d of deliveries) {
    expect(seconds(d.nextAttemptAt) - t0.getTime() / 1000).toBe(30);
    expect(d.lastError).toBe("answered HTTP 503");
    expect(d.attempts).toEqual([{ attempt: 1, startedAt: t0.toISOString(), durationMs: expect.any(Number), statusCode: 503, error: "answered HTTP 503" }]);
    expect(seconds(d.giveUpAt) - t0.getTime() / 1000).toBe(24 * 3600);
  }

  // not yet due: nothing is sent
  server.clock.advance(29_000);
  expect(await runJob(server)).toMatchObject({ attempts: 0 });
  expect(down.received).toHaveLength(2);

  // attempt 2 at +30 s finds the receiver gone (connection refused): waits 60 s
  await down.close();
  server.clock.advance(1_000);
  expect(await runJob(server)).toMatchObject({ attempts: 2, retrying: 2 });
  deliveries = await deliveriesOf(server, admin.token, hook.id);
  for (const d of deliveries) {
    expect(d.attempts.map((a: any) => a.attempt)).toEqual([1, 2]);
    expect(d.attempts[1]).toMatchObject({ statusCode: null, error: expect.stringMatching(/ECONNREFUSED|ECONNRESET|other side closed/) });
    expect(d.lastStatusCode).toBeNull();
    expect(seconds(d.nextAttemptAt) - seconds(d.attempts[1].startedAt)).toBe(60);
  }

  // attempt 3 at +90 s: 503 again, waits 120 s
  await down.reopen();
  server.clock.advance(60_000);
  expect(await runJob(server)).toMatchObject({ attempts: 2, retrying: 2 });
  deliveries = await deliveriesOf(server, admin.token, hook.id);
  for (const d of deliveries) expect(seconds(d.nextAttemptAt) - seconds(d.attempts[2].startedAt)).toBe(120);

  // recovered: attempt 4 at +210 s is accepted; later runs send nothing more
  down.answer(() => 200);
  server.clock.advance(120_000);
  expect(await runJob(server)).toMatchObject({ attempts: 2, delivered: 2 });
  server.clock.advance(3 * 3_600_000);
  expect(await runJob(server)).toMatchObject({ attempts: 0 });
  const accepted = down.received.filter((r) => r.status === 200);
  expect(accepted).toHaveLength(2);
  expect(down.received).toHaveLength(6); // 2 × 503, 2 refused (never received), 2 × 503, 2 × 200
  const bodies = accepted.map((r) => JSON.parse(r.body));
  expect(bodies.map((b) => b.id).sort()).toEqual([first.eventId, second.eventId].sort());
  for (const request of accepted) {
    const body = JSON.parse(request.body);
    const task = body.id === first.eventId ? first.task : second.task;
    expect(body).toEqual({
      id: body.id, kind: "TASK_VERIFIED", occurredAt: expect.any(String), subject: { type: "BOARD_TASK", id: task.id }, projectId: null,
      dueAt: task.dueAt, urgent: false, recipients: [cadre.user.id], data: { subject: task.title, detail: "已兑现", detailEn: "fulfilled" },
    });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-webhook-event"]).toBe("TASK_VERIFIED");
    const { valid, timestamp } = verifySignature(request, SECRET);
    expect(valid).toBe(true);
    expect(timestamp).toBe(Math.floor(server.clock.now().getTime() / 1000) - 3 * 3600);
    expect(verifySignature(request, "another-secret-of-enough-length").valid).toBe(false);
    expect(verifySignature({ ...request, body: request.body.replace("已兑现", "未兑现") }, SECRET).valid).toBe(false);
  }
  deliveries = await deliveriesOf(server, admin.token, hook.id);
  expect(new Set(accepted.map((r) => r.headers["x-webhook-id"]))).toEqual(new Set(deliveries.map((d) => d.id)));
  for (const d of deliveries) {
    expect(d).toMatchObject({ status: "DELIVERED", attemptCount: 4, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: expect.any(String) });
    expect(d.attempts.map((a: any) => a.statusCode)).toEqual([503, null, 503, 200]);
  }
  expect(Number((await rows(server, "SELECT COUNT(*) AS n FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.webhook_id = ?", [hook.id]))[0].n)).toBe(8);
});

test("a delivery no attempt gets through for WEBHOOK_RETRY_HOURS is FAILED, the waits doubling up to an hour and the last at the 24th hour; ADMIN redelivers it, counting on; a PENDING one cannot be redelivered", async () => {
  const down = await receiver();
  down.answer(() => 500);
  const hook = await webhook(down.url);
  const { eventId } = await verifiedTask(server, admin.token, cadre.token);
  await runJob(server);
  let [delivery] = await deliveriesOf(server, admin.token, hook.id);

  // PENDING: refused
  const refused = await server.gql(REDELIVER, { input: { deliveryId: delivery.id } }, admin.token);
  expect(codeOf(refused)).toBe("INVALID_TRANSITION");
  expect(refused.errors![0].extensions).toMatchObject({ from: "PENDING", to: "PENDING" });

  for (let i = 0; i < 100 && delivery.status === "PENDING"; i++) {
    server.clock.set(delivery.nextAttemptAt);
    await runJob(server);
    [delivery] = await deliveriesOf(server, admin.token, hook.id);
  }
  expect(delivery.status).toBe("FAILED");
  const starts = delivery.attempts.map((a: any) => seconds(a.startedAt));
  const waits = starts.slice(1).map((s: number, i: number) => s - starts[i]);
  expect(waits.slice(0, 7)).toEqual([30, 60, 120, 240, 480, 960, 1920]);
  expect(waits.slice(7, -1).every((w: number) => w === 3600)).toBe(true);
  expect(waits.at(-1)).toBeLessThanOrEqual(3600);
  expect(starts.at(-1) - starts[0]).toBe(24 * 3600);
  expect(delivery.attemptCount).toBe(starts.length);
  expect(down.received).toHaveLength(starts.length);
  // the event occurred at the first attempt's instant (the clock stood still in between)
  expect(seconds(delivery.giveUpAt) - starts[0]).toBe(24 * 3600);
  expect(delivery.nextAttemptAt).toBeNull();
  // nothing more once FAILED
  server.clock.advance(6 * 3_600_000);
  expect(await runJob(server)).toMatchObject({ attempts: 0 });

  // redelivered: PENDING, due now, attempts kept; the fixed receiver gets it
  down.answer(() => 204);
  const redelivered = await server.gql(REDELIVER, { input: { deliveryId: delivery.id } }, admin.token);
  expect(redelivered.errors).toBeUndefined();
  expect(redelivered.data.redeliverWebhookDelivery).toMatchObject({ id: delivery.id, status: "PENDING", attemptCount: starts.length, nextAttemptAt: server.clock.now().toISOString() });
  expect(seconds(redelivered.data.redeliverWebhookDelivery.giveUpAt) - server.clock.now().getTime() / 1000).toBe(24 * 3600);
  await runJob(server);
  [delivery] = await deliveriesOf(server, admin.token, hook.id);
  expect(delivery).toMatchObject({ status: "DELIVERED", attemptCount: starts.length + 1, lastStatusCode: 204 });
  expect(delivery.attempts.at(-1)).toMatchObject({ attempt: starts.length + 1, statusCode: 204, error: null });
  expect(JSON.parse(down.received.at(-1)!.body).id).toBe(eventId);

  // a DELIVERED one may be sent again too
  const again = await server.gql(REDELIVER, { input: { deliveryId: delivery.id } }, admin.token);
  expect(again.data.redeliverWebhookDelivery.status).toBe("PENDING");
  await runJob(server);
  expect((await deliveriesOf(server, admin.token, hook.id))[0]).toMatchObject({ status: "DELIVERED", attemptCount: starts.length + 2 });
  expect((await rows(server, "SELECT action FROM audit_entry WHERE entity_id = ?", [delivery.id])).map((r) => r.action)).toEqual(["webhook.redeliver", "webhook.redeliver"]);
  expect(codeOf(await server.gql(REDELIVER, { input: { deliveryId: "0b6f5e2c-8f0e-4c8e-9a55-1f2d3c4b5a69" } }, admin.token))).toBe("NOT_FOUND");
});

test("only active webhooks subscribed to the kind get an event; a disabled one gets nothing and its pending deliveries wait until it is enabled", async () => {
  const r = await receiver();
  const subscribed = await webhook(`${r.url}?who=subscribed`);
  const otherKind = await webhook(`${r.url}?who=other-kind`, { events: ["TASK_SENT_BACK", "STOP_WORK_ISSUED"] });
  const disabled = await webhook(`${r.url}?who=disabled`);
  await server.gql(DISABLE, { input: { webhookId: disabled.id } }, admin.token);
  const { eventId } = await verifiedTask(server, admin.token, cadre.token);
  expect(await runJob(server)).toMatchObject({ eventsFannedOut: 1, deliveriesCreated: 1, delivered: 1 });
  expect(r.received.map((q) => [q.path, JSON.parse(q.body).id])).toEqual([["/hooks/events?who=subscribed", eventId]]);
  expect(await deliveriesOf(server, admin.token, otherKind.id)).toEqual([]);
  expect(await deliveriesOf(server, admin.token, disabled.id)).toEqual([]);

  // the other kind's webhook hears of a sent-back submission
  const task = await publishTask(server, admin.token);
  await claim(server, cadre.token, task.id);
  await server.gql(SUBMIT, { input: { taskId: task.id } }, cadre.token);
  expect((await server.gql(`mutation($input: SendBackTaskInput!) { sendBackTask(input: $input) { id } }`, { input: { taskId: task.id, comment: "缺少验收单" } }, admin.token)).errors).toBeUndefined();
  await runJob(server);
  expect((await deliveriesOf(server, admin.token, otherKind.id)).map((d) => [d.eventKind, d.status])).toEqual([["TASK_SENT_BACK", "DELIVERED"]]);
  expect((await deliveriesOf(server, admin.token, subscribed.id))).toHaveLength(1);

  // disabled while a delivery is pending: it waits, then goes out once enabled
  r.answer(() => 503);
  await verifiedTask(server, admin.token, cadre.token);
  await runJob(server);
  expect((await deliveriesOf(server, admin.token, subscribed.id, "PENDING"))).toHaveLength(1);
  await server.gql(DISABLE, { input: { webhookId: subscribed.id } }, admin.token);
  r.answer(() => 200);
  const sent = r.received.length;
  server.clock.advance(3_600_000);
  expect(await runJob(server)).toMatchObject({ attempts: 0 });
  expect(r.received).toHaveLength(sent);
  // an event while it is disabled is not for it, not even after it is enabled
  await verifiedTask(server, admin.token, cadre.token);
  await runJob(server);
  await server.gql(ENABLE, { input: { webhookId: subscribed.id } }, admin.token);
  expect(await runJob(server)).toMatchObject({ attempts: 1, delivered: 1 });
  const list = await deliveriesOf(server, admin.token, subscribed.id);
  expect(list.map((d) => d.status)).toEqual(["DELIVERED", "DELIVERED"]);
});

test("a change that rolls back delivers nothing: a refused verifyTask, and a transaction that wrote its event and then failed", async () => {
  const r = await receiver();
  await webhook(r.url);
  // verifying a task nobody submitted is refused before anything is written
  const task = await publishTask(server, admin.token);
  await claim(server, cadre.token, task.id);
  const refused = await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: true } }, admin.token);
  expect(codeOf(refused)).toBe("INVALID_TRANSITION");
  // a cause written inside a transaction that then fails
  const ctx = RequestContext.system(server.app.services);
  await expect(
    ctx.transaction(async (tx) => {
      await notify(tx, { kind: "TASK_VERIFIED", subject: { type: "BOARD_TASK", id: task.id }, recipientIds: [cadre.user.id], params: { subject: task.title } });
      throw new Error("the change failed after its event was written");
    }),
  ).rejects.toThrow("the change failed");
  expect(await runJob(server)).toMatchObject({ eventsFannedOut: 0, attempts: 0 });
  expect(r.received).toEqual([]);
  expect(await rows(server, "SELECT id FROM outbox_event WHERE subject_id = ?", [task.id])).toEqual([]);
});

test("a host no longer allowed is not requested: the attempt fails with the reason; a redirect is not followed; a receiver that does not answer in WEBHOOK_TIMEOUT_MS fails the attempt", async () => {
  const r = await receiver();
  const hook = await webhook(r.url);
  const { config } = server.app.services;
  const allowed = config.webhookAllowedHosts;
  config.webhookAllowedHosts = ["hooks.example.gov.cn"];
  try {
    await verifiedTask(server, admin.token, cadre.token);
    expect(await runJob(server)).toMatchObject({ attempts: 1, retrying: 1 });
  } finally {
    config.webhookAllowedHosts = allowed;
  }
  expect(r.received).toEqual([]);
  let [delivery] = await deliveriesOf(server, admin.token, hook.id);
  expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: null, durationMs: 0, error: expect.stringMatching(/^not sent: The host 127\.0\.0\.1:\d+ is not one WEBHOOK_ALLOWED_HOSTS allows/) })]);

  // a redirect (to an internal address) counts as a failure and is not followed
  r.answer(() => 302);
  server.clock.advance(30_000);
  await runJob(server);
  [delivery] = await deliveriesOf(server, admin.token, hook.id);
  expect(delivery.attempts[1]).toMatchObject({ statusCode: 302, error: "redirect to http://10.0.0.1/internal not followed" });
  expect(r.received).toHaveLength(1);

  // no answer within the timeout (1 s here)
  r.answer(() => "hang");
  server.clock.advance(60_000);
  await runJob(server);
  [delivery] = await deliveriesOf(server, admin.token, hook.id);
  expect(delivery.attempts[2]).toMatchObject({ statusCode: null, error: "no answer within 1000 ms (WEBHOOK_TIMEOUT_MS)" });
  expect(delivery.attempts[2].durationMs).toBeGreaterThanOrEqual(900);
  expect(delivery.status).toBe("PENDING");

  // a new secret signs the retries of earlier events too
  r.answer(() => 200);
  const rotated = "rotated-secret-0123456789abcdef";
  await server.gql(UPDATE, { input: { webhookId: hook.id, secret: rotated } }, admin.token);
  server.clock.advance(120_000);
  await runJob(server);
  const last = r.received.at(-1)!;
  expect(verifySignature(last, rotated).valid).toBe(true);
});

test("webhookDeliveries lists newest first, filters by status and pages by cursor", async () => {
  const r = await receiver();
  const hook = await webhook(r.url);
  const events: string[] = [];
  for (let i = 0; i < 3; i++) {
    events.push((await verifiedTask(server, admin.token, cadre.token)).eventId);
    await runJob(server);
    server.clock.advance(1000);
  }
  r.answer(() => 503);
  events.push((await verifiedTask(server, admin.token, cadre.token)).eventId);
  await runJob(server);
  const page1 = await server.gql(DELIVERIES, { webhookId: hook.id, first: 2 }, admin.token);
  expect(page1.data.webhookDeliveries.totalCount).toBe(4);
  expect(page1.data.webhookDeliveries.edges.map((e: any) => e.node.eventId)).toEqual([events[3], events[2]]);
  const page2 = await server.gql(DELIVERIES, { webhookId: hook.id, first: 2, after: page1.data.webhookDeliveries.pageInfo.endCursor }, admin.token);
  expect(page2.data.webhookDeliveries.edges.map((e: any) => e.node.eventId)).toEqual([events[1], events[0]]);
  expect(page2.data.webhookDeliveries.pageInfo.hasNextPage).toBe(false);
  expect((await deliveriesOf(server, admin.token, hook.id, "PENDING")).map((d) => d.eventId)).toEqual([events[3]]);
  expect((await deliveriesOf(server, admin.token, hook.id, "DELIVERED")).map((d) => d.eventId)).toEqual([events[2], events[1], events[0]]);
  expect(codeOf(await server.gql(DELIVERIES, { webhookId: hook.id, first: 101 }, admin.token))).toBe("BAD_USER_INPUT");
});
