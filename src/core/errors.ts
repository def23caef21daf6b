import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { codeText } from "./i18n/codes";
import { valueLabel } from "./labels";
import type { Locale } from "./i18n/locale";
import { notFoundZh, protocolMessageZh, transitionZh, validationZh, type ConstraintFailure } from "./i18n/messages";

/** The stable codes a client may switch on. Domain modules add theirs here so the list stays one. */
export const ERROR_CODES = [
  "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "TOO_MANY_REQUESTS", "INVALID_TRANSITION",
  "TASK_ALREADY_CLAIMED", "TASK_LIMIT_REACHED", "NEGATIVE_LIST", "CREDIT_RESTRICTED", "NOT_YET_DUE", "CALENDAR_YEAR_UNKNOWN",
  "DEPENDENCY_NOT_MET", "START_NOT_PERMITTED", "DEFERRED_ITEMS_OUTSTANDING", "STOP_WORK_ORDER", "DECIDED_BY_APPLICATION",
  "SERVICE_UNAVAILABLE", "REQUEST_TIMEOUT", "INTERNAL_SERVER_ERROR",
  // uploads (POST /files): a file larger than FILE_MAX_BYTES (also the HTTP layer's own code), a type not accepted
  "PAYLOAD_TOO_LARGE", "UNSUPPORTED_FILE_TYPE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The codes Apollo, graphql-js and the query limits answer with, beside ours. */
export const PROTOCOL_CODES = [
  "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE", "QUERY_TOO_COMPLEX", "QUERY_TOO_DEEP",
  "QUERY_TOO_MANY_ALIASES",
] as const;

/** The codes the HTTP layer (server.ts) answers with before GraphQL runs. */
export const HTTP_CODES = ["BATCH_TOO_LARGE"] as const; // and PAYLOAD_TOO_LARGE, which uploads answer too (ERROR_CODES)

/** Every `extensions.code` a client can receive: the schema's `enum ErrorCode`. */
export const ANSWERED_CODES = [...ERROR_CODES, ...PROTOCOL_CODES, ...HTTP_CODES] as const;
export type AnsweredCode = (typeof ANSWERED_CODES)[number];

type Extra = Record<string, unknown>;

/**
 * An expected answer with a stable code (NOT_FOUND, TASK_ALREADY_CLAIMED, …), not a failure: it
 * records no stack trace. Capturing one, and formatting it when graphql-js wraps the error with
 * its path, was 11 % of the CPU of a refused claim; the code and message say what happened.
 * `message` is English (logs, `Accept-Language: en`); `zh` is what a zh-CN caller reads.
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  /** The message in Chinese (zh-CN); without one a zh-CN caller reads the code's message. */
  readonly zh: string | undefined;

  constructor(code: ErrorCode, message: string, zh: string, extra?: Extra);
  constructor(code: ErrorCode, message: string, extra?: Extra);
  constructor(code: ErrorCode, message: string, zhOrExtra?: string | Extra, extra: Extra = {}) {
    const zh = typeof zhOrExtra === "string" ? zhOrExtra : undefined;
    const extensions = typeof zhOrExtra === "object" ? zhOrExtra : extra;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, { extensions: { code, ...extensions } });
    Error.stackTraceLimit = limit;
    this.code = code;
    this.zh = zh;
    // Set, not defined: graphql-js reads it when it wraps the error with its path, and V8 formats
    // a captured stack when it is read or redefined, which cost as much as capturing it.
    this.stack = `AppError [${code}]: ${message}`;
  }
}

/** The optional Chinese message and extensions after an English one: (zh, extra) or (extra). */
const split = (zhOrExtra: string | Extra | undefined, extra: Extra): [string | undefined, Extra] =>
  typeof zhOrExtra === "string" ? [zhOrExtra, extra] : [undefined, zhOrExtra ?? extra];

export const unauthenticated = (message = "Sign in first: send Authorization: Bearer <token>", zh = "请先登录：请求需携带有效的登录凭证（Authorization: Bearer <token>）") =>
  new AppError("UNAUTHENTICATED", message, zh);

