import http from "node:http";
import zlib from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed";
import { ideExample } from "../../src/server";
import { publishTask } from "../board/board-helpers";
import { launchChromium } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The text of one of the page's CodeMirror editors (the query editor, the response, the visible tool editor). */
const editorText = (page: Page, selector: string) => page.evaluate((selector) => ((globalThis as any).document.querySelector(`${selector} .CodeMirror`) as any).CodeMirror.getValue() as string, selector);
const HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
/** Into the headers editor (CodeMirror) as a paste would, without its bracket auto-closing. */
const setHeaders = (page: Page, headers: Record<string, string>) =>
  page.evaluate(({ selector, text }) => ((globalThis as any).document.querySelector(`${selector} .CodeMirror`) as any).CodeMirror.setValue(text), { selector: HEADERS_EDITOR, text: JSON.stringify(headers) });

/** The IDE page over node:http, raw: the body as sent (compressed or not) and the headers. */
function getPage(acceptEncoding?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: "text/html,application/xhtml+xml" };
    if (acceptEncoding !== undefined) headers["accept-encoding"] = acceptEncoding;
    http
      .get(server.url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

test("GraphiQL is served from the package (no CDN) and runs a query in a browser", async () => {
  const page = await browser.newPage();
  const outside: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(server.url.replace(/\/graphql$/, "")) && !request.url().startsWith("data:") && !request.url().startsWith("blob:")) outside.push(request.url());
  });
  const response = await page.goto(`${server.url}?query=${encodeURIComponent("{ __typename }")}`);
  // Chromium accepts gzip, deflate, br and zstd: it gets brotli
  expect(response!.headers()["content-encoding"]).toBe("br");
  const run = page.locator(".graphiql-execute-button");
  await run.waitFor({ timeout: 30_000 });
  await run.click();
  await expect.poll(async () => (await page.locator(".graphiql-response").innerText()).replace(/\s+/g, ""), { timeout: 15_000 }).toContain('"__typename":"Query"');
  expect(outside).toEqual([]);
});

test("a subscription runs in GraphiQL over graphql-ws, signed in with the header set in the IDE", async () => {
  const admin = (await server.user("ADMIN")).token;
  const page = await browser.newPage();
  const sockets: string[] = [];
  page.on("websocket", (socket) => sockets.push(socket.url()));
  await page.goto(`${server.url}?query=${encodeURIComponent("subscription { taskBoardChanged { type task { title } } }")}`);
  const run = page.locator(".graphiql-execute-button");
  await run.waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Headers" }).click();
  await setHeaders(page, { authorization: `Bearer ${admin}` });
  await run.click();
  await expect.poll(() => sockets, { timeout: 15_000 }).toEqual([server.wsUrl]);
  // published until one arrives: the subscription starts once the socket has signed in
  await expect
    .poll(
      async () => {
        await publishTask(server, admin, { title: "看板直播" });
        return (await page.locator(".graphiql-response").innerText()).replace(/\s+/g, "");
      },
      { timeout: 15_000 },
    )
    .toContain('"title":"看板直播"');
});

test("a JSON client at the same URL still gets the API, not the page", async () => {
  const res = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json", "apollo-require-preflight": "true" } });
  expect(await res.json()).toEqual({ data: { __typename: "Query" } });
});

