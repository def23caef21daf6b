import crypto from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
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
