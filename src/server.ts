import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import net from "node:net";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { ApolloServer, HeaderMap, type BaseContext } from "@apollo/server";
import cors from "cors";
import Negotiator from "negotiator";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { bearerToken, REFUSAL_REASONS, refusalReason, TOKEN_EXPIRED, type AuthUser } from "./core/auth";
import { RequestContext, type AppServices } from "./core/context";
import { compiledExecutionGateway } from "./core/compiled-execution";
import { AppError, errorLocalePlugin, formatError, formatErrorInBothLocales, isDatabaseUnavailable, serviceUnavailable } from "./core/errors";
import { HTTP_STATUS_OF_CODE, matchRoute, routesPath, type HttpRoute } from "./core/http-routes";
import { negotiateLocale, parseLocale, type Locale } from "./core/i18n/locale";
import { protocolMessageZh } from "./core/i18n/messages";
import { observabilityPlugin, ThrottledLog } from "./core/observability";
import { CLOSE_REFUSED, CLOSE_TOKEN_EXPIRED, WsSessions } from "./core/ws-sessions";
import { createOperationLimiter, queryLimitsPlugin } from "./core/query-limits";
import { RequestBudget, requestDeadlinePlugin } from "./core/request-budget";
import { accountService } from "./modules/accounts/account.service";
import { DEMO_PASSWORD } from "./demo/seed";

const GRAPHQL_PATH = "/graphql";

/** A browser navigating to /graphql (Accept: text/html, not JSON) gets the IDE instead of an API answer. */
const wantsHtml = (accept = "") => accept.includes("text/html") && !accept.includes("application/json") && !accept.includes("application/graphql-response+json");

/** The document GraphiQL opens with: how to sign in and where the token goes; with the demo set, runnable as it is. */
export function ideExample(demo: { username: string; password: string } | null): string {
  const { username, password } = demo ?? { username: "your.username", password: "your password" };
  // lines of at most 56 characters: the editor's width beside the answer pane
  return `# Fast-approval service API (双容双诺三同步)
#
# 1. Sign in (登录): run Login below. The run button
#    asks which operation; Ctrl-Enter runs the one
#    under the cursor.${
    demo
      ? `
#    Demo logins were printed when the server started,
#    all with this password: ${username} is the reform
#    office (ADMIN), cadre.* are officials (干部),
#    ent.* enterprises (企业).`
      : `
#    Use your own account (an ADMIN creates accounts
#    with createUser).`
  }
# 2. Copy data.login.token from the answer into the
#    Headers pane below (请求头) as
#      {"authorization": "Bearer <token>"}
#    Every request from this page then runs as that
#    user, subscriptions too: the WebSocket signs in
#    with the same header when it connects.
# 3. Run Me to see who you are. The Docs pane (top
#    left) describes every type, field and error code.

mutation Login {
  login(input: {
    username: ${JSON.stringify(username)}
    password: ${JSON.stringify(password)}
  }) {
    token
    expiresAt
    user { username name role }
  }
}

