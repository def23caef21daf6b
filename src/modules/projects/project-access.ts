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

/** A project the caller may see, or NOT_FOUND (also for another enterprise's project). */
export async function findVisibleProject(ctx: RequestContext, projectId: string): Promise<Project> {
  const project = await ctx.repo(Project).findOneBy({ id: projectId });
  const scope = enterpriseScope(ctx);
  if (!project || (scope !== null && project.enterpriseId !== scope)) throw notFound("Project", projectId);
  return project;
}
