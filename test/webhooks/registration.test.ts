import { afterAll, beforeAll, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { rows } from "../board/board-helpers";
import { CREATE, DISABLE, ENABLE, SECRET, UPDATE, WEBHOOK_FIELDS, createWebhook } from "./helpers";

let server: TestServer;
let admin: { token: string; user: { id: string } };

beforeAll(async () => {
  server = await startTestServer({ config: { webhookAllowedHosts: ["hooks.example.gov.cn", "*.bridge.example.gov.cn:8443", "127.0.0.1", "[::1]:9000"] } });
  admin = await server.user("ADMIN");
});
afterAll(() => server?.stop());

const tableCounts = async () => ({
  webhooks: Number((await rows(server, "SELECT COUNT(*) AS n FROM webhook"))[0].n),
  audits: Number((await rows(server, "SELECT COUNT(*) AS n FROM audit_entry WHERE entity_type = 'Webhook'"))[0].n),
});

test("createWebhook refuses a host WEBHOOK_ALLOWED_HOSTS does not allow, a bad scheme, credentials in the URL, a short secret, an unknown or no kind; a refusal writes nothing", async () => {
  const before = await tableCounts();
  const attempt = (input: Record<string, unknown>) => server.gql(CREATE, { input: { url: "https://hooks.example.gov.cn/in", events: ["TASK_VERIFIED"], secret: SECRET, ...input } }, admin.token);
  const refusals: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ url: "https://intranet.example.gov.cn/in" }, "url", /not one WEBHOOK_ALLOWED_HOSTS allows/],
    [{ url: "http://169.254.169.254/latest/meta-data" }, "url", /not one WEBHOOK_ALLOWED_HOSTS allows/],
    // the suffix itself is not under the wildcard, and the wildcard's port is the only one allowed
    [{ url: "https://bridge.example.gov.cn:8443/in" }, "url", /not one WEBHOOK_ALLOWED_HOSTS allows/],
    [{ url: "https://wecom.bridge.example.gov.cn/in" }, "url", /not one WEBHOOK_ALLOWED_HOSTS allows/],
    [{ url: "http://[::1]:9001/in" }, "url", /not one WEBHOOK_ALLOWED_HOSTS allows/],
    // an allowed name as a user name before another host
    [{ url: "https://hooks.example.gov.cn@evil.example.com/in" }, "url", /user name or password|not one WEBHOOK_ALLOWED_HOSTS allows/],
    [{ url: "ftp://hooks.example.gov.cn/in" }, "url", /http or https/],
    [{ url: "file:///etc/passwd" }, "url", /http or https/],
    [{ url: "hooks.example.gov.cn/in" }, "url", /absolute http or https URL/],
    [{ url: "https://user:pw@hooks.example.gov.cn/in" }, "url", /user name or password/],
    [{ secret: "too-short-secret".slice(0, 15) }, "secret", /16-200 characters/],
    [{ secret: "sixteen chars with spaces" }, "secret", /printable ASCII without spaces/],
    [{ events: [] }, "events", /at least one kind/],
    [{ events: ["TASK_VERIFIED", "TASK_VERIFIED"] }, "events", /each kind once/],
  ];
  for (const [input, field, message] of refusals) {
    const response = await attempt(input);
    expect({ input, code: codeOf(response), field: response.errors?.[0]?.extensions?.field }).toEqual({ input, code: "BAD_USER_INPUT", field });
    expect(response.errors![0].message).toMatch(message);
  }
  // a kind that does not exist is refused by the schema
  const unknown = await attempt({ events: ["TASK_EXPLODED"] });
  expect(codeOf(unknown)).toBe("BAD_USER_INPUT");
  expect(unknown.data ?? null).toBeNull();
  // and in Chinese for a zh-CN caller
  const zh = await server.gql(CREATE, { input: { url: "https://intranet.example.gov.cn/in", events: ["TASK_VERIFIED"], secret: SECRET } }, admin.token, { "accept-language": "zh-CN" });
  expect(zh.errors![0].message).toContain("不在允许的范围内");
  expect(await tableCounts()).toEqual(before);

  // allowed: an exact host on any port, a name under the wildcard on its port
  for (const url of ["https://hooks.example.gov.cn/in", "http://hooks.example.gov.cn:8080/in", "https://wecom.bridge.example.gov.cn:8443/in", "https://A.B.Bridge.Example.gov.cn:8443/x", "http://[::1]:9000/in"]) {
    const response = await attempt({ url });
    expect({ url, errors: response.errors }).toEqual({ url, errors: undefined });
  }
});

