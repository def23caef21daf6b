import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import net from "node:net";
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { ApolloServer, HeaderMap, type BaseContext } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { bearerToken, TOKEN_EXPIRED, type AuthUser } from "./core/auth";
import { RequestContext, type AppServices } from "./core/context";
import { AppError, formatError, isDatabaseUnavailable, serviceUnavailable } from "./core/errors";
import { observabilityPlugin, ThrottledLog } from "./core/observability";
import { CLOSE_TOKEN_EXPIRED, WsSessions } from "./core/ws-sessions";
import { createOperationLimiter, queryLimitsPlugin } from "./core/query-limits";
import { RequestBudget, requestDeadlinePlugin } from "./core/request-budget";
import { accountService } from "./modules/accounts/account.service";

const GRAPHQL_PATH = "/graphql";

/** A browser navigating to /graphql (Accept: text/html, not JSON) gets the IDE instead of an API answer. */
const wantsHtml = (accept = "") => accept.includes("text/html") && !accept.includes("application/json") && !accept.includes("application/graphql-response+json");

let graphiqlHtml: string | undefined;
/**
 * The GraphiQL IDE in one page: graphiql's bundle, React 18 and graphql-ws's browser build, inlined
 * from node_modules (no CDN: works on an offline intranet). Queries go over HTTP, subscriptions
 * over graphql-ws on the same URL, signed in with the Authorization header set in the IDE.
 */
function graphiqlPage(): string {
  if (!graphiqlHtml) {
    // read on first use: 1.5 MB most deployments never serve
    const asset = (pkg: string, file: string) =>
      fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file), "utf8").replaceAll("</script", "<\\/script");
    const scripts = [
      asset("react", "umd/react.production.min.js"),
      asset("react-dom", "umd/react-dom.production.min.js"),
      asset("graphql-ws", "umd/graphql-ws.min.js"),
      asset("graphiql", "graphiql.min.js"),
    ];
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
      ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, { fetcher, query }));`;
    graphiqlHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fast-approval API</title>
<style>body { margin: 0; } #graphiql { height: 100vh; }</style>
<style>${asset("graphiql", "graphiql.min.css").replaceAll("</style", "<\\/style")}</style>
</head>
<body>
<div id="graphiql"></div>
${[...scripts, start].map((script) => `<script>${script}</script>`).join("\n")}
</body>
</html>
`;
  }
  return graphiqlHtml;
}
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a stop keeps idle kept-alive connections open so their next request learns of it. */
const DRAIN_GRACE_MS = 1000;

export interface RunningServer {
  http: http.Server;
  stop(timeoutMs: number): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code = "BAD_REQUEST") {
    super(message);
  }
}

/**
 * The request body, refused with 413 past MAX_BODY_BYTES: at once when Content-Length says so,
 * else as soon as the streamed body passes the limit. The rest is not read; the 413 answer
 * closes the connection.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  const tooLarge = () => new HttpError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`, "PAYLOAD_TOO_LARGE");
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

function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** Failures that repeat with every request (an outage, a client retrying a dead token) log once a minute, per app. */
const throttledLogs = new WeakMap<AppServices, ThrottledLog>();
const throttledLogOf = (app: AppServices) => throttledLogs.get(app) ?? throttledLogs.set(app, new ThrottledLog(60_000)).get(app)!;

/**
 * The caller named by a bearer token, or null without one; a bad token is refused, never ignored.
 * Every outcome is counted; refusals and failures are logged (throttled), and a database that
 * cannot be reached answers SERVICE_UNAVAILABLE instead of an internal error.
 */
