import type http from "node:http";
import type { RequestContext } from "./context";

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

/** The HTTP status an AppError's code answers with on a plain route. */
export const HTTP_STATUS_OF_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNSUPPORTED_FILE_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
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
