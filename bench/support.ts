import "./production";
import "reflect-metadata";
import { fork, spawn } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import type { DataSource } from "typeorm";
import { createApp, type App } from "../src/app";
import { loadConfig, type AppConfig } from "../src/config";
import { hashPassword, type Role } from "../src/core/auth";
import { dbDate } from "../src/core/db";

/** Shared by every benchmark: a throw-away MariaDB database, the real app, bulk loading, percentiles. */

const BASE_URL = process.env.BENCH_DATABASE_URL || "mysql://root@127.0.0.1:3306/test";
const JWT_SECRET = "bench-secret-that-is-long-enough-0123456789";

/** Progress goes to stderr: stdout carries the one summary line only. */
export const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const adminOptions = (url: URL) => ({
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
});

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new empty database `bench_<label>_<pid>_<random>`, dropped by `drop()`. */
export async function freshDatabase(label: string): Promise<BenchDatabase> {
  const url = new URL(BASE_URL);
  const name = `bench_${label}_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = await mysql.createConnection(adminOptions(url));
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const conn = await mysql.createConnection(adminOptions(url));
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** The real app as production runs it (NODE_ENV=production), on 127.0.0.1 and a free port. */
export async function startApp(databaseUrl: string, overrides: Partial<AppConfig> = {}): Promise<{ app: App; url: string; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fast-approval-bench-"));
  const config = loadConfig(
    { NODE_ENV: "production" },
    {
      databaseUrl,
      dataDir,
      jwtSecret: JWT_SECRET,
      seedDemo: false,
      // Request logs would go to stdout; the summary line owns stdout. BENCH_LOG_LEVEL=info measures with them.
      logLevel: process.env.BENCH_LOG_LEVEL || "warn",
      ...overrides,
    },
  );
  const app = await createApp(config, { logStream: { write: (line: string) => void process.stderr.write(line) } });
  const url = await app.listen(0, "127.0.0.1");
  return {
    app,
    url,
    async stop() {
      await app.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A benchmark server script (bench/*.js) in a child process, and a way to ask it things over IPC. */
export interface ServerProcess<Ready> {
  ready: Ready;
  /** The next message of this type from the server. */
  next<T>(type: string): Promise<T>;
  send(message: { type: string }): void;
  /** Asks it to stop; kills it after 10 s. */
  stop(): Promise<void>;
}

/**
 * Forks `script` with these environment variables and node flags (the benchmark's own, then
 * `execArgv`, then BENCH_SERVER_ARGS, e.g. --cpu-prof) and waits for its "ready" message.
 */
export async function startServerProcess<Ready>(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<ServerProcess<Ready>> {
  const child = fork(path.join(__dirname, script), [], {
    env: { ...process.env, ...env },
    execArgv: [...process.execArgv, ...execArgv, ...(process.env.BENCH_SERVER_ARGS?.split(" ").filter(Boolean) ?? [])],
    stdio: ["ignore", process.stderr, "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => m.type === type && (child.off("message", onMessage), resolve(m as T));
      child.on("message", onMessage);
      void exited.then((code) => reject(new Error(`${script} exited (${code})`)));
    });
  const ready = await next<Ready>("ready");
  return {
    ready,
    next,
    send: (message) => child.send(message),
    async stop() {
      if (child.connected) child.send({ type: "stop" });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}

/** The real app alone in a child process (bench/app-server.ts), so the benchmark's clients run on another event loop. */
export async function startAppProcess(databaseUrl: string, overrides: Partial<AppConfig> = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const server = await startServerProcess<{ url: string }>("app-server.js", { BENCH_DB_URL: databaseUrl, BENCH_APP_CONFIG: JSON.stringify(overrides) });
  return { url: server.ready.url, stop: () => server.stop() };
}

/** Multi-row INSERTs, `chunk` rows per statement; column names from the first row. */
export async function insertRows(ds: DataSource, table: string, rows: Array<Record<string, unknown>>, chunk = 2000): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]);
  const head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) VALUES `;
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk);
    const values = slice.map((row) => `(${columns.map((c) => mysql.escape((row[c] instanceof Date ? dbDate(row[c] as Date) : row[c]) as never)).join(", ")})`);
    await ds.query(head + values.join(", "));
  }
}

