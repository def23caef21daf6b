import type { RequestContext } from "../../core/context";

/**
 * The enterprise whose records the caller is limited to: an ENTERPRISE user sees only
 * their own enterprise's; CADRE and ADMIN see all (null).
 */
export function enterpriseScope(ctx: RequestContext): string | null {
  const user = ctx.requireUser();
  return user.role === "ENTERPRISE" ? (user.enterpriseId ?? "none") : null;
}

/** Whether the caller may see an enterprise's records: everyone but an ENTERPRISE user, who sees its own. */
export function seesEnterprise(ctx: RequestContext, enterpriseId: string): boolean {
  const scope = enterpriseScope(ctx);
  return scope === null || enterpriseId === scope;
}
