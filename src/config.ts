import path from "node:path";

/** Every environment variable the service reads, validated once at start. */
export interface AppConfig {
  nodeEnv: string;
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
  migrateOnStart: boolean;
  /** Seed the demo set into a fresh embedded database; a DATABASE_URL deployment never seeds by itself. */
  seedDemo: boolean;
  shutdownTimeoutMs: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  loginMaxFailuresPerAddress: number;
  introspection: boolean;
  /** Serve the GraphiQL IDE (bundled, no CDN) at GET /graphql for browsers. */
  graphiql: boolean;
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
  maxQueryDepth: number;
  maxQueryCost: number;
  maxBatchOperations: number;
  metrics: boolean;
  logLevel: string;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "no", "off"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
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
    nodeEnv,
    isProduction,
    port: int(env, "PORT", 4000),
    host: env.HOST || "0.0.0.0",
    dataDir: path.resolve(env.DATA_DIR || "./data"),
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    jwtTtlSeconds: int(env, "JWT_TTL_SECONDS", 8 * 3600, 60),
    migrateOnStart: bool(env, "MIGRATE_ON_START", true),
    seedDemo: !databaseUrl && bool(env, "SEED_DEMO", true),
    shutdownTimeoutMs: int(env, "SHUTDOWN_TIMEOUT_MS", 10_000),
    loginMaxFailures: int(env, "LOGIN_MAX_FAILURES", 10, 1),
    loginWindowMinutes: int(env, "LOGIN_WINDOW_MINUTES", 15, 1),
    loginMaxFailuresPerAddress: int(env, "LOGIN_MAX_FAILURES_PER_ADDRESS", 50, 1),
    introspection: bool(env, "INTROSPECTION", !isProduction),
    graphiql: bool(env, "GRAPHIQL", !isProduction),
    startPreparationTargetWorkingDays: int(env, "START_PREPARATION_TARGET_WORKING_DAYS", 15, 1),
    startPreparationBaselineWorkingDays: int(env, "START_PREPARATION_BASELINE_WORKING_DAYS", 60, 1),
    certificateTargetWorkingDays: int(env, "CERTIFICATE_TARGET_WORKING_DAYS", 20, 1),
    certificateBaselineWorkingDays: int(env, "CERTIFICATE_BASELINE_WORKING_DAYS", 30, 1),
    trialProductionTargetWorkingDays: int(env, "TRIAL_PRODUCTION_TARGET_WORKING_DAYS", 10, 1),
    approvalBaselineWorkingDays: int(env, "APPROVAL_BASELINE_WORKING_DAYS", 60, 1),
    approvalCutTargetPercent: int(env, "APPROVAL_CUT_TARGET_PERCENT", 30, 0),
    maxQueryDepth: int(env, "MAX_QUERY_DEPTH", 12, 1),
    maxQueryCost: int(env, "MAX_QUERY_COST", 20_000, 1),
    maxBatchOperations: int(env, "MAX_BATCH_OPERATIONS", 10, 1),
    metrics: bool(env, "METRICS", true),
    logLevel: env.LOG_LEVEL || (nodeEnv === "test" ? "silent" : "info"),
    ...overrides,
  };
  return config;
}
