import crypto from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startAppProcess, type AppProcess } from "../support/app-process";
import { startTestServer, type TestServer } from "../support/server";
import { rows } from "../board/board-helpers";
import { createWebhook, runJob, SECRET, startReceiver, verifiedTask, verifySignature, type Receiver } from "./helpers";

// Two instances sharing one database (and one Redis) both run the relay and the deliverer over
// the same outbox: each event is fanned out once and each delivery sent by one at a time, decided
// by the conditional UPDATEs. On MariaDB the second instance is a child process polling every
// 25 ms and woken by every event, while this process runs the job in a loop at the same time.
// On SQLite two in-process instances writing at once would wait on each other's file lock
// (better-sqlite3 blocks the thread), so there they take turns, which shows the answers, not the race.
const crossProcess = Boolean(process.env.TEST_DATABASE_URL);
const redisUrl = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
const redisChannelPrefix = `test-${crypto.randomBytes(4).toString("hex")}:`;
let first: TestServer;
let second: (AppProcess | TestServer) & { stop(): Promise<void> };
let receiver: Receiver;

beforeAll(async () => {
  const common = { webhookAllowedHosts: ["127.0.0.1"], redisUrl, redisChannelPrefix };
  first = await startTestServer({ config: { ...common, webhookPollIntervalMs: crossProcess ? 3_600_000 : 0 } });
  second = crossProcess ? await startAppProcess(first, { webhookPollIntervalMs: 25 }) : await startTestServer({ share: first, config: { ...common, webhookPollIntervalMs: 0 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await second?.stop();
  await first?.stop();
  await receiver?.close();
});

/** Runs the job on both instances until `done` holds (MariaDB: this one in a loop beside the child's own runs). */
async function runUntil(done: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("the deliveries did not settle in time");
    if (crossProcess) {
      await Promise.all([runJob(first), runJob(first)]);
    } else {
      await runJob(first);
      await runJob(second as TestServer);
    }
  }
}

const count = async (sql: string, params: unknown[] = []) => Number((await rows(first, sql, params))[0].n);

test(crossProcess ? "two app processes relaying and delivering one outbox at once: each event reaches each webhook exactly once, each delivery attempted by one at a time" : "two app instances on one database relaying and delivering in turn: each event reaches each webhook exactly once", async () => {
  const admin = await first.user("ADMIN");
  const cadre = await first.user("CADRE");
  const hooks = [await createWebhook(first, admin.token, { url: `${receiver.url}?hook=a` }), await createWebhook(first, admin.token, { url: `${receiver.url}?hook=b` })];
  // the receiver answers after a moment, so that the instances' runs overlap while requests are out
  receiver.delay(15);
  const events: string[] = [];
  for (let i = 0; i < 12; i++) events.push((await verifiedTask(first, admin.token, cadre.token)).eventId);
  await runUntil(async () => (await count("SELECT COUNT(*) AS n FROM webhook_delivery WHERE status = 'DELIVERED'")) === 24);
  // one more turn each: nothing left to send
  await runJob(first);
  if (!crossProcess) await runJob(second as TestServer);
  await new Promise((resolve) => setTimeout(resolve, 200));

  const accepted = receiver.received.filter((r) => r.status === 200);
  const pairs = accepted.map((r) => `${r.path} ${JSON.parse(r.body).id}`);
  expect(pairs).toHaveLength(24);
  expect(new Set(pairs).size).toBe(24);
  expect(new Set(accepted.map((r) => JSON.parse(r.body).id))).toEqual(new Set(events));
  for (const request of accepted) expect(verifySignature(request, SECRET).valid).toBe(true);
  expect(await count("SELECT COUNT(*) AS n FROM outbox_event WHERE fanned_out_at IS NULL")).toBe(0);
  expect(await count("SELECT COUNT(*) AS n FROM webhook_delivery")).toBe(24);
  expect(await count("SELECT COUNT(*) AS n FROM webhook_delivery WHERE attempts <> 1")).toBe(0);
  expect(await count("SELECT COUNT(*) AS n FROM webhook_attempt")).toBe(24);

  // every first attempt refused, then both retry at once after 30 s: still one accepted request each
  const seen = new Set<string>();
  receiver.answer(({ body, headers }) => {
    const key = `${headers["x-webhook-id"]} ${JSON.parse(body).id}`;
    if (seen.has(key)) return 200;
    seen.add(key);
    return 503;
  });
  const before = receiver.received.length;
  const later: string[] = [];
  for (let i = 0; i < 6; i++) later.push((await verifiedTask(first, admin.token, cadre.token)).eventId);
  await runUntil(async () => (await count("SELECT COUNT(*) AS n FROM webhook_delivery WHERE status = 'PENDING' AND attempts = 1")) === 12);
  first.clock.advance(30_000);
  if (crossProcess) await (second as AppProcess).setClock(first.clock.now());
  else (second as TestServer).clock.set(first.clock.now());
  await runUntil(async () => (await count("SELECT COUNT(*) AS n FROM webhook_delivery WHERE status = 'DELIVERED'")) === 36);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const retried = receiver.received.slice(before);
  expect(retried.filter((r) => r.status === 503)).toHaveLength(12);
  const acceptedLater = retried.filter((r) => r.status === 200).map((r) => `${r.path} ${JSON.parse(r.body).id}`);
  expect(acceptedLater).toHaveLength(12);
  expect(new Set(acceptedLater).size).toBe(12);
  expect(await count("SELECT COUNT(*) AS n FROM webhook_attempt")).toBe(24 + 24);
  expect(hooks).toHaveLength(2);
}, 60_000);