query Me {
  me {
    username name role
    department { name }
    enterprise { name }
  }
}
`;
}

const IDE_ENCODINGS = ["br", "gzip", "identity"] as const;
type IdeEncoding = (typeof IDE_ENCODINGS)[number];
const compressors: Record<Exclude<IdeEncoding, "identity">, (page: Buffer) => Promise<Buffer>> = {
  // quality 9: 5% larger than 11 and compressed in a tenth of the time (0.15 s against 2.5 s for 1.5 MB)
  br: (page) => promisify(zlib.brotliCompress)(page, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: page.length } }),
  gzip: (page) => promisify(zlib.gzip)(page, { level: 9 }),
};
/** The encoding to send: the client's choice by q-value, ties going to the smaller (negotiator 1's `preferred`, which its types predate). */
const ideEncodingOf = (req: http.IncomingMessage): IdeEncoding =>
  ((new Negotiator(req) as unknown as { encoding(available: readonly string[], options: { preferred: readonly string[] }): string | undefined }).encoding(IDE_ENCODINGS, { preferred: IDE_ENCODINGS }) as IdeEncoding | undefined) ?? "identity";

interface IdePage {
  identity: Buffer;
  /** Each encoding compressed once, on its first request (off the event loop), then served from memory. */
  encoded: Map<IdeEncoding, Promise<Buffer>>;
}
/** One page per example document: a process holds one, or two when test servers differ in demo data. */
const idePages = new Map<string, IdePage>();
let ideAssets: { css: string; scripts: string[] } | undefined;

/**
 * The GraphiQL IDE in one page: graphiql's bundle, React 18 and graphql-ws's browser build, inlined
 * from node_modules (no CDN: works on an offline intranet). Queries go over HTTP, subscriptions
 * over graphql-ws on the same URL, signed in with the Authorization header set in the IDE. It opens
 * on `example` (a new tab too) unless ?query= names a document; the Headers pane is open.
 */
function graphiqlPage(example: string): IdePage {
  const cached = idePages.get(example);
  if (cached) return cached;
  // read on first use: 1.5 MB most deployments never serve
  const asset = (pkg: string, file: string) =>
    fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file), "utf8").replaceAll("</script", "<\\/script");
  ideAssets ??= {
    css: asset("graphiql", "graphiql.min.css").replaceAll("</style", "<\\/style"),
    scripts: [
      asset("react", "umd/react.production.min.js"),
      asset("react-dom", "umd/react-dom.production.min.js"),
      asset("graphql-ws", "umd/graphql-ws.min.js"),
      asset("graphiql", "graphiql.min.js"),
    ],
  };
  const start = `
      const url = new URL(${JSON.stringify(GRAPHQL_PATH)}, location.href).href;
      // a socket signs in once, at connect: one per Authorization header the IDE sends
      const fetchers = new Map();
      const fetcher = (params, options) => {
        const headers = options?.headers ?? {};
        const authorization = headers.authorization ?? headers.Authorization ?? "";
        if (!fetchers.has(authorization)) {
          const connectionParams = authorization ? { authorization } : {};
          const wsClient = graphqlWs.createClient({ url: url.replace(/^http/, "ws"), lazy: true, connectionParams });
          fetchers.set(authorization, GraphiQL.createFetcher({ url, wsClient }));
        }
        return fetchers.get(authorization)(params, options);
      };
      const query = new URLSearchParams(location.search).get("query") ?? undefined;
      const defaultQuery = ${JSON.stringify(example).replaceAll("<", "\\u003c")};
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, { fetcher, query, defaultQuery, defaultEditorToolsVisibility: "headers" }),
      );`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fast-approval API</title>
<style>body { margin: 0; } #graphiql { height: 100vh; }</style>
<style>${ideAssets.css}</style>
</head>
<body>
<div id="graphiql"></div>
${[...ideAssets.scripts, start].map((script) => `<script>${script}</script>`).join("\n")}
</body>
</html>
`;
  const page: IdePage = { identity: Buffer.from(html, "utf8"), encoded: new Map() };
  idePages.set(example, page);
  return page;
}

/** The IDE page, compressed when Accept-Encoding allows (br before gzip), plain otherwise. */
async function sendIdePage(req: http.IncomingMessage, res: http.ServerResponse, example: string): Promise<void> {
  const page = graphiqlPage(example);
  const encoding = ideEncodingOf(req);
  let body = page.identity;
  if (encoding !== "identity") {
    if (!page.encoded.has(encoding)) {
      const compressed = compressors[encoding](page.identity);
      compressed.catch(() => page.encoded.delete(encoding));
      page.encoded.set(encoding, compressed);
    }
    body = await page.encoded.get(encoding)!;
  }
  const vary = res.getHeader("vary");
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": body.length,
    vary: vary ? `${vary}, Accept-Encoding` : "Accept-Encoding",
    ...(encoding !== "identity" ? { "content-encoding": encoding } : {}),
  });
  res.end(body);
}
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a stop keeps idle kept-alive connections open so their next request learns of it. */
const DRAIN_GRACE_MS = 1000;

export interface RunningServer {
  http: http.Server;
  stop(timeoutMs: number): Promise<void>;
}

/** An answer of the HTTP layer, before GraphQL runs: its message in English and in Chinese. */
class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly zh: string, readonly code = "BAD_REQUEST") {
    super(message);
  }
}