const uuid = () => crypto.randomUUID();
let sharedHash: Promise<string> | undefined;
const NOW = new Date("2026-03-02T01:00:00.000Z");
const stamps = () => ({ id: uuid(), created_at: NOW, updated_at: NOW });

export interface BenchUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  enterpriseId: string | null;
  token: string;
}

/** `count` users of one role, one precomputed password hash, each with a signed token. */
export async function insertUsers(app: App, role: Role, count: number, enterpriseId: string | null = null): Promise<BenchUser[]> {
  const hash = await (sharedHash ??= hashPassword("bench-password-123"));
  const rows = Array.from({ length: count }, (_, i) => ({
    ...stamps(),
    username: `${role.toLowerCase()}_${i}_${crypto.randomBytes(3).toString("hex")}`,
    password_hash: hash,
    name: `${role === "CADRE" ? "干部" : role} ${i}`,
    role,
    enterprise_id: enterpriseId,
    active: 1,
  }));
  await insertRows(app.services.dataSource, "user", rows);
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      username: r.username,
      name: r.name,
      role,
      enterpriseId,
      token: (await app.services.tokens.sign({ id: r.id, role })).token,
    })),
  );
}

/** One enterprise and `count` projects of it; returns their ids. */
export async function insertProjects(ds: DataSource, count: number): Promise<{ enterpriseId: string; projectIds: string[] }> {
  const enterprise = { ...stamps(), name: "基准测试企业", credit_code: "91330100MA2BENCH01", legal_representative: "张三", contact: "0571-00000000" };
  await insertRows(ds, "enterprise", [enterprise]);
  const projects = Array.from({ length: count }, (_, i) => ({
    ...stamps(),
    code: `2026-330100-39-03-${String(i).padStart(6, "0")}`,
    name: `基准项目 ${i}`,
    enterprise_id: enterprise.id,
    industry: "C3971",
    total_investment: "100000000.00",
  }));
  await insertRows(ds, "project", projects);
  return { enterpriseId: enterprise.id, projectIds: projects.map((p) => p.id) };
}

/** Whether the merged schema has the teams module (project_manager_assignment, Project.manager). */
export function hasManager(app: App): boolean {
  const project = app.schema.getType("Project") as { getFields?: () => Record<string, unknown> } | undefined;
  return Boolean(project?.getFields?.().manager);
}

/** Makes cadre `managerIds[i % n]` the active manager of each project (teams module only). */
export async function assignManagers(ds: DataSource, projectIds: string[], managerIds: string[]): Promise<void> {
  await insertRows(
    ds,
    "project_manager_assignment",
    projectIds.map((projectId, i) => ({ ...stamps(), project_id: projectId, active_project_id: projectId, cadre_id: managerIds[i % managerIds.length], started_at: NOW })),
  );
}

/**
 * `count` board tasks with due dates spread over a year; every third one CLAIMED by a cadre,
 * every other one serving a project. Returns the ids in insertion order.
 */
export async function insertTasks(
  ds: DataSource,
  count: number,
  refs: { publisherId: string; cadreIds: string[]; projectIds: string[] },
  options: { allOpen?: boolean; offset?: number } = {},
): Promise<string[]> {
  const ids: string[] = [];
  const chunk = 5000;
  for (let start = 0; start < count; start += chunk) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + chunk); i++) {
      const n = i + (options.offset ?? 0);
      const claimed = !options.allOpen && n % 3 === 0;
      const row = {
        ...stamps(),
        title: `任务 ${n}`,
        description: `基准任务 ${n} 的说明`,
        category: ["MAJOR_PROJECT", "KEY_REFORM", "KEY_WORK"][n % 3],
        project_id: n % 2 === 0 && refs.projectIds.length ? refs.projectIds[n % refs.projectIds.length] : null,
        published_by_id: refs.publisherId,
        published_at: NOW,
        due_at: new Date(NOW.getTime() + ((n * 7919) % 365_000) * 86_400),
        status: claimed ? "CLAIMED" : "OPEN",
        claimant_id: claimed ? refs.cadreIds[n % refs.cadreIds.length] : null,
        pledge: claimed ? "按期完成" : null,
        claimed_at: claimed ? NOW : null,
        first_claimed_at: claimed ? NOW : null,
        revision: claimed ? 2 : 1,
      };
      ids.push(row.id);
      rows.push(row);
    }
    await insertRows(ds, "board_task", rows);
  }
  return ids;
}

