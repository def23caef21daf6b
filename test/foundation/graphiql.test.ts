import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { publishTask } from "../board/board-helpers";
import { startTestServer, type TestServer } from "../support/server";

/** Headless Chromium from Debian's package (.ci/run installs it), as an intranet browser would be. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("GraphiQL is served from the package (no CDN) and runs a query in a browser", async () => {
  const page = await browser.newPage();
  const outside: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(server.url.replace(/\/graphql$/, "")) && !request.url().startsWith("data:") && !request.url().startsWith("blob:")) outside.push(request.url());
  });
  await page.goto(`${server.url}?query=${encodeURIComponent("{ __typename }")}`);
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
  // into the headers editor (CodeMirror) as a paste would, without its bracket auto-closing
  const headers = JSON.stringify({ authorization: `Bearer ${admin}` });
  await page.evaluate(`document.querySelector(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").CodeMirror.setValue(${JSON.stringify(headers)})`);
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
