import type { RequestContext } from "../../core/context";
import { User } from "../accounts/user.entity";
import type { Project } from "../projects/project.entity";
import { teamService } from "./team.service";
import { activeMembersLoader } from "./team.loaders";

/** Who a project's notices may go to: the users each side of it has now. */
export interface ProjectPeople {
  /** The users of the project's enterprise (notify drops accounts that are not active). */
  enterpriseUserIds: string[];
  /** The active manager (项目经理人), or null. */
  managerId: string | null;
  /** The cadres now serving on the project's team (not the manager's assignment). */
  memberIds: string[];
}

/**
 * The people of a project as they are now, read in the caller's transaction (so a notice written
 * with a change names the people of the moment it commits). `members: false` skips the team.
 */
export async function projectPeople(ctx: RequestContext, project: Pick<Project, "id" | "enterpriseId">, options: { members?: boolean } = {}): Promise<ProjectPeople> {
  const enterpriseUsers = await ctx.repo(User).find({ select: { id: true }, where: { enterpriseId: project.enterpriseId, role: "ENTERPRISE" }, order: { id: "ASC" } });
  const managerId = await teamService.activeManagerId(ctx, project.id);
  const members = options.members === false ? [] : await activeMembersLoader(ctx).load(project.id);
  return { enterpriseUserIds: enterpriseUsers.map((u) => u.id), managerId, memberIds: members.map((m) => m.userId) };
}

/** A project as its notices name it: code and name. */
export const noticeProject = (project: Pick<Project, "code" | "name">): string => `${project.code} ${project.name}`;