/** FORBIDDEN: forbidden(en, zh, extra), or forbidden(en, extra) (the Chinese then is the code's). */
export function forbidden(message?: string, zh?: string, extra?: Extra): AppError;
export function forbidden(message: string, extra: Extra): AppError;
export function forbidden(message = "You are not allowed to do this", zhOrExtra?: string | Extra, extra: Extra = {}): AppError {
  const [zh, extensions] = split(zhOrExtra, extra);
  return new AppError("FORBIDDEN", message, zh ?? "您没有权限执行此操作", extensions);
}

/** NOT_FOUND naming the entity and id; the Chinese names the entity in Chinese (i18n/messages ENTITY_NAMES). */
export const notFound = (entity: string, id: string) => new AppError("NOT_FOUND", `${entity} ${id} was not found`, notFoundZh(entity, id), { entity, id });

/** BAD_USER_INPUT naming the field: badInput(field, en, zh). */
export const badInput = (field: string, message: string, zh?: string) =>
  zh === undefined ? new AppError("BAD_USER_INPUT", message, { field }) : new AppError("BAD_USER_INPUT", message, zh, { field });

/** CONFLICT: conflict(en, zh, extra), or conflict(en, extra). */
export function conflict(message: string, zh: string, extra?: Extra): AppError;
export function conflict(message: string, extra?: Extra): AppError;
export function conflict(message: string, zhOrExtra?: string | Extra, extra: Extra = {}): AppError {
  const [zh, extensions] = split(zhOrExtra, extra);
  return zh === undefined ? new AppError("CONFLICT", message, extensions) : new AppError("CONFLICT", message, zh, extensions);
}

/** INVALID_TRANSITION naming both states; the Chinese names them by their labels (src/core/labels.ts). */
export const invalidTransition = (entity: string, from: string, to: string) =>
  new AppError("INVALID_TRANSITION", `${entity} cannot go from ${from} to ${to}`, transitionZh(entity, from, to), { from, to });

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
  new AppError("SERVICE_UNAVAILABLE", "The service cannot reach its database just now; try again shortly", "服务暂时无法访问数据库，请稍后重试", { retryAfterSeconds: 5, http: { status: 503 } });

/** graphql-js appends "Did you mean …?" to validation errors, naming fields even with introspection off. */
const SUGGESTION = /\s*Did you mean .*\?$/s;

/** Ours, and the codes Apollo and the query limits answer with; anything else is an internal failure. */
export const KNOWN_CODES: ReadonlySet<string> = new Set<string>([...ERROR_CODES.filter((code) => code !== "INTERNAL_SERVER_ERROR"), ...PROTOCOL_CODES]);

