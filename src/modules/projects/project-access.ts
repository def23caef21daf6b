import type { RequestContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { Project } from "./project.entity";

/**
 * The enterprise whose projects the caller is limited to: an ENTERPRISE user sees only
 * their own enterprise's projects; CADRE and ADMIN see all (null).
 */
export function enterpriseScope(ctx: RequestContext): string | null {
  const user = ctx.requireUser();
  return user.role === "ENTERPRISE" ? (user.enterpriseId ?? "none") : null;
}

/**
 * A project the caller may see, or NOT_FOUND (also for another enterprise's project). A record
 * reached through its project passes itself as `asked`, so the answer names it, not the project.
 */
export async function findVisibleProject(ctx: RequestContext, projectId: string, asked = { entity: "Project", id: projectId }): Promise<Project> {
  const project = await ctx.repo(Project).findOneBy({ id: projectId });
  if (!project || !isVisibleProject(ctx, project)) throw notFound(asked.entity, asked.id);
  return project;
}

/** Whether the caller may see an enterprise's records: everyone but an ENTERPRISE user, who sees its own. */
export function seesEnterprise(ctx: RequestContext, enterpriseId: string): boolean {
  const scope = enterpriseScope(ctx);
  return scope === null || enterpriseId === scope;
}

/** Whether the caller may see the project (its enterprise's records). */
export const isVisibleProject = (ctx: RequestContext, project: Pick<Project, "enterpriseId">): boolean => seesEnterprise(ctx, project.enterpriseId);