test("WEBHOOK_ALLOWED_HOSTS is read as comma-separated host patterns, lower-cased; anything else stops the start", () => {
  expect(loadConfig({}).webhookAllowedHosts).toEqual([]);
  expect(loadConfig({ WEBHOOK_ALLOWED_HOSTS: " Hooks.Example.gov.cn, *.bridge.example.gov.cn:8443 ,,[::1]:9000,10.0.0.5" }).webhookAllowedHosts).toEqual([
    "hooks.example.gov.cn", "*.bridge.example.gov.cn:8443", "[::1]:9000", "10.0.0.5",
  ]);
  for (const bad of ["https://hooks.example.gov.cn", "hooks.example.gov.cn/in", "user@hooks.example.gov.cn", "*", "*.", "a..b", "hooks.example.gov.cn:0", "hooks.example.gov.cn:65536", "::1"]) {
    expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: `hooks.example.gov.cn,${bad}` }), bad).toThrow(ConfigError);
  }
});

test("with WEBHOOK_ALLOWED_HOSTS unset no webhook can be created", async () => {
  const closed = await startTestServer();
  try {
    const token = (await closed.user("ADMIN")).token;
    const response = await closed.gql(CREATE, { input: { url: "https://hooks.example.gov.cn/in", events: ["TASK_VERIFIED"], secret: SECRET } }, token);
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
    expect(response.errors![0].message).toMatch(/has not set WEBHOOK_ALLOWED_HOSTS/);
    expect(await closed.app.services.dataSource.query("SELECT id FROM webhook")).toEqual([]);
  } finally {
    await closed.stop();
  }
});

test("the secret is never answered, neither by the mutations nor by the queries nor in the audit trail; secretHint shows its last 4 characters", async () => {
  const secret = "first-secret-0123456789-ABCD";
  const created = await server.gql(CREATE, { input: { url: "https://hooks.example.gov.cn/one", events: ["TASK_VERIFIED", "TICKET_ESCALATED"], secret, description: "粤政易消息桥" } }, admin.token);
  expect(created.errors).toBeUndefined();
  const webhook = created.data.createWebhook;
  expect(webhook).toMatchObject({ url: "https://hooks.example.gov.cn/one", events: ["TASK_VERIFIED", "TICKET_ESCALATED"], description: "粤政易消息桥", active: true, secretHint: "…ABCD", createdBy: { id: admin.user.id } });
  const rotated = "second-secret-9876543210-wxyz";
  server.clock.advance(1000); // the trail is in time order
  const updated = await server.gql(UPDATE, { input: { webhookId: webhook.id, secret: rotated, events: ["STOP_WORK_ISSUED"], description: null } }, admin.token);
  expect(updated.errors).toBeUndefined();
  expect(updated.data.updateWebhook).toMatchObject({ id: webhook.id, url: "https://hooks.example.gov.cn/one", events: ["STOP_WORK_ISSUED"], description: null, secretHint: "…wxyz" });
  server.clock.advance(1000);
  const disabled = await server.gql(DISABLE, { input: { webhookId: webhook.id } }, admin.token);
  server.clock.advance(1000);
  const enabled = await server.gql(ENABLE, { input: { webhookId: webhook.id } }, admin.token);
  const listed = await server.gql(`{ webhooks(first: 100) { totalCount edges { node { ${WEBHOOK_FIELDS} } } } }`, {}, admin.token);
  const one = await server.gql(`query($id: ID!) { webhook(id: $id) { ${WEBHOOK_FIELDS} } }`, { id: webhook.id }, admin.token);
  expect(one.data.webhook).toMatchObject({ id: webhook.id, active: true, secretHint: "…wxyz" });
  const trail = await server.gql(`query($id: ID!) { auditTrail(entityType: "Webhook", entityId: $id) { edges { node { action before after } } } }`, { id: webhook.id }, admin.token);
  expect(trail.data.auditTrail.edges.map((e: any) => e.node.action)).toEqual(["webhook.create", "webhook.update", "webhook.disable", "webhook.enable"]);
  expect(trail.data.auditTrail.edges[1].node.after).toMatchObject({ secret: "[redacted]", secretChanged: true, events: ["STOP_WORK_ISSUED"] });
  for (const response of [created, updated, disabled, enabled, listed, one, trail]) {
    const text = JSON.stringify(response);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(rotated);
  }
  const audits = await rows(server, "SELECT `before`, `after` FROM audit_entry WHERE entity_id = ?", [webhook.id]);
  expect(audits).toHaveLength(4);
  for (const audit of audits) expect(`${audit.before}${audit.after}`).not.toMatch(/first-secret|second-secret/);
  // stored as given: the signature needs it
  expect((await rows(server, "SELECT secret FROM webhook WHERE id = ?", [webhook.id]))[0].secret).toBe(rotated);
});

