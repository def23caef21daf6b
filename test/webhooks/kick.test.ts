import crypto from "node:crypto";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import type { AppServices } from "../../src/core/context";
import { startPeriodic } from "../../src/core/periodic";
import { createAppPubSub } from "../../src/core/pubsub";
import { rows } from "../board/board-helpers";
import { startTestServer, type TestServer } from "../support/server";
import { createWebhook, startReceiver, verifiedTask, verifySignature, SECRET, type Receiver } from "./helpers";

// The relay is woken by each new event: an instance whose job runs only once an hour still sends
// an event within moments of its commit, also when the event was written through another instance
// (OUTBOX_WRITTEN crosses instances through Redis). Real waiting here is for a background run to
// happen, not for a rule's time to pass.
const redisUrl = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
const redisChannelPrefix = `test-${crypto.randomBytes(4).toString("hex")}:`;
let writer: TestServer;
let sender: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  const common = { webhookAllowedHosts: ["127.0.0.1"], redisUrl, redisChannelPrefix };
  writer = await startTestServer({ config: { ...common, webhookPollIntervalMs: 0 } });
  sender = await startTestServer({ share: writer, config: { ...common, webhookPollIntervalMs: 3_600_000 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sender?.stop();
  await writer?.stop();
  await receiver?.close();
});

const until = async (done: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the webhook");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test("an event committed through one instance is sent at once by the other instance's relay, woken through Redis, not at its next hourly run", async () => {
  const admin = await writer.user("ADMIN");
  const cadre = await writer.user("CADRE");
  const hook = await createWebhook(writer, admin.token, { url: receiver.url });
  for (let i = 0; i < 3; i++) {
    const { eventId } = await verifiedTask(writer, admin.token, cadre.token);
    await until(async () => receiver.received.some((r) => JSON.parse(r.body).id === eventId));
  }
  expect(receiver.received).toHaveLength(3);
  for (const request of receiver.received) expect(verifySignature(request, SECRET).valid).toBe(true);
  await until(async () => (await rows(writer, "SELECT status FROM webhook_delivery WHERE webhook_id = ? AND status = 'DELIVERED'", [hook.id])).length === 3);
});

test("startPeriodic's kickOn: an event starts a run at once; a burst during a run makes exactly one more run right after it, never two at a time; none once stopped", async () => {
  const { pubSub, close } = createAppPubSub();
  const services = { pubSub, metrics: { sweepRuns: { inc() {} } }, logger: { error() {} } } as unknown as AppServices;
  let runs = 0;
  let active = 0;
  let mostAtOnce = 0;
  const releases: Array<() => void> = [];
  const job = async () => {
    runs++;
    mostAtOnce = Math.max(mostAtOnce, ++active);
    await new Promise<void>((resolve) => releases.push(resolve));
    active--;
  };
  // settles the pending promise callbacks and the pub/sub's delivery
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  const stop = startPeriodic(services, "kick-test", 3_600_000, job, "OUTBOX_WRITTEN");
  try {
    await vi.waitFor(() => expect(runs).toBe(1)); // the run at start
    releases.shift()!();
    await settle();
    pubSub.publish("OUTBOX_WRITTEN", { eventId: "a" });
    await vi.waitFor(() => expect(runs).toBe(2)); // woken, not at the next hourly run
    for (let i = 0; i < 5; i++) pubSub.publish("OUTBOX_WRITTEN", { eventId: `burst-${i}` });
    await settle();
    expect(runs).toBe(2); // the running one is not joined by another
    releases.shift()!();
    await vi.waitFor(() => expect(runs).toBe(3)); // one more, for what the running one may not have seen
    releases.shift()!();
    await settle();
    expect(runs).toBe(3);
    // stopped during a run with an event waiting for the next: the run ends, no other begins
    pubSub.publish("OUTBOX_WRITTEN", { eventId: "b" });
    await vi.waitFor(() => expect(runs).toBe(4));
    pubSub.publish("OUTBOX_WRITTEN", { eventId: "c" });
    await settle();
    const stopped = stop();
    releases.shift()!();
    await stopped;
    pubSub.publish("OUTBOX_WRITTEN", { eventId: "after-stop" });
    await settle();
    expect(runs).toBe(4);
    expect(mostAtOnce).toBe(1);
  } finally {
    releases.forEach((release) => release());
    await stop();
    await close();
  }
});
