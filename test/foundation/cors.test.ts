import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { publishTask } from "../board/board-helpers";
import { launchChromium } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

/**
 * CORS_ORIGINS: browser apps on other origins call /graphql over HTTP (preflight answered 204)
 * and WebSocket (the upgrade checks Origin); any other origin fails, and CSRF prevention stays on.
 */

/** A front end's site: one page holding graphql-ws's browser build, on a port of its own (so an origin of its own). */
async function startSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const graphqlWs = fs.readFileSync(path.join(path.dirname(require.resolve("graphql-ws/package.json")), "umd/graphql-ws.min.js"), "utf8");
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>front end</title><script>${graphqlWs.replaceAll("</script", "<\\/script")}</script></head><body>front end</body></html>`;
  const site = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => site.close(() => resolve())),
  };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
/** A raw HTTP request (node:http sends Origin and the preflight headers as given, as a browser would). */
function request(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
const preflight = (url: string, origin: string, requestHeaders = "authorization, content-type") =>
  request(url, "OPTIONS", { origin, "access-control-request-method": "POST", "access-control-request-headers": requestHeaders });

/** Opens a graphql-transport-ws socket with the given Origin: "open", or the HTTP status the upgrade was refused with. */
function upgrade(wsUrl: string, origin?: string): Promise<"open" | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, "graphql-transport-ws", origin ? { origin } : {});
    socket.on("open", () => {
      socket.close();
      resolve("open");
    });
    socket.on("unexpected-response", (req, res) => {
      resolve(res.statusCode!);
      req.destroy();
    });
    socket.on("error", (error) => (/socket hang up|ECONNRESET/.test(String(error)) ? undefined : reject(error)));
  });
}

describe("CORS_ORIGINS is validated at start", () => {
  test("comma-separated exact origins; unset means none (the same origin only)", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: " https://app.example.gov.cn , http://localhost:5173," }).corsOrigins).toEqual(["https://app.example.gov.cn", "http://localhost:5173"]);
  });

  test.each([
    ["*", /CORS_ORIGINS must be comma-separated origins/],
    ["app.example.gov.cn", /got "app.example.gov.cn"/],
    ["https://app.example.gov.cn/", /did you mean "https:\/\/app.example.gov.cn"\?/],
    ["https://app.example.gov.cn/path", /did you mean "https:\/\/app.example.gov.cn"\?/],
    ["https://APP.example.gov.cn", /did you mean "https:\/\/app.example.gov.cn"\?/],
    ["https://app.example.gov.cn:443", /did you mean "https:\/\/app.example.gov.cn"\?/],
    ["ftp://files.example.gov.cn", /got "ftp:\/\/files.example.gov.cn"/],
  ])("%s is refused", (value, message) => {
    expect(() => loadConfig({ CORS_ORIGINS: `https://ok.example.gov.cn,${value}` })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(message);
  });
});

