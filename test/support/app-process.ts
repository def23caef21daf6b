import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { AppConfig } from "../../src/config";
import type { GraphQLResponse, TestServer } from "./server";

/** The real app in a child process of its own: another instance that shares nothing in process with the tests. */
export interface AppProcess {
  url: string;
  wsUrl: string;
  pid: number;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  ws(token?: string): Client;
  /** Sets the child's clock (it starts at the time of the server it shares a database with). */
  setClock(at: Date): Promise<void>;
  stop(): Promise<void>;
}

const CHILD_MAIN = path.join(__dirname, "app-process-main.ts");
const TS_REQUIRE = path.join(__dirname, "ts-require.cjs");

/**
 * Starts a second instance of the app in a child process (node, compiling the TypeScript as it
 * loads through ts-require.cjs: no build needed) on the database of `share`, with its
 * configuration (so the same signing secret: tokens made by `share.user()` are good on both) and
 * `config` on top. It runs the migrations as any instance does at start (already applied: none run).
 */
export async function startAppProcess(share: TestServer, config: Partial<AppConfig> = {}): Promise<AppProcess> {
  const child: ChildProcess = fork(CHILD_MAIN, [], {
    env: {
      ...process.env,
      APP_PROCESS_CONFIG: JSON.stringify({ ...share.config, ...config }),
      APP_PROCESS_CLOCK: share.clock.now().toISOString(),
    },
    execArgv: ["--require", TS_REQUIRE, "--enable-source-maps"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type === "failed") reject(new Error(`the app process could not start: ${m.message}`));
        if (m.type === type) {
          child.off("message", onMessage);
          resolve(m as T);
        }
      };
      child.on("message", onMessage);
      void exited.then((code) => reject(new Error(`the app process exited (${code}) while waiting for "${type}"`)));
    });
  const { url } = await next<{ url: string }>("ready");
  const wsUrl = url.replace(/^http/, "ws");
  const clients: Client[] = [];
  return {
    url,
    wsUrl,
    pid: child.pid!,
    async gql(query, variables, token) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { ...((await response.json()) as GraphQLResponse), status: response.status };
    },
    ws(token) {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0, lazy: true });
      clients.push(client);
      return client;
    },
    async setClock(at) {
      const done = next("clock-set");
      child.send({ type: "clock", at: at.toISOString() });
      await done;
    },
    async stop() {
      await Promise.allSettled(clients.map((c) => c.dispose()));
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: "stop" });
      const killed = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killed);
    },
  };
}