interface ValidationFailure {
  property: string;
  value?: unknown;
  target?: object;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

function firstFailure(errors: ValidationFailure[], prefix = ""): ConstraintFailure | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length) {
      const [key, message] = Object.entries(error.constraints)[0];
      return { field, property: error.property, key, message, value: error.value, target: error.target };
    }
    const nested = error.children && firstFailure(error.children, field);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Shapes every error a client sees: stable codes, the offending field for bad input, the message
 * in the request's locale (zh-CN unless asked otherwise: i18n/locale), and outside development
 * nothing of the server's insides (stack, SQL, driver messages).
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  exposeInternals: boolean,
  hideSuggestions: boolean,
  locale: Locale,
): GraphQLFormattedError {
  const zhCN = locale === "zh-CN";
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const extensions = { ...(formatted.extensions ?? {}) } as Record<string, unknown>;
  let code = String(extensions.code ?? "");
  let message = hideSuggestions ? formatted.message.replace(SUGGESTION, "") : formatted.message;
  if (!(original instanceof AppError) && isDatabaseUnavailable(original)) {
    const unavailable = serviceUnavailable();
    return { message: zhCN ? unavailable.zh! : unavailable.message, locations: formatted.locations, path: formatted.path, extensions: { code: unavailable.code, retryAfterSeconds: 5 } };
  }

  let zh: string | undefined;
  const validationErrors = (original as { extensions?: { validationErrors?: ValidationFailure[] } })?.extensions?.validationErrors
    ?? (extensions.validationErrors as ValidationFailure[] | undefined);
  if (validationErrors) {
    const failure = firstFailure(validationErrors);
    code = "BAD_USER_INPUT";
    if (failure) {
      extensions.field = failure.field;
      message = `Invalid ${failure.field}: ${failure.message}`;
      if (zhCN) zh = validationZh(failure);
    }
    delete extensions.validationErrors;
  }
  if (code === "UNAUTHORIZED") code = "FORBIDDEN"; // type-graphql's name for a role refusal
  const innerCode = (original as GraphQLError | undefined)?.extensions?.code;
  if (code === "GRAPHQL_VALIDATION_FAILED" && typeof innerCode === "string" && KNOWN_CODES.has(innerCode)) code = innerCode; // our own validation rules
  if (original instanceof AppError) {
    code = original.code;
    if (zhCN) zh = original.zh;
  }

  if (!KNOWN_CODES.has(code)) {
    // Unknown failure: driver errors, bugs. Keep details in development only.
    if (!exposeInternals) {
      return { message: zhCN ? codeText("INTERNAL_SERVER_ERROR")!.message : "Internal server error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
    code = "INTERNAL_SERVER_ERROR";
  }
  if (zhCN) message = zh ?? protocolMessageZh(code, message, extensions);
  extensions.code = code;
  if (!exposeInternals) delete extensions.stacktrace;
  return { ...formatted, message, extensions };
}

/** The Chinese label of an enum value (src/core/labels.ts), for a message's Chinese text; the value itself until one is registered. */
export const zhLabel = (enumName: string, value: string): string => valueLabel(enumName, value, "zh-CN");

/** The Chinese name of an input field path ("deferredItems.0.promisedBy" 容缺材料第 1 项的承诺补交日期), for a message's Chinese text. */
export { fieldLabel } from "./i18n/fields";

const IN_CHINESE = Symbol("the error shaped in zh-CN");
type ShapedInBoth = GraphQLFormattedError & { [IN_CHINESE]?: GraphQLFormattedError };

/**
 * Apollo's formatError hook, which is not told whose request it shapes: the error in English,
 * carrying its zh-CN shape (a symbol: never serialized) for errorLocalePlugin to choose from.
 * Chosen after the fact so that no AsyncLocalStorage holds the request's locale: its promise
 * hooks ran for every promise of the process (a third of a subscription event's fan-out time).
 */
export function formatErrorInBothLocales(formatted: GraphQLFormattedError, error: unknown, exposeInternals: boolean, hideSuggestions: boolean): GraphQLFormattedError {
  const english: ShapedInBoth = formatError(formatted, error, exposeInternals, hideSuggestions, "en");
  english[IN_CHINESE] = formatError(formatted, error, exposeInternals, hideSuggestions, "zh-CN");
  return english;
}

/**
 * Answers each operation's errors in its caller's locale (RequestContext.locale), from the two
 * shapes formatErrorInBothLocales made. `reached` learns each request it served, by its budget
 * (Apollo passes plugins a shallow copy of the context, which shares it), for the answers Apollo
 * gives before any plugin runs (refused requests, a failed sign-in): the HTTP layer puts those
 * in the locale itself.
 */
export function errorLocalePlugin(reached: WeakSet<object>): ApolloServerPlugin<{ locale: Locale; budget: object }> {
  return {
    async requestDidStart({ contextValue }) {
      reached.add(contextValue.budget);
      if (contextValue.locale !== "zh-CN") return {};
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === "single" && response.body.singleResult.errors) {
            response.body.singleResult.errors = response.body.singleResult.errors.map((error) => (error as ShapedInBoth)[IN_CHINESE] ?? error);
          }
        },
      };
    },
  };
}