describe("with CORS_ORIGINS set", () => {
  let server: TestServer;
  let allowed: Awaited<ReturnType<typeof startSite>>;
  let other: Awaited<ReturnType<typeof startSite>>;
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    [allowed, other] = await Promise.all([startSite(), startSite()]);
    server = await startTestServer({ config: { corsOrigins: ["https://unrelated.example.gov.cn", allowed.origin] } });
    admin = (await server.user("ADMIN", { username: "cors.admin" })).token;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await allowed?.close();
    await other?.close();
  });

  describe("over plain HTTP", () => {
    test("a preflight from an allowed origin is answered 204 with the grant, the methods, the headers and a max age, without credentials", async () => {
      const answer = await preflight(server.url, allowed.origin, "authorization, content-type, apollo-require-preflight, x-request-id");
      expect(answer.status).toBe(204);
      expect(answer.body).toBe("");
      expect(answer.headers["access-control-allow-origin"]).toBe(allowed.origin);
      expect(answer.headers.vary).toMatch(/\bOrigin\b/);
      expect(answer.headers["access-control-allow-methods"]).toBe("GET,POST,OPTIONS");
      expect(answer.headers["access-control-allow-headers"]!.split(",")).toEqual(expect.arrayContaining(["authorization", "content-type", "apollo-require-preflight", "x-request-id"]));
      expect(answer.headers["access-control-max-age"]).toBe("600");
      expect(answer.headers["access-control-allow-credentials"]).toBeUndefined();
    });

    test("a preflight from another origin is refused 403 with a JSON error and no grant", async () => {
      for (const origin of [other.origin, "null", "https://unrelated.example.gov.cn.evil.example"]) {
        const answer = await preflight(server.url, origin);
        expect(answer.status, origin).toBe(403);
        expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
        expect(answer.headers["access-control-allow-methods"]).toBeUndefined();
        expect(answer.headers.vary).toMatch(/\bOrigin\b/);
        expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: expect.stringContaining("CORS_ORIGINS"), extensions: { code: "FORBIDDEN" } }] });
      }
    });

    test("an answer to an allowed origin carries the grant and exposes x-request-id; to another origin, no grant; Vary: Origin on both", async () => {
      const body = JSON.stringify({ query: "{ me { username } }" });
      const mine = await request(server.url, "POST", { origin: allowed.origin, "content-type": "application/json", authorization: `Bearer ${admin}`, "x-request-id": "req-cors-1" }, body);
      expect(mine.status).toBe(200);
      expect(JSON.parse(mine.body)).toEqual({ data: { me: { username: "cors.admin" } } });
      expect(mine.headers["access-control-allow-origin"]).toBe(allowed.origin);
      expect(mine.headers["access-control-expose-headers"]).toBe("x-request-id");
      expect(mine.headers["x-request-id"]).toBe("req-cors-1");
      expect(mine.headers.vary).toMatch(/\bOrigin\b/);

      const theirs = await request(server.url, "POST", { origin: other.origin, "content-type": "application/json", authorization: `Bearer ${admin}` }, body);
      expect(theirs.headers["access-control-allow-origin"]).toBeUndefined();
      expect(theirs.headers.vary).toMatch(/\bOrigin\b/);
      // a same-origin or non-browser request needs no grant either
      const plain = await request(server.url, "POST", { "content-type": "application/json" }, JSON.stringify({ query: "{ __typename }" }));
      expect(plain.headers["access-control-allow-origin"]).toBeUndefined();
      expect(plain.headers.vary).toMatch(/\bOrigin\b/);
    });

    test("CSRF prevention stays on: a simple cross-origin request (no preflight) is refused, from an allowed origin too", async () => {
      const mutation = JSON.stringify({ query: `mutation { publishTask(input: { title: "跨站", description: "跨站", category: "KEY_WORK", dueAt: "2026-12-31T00:00:00.000Z" }) { id } }` });
      for (const origin of [allowed.origin, other.origin]) {
        const post = await request(server.url, "POST", { origin, "content-type": "text/plain", authorization: `Bearer ${admin}` }, mutation);
        expect(post.status, origin).toBe(400);
        expect(post.body).toMatch(/CSRF/);
        const get = await request(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, "GET", { origin, accept: "application/json" });
        expect(get.status, origin).toBe(400);
        expect(get.body).toMatch(/CSRF/);
      }
      const board = await server.gql(`{ taskBoard { totalCount } }`, {}, admin);
      expect(board.data.taskBoard.totalCount).toBe(0);
    });

    test("the WebSocket upgrade checks Origin: allowed or the server's own origin opens; another is refused 403; none (not a browser) opens", async () => {
      expect(await upgrade(server.wsUrl, allowed.origin)).toBe("open");
      expect(await upgrade(server.wsUrl, new URL(server.url).origin)).toBe("open");
      expect(await upgrade(server.wsUrl)).toBe("open");
      expect(await upgrade(server.wsUrl, other.origin)).toBe(403);
      expect(await upgrade(server.wsUrl, "null")).toBe(403);
      // the same host on another port is another origin
      expect(await upgrade(server.wsUrl, `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`)).toBe(403);
    });
  });

  describe("in headless Chromium, from a page on another origin", () => {
    /** In the page: a query with the Authorization header, read with the exposed x-request-id; or the failure. */
    const queryFrom = (page: Page) =>
      page.evaluate(
        async ({ url, token }) => {
          try {
            const res = await fetch(url, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": "from-the-browser" },
              body: JSON.stringify({ query: "{ me { username role } }" }),
            });
            return { status: res.status, requestId: res.headers.get("x-request-id"), body: await res.json() };
          } catch (error) {
            return { failed: String(error) };
          }
        },
        { url: server.url, token: admin },
      );

    /** In the page: a graphql-ws subscription to the board, signed in; its events and errors collect on window. */
    const subscribeFrom = (page: Page) =>
      page.evaluate(
        ({ wsUrl, token }) => {
          const w = globalThis as unknown as { events: unknown[]; failures: unknown[]; graphqlWs: any };
          w.events = [];
          w.failures = [];
          const client = w.graphqlWs.createClient({ url: wsUrl, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
          client.subscribe(
            { query: "subscription { taskBoardChanged { type task { title } } }" },
            { next: (value: unknown) => w.events.push(value), error: (error: { code?: number; type?: string }) => w.failures.push(error?.code ? `close ${error.code}` : (error?.type ?? String(error))), complete: () => {} },
          );
        },
        { wsUrl: server.wsUrl, token: admin },
      );

    test("from an allowed origin a query and a subscription succeed", async () => {
      const page = await browser.newPage();
      await page.goto(allowed.origin);
      expect(await queryFrom(page)).toEqual({ status: 200, requestId: "from-the-browser", body: { data: { me: { username: "cors.admin", role: "ADMIN" } } } });

      await subscribeFrom(page);
      // published until one arrives: the subscription starts once the socket has signed in
      await expect
        .poll(
          async () => {
            await publishTask(server, admin, { title: "跨域看板" });
            return page.evaluate(() => JSON.stringify((globalThis as unknown as { events: unknown[]; failures: unknown[] }).events));
          },
          { timeout: 15_000 },
        )
        .toContain('"title":"跨域看板"');
      expect(await page.evaluate(() => (globalThis as unknown as { failures: unknown[] }).failures)).toEqual([]);
      await page.close();
    });

    test("from another origin the query fails its preflight and the subscription's upgrade is refused", async () => {
      const page = await browser.newPage();
      const socketErrors: string[] = [];
      page.on("websocket", (socket) => socket.on("socketerror", (error) => socketErrors.push(error)));
      await page.goto(other.origin);
      expect(await queryFrom(page)).toEqual({ failed: expect.stringContaining("Failed to fetch") });

      await subscribeFrom(page);
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { failures: unknown[] }).failures), { timeout: 15_000 }).toEqual(["error"]);
      await expect.poll(() => socketErrors, { timeout: 5_000 }).toEqual([expect.stringContaining("403")]);
      await publishTask(server, admin, { title: "不该收到" });
      expect(await page.evaluate(() => (globalThis as unknown as { events: unknown[] }).events)).toEqual([]);
      await page.close();
    });
  });
});

describe("with CORS_ORIGINS unset", () => {
  let server: TestServer;
  let site: Awaited<ReturnType<typeof startSite>>;
  beforeAll(async () => {
    site = await startSite();
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
    await site?.close();
  });

  test("the same origin only: every other origin's preflight is refused and its WebSocket too; the server's own origin opens one", async () => {
    const answer = await preflight(server.url, site.origin);
    expect(answer.status).toBe(403);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(await upgrade(server.wsUrl, site.origin)).toBe(403);
    expect(await upgrade(server.wsUrl, new URL(server.url).origin)).toBe("open");
    expect(await upgrade(server.wsUrl)).toBe("open");
  });
});
