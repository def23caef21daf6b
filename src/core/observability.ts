import type { ApolloServerPlugin } from "@apollo/server";
import pino, { type Logger } from "pino";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { DataSource } from "typeorm";

/** Keys that never reach a log line, wherever they appear. */
const REDACT = ["password", "token", "authorization", "creditCode", "*.password", "*.token", "*.authorization", "*.creditCode", "headers.authorization"];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: undefined, redact: { paths: REDACT, censor: "[redacted]" } }, destination);
}

/** Prometheus metrics of one app instance (its own registry, so several instances can share a process). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: "graphql_requests_total", help: "GraphQL operations by name and outcome", labelNames: ["operation", "outcome"], registers: [this.registry] });
  readonly latency = new Histogram({
    name: "graphql_request_duration_seconds",
    help: "GraphQL operation latency",
    labelNames: ["operation"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly subscriptions = new Gauge({ name: "graphql_ws_subscriptions", help: "Open WebSocket subscriptions", registers: [this.registry] });
  readonly sweepRuns = new Counter({ name: "sweep_runs_total", help: "Periodic checks and sweeps run", labelNames: ["sweep", "outcome"], registers: [this.registry] });

  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "db_pool_connections",
      help: "Database connections by state (SQLite has one)",
      labelNames: ["state"],
      registers: [this.registry],
      collect() {
        const pool = (dataSource.driver as { pool?: { _allConnections?: { length: number }; _freeConnections?: { length: number } } }).pool;
        if (!pool?._allConnections) {
          this.set({ state: "open" }, dataSource.isInitialized ? 1 : 0);
          return;
        }
        const all = pool._allConnections.length;
        const free = pool._freeConnections?.length ?? 0;
        this.set({ state: "open" }, all);
        this.set({ state: "in_use" }, all - free);
      },
    });
  }
}

/** One log line and the metrics per GraphQL operation: request id, name, duration, error codes. */
export function observabilityPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<{ requestId?: string }> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, response, errors, operationName }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = operationName ?? request.operationName ?? "anonymous";
          const body = response.body.kind === "single" ? response.body.singleResult : undefined;
          // the formatted errors carry the codes clients see
          const seen = body?.errors ?? errors ?? [];
          const codes = [...new Set(seen.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR")))];
          metrics.requests.inc({ operation, outcome: codes.length ? codes[0] : "ok" });
          metrics.latency.observe({ operation }, seconds);
          logger.info({ requestId: contextValue.requestId, operation, durationMs: Math.round(seconds * 1000 * 10) / 10, errorCodes: codes.length ? codes : undefined }, "graphql");
        },
      };
    },
  };
}
