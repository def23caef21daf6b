import type { RequestContext } from "./context";
import { unauthenticated } from "./errors";

/**
 * A signed link to `path` (a plain route, see http-routes.ts) for the caller: the path with an
 * `access` parameter, relative to the server's root, good for LINK_TTL_SECONDS. A GraphQL field
 * answers it (downloadUrl, pdfUrl) after checking that the caller may see the record; the route
 * checks again on use, as the caller.
 */
export async function signedLink(ctx: RequestContext, path: string): Promise<string> {
  const session = ctx.user?.session;
  if (!ctx.user || !session) throw unauthenticated("A signed link needs a signed-in caller", "生成下载链接需要先登录");
  const { token } = await ctx.app.tokens.signLink(session, ctx.user.role, path, ctx.app.config.linkTtlSeconds);
  return `${path}?access=${encodeURIComponent(token)}`;
}
