import type { ApolloServerPlugin } from "@apollo/server";
import pino, { type Logger } from "pino";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { DataSource } from "typeorm";

/** Keys whose values never reach a log line, at any depth: passwords, tokens, secrets, credit codes. */
const SECRET_KEY = /password|token|secret|authorization|cookie|creditcode/i;

/**
 * A copy with every secret-named value censored, however deep (pino's own redaction paths reach
 * one level: `variables.input.password` got through). Errors are left to pino's serializer.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || value instanceof Error || value instanceof Date || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = SECRET_KEY.test(key) ? "[redacted]" : redactSecrets(item, depth + 1);
  return copy;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: undefined, formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> } }, destination);
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
  readonly callerIdentification = new Counter({
    name: "caller_identification_total",
    help: "Requests and sockets by how the caller was identified: signed_in, anonymous, bad_token, inactive_user, database_unavailable, error",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  /** Operation names seen so far as labels: a client chooses them, so their number is capped. */
  private readonly operationNames = new Set<string>();

  constructor(dataSource: DataSource, private readonly maxOperationNames = 100) {
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

  /**
   * The label for an operation: its name only once it passed validation (a document that never
   * resolved to an operation is `invalid`), the first maxOperationNames distinct names as they
   * are, any later one `other`; so the series stay bounded whatever clients send.
   */
  operationLabel(resolved: boolean, name: string | null | undefined): string {
    if (!resolved) return "invalid";
    if (!name) return "anonymous";
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= this.maxOperationNames) return "other";
    this.operationNames.add(name);
    return name;
  }
}

/**
 * Logs a recurring failure once per interval instead of once per occurrence (a database outage
 * fails every request), with how many were left out since the last line.
 */
export class ThrottledLog {
  private lastAt = new Map<string, number>();
  private suppressed = new Map<string, number>();

  constructor(private readonly intervalMs = 60_000) {}

  /** Calls write with the number suppressed since the last line, or does nothing within the interval. */
  maybe(kind: string, write: (suppressed: number) => void): void {
    const now = Date.now();
    const last = this.lastAt.get(kind);
    if (last !== undefined && now - last < this.intervalMs) {
      this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
      return;
    }
    this.lastAt.set(kind, now);
    const suppressed = this.suppressed.get(kind) ?? 0;
    this.suppressed.set(kind, 0);
    write(suppressed);
  }
}

/** One log line and the metrics per GraphQL operation: request id, name, duration, error codes. */
export function observabilityPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<{ requestId?: string }> {
  const databaseLog = new ThrottledLog();
  return {
    async requestDidStart({ contextValue, request }) {
      const started = process.hrtime.bigint();
      if (logger.isLevelEnabled("debug")) {
        // what was asked, for tracing a problem; secrets are censored by the logger at any depth
        logger.debug({ requestId: contextValue.requestId, query: request.query, variables: request.variables, headers: Object.fromEntries(request.http?.headers ?? []) }, "graphql request");
      }
      return {
        async willSendResponse({ response, errors, operation: resolved, operationName }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = metrics.operationLabel(resolved !== undefined, operationName);
          const body = response.body.kind === "single" ? response.body.singleResult : undefined;
          // the formatted errors carry the codes clients see
          const seen = body?.errors ?? errors ?? [];
          const codes = [...new Set(seen.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR")))];
          if (codes.includes("SERVICE_UNAVAILABLE")) {
            // a resolver found the database unreachable: the whole answer is an outage, not a result
            response.http.status = 503;
            databaseLog.maybe("database", (suppressed) => logger.error({ requestId: contextValue.requestId, suppressed }, "database unavailable during a request"));
          }
          metrics.requests.inc({ operation, outcome: codes.length ? codes[0] : "ok" });
          metrics.latency.observe({ operation }, seconds);
          logger.info({ requestId: contextValue.requestId, operation, durationMs: Math.round(seconds * 1000 * 10) / 10, errorCodes: codes.length ? codes : undefined }, "graphql");
        },
      };
    },
  };
}