/**
 * A fresh database with `tasks` board tasks (every third claimed), 50 cadres and 500 projects,
 * 400 of them with a manager, analyzed; the real app serving it, and a cadre to read as.
 */
export async function loadBoard(cleanup: Array<() => Promise<unknown>>, label: string, tasks: number) {
  const db = await freshDatabase(label);
  cleanup.push(() => db.drop());
  const { app, url, stop } = await startApp(db.url);
  cleanup.push(stop);
  const ds = app.services.dataSource;
  const withManager = hasManager(app);
  progress(`loading ${tasks} tasks (manager field: ${withManager ? "yes" : "no, teams module not merged"})`);
  const [admin] = await insertUsers(app, "ADMIN", 1);
  const cadres = await insertUsers(app, "CADRE", 50);
  const { projectIds } = await insertProjects(ds, 500);
  if (withManager) await assignManagers(ds, projectIds.slice(0, 400), cadres.map((c) => c.id));
  await insertTasks(ds, tasks, { publisherId: admin.id, cadreIds: cadres.map((c) => c.id), projectIds });
  await ds.query("ANALYZE TABLE board_task, `user`, project");
  return { db, app, url, withManager, reader: cadres[0] };
}

/** The board page every benchmark reads: claimant, project (and its manager once the teams module is merged). */
export function boardQuery(withManager: boolean): string {
  const project = withManager ? "project { name manager { name } }" : "project { name }";
  return (
    "query Board($first: Int!, $after: String) { taskBoard(first: $first, after: $after, orderBy: DUE_AT_ASC) { " +
    `edges { cursor node { id title status dueAt claimant { name } ${project} } } pageInfo { hasNextPage endCursor } } }`
  );
}

export interface GraphQLResult {
  status: number;
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

/**
 * Keep-alive connections for the benchmarks' clients. node:http rather than fetch: with 200
 * requests at once, fetch alone spends ~90 ms of client CPU (p99 against a bare server: 100 ms
 * with fetch, 20-40 ms with node:http), which would be measured as the server's latency.
 */
const clientAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** One GraphQL POST over a keep-alive node:http connection. */
export function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResult> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent: clientAgent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          try {
            resolve({ ...(JSON.parse(text) as object), status: response.statusCode ?? 0 });
          } catch (error) {
            reject(new Error(`answer is not JSON (${response.statusCode}): ${text.slice(0, 300)}`));
          }
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** The value at quantile q (0..1) of the values, nearest-rank. */
export function percentile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}


/** Time of an async call in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** autocannon in a child process (so it does not share the server's event loop), POSTing one JSON body. */
export function autocannon(url: string, body: string, headers: Record<string, string>, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const args = [require.resolve("autocannon/autocannon.js"), "-j", "-c", String(options.connections), "-d", String(options.seconds), "-m", "POST", "-b", body];
  for (const [key, value] of Object.entries({ "content-type": "application/json", ...headers })) args.push("-H", `${key}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      const r = JSON.parse(out);
      resolve({ requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts });
    });
  });
}

/** Runs main, prints its one summary line on stdout, always cleans up; exit code 1 on failure. */
export function run(main: (cleanup: Array<() => Promise<unknown>>) => Promise<string>): void {
  const cleanup: Array<() => Promise<unknown>> = [];
  const deadline = setTimeout(() => {
    progress("took longer than BENCH_TIMEOUT_S, giving up");
    process.exit(2);
  }, Number(process.env.BENCH_TIMEOUT_S || 600) * 1000);
  main(cleanup)
    .then((line) => process.stdout.write(`${line}\n`))
    .catch((error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(async () => {
      for (const step of cleanup.reverse()) await step().catch((e) => progress(`cleanup failed: ${e}`));
      clearTimeout(deadline);
      process.exit();
    });
}
