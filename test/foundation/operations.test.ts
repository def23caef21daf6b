import net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { DEMO_PASSWORD } from "../../src/demo/seed";
import { metricsRefusal } from "../../src/server";
import { codeOf, freshDatabase, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

const onMariaDb = !!process.env.TEST_DATABASE_URL;
const metricsUrl = (server: TestServer) => server.url.replace(/graphql$/, "metrics");
/** The values one label takes in a metric's series. */
const labelValues = (text: string, metric: string, label: string) =>
  new Set([...text.matchAll(new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"`, "gm"))].map((m) => m[1]));
const counterValue = (text: string, metric: string, labels: string) =>
  Number(new RegExp(`^${metric}\\{${labels}\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);

describe("metrics", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { metricsMaxOperationNames: 5 } });
  });
  afterAll(() => server?.stop());

  test("operation names are labels only up to a fixed number, and only for operations that passed validation", async () => {
    for (let i = 0; i < 40; i++) await server.gql(`query Op_${i} { __typename }`);
    // names of documents that never validate are not labels at all
    for (let i = 0; i < 20; i++) await server.gql(`query Bad_${i} { noSuchField }`);
    const text = await server.metrics();
    const operations = labelValues(text, "graphql_requests_total", "operation");
    expect([...operations].sort()).toEqual(["Op_0", "Op_1", "Op_2", "Op_3", "Op_4", "invalid", "other"].sort());
    expect(counterValue(text, "graphql_requests_total", 'operation="other",outcome="ok"')).toBe(35);
    expect(counterValue(text, "graphql_requests_total", 'operation="invalid",outcome="GRAPHQL_VALIDATION_FAILED"')).toBe(20);
    expect(labelValues(text, "graphql_request_duration_seconds_count", "operation").size).toBeLessThanOrEqual(7);
  });

  test("without METRICS_TOKEN /metrics answers loopback clients only", async () => {
    expect((await fetch(metricsUrl(server))).status).toBe(200);
    expect(metricsRefusal(undefined, undefined, "127.0.0.1")).toBe(0);
    expect(metricsRefusal(undefined, undefined, "::ffff:127.0.0.1")).toBe(0);
    expect(metricsRefusal(undefined, undefined, "::1")).toBe(0);
    expect(metricsRefusal(undefined, undefined, "10.1.2.3")).toBe(403);
    expect(metricsRefusal(undefined, "Bearer anything", "192.168.1.9")).toBe(403);
    expect(metricsRefusal(undefined, undefined, "::ffff:10.0.0.1")).toBe(403);
  });

  test("with METRICS_TOKEN /metrics needs that bearer token, from anywhere", async () => {
    const guarded = await startTestServer({ config: { metricsToken: "scrape-token-0123456789" }, share: server });
    try {
      const url = metricsUrl(guarded);
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: "Bearer scrape-token-0123456789" } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("graphql_requests_total");
      expect(metricsRefusal("scrape-token-0123456789", "Bearer scrape-token-0123456789", "10.1.2.3")).toBe(0);
    } finally {
      await guarded.stop();
    }
  });

  test("requests refused for a bad token are counted by outcome and logged", async () => {
    const lines: string[] = [];
    const logged = await startTestServer({ share: server, logLines: lines, config: { logLevel: "info" } });
    try {
      const { token } = await logged.user("CADRE");
      await logged.gql(`{ me { id } }`, {}, token);
      for (let i = 0; i < 3; i++) expect(codeOf(await logged.gql(`{ me { id } }`, {}, "not-a-token"))).toBe("UNAUTHENTICATED");
      await logged.gql(`{ __typename }`);
      const text = await logged.metrics();
      expect(counterValue(text, "caller_identification_total", 'outcome="refused"')).toBe(3);
      expect(counterValue(text, "caller_identification_total", 'outcome="signed_in"')).toBe(1);
      expect(counterValue(text, "caller_identification_total", 'outcome="anonymous"')).toBeGreaterThanOrEqual(1);
      const refusals = lines.filter((line) => line.includes("caller refused"));
      expect(refusals).toHaveLength(1); // throttled: one line a minute, not one per request
      expect(JSON.parse(refusals[0]).level).toBe(40);
      expect(refusals[0]).not.toContain("not-a-token");
    } finally {
      await logged.stop();
    }
  });
});

describe("field suggestions", () => {
  test("with introspection off no error names a field the caller did not ask for, over HTTP and WebSocket", async () => {
    const closed = await startTestServer({ config: { introspection: false, isProduction: true } });
    const open = await startTestServer({ share: closed });
    try {
      const { token } = await closed.user("ADMIN");
      const typo = `{ userz(first: 1) { edges { node { id } } } }`;
      const hidden = await closed.gql(typo, {}, token);
      expect(codeOf(hidden)).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(hidden.errors![0].message).toBe(`Cannot query field "userz" on type "Query".`);
      expect(JSON.stringify(hidden)).not.toContain("Did you mean");
      // in development the hint stays: it is what an IDE user wants
      expect((await open.gql(typo, {}, token)).errors![0].message).toContain(`Did you mean "users"?`);

      const client = createClient({ url: closed.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: `subscription { taskBoardChangd { type } }` }, { next: () => {}, error: resolve, complete: () => resolve([]) });
      });
      await client.dispose();
      expect(JSON.stringify(errors)).toContain("taskBoardChangd");
      expect(JSON.stringify(errors)).toContain("GRAPHQL_VALIDATION_FAILED");
      expect(JSON.stringify(errors)).not.toContain("Did you mean");
    } finally {
      await open.stop();
      await closed.stop();
    }
  });
});

describe("the demo set in production", () => {
  async function startProduction(env: Record<string, string>) {
    const database = await freshDatabase();
    const lines: string[] = [];
    const config = loadConfig(
      { NODE_ENV: "production", DATA_DIR: database.dataDir, JWT_SECRET: "production-secret-that-is-long-enough-0123", LOG_LEVEL: "warn", SWEEP_INTERVAL_MS: "0", SLA_CHECK_INTERVAL_MS: "0", ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}), ...env },
    );
    const app = await createApp(config, { logStream: { write: (line) => void lines.push(line) } });
    const url = await app.listen(0, "127.0.0.1");
    const login = async (username: string) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `mutation { login(input: {username: "${username}", password: "${DEMO_PASSWORD}"}) { token } }` }),
      });
      return (await response.json()) as { data?: { login: { token: string } }; errors?: Array<{ extensions: { code: string } }> };
    };
    return { config, lines, login, stop: async () => { await app.stop(); await database.drop(); } };
  }

  test("a production start on a fresh database loads no demo accounts", async () => {
    const production = await startProduction({});
    try {
      expect(production.config.seedDemo).toBe(false);
      expect((await production.login("admin")).errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
      expect(production.lines.join("")).not.toContain("SEED_DEMO");
    } finally {
      await production.stop();
    }
  });

  test(onMariaDb ? "SEED_DEMO=true never seeds a DATABASE_URL deployment" : "SEED_DEMO=true loads the demo in production, with a warning", async () => {
    const production = await startProduction({ SEED_DEMO: "true" });
    try {
      if (onMariaDb) {
        expect(production.config.seedDemo).toBe(false);
        expect((await production.login("admin")).errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
        return;
      }
      expect((await production.login("admin")).data?.login.token).toBeTruthy();
      const warning = production.lines.map((line) => JSON.parse(line)).find((line) => String(line.msg).includes("SEED_DEMO=true in production"));
      expect(warning?.level).toBe(40);
    } finally {
      await production.stop();
    }
  }, 120_000);
});

/** A TCP proxy in front of MariaDB that the test can cut and restore: a database outage. */
async function databaseProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 3306), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    get url() {
      const url = new URL(target);
      url.host = `127.0.0.1:${port}`;
      return url.toString();
    },
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server!.close(() => resolve());
      }),
    restore: listen,
  };
}

describe("a database outage", () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof databaseProxy>> | undefined;
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    if (onMariaDb) {
      database = await freshDatabase();
      proxy = await databaseProxy(new URL(database.databaseUrl!));
      server = await startTestServer({ config: { databaseUrl: proxy.url, logLevel: "info" }, logLines: lines });
    } else {
      server = await startTestServer({ config: { logLevel: "info" }, logLines: lines });
    }
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  /** MariaDB: the network to it goes away. SQLite: its file handle is closed under the process. */
  const cut = async () => {
    if (proxy) return proxy.cut();
    (server.app.services.dataSource.driver as unknown as { databaseConnection: { close(): void } }).databaseConnection.close();
  };

  test("requests answer 503 SERVICE_UNAVAILABLE while it lasts, counted and logged once, not once per request", async () => {
    const { token } = await server.user("CADRE");
    const { user } = await server.user("ADMIN", { username: "outage.admin" });
    expect((await server.gql(`{ me { id } }`, {}, token)).data.me.id).toBeTruthy();
    await cut();

    for (let i = 0; i < 10; i++) {
      const signedIn = await server.gql(`{ me { id } }`, {}, token);
      expect(signedIn.status).toBe(503);
      expect(codeOf(signedIn)).toBe("SERVICE_UNAVAILABLE");
    }
    // a request that reaches the database only in its resolver answers the same
    const login = await server.gql(`mutation { login(input: {username: "${user.username}", password: "${TEST_PASSWORD}"}) { token } }`);
    expect(login.status).toBe(503);
    expect(codeOf(login)).toBe("SERVICE_UNAVAILABLE");
    expect(JSON.stringify(login)).not.toMatch(/ECONNREFUSED|sqlite|connection is not open/i);

    const text = await server.metrics();
    expect(counterValue(text, "caller_identification_total", 'outcome="database_unavailable"')).toBe(10);
    const errorLines = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 50);
    expect(errorLines.filter((line) => line.msg === "database unavailable while identifying the caller")).toHaveLength(1);
    expect(errorLines.filter((line) => line.msg === "database unavailable during a request")).toHaveLength(1);
    expect(errorLines.find((line) => line.msg === "database unavailable while identifying the caller").suppressed).toBe(0);

    if (proxy) {
      await proxy.restore();
      await expect.poll(async () => (await server.gql(`{ me { id } }`, {}, token)).status, { timeout: 15_000, interval: 200 }).toBe(200);
    }
  });
});

describe("the WebSocket path holds the HTTP path's limits", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ config: { introspection: false, isProduction: true, maxQueryAliases: 5, maxQueryDepth: 3 } });
    token = (await server.user("ADMIN")).token;
  });
  afterAll(() => server?.stop());

  /** The first answer to one operation over a fresh socket: its errors, or its first result. */
  async function firstAnswer(query: string, variables: Record<string, unknown> = {}) {
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      return await new Promise<any>((resolve) => {
        client.subscribe({ query, variables }, { next: (value) => resolve(value), error: (errors) => resolve({ errors }), complete: () => resolve({ completed: true }) });
      });
    } finally {
      await client.dispose();
    }
  }
  const codes = (answer: any) => (answer.errors as Array<{ extensions?: { code?: string } }>).map((error) => error.extensions?.code);

  test("introspection is refused where it is off", async () => {
    const answer = await firstAnswer(`query { __schema { types { name } } }`);
    expect(new Set(codes(answer))).toEqual(new Set(["GRAPHQL_VALIDATION_FAILED"]));
    expect(answer.errors[0].message).toContain("introspection");
  });

  test("aliases and depth are refused with their codes, in a subscription and in a query sent over the socket", async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `t${i}: type`).join(" ");
    expect(codes(await firstAnswer(`subscription { taskBoardChanged { ${aliases} } }`))).toEqual(["QUERY_TOO_MANY_ALIASES"]);
    expect(codes(await firstAnswer(`subscription { taskBoardChanged { task { project { enterprise { name } } } } }`))).toEqual(["QUERY_TOO_DEEP"]);
    expect(codes(await firstAnswer(`{ a: me { id } b: me { id } c: me { id } d: me { id } e: me { id } f: me { id } }`))).toEqual(["QUERY_TOO_MANY_ALIASES"]);
  });

  test("a message larger than an HTTP body may be is refused: the socket closes with 1009", async () => {
    const socket = new WebSocket(server.wsUrl, "graphql-transport-ws");
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ type: "connection_init", payload: { padding: "x".repeat(2 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  test("an error while an event resolves reaches the subscriber shaped as over HTTP: coded, nothing of the server's insides", async () => {
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      const answer = await new Promise<any>((resolve) => {
        client.subscribe({ query: `subscription { taskBoardChanged { type task { id } } }` }, { next: resolve, error: (errors) => resolve({ errors }), complete: () => resolve({}) });
        client.on("connected", () => {
          // an event naming a task that is not there: its task field fails while resolving
          setTimeout(() => server.app.services.pubSub.publish("TASK_BOARD", { taskId: "no-such-task", type: "PUBLISHED", actorId: "nobody", at: new Date().toISOString(), category: "KEY_WORK", projectId: null } as never), 100);
        });
      });
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]).toMatchObject({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    } finally {
      await client.dispose();
    }
  });

  test("an error while running is shaped as over HTTP: coded, no field suggestions", async () => {
    const answer = await firstAnswer(`subscription($filter: TaskBoardChangedFilter) { taskBoardChanged(filter: $filter) { type } }`, { filter: { categry: "KEY_WORK" } });
    expect(JSON.stringify(answer)).not.toContain("Did you mean");
    expect(codes(answer)).toEqual(["BAD_USER_INPUT"]);
  });
});
