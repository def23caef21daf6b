import http from "node:http";
import { randomUUID } from "node:crypto";
import { ApolloServer, HeaderMap, type BaseContext } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { bearerToken, type AuthUser } from "./core/auth";
import { RequestContext, type AppServices } from "./core/context";
import { formatError } from "./core/errors";
import { observabilityPlugin } from "./core/observability";
import { costLimitPlugin, depthLimitRule } from "./core/query-limits";
import { accountService } from "./modules/accounts/account.service";

const GRAPHQL_PATH = "/graphql";

/** A browser navigating to /graphql (Accept: text/html, not JSON) gets the IDE instead of an API answer. */
const wantsHtml = (accept = "") => accept.includes("text/html") && !accept.includes("application/json") && !accept.includes("application/graphql-response+json");

let graphiqlHtml: string | undefined;
/** GraphiQL bundled by @graphql-yoga/render-graphiql: no CDN, works on an offline intranet. */
function graphiqlPage(): string {
  if (!graphiqlHtml) {
    // loaded on first use: the bundle is large and most deployments never serve it
    const { renderGraphiQL } = require("@graphql-yoga/render-graphiql") as typeof import("@graphql-yoga/render-graphiql");
    graphiqlHtml = renderGraphiQL({ title: "Fast-approval API", endpoint: GRAPHQL_PATH, subscriptionsProtocol: "WS" } as never);
  }
  return graphiqlHtml;
}
export const MAX_BODY_BYTES = 1024 * 1024;

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

/** The caller named by a bearer token, or null without one; a bad token is refused, never ignored. */
async function authenticate(signIns: RequestContext, header: string | undefined | null): Promise<AuthUser | null> {
  const token = bearerToken(header);
  if (!token) return null;
  return accountService.authenticate(signIns, token);
}

/** One node:http server: GraphQL over HTTP and WebSocket on /graphql, plus /healthz and /readyz. */
export async function createHttpServer(services: AppServices, schema: GraphQLSchema): Promise<RunningServer> {
  const { config } = services;
  // One context for every sign-in: concurrent requests share its loader's batches.
  const signIns = RequestContext.system(services);
  const exposeInternals = !config.isProduction;
  const apollo = new ApolloServer<RequestContext & BaseContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: exposeInternals,
    formatError: (formatted, error) => formatError(formatted, error, exposeInternals),
    allowBatchedHttpRequests: true,
    validationRules: [depthLimitRule(config.maxQueryDepth)],
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of answers (every answer depends on the caller); its per-field hook cost ~5% of a board page.
      ApolloServerPluginCacheControlDisabled(),
      costLimitPlugin(schema, config.maxQueryCost),
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
            throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 401 } } });
          }
          throw error;
        }
      },
    });
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
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
        if (config.graphiql && req.method === "GET" && wantsHtml(req.headers.accept)) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(graphiqlPage());
        }
        return await handleGraphQL(req, res, url);
      }
      if (url.pathname === "/metrics" && config.metrics) {
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

  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const wsUsers = new WeakMap<object, AuthUser | null>();
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
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          wsUsers.set(ctx.extra, await authenticate(signIns, typeof header === "string" ? header : null));
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: (ctx, id) => {
        if (!wsSubscriptions.has(ctx.extra)) wsSubscriptions.set(ctx.extra, new Set());
        wsSubscriptions.get(ctx.extra)!.add(id);
        services.metrics.subscriptions.inc();
      },
      onComplete: (ctx, id) => untrack(ctx.extra, id),
      onClose: (ctx) => untrack(ctx.extra),
      context: (ctx) =>
        RequestContext.create(services, wsUsers.get(ctx.extra) ?? null, randomUUID(), ctx.extra.request.socket.remoteAddress ?? null),
      onError: (_ctx, _id, _payload, errors) => {
        return errors.map((error) => {
          const formatted = formatError(error.toJSON(), error, exposeInternals);
          return new GraphQLError(formatted.message, { extensions: formatted.extensions });
        });
      },
    },
    wsServer,
  );

  return {
    http: server,
    async stop(timeoutMs: number) {
      stopping = true;
      for (const socket of wsServer.clients) socket.close(1001, "Server shutting down");
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of wsServer.clients) socket.terminate();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      wsServer.close();
      await apollo.stop();
    },
  };
}