/**
 * The request body, refused with 413 past MAX_BODY_BYTES: at once when Content-Length says so,
 * else as soon as the streamed body passes the limit. The rest is not read; the 413 answer
 * closes the connection.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`, `请求内容超过 ${MAX_BODY_BYTES} 字节的上限，请分批提交`, "PAYLOAD_TOO_LARGE");
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off("data", onData);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** An AppError's extensions (field, reason, …) for a plain route's answer; `http` is the server's, not the client's. */
const withoutHttp = ({ http: _http, ...extensions }: Record<string, unknown>) => extensions;

/** An error answer of the HTTP layer, in the request's locale: the Chinese, then the English for the developer. */
function errorBody(locale: Locale, code: string, message: string, zh: string, extensions: Record<string, unknown> = {}) {
  return { errors: [{ message: locale === "zh-CN" ? `${zh}（${message}）` : message, extensions: { ...extensions, code } }] };
}

/**
 * An answer Apollo gave before any plugin ran, in Chinese: a failed sign-in as formatError shaped
 * it in zh-CN (its Chinese message is the AppError's), any other error (Apollo's own refusals) by its code.
 */
function inChinese(body: string, signInRefusal: GraphQLFormattedError | undefined): string {
  const answer = JSON.parse(body) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  if (signInRefusal) {
    answer.errors = [signInRefusal as { message: string }];
  } else {
    for (const error of answer.errors ?? []) error.message = protocolMessageZh(String(error.extensions?.code ?? ""), error.message, error.extensions);
  }
  return `${JSON.stringify(answer)}\n`;
}

/** Failures that repeat with every request (an outage, a client retrying a dead token) log once a minute, per app. */
const throttledLogs = new WeakMap<AppServices, ThrottledLog>();
const throttledLogOf = (app: AppServices) => throttledLogs.get(app) ?? throttledLogs.set(app, new ThrottledLog(60_000)).get(app)!;

/**
 * The caller named by a bearer token, or null without one; a bad token is refused, never ignored.
 * Every outcome is counted; refusals and failures are logged (throttled), and a database that
 * cannot be reached answers SERVICE_UNAVAILABLE instead of an internal error.
 */
async function authenticate(signIns: RequestContext, header: string | undefined | null, link?: { token: string; path: string }): Promise<AuthUser | null> {
  const { metrics, logger } = signIns.app;
  const throttledLog = throttledLogOf(signIns.app);
  try {
    const token = link?.token ?? bearerToken(header);
    const user = token ? await accountService.authenticate(signIns, token, link?.path) : null;
    metrics.callerIdentification.inc({ outcome: user ? "signed_in" : "anonymous" });
    return user;
  } catch (error) {
    if (error instanceof AppError && error.code === "UNAUTHENTICATED") {
      metrics.callerIdentification.inc({ outcome: "refused" });
      throttledLog.maybe("refused", (suppressed) => logger.warn({ reason: error.message, suppressed }, "caller refused: bad, expired or revoked token"));
      throw error;
    }
    if (isDatabaseUnavailable(error)) {
      metrics.callerIdentification.inc({ outcome: "database_unavailable" });
      throttledLog.maybe("database", (suppressed) => logger.error({ err: error, suppressed }, "database unavailable while identifying the caller"));
      throw serviceUnavailable();
    }
    metrics.callerIdentification.inc({ outcome: "error" });
    logger.error({ err: error }, "identifying the caller failed");
    throw error;
  }
}

/** Request headers a browser app on an allowed origin may send (anything else fails its preflight). */
export const CORS_ALLOWED_HEADERS = ["authorization", "content-type", "apollo-require-preflight", "x-apollo-operation-name", "x-request-id", "accept-language"];
/** How long a browser may reuse a preflight answer: an origin removed from CORS_ORIGINS stops working within this. */
export const CORS_MAX_AGE_SECONDS = 600;

