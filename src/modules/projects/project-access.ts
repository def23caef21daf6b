import type { RequestContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { seesEnterprise } from "../enterprises/enterprise-access";
import { Project } from "./project.entity";

export { enterpriseScope, seesEnterprise } from "../enterprises/enterprise-access";

/**
 * A project the caller may see, or NOT_FOUND (also for another enterprise's project). A record
 * reached through its project passes itself as `asked`, so the answer names it, not the project.
 */
export async function findVisibleProject(ctx: RequestContext, projectId: string, asked = { entity: "Project", id: projectId }): Promise<Project> {
  const project = await ctx.repo(Project).findOneBy({ id: projectId });
  if (!project || !isVisibleProject(ctx, project)) throw notFound(asked.entity, asked.id);
  return project;
}

/** Whether the caller may see the project (its enterprise's records). */
export const isVisibleProject = (ctx: RequestContext, project: Pick<Project, "enterpriseId">): boolean => seesEnterprise(ctx, project.enterpriseId);
