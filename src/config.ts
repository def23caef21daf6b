import path from "node:path";

/** The languages messages are written in: 简体中文 (the default) and English. */
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** A locale as given in DEFAULT_LOCALE or connectionParams.locale (case-insensitive), or undefined. */
export function parseLocale(raw: unknown): Locale | undefined {
  if (typeof raw !== "string") return undefined;
  return LOCALES.find((locale) => locale.toLowerCase() === raw.trim().toLowerCase());
}

export const GRAPHQL_ENGINES = ["jit", "graphql-js"] as const;
export type GraphqlEngine = (typeof GRAPHQL_ENGINES)[number];

/** Every environment variable the service reads, validated once at start. */
export interface AppConfig {
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  /** mysql://user:pass@host:port/db selects MySQL/MariaDB; unset means the embedded SQLite file. */
  databaseUrl?: string;
  redisUrl?: string;
  jwtSecret?: string;
  /** Token lifetime in seconds. */
  jwtTtlSeconds: number;
  /** SESSION_MAX_AGE_HOURS: how long a sign-in lasts at most; renewToken extends a session up to this, counted from the sign-in with a password. */
  sessionMaxAgeHours: number;
  /** LINK_TTL_SECONDS: how long a signed download link (downloadUrl, pdfUrl) works; never past the session token's expiry. */
  linkTtlSeconds: number;
  /** EXPORT_MAX_ROWS: the most rows one Excel ledger (GET /exports/*.xlsx) lists; past it the ledger says so and stops. */
  exportMaxRows: number;
  /** EXPORT_PAGE_SIZE: rows one ledger reads per keyset page (one SELECT) while it streams. */
  exportPageSize: number;
  migrateOnStart: boolean;
  /** Seed the demo set into a fresh embedded database; a DATABASE_URL deployment never seeds by itself. */
  seedDemo: boolean;
  shutdownTimeoutMs: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  loginMaxFailuresPerAddress: number;
  /** Failed sign-ins are a security log: kept this long (网络安全法 art. 21: at least six months, so 180 is also the least), then deleted. */
  loginFailureRetentionDays: number;
  /** Board changes are kept this long for boardChangesSince (clients catching up after a reconnect), then pruned; an older catch-up answers resetRequired. */
  boardChangesRetentionHours: number;
  introspection: boolean;
  /** Serve the GraphiQL IDE (bundled, no CDN) at GET /graphql for browsers. */
  graphiql: boolean;
  /** CORS_ORIGINS: the exact origins (scheme://host[:port]) of browser apps on other origins allowed to call /graphql over HTTP and WebSocket; empty: the same origin only. */
  corsOrigins: string[];
  /** 交地同步开工: working days from land contract to construction start a project should stay within. */
  startPreparationTargetWorkingDays: number;
  /** Start preparation before the reform (90+ calendar days, about 60 working days): what "days earlier" compares with. */
  startPreparationBaselineWorkingDays: number;
  /** 竣工同步发证: working days from completion to certificate a project should stay within. */
  certificateTargetWorkingDays: number;
  /** Completion to certificate before the reform: what the saving compares with. */
  certificateBaselineWorkingDays: number;
  /** 预验同步试产: working days from pre-acceptance to trial production a project should stay within. */
  trialProductionTargetWorkingDays: number;
  /** Whole-process approval time before the reform, in working days. */
  approvalBaselineWorkingDays: number;
  /** The cut of whole-process approval time against the baseline the district aims for, in percent. */
  approvalCutTargetPercent: number;
  /** Trial production before the reform, in working days from construction start: the fallback baseline of 预验同步试产. */
  trialProductionBaselineWorkingDays: number;
  /** The day the reform began (REFORM_START_ON, YYYY-MM-DD): projects finished before it count for the baselines; unset, only projects that never took the fast track do. */
  reformStartOn: string | null;
  /** The least number of projects a baseline is computed from; with fewer, the configured baseline is used. */
  baselineMinProjects: number;
  maxQueryDepth: number;
  maxQueryCost: number;
  /** Aliased fields one operation may hold (graphql-armor); each alias runs its field again. */
  maxQueryAliases: number;
  maxBatchOperations: number;
  /** How long one HTTP request (a whole batch) may run resolvers before the rest are refused with REQUEST_TIMEOUT; 0 turns it off. */
  requestTimeoutMs: number;
  /** GRAPHQL_ENGINE: how HTTP operations execute; `jit` compiles each document with graphql-jit (graphql-js where it cannot), `graphql-js` interprets every request. */
  graphqlEngine: GraphqlEngine;
  metrics: boolean;
  /** When set, /metrics answers only `Authorization: Bearer <token>`; unset, only loopback clients. */
  metricsToken?: string;
  /** Distinct operation names kept as metric labels; later ones are counted as `other`. */
  metricsMaxOperationNames: number;
  /** Points a credit record of each severity (MINOR, GENERAL, SERIOUS) weighs. */
  creditPoints: [number, number, number];
  /** Active points from which each measure applies: KEY_ATTENTION … MARKET_BAN. */
  creditThresholds: [number, number, number, number, number];
  /** Days a record of each severity stays active before it lapses (credit repair). */
  creditPeriodDays: [number, number, number];
  /** Months after signing by which a fast-track project must hold its construction permit. */
  circuitBreakerMonths: number;
  /** 前台综合受理: the code of the department whose cadres take applications in and route them. */
  frontDeskDepartment: string;
  /** Days a suspended project has to rectify. */
  rectificationDays: number;
  /** Days between inspections for LOW, MEDIUM and HIGH risk. */
  inspectionIntervalDays: [number, number, number];
  /** How often the deadline sweep runs inside the server; 0 turns it off. */
  sweepIntervalMs: number;
  logLevel: string;
  /** How many unfinished (CLAIMED or SUBMITTED) board tasks one cadre may hold. */
  taskClaimLimit: number;
  /** 容缺: the latest promised supply date of a deferred item, in days after admission. */
  deferralMaxDays: number;
  /** Prefix of every Redis pub/sub channel, so several deployments (or test runs) can share one Redis. */
  redisChannelPrefix: string;
  /** How often open WebSockets are checked for an expired token (closed 4401) or a deactivated user (closed 4403), in ms; at least 100. */
  wsSessionCheckMs: number;
  /** How often the in-server SLA checker runs; 0 turns it off. */
  slaCheckIntervalMs: number;
  /** A RESOLVED service ticket the raiser has not confirmed closes itself after this many hours. */
  ticketAutoCloseHours: number;
  /** Hours to acknowledge and to resolve a service ticket, per stage. */
  ticketSla: Record<TicketSlaStage, { ackHours: number; resolveHours: number }>;
  /** The language of messages (errors) for a request whose Accept-Language (or connectionParams.locale) names neither: zh-CN or en. */
  defaultLocale: Locale;
  /** FILE_STORE: where uploaded files live: `local` (under DATA_DIR/files) or `s3` (S3-compatible object storage, shared by every instance). */
  fileStore: FileStoreKind;
  /** S3_*: the bucket of FILE_STORE=s3 (endpoint and bucket required then). The secret is never logged or answered. */
  s3: S3Config;
  /** FILE_MAX_BYTES: the largest file one upload may carry. */
  fileMaxBytes: number;
  /** UPLOADS_PER_HOUR: uploads one user may make in an hour (counted in the database, across instances). */
  uploadsPerHour: number;
  /** UNATTACHED_UPLOAD_BYTES_PER_USER: bytes one user may hold in uploads not yet attached to a record. */
  unattachedUploadBytesPerUser: number;
  /**
   * WEBHOOK_ALLOWED_HOSTS: the hosts webhooks may be sent to, lower-case: `host`, `*.suffix` (any
   * name under the suffix, not the suffix itself), each optionally `:port` (without one, any port).
   * Empty: no webhook can be created, and none is sent.
   */
  webhookAllowedHosts: string[];
  /** WEBHOOK_TIMEOUT_MS: how long one webhook request may take before it counts as failed. */
  webhookTimeoutMs: number;
  /** WEBHOOK_RETRY_HOURS: how long after its event a delivery is retried before it is FAILED. */
  webhookRetryHours: number;
  /** WEBHOOK_RETRY_BASE_MS: the wait after a delivery's first failed attempt, doubling with each further one (at most an hour). */
  webhookRetryBaseMs: number;
  /** WEBHOOK_POLL_INTERVAL_MS: how often the relay and deliverer run inside the server (besides being woken by each new event); 0 turns both off. */
  webhookPollIntervalMs: number;
}