/** The origin is the server's own: its host (and port) is the Host header the request came with. */
const isSameOrigin = (origin: string, host: string | undefined) => {
  try {
    return !!host && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
};

/** Loopback addresses, IPv4 (also mapped into IPv6) and IPv6. */
export const isLoopback = (address: string | undefined) => !!address && (/^(::ffff:)?127\./.test(address) || address === "::1");

/**
 * /metrics: with METRICS_TOKEN, only `Authorization: Bearer <METRICS_TOKEN>` (compared in
 * constant time); without it, only clients on this machine. Returns the refusal's status, or 0.
 */
export function metricsRefusal(token: string | undefined, authorization: string | undefined, remoteAddress: string | undefined): 0 | 401 | 403 {
  if (!token) return isLoopback(remoteAddress) ? 0 : 403;
  const expected = createHash("sha256").update(`Bearer ${token}`).digest();
  const given = createHash("sha256").update(authorization ?? "").digest();
  return timingSafeEqual(expected, given) ? 0 : 401;
}

/** One node:http server: GraphQL over HTTP and WebSocket on /graphql, plus /healthz and /readyz. */
export async function createHttpServer(services: AppServices, schema: GraphQLSchema, routes: readonly HttpRoute[] = []): Promise<RunningServer> {
  const { config } = services;
  // One context for every sign-in: concurrent requests share its loader's batches.
  const signIns = RequestContext.system(services);
  const exposeInternals = !config.isProduction;
  const limitOperation = createOperationLimiter(schema, { maxDepth: config.maxQueryDepth, maxAliases: config.maxQueryAliases, maxCost: config.maxQueryCost });
  const wsRules = config.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  // over WebSocket the locale is the socket's: connectionParams.locale, else the upgrade request's Accept-Language
  const socketLocale = (ctx: { connectionParams?: Readonly<Record<string, unknown>>; extra: { request: http.IncomingMessage } }): Locale =>
    parseLocale(ctx.connectionParams?.locale) ?? negotiateLocale(ctx.extra.request.headers["accept-language"], config.defaultLocale);
  // errors onSubscribe shaped come through onError again: shaped once (a second pass would wrap the Chinese message again)
  const shaped = new WeakSet<GraphQLError>();
  const shapeErrors = (errors: readonly GraphQLError[], locale: Locale) =>
    errors.map((error) => {
      if (shaped.has(error)) return error;
      const formatted = formatError(error.toJSON(), error, exposeInternals, !config.introspection, locale);
      const result = new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions });
      shaped.add(result);
      return result;
    });
  // the requests (their budgets) whose errors errorLocalePlugin put in their locale
  const reachedPipeline = new WeakSet<object>();
  const apollo = new ApolloServer<RequestContext & BaseContext>({
    // jit: HTTP operations run compiled (compiled-execution.ts); Apollo's only hook for that is `gateway`
    ...(config.graphqlEngine === "jit" ? { gateway: compiledExecutionGateway(schema) } : { schema }),
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: exposeInternals,
    formatError: (formatted, error) => formatErrorInBothLocales(formatted, error, exposeInternals, !config.introspection),
    // the drain is ours (main.ts): Apollo's own handler stopped the server before it, answering 500s
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: true,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of answers (every answer depends on the caller); its per-field hook cost ~5% of a board page.
      ApolloServerPluginCacheControlDisabled(),
      // after graphql-js validation: limit analysis walking an invalid document (a fragment cycle) never ended
      queryLimitsPlugin(limitOperation),
      requestDeadlinePlugin(config.requestTimeoutMs),
      observabilityPlugin(services.logger, services.metrics),
      errorLocalePlugin(reachedPipeline),
    ],
  });
  await apollo.start();
  let stopping = false;
  // Browser apps on CORS_ORIGINS: their origin echoed with Vary: Origin, no credentials mode (the
  // token travels in Authorization, never in a cookie). CSRF prevention stays on for every request.
  const corsHeaders = cors({
    origin: config.corsOrigins,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: ["x-request-id"],
    maxAge: CORS_MAX_AGE_SECONDS,
  });
  const ideDocument = ideExample(config.seedDemo ? { username: "admin", password: DEMO_PASSWORD } : null);

  async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, url: URL, locale: Locale) {
    const method = (req.method ?? "GET").toUpperCase();
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    let body: unknown;
    if (method === "POST") {
      const text = await readBody(req);
      const contentType = headers.get("content-type") ?? "";
      if (contentType.includes("application/json") || contentType.includes("application/graphql-response+json")) {
        try {
          body = text.length ? JSON.parse(text) : undefined;
        } catch {
          throw new HttpError(400, "Request body is not valid JSON", "请求内容不是有效的 JSON");
        }
      } else {
        body = text;
      }
      if (Array.isArray(body) && body.length > config.maxBatchOperations) {
        throw new HttpError(400, `A batch may hold at most ${config.maxBatchOperations} operations`, `一次批量请求最多包含 ${config.maxBatchOperations} 个操作，本次有 ${body.length} 个`, "BATCH_TOO_LARGE");
      }
    }
    const requestId = headers.get("x-request-id") ?? randomUUID();
    let signInRefusal: GraphQLError | undefined;
    let created: RequestContext | undefined;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body },
      context: async () => {
        try {
          const user = await authenticate(signIns, headers.get("authorization"));
          return (created = RequestContext.create(services, user, requestId, req.socket.remoteAddress ?? null, locale)) as RequestContext & BaseContext;
        } catch (error) {
          if (error instanceof GraphQLError) {
            const http = (error.extensions.http as { status?: number } | undefined) ?? { status: 401 };
            // originalError: formatError answers with the AppError's code and its Chinese message
            throw (signInRefusal = new GraphQLError(error.message, { extensions: { ...error.extensions, http }, originalError: error }));
          }
          throw error;
        }
      },
    });
    // Apollo refused the request before any plugin ran (CSRF, a malformed request, a failed sign-in): its errors are in English
    if (locale === "zh-CN" && response.body.kind === "complete" && (response.status ?? 200) >= 400 && !(created && reachedPipeline.has(created.budget))) {
      response.body.string = inChinese(response.body.string, signInRefusal && formatError(signInRefusal.toJSON(), signInRefusal, exposeInternals, !config.introspection, "zh-CN"));
    }
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (stopping) res.setHeader("connection", "close");
    res.setHeader("x-request-id", requestId);
    if (response.body.kind === "complete") {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  /**
   * A plain route (http-routes.ts): the caller from `Authorization: Bearer`, or on GET from a
   * signed link's `access` parameter for exactly this path; a route refuses anonymous callers
   * itself where it must (a route may serve everyone, e.g. a public ledger).
   */
  async function handleRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL, locale: Locale) {
    const method = (req.method ?? "GET").toUpperCase();
    const matched = matchRoute(routes, method, url.pathname);
    if (!matched) {
      res.setHeader("allow", [...new Set(routes.filter((route) => route.path.test(url.pathname)).map((route) => route.method))].join(", "));
      return sendJson(res, 405, errorBody(locale, "BAD_REQUEST", `${method} is not served at ${url.pathname}`, `地址 ${url.pathname} 不支持 ${method} 请求`));
    }
    const requestId = (req.headers["x-request-id"] as string | undefined) ?? randomUUID();
    res.setHeader("x-request-id", requestId);
    const access = url.searchParams.get("access");
    const link = access && method === "GET" && !req.headers.authorization ? { token: access, path: url.pathname } : undefined;
    const user = await authenticate(signIns, req.headers.authorization, link);
    const ctx = RequestContext.create(services, user, requestId, req.socket.remoteAddress ?? null, locale);
    await matched.route.handle(ctx, { req, res, url, params: matched.params });
  }

  const server = http.createServer(serve);
  async function serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    // every answer of a request, GraphQL's and the HTTP layer's, in the locale it asks for
    const locale = negotiateLocale(req.headers["accept-language"], config.defaultLocale);
    try {
      const isGraphQL = url.pathname === GRAPHQL_PATH;
      if (isGraphQL || routesPath(routes, url.pathname)) {
        const origin = req.headers.origin;
        if (req.method === "OPTIONS" && origin && req.headers["access-control-request-method"] && !config.corsOrigins.includes(origin)) {
          res.setHeader("vary", "Origin");
          return sendJson(res, 403, errorBody(locale, "FORBIDDEN", `Origin ${origin} may not call this API from a browser; list it in CORS_ORIGINS`, `来源 ${origin} 不在允许的跨域来源（CORS_ORIGINS）之内，浏览器不能从该网页调用本接口`));
        }
        // an allowed preflight is answered here (204); anything else gets its CORS headers and goes on
        corsHeaders(req, res, () => {});
        if (res.writableEnded) return;
        if (stopping) {
          // draining: in-flight requests finish; a new one on a kept-alive connection goes elsewhere
          res.setHeader("connection", "close");
          res.setHeader("retry-after", "1");
          return sendJson(res, 503, errorBody(locale, "SERVICE_UNAVAILABLE", "The server is stopping; send the request again", "服务正在停止，请重新发送请求"));
        }
        if (!isGraphQL) return await handleRoute(req, res, url, locale);
        if (config.graphiql && req.method === "GET" && wantsHtml(req.headers.accept)) {
          return await sendIdePage(req, res, ideDocument);
        }
        return await handleGraphQL(req, res, url, locale);
      }
      if (url.pathname === "/metrics" && config.metrics) {
        const refusal = metricsRefusal(config.metricsToken, req.headers.authorization, req.socket.remoteAddress);
        if (refusal === 401) return sendJson(res, 401, errorBody(locale, "UNAUTHENTICATED", "/metrics needs Authorization: Bearer <METRICS_TOKEN>", "访问监控指标（/metrics）须携带 Authorization: Bearer <METRICS_TOKEN>"));
        if (refusal === 403) return sendJson(res, 403, errorBody(locale, "FORBIDDEN", "/metrics answers clients on this machine only; set METRICS_TOKEN to scrape it from elsewhere", "监控指标（/metrics）只对本机开放；如需从其他机器采集，请设置 METRICS_TOKEN"));
        res.writeHead(200, { "content-type": services.metrics.registry.contentType });
        return res.end(await services.metrics.registry.metrics());
      }
      if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
      if (url.pathname === "/readyz") {
        if (stopping) return sendJson(res, 503, { status: "stopping" });
        try {
          await services.dataSource.query("SELECT 1");
          return sendJson(res, 200, { status: "ready", database: services.dialect });
        } catch {
          return sendJson(res, 503, { status: "unavailable", database: services.dialect });
        }
      }
      sendJson(res, 404, errorBody(locale, "NOT_FOUND", `Nothing at ${url.pathname}; GraphQL is at ${GRAPHQL_PATH}`, `地址 ${url.pathname} 不存在；接口地址为 ${GRAPHQL_PATH}`));
    } catch (error) {
      if (res.headersSent) return res.destroy();
      if (error instanceof HttpError) {
        if (error.status === 413) res.setHeader("connection", "close");
        return sendJson(res, error.status, errorBody(locale, error.code, error.message, error.zh));
      }
      if (error instanceof AppError) {
        // the status an error names itself (SERVICE_UNAVAILABLE's 503, as over GraphQL), else its code's
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? HTTP_STATUS_OF_CODE[error.code] ?? 400;
        // a refused upload is not read to its end: the connection closes with the answer
        if (status === 413 || !req.complete) res.setHeader("connection", "close");
        return sendJson(res, status, errorBody(locale, error.code, error.message, error.zh ?? error.message, withoutHttp(error.extensions)));
      }
      if (exposeInternals) return sendJson(res, 500, errorBody(locale, "INTERNAL_SERVER_ERROR", String(error), "服务器内部错误"));
      sendJson(res, 500, { errors: [{ message: locale === "zh-CN" ? "服务器内部错误，请稍后重试；如持续出现请联系管理员" : "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    }
  }

  // a message is held whole in memory: the same bound as an HTTP body
  // Browsers apply no CORS to WebSockets: a page on any site could open one, so the upgrade checks
  // its Origin (the same origin or CORS_ORIGINS). No Origin is not a browser: let in, as over HTTP.
  const wsServer = new WebSocketServer({
    server,
    path: GRAPHQL_PATH,
    maxPayload: MAX_BODY_BYTES,
    verifyClient: ({ origin, req }, accept) => {
      if (!origin || config.corsOrigins.includes(origin) || isSameOrigin(origin, req.headers.host)) return accept(true);
      throttledLogOf(services).maybe("ws-origin", (suppressed) => services.logger.warn({ origin, suppressed }, "WebSocket refused: origin not in CORS_ORIGINS"));
      accept(false, 403, "Origin not allowed; list it in CORS_ORIGINS");
    },
  });
  const wsSessions = new WsSessions(services, {
    authenticate: (header) => authenticate(signIns, header),
    // every open socket's session in one statement
    states: async (tokens) => (await accountService.sessionStates(signIns, tokens)).map((check) => check.state),
  });
  const wsSubscriptions = new WeakMap<object, Set<string>>();
  const untrack = (extra: object, id?: string) => {
    const ids = wsSubscriptions.get(extra);
    if (!ids) return;
    for (const each of id ? [id] : [...ids]) if (ids.delete(each)) services.metrics.subscriptions.dec();
  };
  const graphqlWs = useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: http.IncomingMessage }>(
    {
      schema,
      // A refused token is refused at connect (4403: revoked, invalid, a deactivated user; 4401:
      // expired); no token connects for public operations only. A signed-in socket closes when its
      // token expires (4401), or its session is revoked or its user deactivated (4403; ws-sessions).
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          await wsSessions.open(ctx.extra.socket, typeof header === "string" ? header : null);
          return true;
        } catch (error) {
          // an expired token says so (4401, as on an open socket), a refused one why (4403); an outage is worth a retry (1013)
          const reason = refusalReason(error);
          if (reason === "TOKEN_EXPIRED") ctx.extra.socket.close(CLOSE_TOKEN_EXPIRED, TOKEN_EXPIRED);
          else if (reason) ctx.extra.socket.close(CLOSE_REFUSED, REFUSAL_REASONS[reason]);
          else if (error instanceof AppError && error.code === "SERVICE_UNAVAILABLE") ctx.extra.socket.close(1013, "Database unavailable; try again shortly");
          return false;
        }
      },
      // The same checks as over HTTP: validation (introspection off where it is), then depth, aliases
      // and cost. (REQUEST_TIMEOUT_MS is HTTP's: a subscription runs as long as the socket.)
      onSubscribe: async (ctx, id, payload) => {
        const refused = await wsSessions.recheck(ctx.extra.socket);
        if (refused) return shapeErrors(refused, socketLocale(ctx));
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return shapeErrors([new GraphQLError((error as Error).message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })], socketLocale(ctx));
        }
        const invalid = validate(schema, document, wsRules);
        if (invalid.length) return shapeErrors(invalid.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })), socketLocale(ctx));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return shapeErrors([new GraphQLError("Name the operation to run", { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } })], socketLocale(ctx));
        try {
          limitOperation(document, payload.operationName ?? undefined, payload.variables ?? undefined, new RequestBudget());
        } catch (error) {
          return shapeErrors([error as GraphQLError], socketLocale(ctx));
        }
        if (!wsSubscriptions.has(ctx.extra)) wsSubscriptions.set(ctx.extra, new Set());
        wsSubscriptions.get(ctx.extra)!.add(id);
        services.metrics.subscriptions.inc();
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      // errors of an event or of starting the subscription: shaped as over HTTP (codes, no internals, no suggestions)
      onNext: (ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: shapeErrors(result.errors, socketLocale(ctx)) } : undefined),
      onComplete: (ctx, id) => untrack(ctx.extra, id),
      onClose: (ctx) => {
        untrack(ctx.extra);
        wsSessions.closed(ctx.extra.socket);
      },
      context: (ctx) =>
        RequestContext.create(services, wsSessions.user(ctx.extra.socket), randomUUID(), ctx.extra.request.socket.remoteAddress ?? null, socketLocale(ctx)),
      onError: (ctx, _id, _payload, errors) => shapeErrors(errors, socketLocale(ctx)),
    },
    wsServer,
  );

  return {
    http: server,
    async stop(timeoutMs: number) {
      stopping = true;
      await wsSessions.stop();
      for (const socket of wsServer.clients) socket.close(1001, "Server shutting down");
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => {
        // Idle kept-alive connections stay open for a moment: a client writing its next request on
        // one gets the 503 with Connection: close above (and goes elsewhere) instead of a reset.
        const idle = setTimeout(() => server.closeIdleConnections(), Math.min(DRAIN_GRACE_MS, timeoutMs));
        const force = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of wsServer.clients) socket.terminate();
        }, timeoutMs);
        // the listener only: http.Server#close would also drop every idle connection at once
        net.Server.prototype.close.call(server, () => {
          clearTimeout(idle);
          clearTimeout(force);
          resolve();
        });
      });
      wsServer.close();
      await apollo.stop();
    },
  };
}
