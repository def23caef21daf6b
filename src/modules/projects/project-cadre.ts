import type { RequestContext } from "../../core/context";

/**
 * Whether the user is the project's cadre (项目经理人), who may sign the government side of its
 * commitment letter. Project managers arrive with the service-team issue, whose module replaces
 * this body with a look-up of the active assignment; until then no cadre is a project's manager,
 * so only ADMIN signs for the government.
 */
export async function isProjectCadre(_ctx: RequestContext, _projectId: string, _userId: string): Promise<boolean> {
  return false;
}