export type FileStoreKind = "local" | "s3";

export interface S3Config {
  endpoint?: string;
  bucket?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** S3_FORCE_PATH_STYLE: bucket in the path (http://host/bucket/key), as most self-hosted stores want; default true. */
  forcePathStyle: boolean;
}

export const TICKET_SLA_STAGES = ["PRE_DIAGNOSIS", "GUIDANCE", "CONSULTATION", "EMERGENCY"] as const;
export type TicketSlaStage = (typeof TICKET_SLA_STAGES)[number];
/** Default SLA hours per stage: 急诊 answers within 2 hours and is resolved within 3 days. */
const DEFAULT_TICKET_SLA: Record<TicketSlaStage, { ackHours: number; resolveHours: number }> = {
  PRE_DIAGNOSIS: { ackHours: 24, resolveHours: 240 },
  GUIDANCE: { ackHours: 24, resolveHours: 120 },
  CONSULTATION: { ackHours: 8, resolveHours: 168 },
  EMERGENCY: { ackHours: 2, resolveHours: 72 },
};

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/** A comma-separated list of positive integers with exactly as many entries as the default. */
function ints<T extends number[]>(env: NodeJS.ProcessEnv, name: string, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const values = raw.split(",").map((v) => Number(v.trim()));
  if (values.length !== fallback.length || values.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ConfigError(`${name} must be ${fallback.length} comma-separated integers, got "${raw}"`);
  }
  return values as T;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "no", "off"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function localDate(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) || new Date(`${raw}T00:00:00Z`).toISOString().slice(0, 10) !== raw) {
    throw new ConfigError(`${name} must be a date YYYY-MM-DD, got "${raw}"`);
  }
  return raw;
}