describe("the page is served compressed when the browser accepts it", () => {
  test("br before gzip on a tie, by q-value otherwise, plain when neither is accepted; Vary: Accept-Encoding on every answer", async () => {
    const plain = await getPage();
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString("utf8")).toMatch(/^<!doctype html>/);
    const cases: Array<[string, string | undefined]> = [
      ["br", "br"],
      ["gzip, deflate", "gzip"],
      ["gzip, deflate, br, zstd", "br"],
      ["br;q=0.5, gzip", "gzip"],
      ["*", "br"],
      ["br;q=0, gzip;q=0", undefined],
      ["identity", undefined],
      ["deflate", undefined],
      ["", undefined],
    ];
    for (const [accept, expected] of cases) {
      const answer = await getPage(accept);
      expect(answer.headers["content-encoding"], accept).toBe(expected);
      expect(answer.headers.vary, accept).toMatch(/\bAccept-Encoding\b/);
      expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(Number(answer.headers["content-length"])).toBe(answer.body.length);
      const decoded = expected === "br" ? zlib.brotliDecompressSync(answer.body) : expected === "gzip" ? zlib.gunzipSync(answer.body) : answer.body;
      expect(decoded.equals(plain.body), accept).toBe(true);
      if (expected) expect(answer.body.length, accept).toBeLessThan(plain.body.length / 2);
    }
  });

  test("each encoding is compressed once and then served from memory", async () => {
    const brotli = vi.spyOn(zlib, "brotliCompress");
    const gzip = vi.spyOn(zlib, "gzip");
    try {
      const answers = [...(await Promise.all([getPage("br"), getPage("br"), getPage("gzip"), getPage("gzip")])), await getPage("br"), await getPage("gzip")];
      // at most once each in this test: a test before it may already have compressed the page
      expect(brotli.mock.calls.length).toBeLessThanOrEqual(1);
      expect(gzip.mock.calls.length).toBeLessThanOrEqual(1);
      expect(answers.map((a) => a.headers["content-encoding"])).toEqual(["br", "br", "gzip", "gzip", "br", "gzip"]);
      expect(answers[4].body.equals(answers[0].body)).toBe(true);
    } finally {
      brotli.mockRestore();
      gzip.mockRestore();
    }
  });
});

describe("the page opens on an example of signing in", () => {
  test("without the demo set, the example names no demo login or password", async () => {
    const html = (await getPage()).body.toString("utf8");
    const example = ideExample(null);
    // (booleans: a failure would print the whole 1.5 MB page)
    expect(html.includes(JSON.stringify(example).replaceAll("<", "\\u003c")), "the page holds the example").toBe(true);
    expect(example).toContain('{"authorization": "Bearer <token>"}');
    expect(example).toMatch(/mutation Login \{\n  login\(input: \{\n    username: "your\.username"\n    password: "your password"\n  \}\)/);
    expect(html.includes(DEMO_PASSWORD), "the page names the demo password").toBe(false);
  });

  test("with the demo set, the example runs as it is: Login, the token into the Headers pane as it says, then Me", async () => {
    const demo = await startTestServer({ config: { seedDemo: true } });
    try {
      const page = await browser.newPage();
      await page.goto(demo.url);
      const run = page.locator(".graphiql-execute-button");
      await run.waitFor({ timeout: 30_000 });
      const example = await editorText(page, ".graphiql-query-editor");
      expect(example).toBe(ideExample({ username: "admin", password: DEMO_PASSWORD }));
      expect(example).toContain('{"authorization": "Bearer <token>"}');
      // the Headers pane is open, empty, where the example says the token goes
      expect(await page.locator(HEADERS_EDITOR).isVisible()).toBe(true);
      expect(await page.getByRole("button", { name: "Headers" }).getAttribute("class")).toMatch(/\bactive\b/);
      expect(await editorText(page, HEADERS_EDITOR)).toBe("");

      // two operations: the run button asks which
      await run.click();
      await page.getByRole("menuitem", { name: "Login" }).click();
      await expect.poll(async () => (await editorText(page, ".graphiql-response")).includes('"token"'), { timeout: 15_000 }).toBe(true);
      const login = JSON.parse(await editorText(page, ".graphiql-response"));
      expect(login.data.login.user).toEqual({ username: "admin", name: expect.any(String), role: "ADMIN" });

      await setHeaders(page, JSON.parse(example.match(/\{"authorization": "Bearer <token>"\}/)![0].replace("<token>", login.data.login.token)));
      await run.click();
      await page.getByRole("menuitem", { name: "Me" }).click();
      await expect.poll(async () => (await editorText(page, ".graphiql-response")).includes('"me"'), { timeout: 15_000 }).toBe(true);
      expect(JSON.parse(await editorText(page, ".graphiql-response")).data.me).toMatchObject({ username: "admin", role: "ADMIN" });
    } finally {
      await demo.stop();
    }
  });
});