test("updateWebhook checks a new URL as creation does and writes nothing when refused; disable and enable say so once; an unknown webhook is NOT_FOUND", async () => {
  const webhook = await createWebhook(server, admin.token, { url: "https://hooks.example.gov.cn/two" });
  const before = await rows(server, "SELECT * FROM webhook WHERE id = ?", [webhook.id]);
  const audits = (await tableCounts()).audits;
  for (const input of [{ url: "https://elsewhere.example.com/in" }, { url: "gopher://hooks.example.gov.cn/" }, { secret: "short" }, { events: [] }]) {
    const response = await server.gql(UPDATE, { input: { webhookId: webhook.id, ...input } }, admin.token);
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
  }
  expect(await rows(server, "SELECT * FROM webhook WHERE id = ?", [webhook.id])).toEqual(before);
  expect((await tableCounts()).audits).toBe(audits);

  const moved = await server.gql(UPDATE, { input: { webhookId: webhook.id, url: "http://127.0.0.1:9/x" } }, admin.token);
  expect(moved.data.updateWebhook.url).toBe("http://127.0.0.1:9/x");
  expect((await server.gql(DISABLE, { input: { webhookId: webhook.id } }, admin.token)).data.disableWebhook.active).toBe(false);
  expect((await server.gql(DISABLE, { input: { webhookId: webhook.id } }, admin.token)).data.disableWebhook.active).toBe(false);
  expect((await rows(server, "SELECT action FROM audit_entry WHERE entity_id = ? AND action = 'webhook.disable'", [webhook.id]))).toHaveLength(1);

  const missing = "0b6f5e2c-8f0e-4c8e-9a55-1f2d3c4b5a69";
  for (const [query, variables] of [
    [UPDATE, { input: { webhookId: missing, url: "https://hooks.example.gov.cn/x" } }],
    [DISABLE, { input: { webhookId: missing } }],
    [ENABLE, { input: { webhookId: missing } }],
    [`query($id: ID!) { webhook(id: $id) { id } }`, { id: missing }],
    [`query($id: ID!) { webhookDeliveries(webhookId: $id) { totalCount } }`, { id: missing }],
  ] as const) {
    expect(codeOf(await server.gql(query, variables, admin.token))).toBe("NOT_FOUND");
  }
  expect(codeOf(await server.gql(DISABLE, { input: { webhookId: "not-an-id" } }, admin.token))).toBe("BAD_USER_INPUT");
});

test("the webhook queries are the reform office's: a cadre or an enterprise user is refused, nobody signed in is told to sign in", async () => {
  const cadre = await server.user("CADRE");
  const enterprise = await server.user("ENTERPRISE");
  const webhook = await createWebhook(server, admin.token, { url: "https://hooks.example.gov.cn/three" });
  for (const [query, variables] of [
    [`{ webhooks { totalCount } }`, {}],
    [`query($id: ID!) { webhook(id: $id) { id } }`, { id: webhook.id }],
    [`query($id: ID!) { webhookDeliveries(webhookId: $id) { totalCount } }`, { id: webhook.id }],
  ] as const) {
    expect(codeOf(await server.gql(query, variables, cadre.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(query, variables, enterprise.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(query, variables))).toBe("UNAUTHENTICATED");
  }
});

test("createWebhook with an idempotencyKey registers once", async () => {
  const input = { url: "https://hooks.example.gov.cn/idem", events: ["TASK_SENT_BACK"], secret: SECRET, idempotencyKey: "hook-key-1" };
  const first = await server.gql(CREATE, { input }, admin.token);
  const again = await server.gql(CREATE, { input }, admin.token);
  expect(again.data.createWebhook.id).toBe(first.data.createWebhook.id);
  expect(await rows(server, "SELECT id FROM webhook WHERE url = ?", [input.url])).toHaveLength(1);
});