function departmentCode(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[A-Z][A-Z0-9_]{1,31}$/.test(raw)) throw new ConfigError(`${name} must be a department code (2-32 upper-case letters, digits or underscores), got "${raw}"`);
  return raw;
}

/** A comma-separated list of exact origins, each as a browser sends it in its Origin header (no path, no trailing slash, no wildcard). */
function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return [];
  return raw
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      let url: URL | undefined;
      try {
        url = new URL(entry);
      } catch {
        url = undefined;
      }
      if (url && (url.protocol === "http:" || url.protocol === "https:") && url.origin === entry) return entry;
      const hint = url && (url.protocol === "http:" || url.protocol === "https:") ? ` (did you mean "${url.origin}"?)` : "";
      throw new ConfigError(`${name} must be comma-separated origins such as https://app.example.gov.cn (scheme, host and port only, as a browser sends them), got "${entry}"${hint}`);
    });
}

function locale(env: NodeJS.ProcessEnv, name: string, fallback: Locale): Locale {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const parsed = parseLocale(raw);
  if (!parsed) throw new ConfigError(`${name} must be zh-CN or en, got "${raw}"`);
  return parsed;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const nodeEnv = env.NODE_ENV || "development";
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^(mysql|mariadb):\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must be mysql://user:pass@host:port/db (MySQL 8 or MariaDB 10.11)");
  }
  if (env.JWT_SECRET !== undefined && env.JWT_SECRET.length > 0 && env.JWT_SECRET.length < 32) {
    throw new ConfigError("JWT_SECRET must be at least 32 characters");
  }
  const isProduction = nodeEnv === "production";
  const config: AppConfig = {
    isProduction,
    port: int(env, "PORT", 4000),
    host: env.HOST || "0.0.0.0",
    dataDir: path.resolve(env.DATA_DIR || "./data"),
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    jwtTtlSeconds: int(env, "JWT_TTL_SECONDS", 8 * 3600, 60),
    sessionMaxAgeHours: int(env, "SESSION_MAX_AGE_HOURS", 24, 1),
    linkTtlSeconds: int(env, "LINK_TTL_SECONDS", 600, 10),
    exportMaxRows: int(env, "EXPORT_MAX_ROWS", 50_000, 1),
    exportPageSize: int(env, "EXPORT_PAGE_SIZE", 500, 1),
    migrateOnStart: bool(env, "MIGRATE_ON_START", true),
    // production never loads the demo (its ADMIN password is public) unless asked in so many words
    seedDemo: !databaseUrl && bool(env, "SEED_DEMO", !isProduction),
    shutdownTimeoutMs: int(env, "SHUTDOWN_TIMEOUT_MS", 10_000),
    loginMaxFailures: int(env, "LOGIN_MAX_FAILURES", 10, 1),
    loginWindowMinutes: int(env, "LOGIN_WINDOW_MINUTES", 15, 1),
    loginMaxFailuresPerAddress: int(env, "LOGIN_MAX_FAILURES_PER_ADDRESS", 50, 1),
    loginFailureRetentionDays: int(env, "LOGIN_FAILURE_RETENTION_DAYS", 180, 180),
    boardChangesRetentionHours: int(env, "BOARD_CHANGES_RETENTION_HOURS", 24, 1),
    introspection: bool(env, "INTROSPECTION", !isProduction),
    graphiql: bool(env, "GRAPHIQL", !isProduction),
    corsOrigins: origins(env, "CORS_ORIGINS"),
    startPreparationTargetWorkingDays: int(env, "START_PREPARATION_TARGET_WORKING_DAYS", 15, 1),
    startPreparationBaselineWorkingDays: int(env, "START_PREPARATION_BASELINE_WORKING_DAYS", 60, 1),
    certificateTargetWorkingDays: int(env, "CERTIFICATE_TARGET_WORKING_DAYS", 20, 1),
    certificateBaselineWorkingDays: int(env, "CERTIFICATE_BASELINE_WORKING_DAYS", 30, 1),
    trialProductionTargetWorkingDays: int(env, "TRIAL_PRODUCTION_TARGET_WORKING_DAYS", 10, 1),
    approvalBaselineWorkingDays: int(env, "APPROVAL_BASELINE_WORKING_DAYS", 60, 1),
    approvalCutTargetPercent: int(env, "APPROVAL_CUT_TARGET_PERCENT", 30, 0),
    // 竣工后才试产 used to mean construction plus acceptance: about 14 months, some 280 working days
    trialProductionBaselineWorkingDays: int(env, "TRIAL_PRODUCTION_BASELINE_WORKING_DAYS", 280, 1),
    reformStartOn: localDate(env, "REFORM_START_ON"),
    baselineMinProjects: int(env, "BASELINE_MIN_PROJECTS", 5, 1),
    maxQueryDepth: int(env, "MAX_QUERY_DEPTH", 12, 1),
    maxQueryCost: int(env, "MAX_QUERY_COST", 20_000, 1),
    maxQueryAliases: int(env, "MAX_QUERY_ALIASES", 30),
    maxBatchOperations: int(env, "MAX_BATCH_OPERATIONS", 10, 1),
    requestTimeoutMs: int(env, "REQUEST_TIMEOUT_MS", 10_000),
    graphqlEngine: graphqlEngine(env, "GRAPHQL_ENGINE"),
    metrics: bool(env, "METRICS", true),
    metricsToken: env.METRICS_TOKEN || undefined,
    metricsMaxOperationNames: int(env, "METRICS_MAX_OPERATION_NAMES", 100, 1),
    creditPoints: ints(env, "CREDIT_POINTS", [1, 2, 5]),
    creditThresholds: ints(env, "CREDIT_THRESHOLDS", [1, 3, 5, 8, 12]),
    creditPeriodDays: ints(env, "CREDIT_PERIOD_DAYS", [180, 365, 1095]),
    circuitBreakerMonths: int(env, "CIRCUIT_BREAKER_MONTHS", 6, 1),
    frontDeskDepartment: departmentCode(env, "FRONT_DESK_DEPARTMENT", "GOV_SERVICES_DATA"),
    rectificationDays: int(env, "RECTIFICATION_DAYS", 60, 1),
    inspectionIntervalDays: ints(env, "INSPECTION_INTERVAL_DAYS", [180, 90, 30]),
    sweepIntervalMs: int(env, "SWEEP_INTERVAL_MS", 5 * 60_000),
    logLevel: env.LOG_LEVEL || (nodeEnv === "test" ? "silent" : "info"),
    taskClaimLimit: int(env, "TASK_CLAIM_LIMIT", 5, 1),
    deferralMaxDays: int(env, "DEFERRAL_MAX_DAYS", 180, 1),
    redisChannelPrefix: env.REDIS_CHANNEL_PREFIX || "",
    slaCheckIntervalMs: int(env, "SLA_CHECK_INTERVAL_MS", 60_000),
    wsSessionCheckMs: int(env, "WS_SESSION_CHECK_MS", 2_000, 100),
    ticketAutoCloseHours: int(env, "TICKET_AUTO_CLOSE_HOURS", 72, 1),
    // SLA_<STAGE>_ACK_HOURS and SLA_<STAGE>_RESOLVE_HOURS, e.g. SLA_EMERGENCY_ACK_HOURS=2.
    ticketSla: Object.fromEntries(
      TICKET_SLA_STAGES.map((stage) => [
        stage,
        {
          ackHours: int(env, `SLA_${stage}_ACK_HOURS`, DEFAULT_TICKET_SLA[stage].ackHours, 1),
          resolveHours: int(env, `SLA_${stage}_RESOLVE_HOURS`, DEFAULT_TICKET_SLA[stage].resolveHours, 1),
        },
      ]),
    ) as AppConfig["ticketSla"],
    defaultLocale: locale(env, "DEFAULT_LOCALE", "zh-CN"),
    fileStore: fileStoreKind(env, "FILE_STORE"),
    s3: {
      endpoint: env.S3_ENDPOINT || undefined,
      bucket: env.S3_BUCKET || undefined,
      region: env.S3_REGION || "us-east-1",
      accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: bool(env, "S3_FORCE_PATH_STYLE", true),
    },
    // sizes are stored in an INTEGER column: at most 2 GiB - 1
    fileMaxBytes: Math.min(int(env, "FILE_MAX_BYTES", 50 * 1024 * 1024, 1), 2 ** 31 - 1),
    uploadsPerHour: int(env, "UPLOADS_PER_HOUR", 120, 1),
    unattachedUploadBytesPerUser: int(env, "UNATTACHED_UPLOAD_BYTES_PER_USER", 500 * 1024 * 1024, 1),
    webhookAllowedHosts: hostPatterns(env, "WEBHOOK_ALLOWED_HOSTS"),
    webhookTimeoutMs: int(env, "WEBHOOK_TIMEOUT_MS", 10_000, 100),
    webhookRetryHours: int(env, "WEBHOOK_RETRY_HOURS", 24, 1),
    webhookRetryBaseMs: int(env, "WEBHOOK_RETRY_BASE_MS", 30_000, 100),
    webhookPollIntervalMs: int(env, "WEBHOOK_POLL_INTERVAL_MS", 5_000),
    ...overrides,
  };
  if (config.fileStore === "s3") {
    if (!config.s3.endpoint) throw new ConfigError("FILE_STORE=s3 needs S3_ENDPOINT (e.g. https://obs.example.gov.cn)");
    if (!/^https?:\/\/[^/]/.test(config.s3.endpoint)) throw new ConfigError(`S3_ENDPOINT must be an http(s) URL, got "${config.s3.endpoint}"`);
    if (!config.s3.bucket) throw new ConfigError("FILE_STORE=s3 needs S3_BUCKET");
  }
  return config;
}