async function authenticate(signIns: RequestContext, header: string | undefined | null): Promise<AuthUser | null> {
  const { metrics, logger } = signIns.app;
  const throttledLog = throttledLogOf(signIns.app);
  try {
    const token = bearerToken(header);
    const user = token ? await accountService.authenticate(signIns, token) : null;
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
export async function createHttpServer(services: AppServices, schema: GraphQLSchema): Promise<RunningServer> {
  const { config } = services;
  // One context for every sign-in: concurrent requests share its loader's batches.
  const signIns = RequestContext.system(services);
  const exposeInternals = !config.isProduction;
  const limitOperation = createOperationLimiter(schema, { maxDepth: config.maxQueryDepth, maxAliases: config.maxQueryAliases, maxCost: config.maxQueryCost });
  const wsRules = config.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const shapeErrors = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      const formatted = formatError(error.toJSON(), error, exposeInternals, !config.introspection);
      return new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions });
    });
  const apollo = new ApolloServer<RequestContext & BaseContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: exposeInternals,
    formatError: (formatted, error) => formatError(formatted, error, exposeInternals, !config.introspection),
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
    ],
  });
  await apollo.start();
  let stopping = false;

  async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
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
          throw new HttpError(400, "Request body is not valid JSON");
        }
      } else {
        body = text;
      }
      if (Array.isArray(body) && body.length > config.maxBatchOperations) {
        throw new HttpError(400, `A batch may hold at most ${config.maxBatchOperations} operations`, "BATCH_TOO_LARGE");
      }
    }
    const requestId = headers.get("x-request-id") ?? randomUUID();
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body },
      context: async () => {
        try {
          const user = await authenticate(signIns, headers.get("authorization"));
          return RequestContext.create(services, user, requestId, req.socket.remoteAddress ?? null) as RequestContext & BaseContext;
        } catch (error) {
          if (error instanceof GraphQLError) {
            const http = (error.extensions.http as { status?: number } | undefined) ?? { status: 401 };
            throw new GraphQLError(error.message, { extensions: { ...error.extensions, http } });
          }
          throw error;
        }
      },
    });
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

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (url.pathname === GRAPHQL_PATH) {
        if (stopping) {
          // draining: in-flight requests finish; a new one on a kept-alive connection goes elsewhere
          res.setHeader("connection", "close");
          res.setHeader("retry-after", "1");
          return sendJson(res, 503, errorBody("SERVICE_UNAVAILABLE", "The server is stopping; send the request again"));
        }
        if (config.graphiql && req.method === "GET" && wantsHtml(req.headers.accept)) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(graphiqlPage());
        }
        return await handleGraphQL(req, res, url);
      }
      if (url.pathname === "/metrics" && config.metrics) {
        const refusal = metricsRefusal(config.metricsToken, req.headers.authorization, req.socket.remoteAddress);
        if (refusal === 401) return sendJson(res, 401, errorBody("UNAUTHENTICATED", "/metrics needs Authorization: Bearer <METRICS_TOKEN>"));
        if (refusal === 403) return sendJson(res, 403, errorBody("FORBIDDEN", "/metrics answers clients on this machine only; set METRICS_TOKEN to scrape it from elsewhere"));
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
      sendJson(res, 404, errorBody("NOT_FOUND", `Nothing at ${url.pathname}; GraphQL is at ${GRAPHQL_PATH}`));
    } catch (error) {
      if (res.headersSent) return res.destroy();
      if (error instanceof HttpError) {
        if (error.status === 413) res.setHeader("connection", "close");
        return sendJson(res, error.status, errorBody(error.code, error.message));
      }
      sendJson(res, 500, errorBody("INTERNAL_SERVER_ERROR", exposeInternals ? String(error) : "Internal server error"));
    }
  });

  // a message is held whole in memory: the same bound as an HTTP body
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: MAX_BODY_BYTES });
  const wsSessions = new WsSessions(services, {
    authenticate: (header) => authenticate(signIns, header),
    activeUserIds: (userIds) => accountService.activeUserIds(signIns, userIds),
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
      // A bad token is refused at connect (4403); no token connects for public operations only.
      // A signed-in socket closes when its token expires or its user is deactivated (ws-sessions).
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          await wsSessions.open(ctx.extra.socket, typeof header === "string" ? header : null);
          return true;
        } catch (error) {
          // an expired token says so (4401, as on an open socket); an outage is worth a retry (1013)
          if (error instanceof AppError && error.message === TOKEN_EXPIRED) ctx.extra.socket.close(CLOSE_TOKEN_EXPIRED, TOKEN_EXPIRED);
          else if (error instanceof AppError && error.code === "SERVICE_UNAVAILABLE") ctx.extra.socket.close(1013, "Database unavailable; try again shortly");
          return false;
        }
      },
      // The same checks as over HTTP: validation (introspection off where it is), then depth, aliases
      // and cost. (REQUEST_TIMEOUT_MS is HTTP's: a subscription runs as long as the socket.)
      onSubscribe: async (ctx, id, payload) => {
        const refused = await wsSessions.recheck(ctx.extra.socket);
        if (refused) return refused;
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [new GraphQLError((error as Error).message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
        }
        const invalid = validate(schema, document, wsRules);
        if (invalid.length) return shapeErrors(invalid.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError("Name the operation to run", { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } })];
        try {
          limitOperation(document, payload.operationName ?? undefined, payload.variables ?? undefined, new RequestBudget());
        } catch (error) {
          return shapeErrors([error as GraphQLError]);
        }
        if (!wsSubscriptions.has(ctx.extra)) wsSubscriptions.set(ctx.extra, new Set());
        wsSubscriptions.get(ctx.extra)!.add(id);
        services.metrics.subscriptions.inc();
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      // errors of an event or of starting the subscription: shaped as over HTTP (codes, no internals, no suggestions)
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: shapeErrors(result.errors) } : undefined),
      onComplete: (ctx, id) => untrack(ctx.extra, id),
      onClose: (ctx) => {
        untrack(ctx.extra);
        wsSessions.closed(ctx.extra.socket);
      },
      context: (ctx) =>
        RequestContext.create(services, wsSessions.user(ctx.extra.socket), randomUUID(), ctx.extra.request.socket.remoteAddress ?? null),
      onError: (_ctx, _id, _payload, errors) => shapeErrors(errors),
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
