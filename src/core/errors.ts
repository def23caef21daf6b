import { GraphQLError, type GraphQLFormattedError } from "graphql";

/** The stable codes a client may switch on. Domain modules add theirs here so the list stays one. */
export const ERROR_CODES = [
  "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "TOO_MANY_REQUESTS", "INVALID_TRANSITION",
  "TASK_ALREADY_CLAIMED", "TASK_LIMIT_REACHED", "NEGATIVE_LIST", "CREDIT_RESTRICTED", "NOT_YET_DUE", "CALENDAR_YEAR_UNKNOWN",
  "DEPENDENCY_NOT_MET", "START_NOT_PERMITTED", "DEFERRED_ITEMS_OUTSTANDING", "STOP_WORK_ORDER", "DECIDED_BY_APPLICATION",
  "SERVICE_UNAVAILABLE", "REQUEST_TIMEOUT", "INTERNAL_SERVER_ERROR",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An expected answer with a stable code (NOT_FOUND, TASK_ALREADY_CLAIMED, …), not a failure: it
 * records no stack trace. Capturing one, and formatting it when graphql-js wraps the error with
 * its path, was 11 % of the CPU of a refused claim; the code and message say what happened.
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, { extensions: { code, ...extra } });
    Error.stackTraceLimit = limit;
    this.code = code;
    // Set, not defined: graphql-js reads it when it wraps the error with its path, and V8 formats
    // a captured stack when it is read or redefined, which cost as much as capturing it.
    this.stack = `AppError [${code}]: ${message}`;
  }
}

export const unauthenticated = (message = "Sign in first: send Authorization: Bearer <token>") =>
  new AppError("UNAUTHENTICATED", message);
export const forbidden = (message = "You are not allowed to do this", extra: Record<string, unknown> = {}) => new AppError("FORBIDDEN", message, extra);
export const notFound = (entity: string, id: string) => new AppError("NOT_FOUND", `${entity} ${id} was not found`, { entity, id });
export const badInput = (field: string, message: string) => new AppError("BAD_USER_INPUT", message, { field });
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new AppError("CONFLICT", message, extra);
export const invalidTransition = (entity: string, from: string, to: string) =>
  new AppError("INVALID_TRANSITION", `${entity} cannot go from ${from} to ${to}`, { from, to });

/**
 * Allowed transitions as data: checked in one place, answering INVALID_TRANSITION with both states.
 */
export function assertTransition<S extends string>(table: Record<S, readonly S[]>, entity: string, from: S, to: S): void {
  if (!table[from]?.includes(to)) throw invalidTransition(entity, from, to);
}

/** mysql2 codes for a server that cannot be reached or dropped the connection. */
const MYSQL_UNREACHABLE = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE",
  "PROTOCOL_CONNECTION_LOST", "PROTOCOL_SEQUENCE_TIMEOUT", "ER_CON_COUNT_ERROR", "ER_SERVER_SHUTDOWN", "POOL_CLOSED",
]);
/** SQLite result codes for a file that is locked, gone or failing underneath the process. */
const SQLITE_UNREACHABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|NOTADB|CORRUPT)/;

/**
 * Whether an error (or the driver error TypeORM or graphql-js wrapped in it) says the database
 * cannot be reached, as opposed to a query it refused: the first is an outage (503), the second
 * a bug (500).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current = error as { code?: unknown; fatal?: unknown; message?: unknown; driverError?: unknown; originalError?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = typeof current.code === "string" ? current.code : "";
    if (MYSQL_UNREACHABLE.has(code) || SQLITE_UNREACHABLE.test(code) || current.fatal === true) return true;
    // better-sqlite3 on a closed handle
    if (/database connection is not open/i.test(String(current.message ?? ""))) return true;
    current = (current.driverError ?? current.originalError ?? current.cause) as typeof current;
  }
  return false;
}

export const serviceUnavailable = () =>
  new AppError("SERVICE_UNAVAILABLE", "The service cannot reach its database just now; try again shortly", { retryAfterSeconds: 5, http: { status: 503 } });

/** graphql-js appends "Did you mean …?" to validation errors, naming fields even with introspection off. */
const SUGGESTION = /\s*Did you mean .*\?$/s;

/** Ours, and the codes Apollo and the query limits answer with; anything else is an internal failure. */
const KNOWN_CODES = new Set<string>([
  ...ERROR_CODES.filter((code) => code !== "INTERNAL_SERVER_ERROR"),
  "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE", "QUERY_TOO_COMPLEX", "QUERY_TOO_DEEP",
  "QUERY_TOO_MANY_ALIASES",
]);

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

function firstFailure(errors: ValidationFailure[], prefix = ""): { field: string; message: string } | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length) {
      return { field, message: Object.values(error.constraints)[0] };
    }
    const nested = error.children && firstFailure(error.children, field);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Shapes every error a client sees: stable codes, the offending field for bad input,
 * and outside development nothing of the server's insides (stack, SQL, driver messages).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, exposeInternals: boolean, hideSuggestions = false): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const extensions = { ...(formatted.extensions ?? {}) } as Record<string, unknown>;
  let code = String(extensions.code ?? "");
  let message = hideSuggestions ? formatted.message.replace(SUGGESTION, "") : formatted.message;
  if (!(original instanceof AppError) && isDatabaseUnavailable(original)) {
    const unavailable = serviceUnavailable();
    return { message: unavailable.message, locations: formatted.locations, path: formatted.path, extensions: { code: unavailable.code, retryAfterSeconds: 5 } };
  }

  const validationErrors = (original as { extensions?: { validationErrors?: ValidationFailure[] } })?.extensions?.validationErrors
    ?? (extensions.validationErrors as ValidationFailure[] | undefined);
  if (validationErrors) {
    const failure = firstFailure(validationErrors);
    code = "BAD_USER_INPUT";
    if (failure) {
      extensions.field = failure.field;
      message = `Invalid ${failure.field}: ${failure.message}`;
    }
    delete extensions.validationErrors;
  }
  if (code === "UNAUTHORIZED") code = "FORBIDDEN"; // type-graphql's name for a role refusal
  const innerCode = (original as GraphQLError | undefined)?.extensions?.code;
  if (code === "GRAPHQL_VALIDATION_FAILED" && typeof innerCode === "string" && KNOWN_CODES.has(innerCode)) code = innerCode; // our own validation rules
  if (original instanceof AppError) code = original.code;

  if (!KNOWN_CODES.has(code)) {
    // Unknown failure: driver errors, bugs. Keep details in development only.
    if (!exposeInternals) {
      return { message: "Internal server error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
    code = "INTERNAL_SERVER_ERROR";
  }
  extensions.code = code;
  if (!exposeInternals) delete extensions.stacktrace;
  return { ...formatted, message, extensions };
}
