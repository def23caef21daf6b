import "reflect-metadata";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { createApp, type App } from "../../src/app";
import { loadConfig, type AppConfig } from "../../src/config";
import { hashPassword, type Role } from "../../src/core/auth";
import { ManualClock } from "../../src/core/clock";
import { User } from "../../src/modules/accounts/user.entity";
import { Department, type DepartmentCode } from "../../src/modules/departments/department.entity";

export const TEST_PASSWORD = "correct-horse-battery";

/** Tests move the clock by days and months: fixture tokens must outlive that, and no background job may run. */
const TEST_DEFAULTS: Partial<AppConfig> = { jwtTtlSeconds: 10 * 365 * 86_400, sweepIntervalMs: 0, webhookPollIntervalMs: 0 };
let sharedHash: Promise<string> | undefined;

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/** A fresh, empty database for one test server: a temp SQLite dir, or a new MariaDB schema. */
export async function freshDatabase(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fast-approval-test-"));
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  const url = new URL(base);
  const name = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    drop: async () => {
      const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  app: App;
  url: string;
  wsUrl: string;
  clock: ManualClock;
  config: AppConfig;
  databaseUrl?: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Inserts a user directly (fixture setup) and returns it with a signed token. */
  user(role: Role, fields?: Partial<Pick<User, "username" | "name" | "enterpriseId" | "departmentId">>): Promise<{ user: User; token: string }>;
  /** A seeded department by code (a CADRE fixture belongs to MARKET_REGULATION unless told otherwise). */
  department(code: DepartmentCode): Promise<Department>;
  ws(token?: string): Client;
  /** The Prometheus text at /metrics. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  config?: Partial<AppConfig>;
  /** Reuse a database another test server made (two instances sharing one). */
  share?: TestServer;
  env?: Record<string, string>;
  /** Collects the JSON log lines (LOG_LEVEL defaults to silent in tests). */
  logLines?: string[];
}

/** The real server, in-process on a free port, on a database of its own. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.share
    ? { databaseUrl: options.share.databaseUrl, dataDir: options.share.config.dataDir, drop: async () => {} }
    : await freshDatabase();
  const config = loadConfig(
    // GRAPHQL_ENGINE=graphql-js npx vitest run: the whole suite on the other engine
    { NODE_ENV: "test", ...(process.env.GRAPHQL_ENGINE ? { GRAPHQL_ENGINE: process.env.GRAPHQL_ENGINE } : {}), ...options.env },
    {
      databaseUrl: database.databaseUrl, dataDir: database.dataDir, jwtSecret: "test-secret-that-is-long-enough-0123456789", seedDemo: false, ...TEST_DEFAULTS,
      // the suite asserts English messages: English unless a test asks for a locale (config or DEFAULT_LOCALE)
      ...(options.env?.DEFAULT_LOCALE ? {} : { defaultLocale: "en" as const }),
      ...options.config,
    },
  );
  const clock = new ManualClock(new Date("2026-03-02T01:00:00.000Z"));
  const logLines = options.logLines;
  const app = await createApp(config, { clock, logStream: logLines ? { write: (line: string) => void logLines.push(line) } : undefined });
  const url = await app.listen(0, "127.0.0.1");
  const wsUrl = url.replace(/^http/, "ws");
  let counter = 0;
  const clients: Client[] = [];
  const server: TestServer = {
    app,
    url,
    wsUrl,
    clock,
    config,
    databaseUrl: database.databaseUrl,
    async metrics() {
      return (await fetch(url.replace(/graphql$/, "metrics"))).text();
    },
    async gql(query, variables, token, headers = {}) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse;
      return { ...body, status: response.status };
    },
    async user(role, fields = {}) {
      const repo = app.services.dataSource.getRepository(User);
      const n = ++counter;
      const user = repo.create({
        username: fields.username ?? `${role.toLowerCase()}${n}_${crypto.randomBytes(3).toString("hex")}`,
        name: fields.name ?? `${role} ${n}`,
        role,
        enterpriseId: fields.enterpriseId ?? null,
        // a cadre always has a department; this one holds no remit of its own in the seeded data
        departmentId: fields.departmentId !== undefined ? fields.departmentId : role === "CADRE" ? (await server.department("MARKET_REGULATION")).id : null,
        passwordHash: await (sharedHash ??= hashPassword(TEST_PASSWORD)),
        active: true,
      });
      await repo.insert(user);
      const { token } = await app.services.tokens.sign(user);
      return { user, token };
    },
    async department(code) {
      return app.services.dataSource.getRepository(Department).findOneByOrFail({ code });
    },
    ws(token) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.allSettled(clients.map((c) => c.dispose()));
      await app.stop();
      await database.drop();
    },
  };
  return server;
}

/** The first error's code, for terse assertions. */
export const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

/**
 * Subscribes and collects events. `next(n)` waits until n events arrived (or an error did);
 * `until(done)` until `done(events)` holds; both are checked as each event arrives, with no
 * polling. `onEvent` runs as each event arrives (for a check that must happen at that moment,
 * such as reading the database).
 */
export function subscribe<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}, onEvent?: (data: T) => void) {
  const events: T[] = [];
  const errors: unknown[] = [];
  const listeners = new Set<() => void>();
  const notify = () => [...listeners].forEach((listener) => listener());
  let resolveStarted: () => void;
  const started = new Promise<void>((r) => (resolveStarted = r));
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        if (value.data) {
          events.push(value.data as T);
          onEvent?.(value.data as T);
        }
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
      },
      complete: notify,
    },
  );
  client.on("connected", () => resolveStarted());
  /** Resolves once `check` returns something other than undefined; rejects after timeoutMs with `describe()`. */
  const waitFor = <R>(check: () => R | undefined, timeoutMs: number, describe: () => string) =>
    new Promise<R>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      const listener = () => {
        try {
          const result = check();
          if (result === undefined) return;
          finish();
          resolve(result);
        } catch (error) {
          finish();
          reject(error);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(describe()));
      }, timeoutMs);
      listeners.add(listener);
      listener();
    });
  return {
    events,
    errors,
    started,
    unsubscribe,
    /** The first `count` events once they arrived, or the events so far once an error arrived. */
    next(count: number, timeoutMs = 5000): Promise<T[]> {
      return waitFor(() => (events.length >= count || errors.length > 0 ? events.slice(0, count) : undefined), timeoutMs, () => `waited for ${count} events, got ${events.length}`);
    },
    /** All events so far, once `done(events)` holds; rejects at once on a subscription error. */
    until(done: (events: T[]) => boolean, timeoutMs = 5000): Promise<T[]> {
      return waitFor(
        () => {
          if (errors.length) throw new Error(`the subscription failed: ${JSON.stringify(errors)}`);
          return done(events) ? events.slice() : undefined;
        },
        timeoutMs,
        () => `waited ${timeoutMs} ms for the events wanted; ${events.length} arrived: ${JSON.stringify(events).slice(0, 2000)}`,
      );
    },
  };
}
