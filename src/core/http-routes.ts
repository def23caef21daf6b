import type http from "node:http";
import type { RequestContext } from "./context";
import type { ErrorCode } from "./errors";

/**
 * A plain HTTP endpoint beside /graphql, for what JSON cannot carry well: uploads, downloads,
 * printed letters, ledgers. The server gives it what /graphql gets: the caller signed in (a
 * bearer token, or on GET a signed link's `access` parameter, see TokenService.signLink), CORS,
 * the request's locale, the drain, and errors in the same JSON shape. A handler throws AppError
 * (its code picks the status, see HTTP_STATUS_OF_CODE) and writes its own answer on success.
 */
export interface HttpRoute {
  method: "GET" | "POST";
  /** Matched against the whole path; capture groups become `params`, e.g. /^\/files\/([^/]+)$/. */
  path: RegExp;
  handle(ctx: RequestContext, request: HttpRouteRequest): Promise<void>;
}

export interface HttpRouteRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  params: string[];
}

/** The HTTP status an AppError's code answers with on a plain route (400 for a code not here, unless the error names its own). */
export const HTTP_STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_FILE_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
};

/** The route for a method and path, with its parameters (decoded), or null. */
export function matchRoute(routes: readonly HttpRoute[], method: string, pathname: string): { route: HttpRoute; params: string[] } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.path.exec(pathname);
    if (!match) continue;
    try {
      return { route, params: match.slice(1).map((part) => decodeURIComponent(part ?? "")) };
    } catch {
      return null; // a malformed escape: nothing is there
    }
  }
  return null;
}

/** Whether any route answers this path (for the preflight, which names no method of its own). */
export const routesPath = (routes: readonly HttpRoute[], pathname: string) => routes.some((route) => route.path.test(pathname));

/**
 * `content-disposition` with the name twice (RFC 6266): an ASCII stand-in for old clients (the
 * given one, else the name with anything else replaced), and the real name as RFC 5987
 * `filename*` (UTF-8, percent-encoded, also the few characters encodeURIComponent leaves that
 * attr-char excludes), which browsers prefer: Chinese names arrive whole.
 */
export function contentDisposition(disposition: "attachment" | "inline", name: string, ascii = name.replace(/[^\x20-\x7e]/g, "_")): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii.replace(/["\\%]/g, "_")}"; filename*=UTF-8''${encoded}`;
}
