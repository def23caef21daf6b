import type { RequestContext } from "../../core/context";
import { ProjectManagerAssignment } from "../teams/project-manager-assignment.entity";

/**
 * Whether the user is the project's cadre (项目经理人, the active manager assignment), who may
 * sign the government side of its commitment letter alongside ADMIN.
 */
export async function isProjectCadre(ctx: RequestContext, projectId: string, userId: string): Promise<boolean> {
  return ctx.repo(ProjectManagerAssignment).existsBy({ activeProjectId: projectId, cadreId: userId });
}
