import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { RequestContext } from "../../src/core/context";
import { runWebhooks } from "../../src/modules/webhooks/webhook-relay";
import { claim, publishTask, rows, SUBMIT, VERIFY } from "../board/board-helpers";
import type { TestServer } from "../support/server";

export const WEBHOOK_FIELDS = `id url events description active secretHint createdAt updatedAt createdBy { id }`;
export const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { ${WEBHOOK_FIELDS} } }`;
export const UPDATE = `mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { ${WEBHOOK_FIELDS} } }`;
export const DISABLE = `mutation($input: DisableWebhookInput!) { disableWebhook(input: $input) { id active } }`;
export const ENABLE = `mutation($input: EnableWebhookInput!) { enableWebhook(input: $input) { id active } }`;
export const DELIVERY_FIELDS = `id eventId eventKind status attemptCount nextAttemptAt giveUpAt deliveredAt lastStatusCode lastError createdAt
  webhook { id } attempts { attempt startedAt durationMs statusCode error }`;
export const REDELIVER = `mutation($input: RedeliverWebhookDeliveryInput!) { redeliverWebhookDelivery(input: $input) { ${DELIVERY_FIELDS} } }`;
export const DELIVERIES = `query($webhookId: ID!, $first: Int, $after: String, $status: WebhookDeliveryStatus) {
  webhookDeliveries(webhookId: $webhookId, first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${DELIVERY_FIELDS} } } } }`;

export const SECRET = "whsec_0123456789abcdef0123456789abcdef";

export interface Received {
  /** The path and query asked for. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

/**
 * A webhook receiver on 127.0.0.1: records every request and answers what `answer` says (200
 * unless told; "hang" never answers). `close()` takes it off the network (requests are refused)
 * and `reopen()` puts it back on the same port.
 */
export async function startReceiver() {
  const received: Received[] = [];
  let answer: (request: { headers: http.IncomingHttpHeaders; body: string }) => number | "hang" = () => 200;
  const hanging = new Set<http.ServerResponse>();
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const status = answer({ headers: req.headers, body });
      received.push({ path: req.url ?? "", headers: req.headers, body, status: status === "hang" ? 0 : status });
      if (status === "hang") return void hanging.add(res);
      setTimeout(() => {
        res.statusCode = status;
        if (status >= 300 && status < 400) res.setHeader("location", "http://10.0.0.1/internal");
        res.end("ok");
      }, delayMs);
    });
  });
  const listen = (port = 0) => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  await listen();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/events`,
    port,
    received,
    answer(next: typeof answer) {
      answer = next;
    },
    /** How long each answer takes (0 unless told). */
    delay(ms: number) {
      delayMs = ms;
    },
    async close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    reopen: () => listen(port),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Checks a request as a receiver would (Stripe's scheme): the timestamp header, and v1 = HMAC-SHA256(secret, "<t>.<body>"). */
export function verifySignature(request: Received, secret: string): { valid: boolean; timestamp: number } {
  const header = String(request.headers["x-webhook-signature"] ?? "");
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  const expected = crypto.createHmac("sha256", secret).update(`${parts.t}.${request.body}`).digest("hex");
  const given = Buffer.from(parts.v1 ?? "", "hex");
  const valid =
    String(timestamp) === request.headers["x-webhook-timestamp"] && given.length === 32 && crypto.timingSafeEqual(given, Buffer.from(expected, "hex"));
  return { valid, timestamp };
}

/** One run of the webhooks job (relay, then deliverer) on this instance. */
export const runJob = (server: TestServer) => runWebhooks(RequestContext.system(server.app.services));

/** Registers a webhook as ADMIN; throws on an error. */
export async function createWebhook(server: TestServer, adminToken: string, input: Record<string, unknown>) {
  const response = await server.gql(CREATE, { input: { secret: SECRET, events: ["TASK_VERIFIED"], ...input } }, adminToken);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data.createWebhook as { id: string; [key: string]: any };
}

/** A board task published, claimed, submitted and verified fulfilled: one TASK_VERIFIED event. Returns the task and the event's id. */
export async function verifiedTask(server: TestServer, adminToken: string, cadreToken: string) {
  const task = await publishTask(server, adminToken);
  const claimed = await claim(server, cadreToken, task.id);
  if (claimed.errors) throw new Error(JSON.stringify(claimed.errors));
  const submitted = await server.gql(SUBMIT, { input: { taskId: task.id, note: "已完成" } }, cadreToken);
  if (submitted.errors) throw new Error(JSON.stringify(submitted.errors));
  const verified = await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: true, comment: "兑现" } }, adminToken);
  if (verified.errors) throw new Error(JSON.stringify(verified.errors));
  const [event] = await rows(server, "SELECT id FROM outbox_event WHERE subject_id = ? AND kind = 'TASK_VERIFIED'", [task.id]);
  return { task, eventId: event.id as string };
}

/** A webhook's deliveries through GraphQL, newest first (one page of up to 100). */
export async function deliveriesOf(server: TestServer, adminToken: string, webhookId: string, status?: string) {
  const response = await server.gql(DELIVERIES, { webhookId, first: 100, status }, adminToken);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data.webhookDeliveries.edges.map((e: any) => e.node) as Array<Record<string, any>>;
}
