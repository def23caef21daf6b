import DataLoader from "dataloader";
import { In, IsNull } from "typeorm";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { Department } from "./department.entity";
import { ProjectManagerAssignment } from "./project-manager-assignment.entity";
import { TeamMember } from "./team-member.entity";

// Loaders batch per tick and do not cache (cache: false): a subscription keeps one context for
// its whole life, and a cached manager or team would go stale between its events.
const NO_CACHE = { cache: false } as const;

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const list = map.get(keyOf(row)) ?? [];
    list.push(row);
    map.set(keyOf(row), list);
  }
  return keys.map((k) => map.get(k) ?? []);
}

export const userLoader = (ctx: RequestContext) => loaderById(ctx, User);

export const projectLoader = (ctx: RequestContext) => loaderById(ctx, Project);

export const departmentLoader = (ctx: RequestContext) => loaderById(ctx, Department);

/** The active manager assignment of each project, with its cadre (one query for a whole page). */
export const activeManagerLoader = (ctx: RequestContext) =>
  ctx.loader(
    "project.activeManager",
    () =>
      new DataLoader<string, ProjectManagerAssignment | null>(
        async (projectIds) =>
          byKey(projectIds, await ctx.repo(ProjectManagerAssignment).find({ where: { activeProjectId: In([...projectIds]) }, relations: { cadre: true } }), (a) => a.projectId),
        NO_CACHE,
      ),
  );

/** Every manager assignment of each project, newest first. */
export const managerHistoryLoader = (ctx: RequestContext) =>
  ctx.loader(
    "project.managerHistory",
    () =>
      new DataLoader<string, ProjectManagerAssignment[]>(
        async (projectIds) =>
          groupBy(
            projectIds,
            await ctx.repo(ProjectManagerAssignment).find({ where: { projectId: In([...projectIds]) }, order: { startedAt: "DESC", id: "DESC" } }),
            (a) => a.projectId,
          ),
        NO_CACHE,
      ),
  );

/** The members now serving on each project's team, in order of joining. */
export const activeMembersLoader = (ctx: RequestContext) =>
  ctx.loader(
    "project.activeMembers",
    () =>
      new DataLoader<string, TeamMember[]>(
        async (projectIds) =>
          groupBy(
            projectIds,
            await ctx.repo(TeamMember).find({ where: { projectId: In([...projectIds]), removedAt: IsNull() }, order: { createdAt: "ASC", id: "ASC" } }),
            (m) => m.projectId,
          ),
        NO_CACHE,
      ),
  );
