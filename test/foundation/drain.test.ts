import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase } from "../support/server";

const root = path.join(__dirname, "../..");
// inside node_modules, so the compiled server resolves the project's packages by walking up
const outDir = path.join(root, "node_modules/.cache", `drain-test-${process.pid}`);
let database: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", outDir], { cwd: root });
}, 120_000);
afterAll(async () => {
  fs.rmSync(outDir, { recursive: true, force: true });
  await database?.drop();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** The server as `npm start` runs it, in production, in a process of its own. */
async function startProductionServer(): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  database = await freshDatabase();
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(outDir, "src/main.js")], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: database.dataDir,
      JWT_SECRET: "drain-test-secret-that-is-long-enough-0123",
      SHUTDOWN_TIMEOUT_MS: "5000",
      SWEEP_INTERVAL_MS: "0",
      SLA_CHECK_INTERVAL_MS: "0",
      LOG_LEVEL: "warn",
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("GraphQL over HTTP")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", () => reject(new Error(`server exited before listening:\n${output}`)));
  });
  return { child, port, exited };
}

interface Answer {
  status: number;
  connection?: string;
  afterSignal: boolean;
}

test("a stop under keep-alive load serves every request or answers 503 with Connection: close, never 500", async () => {
  const { child, port, exited } = await startProductionServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const answers: Answer[] = [];
  const failures: string[] = [];
  let signalled = false;
  let done = false;
  const body = JSON.stringify({ query: "{ __typename }" });
  const once = () =>
    new Promise<void>((resolve) => {
      const request = http.request(
        { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.on("end", () => {
            answers.push({ status: response.statusCode!, connection: response.headers.connection, afterSignal: signalled });
            resolve();
          });
        },
      );
      request.on("error", (error: NodeJS.ErrnoException) => {
        // once the listener is closed a new connection is refused: the load balancer's cue
        if (error.code === "ECONNREFUSED") done = true;
        else failures.push(`${error.code}: ${error.message}`);
        resolve();
      });
      request.end(body);
    });
  const loop = async () => {
    const until = Date.now() + 8000;
    while (!done && Date.now() < until) await once();
  };
  const loops = Array.from({ length: 16 }, loop);
  await new Promise((resolve) => setTimeout(resolve, 400)); // load running on kept-alive connections
  signalled = true;
  child.kill("SIGTERM");
  await Promise.all(loops);
  agent.destroy();

  expect(await exited).toBe(0);
  expect(answers.filter((a) => a.status === 500)).toEqual([]);
  expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
  expect(answers.filter((a) => !a.afterSignal && a.status === 200).length).toBeGreaterThan(20);
  // what arrived during the drain was answered, and each 503 closed its connection
  const drained = answers.filter((a) => a.afterSignal);
  expect(drained.length).toBeGreaterThan(0);
  expect(drained.filter((a) => a.status === 503 && a.connection !== "close")).toEqual([]);
  expect(drained.filter((a) => a.status === 503).length).toBeGreaterThan(0);
  // no kept-alive connection was dropped under a request written on it: each learnt of the stop by a 503
  expect(failures).toEqual([]);
}, 60_000);
