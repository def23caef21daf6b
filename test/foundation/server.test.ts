import http from "node:http";
import { auditServer } from "graphql-http";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let cadreToken: string;

beforeAll(async () => {
  server = await startTestServer();
  cadreToken = (await server.user("CADRE", { username: "ws.cadre" })).token;
});
afterAll(() => server?.stop());

const base = () => server.url.replace(/\/graphql$/, "");

/** A POST written chunk by chunk over node:http, read as soon as the server answers (even mid-body). */
function postRaw(headers: Record<string, string>, chunks: string[]): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, code: JSON.parse(text).errors[0].extensions.code }));
    });
    req.on("error", (error) => (/EPIPE|ECONNRESET/.test(String(error)) ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("HTTP", () => {
  test("/healthz answers while the process lives; /readyz when the database answers", async () => {
    const health = await fetch(`${base()}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  test("GET runs a query; GET refuses a mutation", async () => {
    const get = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { "apollo-require-preflight": "true" } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: "Query" } });
    const mutation = `mutation { login(input: {username: "a", password: "b"}) { token } }`;
    const refused = await fetch(`${server.url}?query=${encodeURIComponent(mutation)}`, { headers: { "apollo-require-preflight": "true" } });
    expect(refused.status).toBe(405);
  });

  test("a GET without a preflight-forcing header is refused (CSRF prevention)", async () => {
    const res = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`);
    expect(res.status).toBe(400);
  });

  test("malformed JSON and an oversized body get a clear 4xx, not a crash", async () => {
    const bad = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].extensions.code).toBe("BAD_REQUEST");
    // declared too large: refused before the body is read; streamed too large: refused on the way
    expect(await postRaw({ "content-length": String(2 * 1024 * 1024) }, ["{}"])).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    expect(await postRaw({ "transfer-encoding": "chunked" }, Array.from({ length: 40 }, () => "x".repeat(64 * 1024)))).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
  });

  test("an unknown path answers 404 in the GraphQL error shape", async () => {
    const res = await fetch(`${base()}/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe("NOT_FOUND");
  });

  test("an internal error shows no stack or SQL outside development", async () => {
    const prod = await startTestServer({ env: { NODE_ENV: "production", LOG_LEVEL: "silent" } });
    try {
      const res = await prod.gql("{ me { id } }", {}, "garbage");
      expect(res.errors![0].extensions!.stacktrace).toBeUndefined();
      // A real internal failure: the resolver's SELECT hits a table that is no longer there. Renaming
      // (not dropping) it works on both databases whatever references it (team_member and
      // service_ticket_department have foreign keys to department, which MariaDB would not let DROP).
      const { token } = await prod.user("CADRE");
      const before = await prod.gql("{ departments { code } }", {}, token);
      expect(before.errors).toBeUndefined();
      expect(before.data.departments.length).toBeGreaterThan(0);
      await prod.app.services.dataSource.query("ALTER TABLE department RENAME TO department_gone");
      const failed = await prod.gql("{ departments { code } }", {}, token);
      expect(failed.errors).toEqual([
        { message: "Internal server error", locations: [{ line: 1, column: 3 }], path: ["departments"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      ]);
      expect(failed.data ?? null).toBeNull();
      const body = JSON.stringify(failed);
      expect(body).not.toMatch(/department_gone|department`|"department"|sort_order|select|from |sqlite|no such table|doesn't exist|stack|\.ts:\d/i);
      expect(body).not.toMatch(/\bER_[A-Z]/); // a MariaDB driver error code
      if (prod.databaseUrl) expect(body).not.toContain(new URL(prod.databaseUrl).pathname.slice(1));
      const introspection = await prod.gql("{ __schema { queryType { name } } }");
      expect(introspection.errors![0].message).toMatch(/introspection/i);
    } finally {
      await prod.stop();
    }
  });

  test("passes every MUST of the GraphQL-over-HTTP audit (graphql-http)", async () => {
    const results = await auditServer({ url: server.url });
    const mustFailures = results.filter((r) => r.status === "error");
    if (process.env.SHOW_AUDIT_WARNINGS) console.log(results.filter((r) => r.status === "warn").map((r) => `${r.id} ${r.name}`).join("\n"));
    expect(mustFailures.map((r) => `${r.id} ${r.name}: ${"reason" in r ? r.reason : ""}`)).toEqual([]);
  });
});

describe("WebSocket (graphql-ws) on the same path", () => {
  test("answers __typename and me for a token given at connect", async () => {
    const client = server.ws(cadreToken);
    const result = await new Promise<any>((resolve, reject) => {
      let value: any;
      client.subscribe({ query: "{ __typename me { username role } }" }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
    });
    expect(result.data).toEqual({ __typename: "Query", me: { username: "ws.cadre", role: "CADRE" } });
  });

  test("without a token only public operations run: me is UNAUTHENTICATED", async () => {
    const client = server.ws();
    const result = await new Promise<any>((resolve, reject) => {
      let value: any;
      client.subscribe({ query: "{ __typename me { username } }" }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
    });
    expect(result.data).toBeNull();
    expect(result.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  test("a bad token is refused at connect with 4403", async () => {
    const closed = await new Promise<{ code: number }>((resolve) => {
      const socket = new WebSocket(server.wsUrl, "graphql-transport-ws");
      socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: "Bearer forged.token.here" } })));
      socket.on("close", (code) => resolve({ code }));
    });
    expect(closed.code).toBe(4403);
  });
});

test("graceful stop: in-flight requests finish, sockets close with 1001, the server stops accepting", async () => {
  const local = await startTestServer();
  const token = (await local.user("CADRE")).token;
  const port = new URL(local.url).port;
  // a WebSocket connection that is open when the stop begins
  const socket = new WebSocket(local.wsUrl, "graphql-transport-ws");
  await new Promise<void>((resolve) => {
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    socket.on("message", () => resolve());
  });
  const socketClosed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  // an HTTP request whose body is still arriving when the stop begins
  const body = JSON.stringify({ query: "{ me { id } }" });
  const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/graphql", method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    req.write(body.slice(0, 5));
    setTimeout(() => req.end(body.slice(5)), 300);
  });
  await new Promise((r) => setTimeout(r, 100));
  const stopped = local.stop();
  expect(await socketClosed).toBe(1001);
  const finished = await inFlight;
  expect(finished.status).toBe(200);
  expect(JSON.parse(finished.text).data.me.id).toBeTruthy();
  await stopped;
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
});
