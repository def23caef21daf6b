import { In, IsNull } from "typeorm";
import type { RequestContext } from "../../core/context";
import { groupedLoader, keyedLoader } from "../../core/loaders";
import { ProjectManagerAssignment } from "./project-manager-assignment.entity";
import { TeamMember } from "./team-member.entity";

/** The active manager assignment of each project, with its cadre (one query for a whole page). */
export const activeManagerLoader = (ctx: RequestContext) =>
  keyedLoader(
    ctx,
    "project.activeManager",
    (projectIds) => ctx.repo(ProjectManagerAssignment).find({ where: { activeProjectId: In(projectIds) }, relations: { cadre: true } }),
    (a) => a.projectId,
  );

/** Every manager assignment of each project, newest first. */
export const managerHistoryLoader = (ctx: RequestContext) =>
  groupedLoader(
    ctx,
    "project.managerHistory",
    (projectIds) => ctx.repo(ProjectManagerAssignment).find({ where: { projectId: In(projectIds) }, order: { startedAt: "DESC", id: "DESC" } }),
    (a) => a.projectId,
  );

/** The members now serving on each project's team, in order of joining. */
export const activeMembersLoader = (ctx: RequestContext) =>
  groupedLoader(
    ctx,
    "project.activeMembers",
    (projectIds) => ctx.repo(TeamMember).find({ where: { projectId: In(projectIds), removedAt: IsNull() }, order: { createdAt: "ASC", id: "ASC" } }),
    (m) => m.projectId,
  );