const HOST_PATTERN = /^(?<host>(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(?<port>\d{1,5}))?$/;

/** One lower-case host pattern (`host`, `*.suffix`, `[ipv6]`, each optionally `:port`) as its host and port ("" for any port), or null if it is none. */
export function parseHostPattern(entry: string): { host: string; port: string } | null {
  const groups = HOST_PATTERN.exec(entry)?.groups;
  if (!groups) return null;
  const port = groups.port ?? "";
  return port && (Number(port) < 1 || Number(port) > 65535) ? null : { host: groups.host, port };
}

/** A comma-separated list of host patterns (parseHostPattern); lower-cased. */
function hostPatterns(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return [];
  return raw
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .map((entry) => {
      if (!parseHostPattern(entry)) {
        throw new ConfigError(`${name} must be comma-separated host names such as hooks.example.gov.cn, *.example.gov.cn or 10.0.0.5:8443 (no scheme, no path), got "${entry}"`);
      }
      return entry;
    });
}

function graphqlEngine(env: NodeJS.ProcessEnv, name: string): GraphqlEngine {
  const raw = env[name];
  if (raw === undefined || raw === "") return "jit";
  const engine = GRAPHQL_ENGINES.find((known) => known === raw);
  if (!engine) throw new ConfigError(`${name} must be ${GRAPHQL_ENGINES.join(" or ")}, got "${raw}"`);
  return engine;
}

function fileStoreKind(env: NodeJS.ProcessEnv, name: string): FileStoreKind {
  const raw = env[name];
  if (raw === undefined || raw === "") return "local";
  if (raw === "local" || raw === "s3") return raw;
  throw new ConfigError(`${name} must be local or s3, got "${raw}"`);
}
