import DataLoader from "dataloader";
import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { User } from "../accounts/user.entity";
import { enterpriseScope } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { BoardTask, BoardTaskEvent } from "./board-task.entity";
import { FaultToleranceReview } from "./fault-tolerance.entity";


/** Per-request loaders for the board's relation fields: a page of tasks costs one query per relation. */
export const boardLoaders = {
  user(ctx: RequestContext, id: string | null): Promise<User | null> {
    return id ? loaderById(ctx, User).load(id) : Promise.resolve(null);
  },

  /** The task's claimant: joined by board pages, else loaded. */
  claimant(ctx: RequestContext, task: BoardTask): User | null | Promise<User | null> {
    return task.claimant !== undefined ? task.claimant : boardLoaders.user(ctx, task.claimantId);
  },

  /** The task's project, or null when there is none or the caller may not see it (another enterprise's). */
  async project(ctx: RequestContext, task: BoardTask): Promise<Project | null> {
    if (!task.projectId) return null;
    const project = task.project !== undefined ? task.project : await loaderById(ctx, Project).load(task.projectId);
    const scope = enterpriseScope(ctx);
    return project && (scope === null || project.enterpriseId === scope) ? project : null;
  },

  /** The task's timeline, oldest first. */
  timeline(ctx: RequestContext, taskId: string): Promise<BoardTaskEvent[]> {
    const loader = ctx.loader("boardTimeline", () =>
      new DataLoader<string, BoardTaskEvent[]>(async (ids) => {
        const rows = await ctx.repo(BoardTaskEvent).find({ where: { taskId: In([...ids]) }, order: { taskId: "ASC", seq: "ASC" } });
        return ids.map((id) => rows.filter((row) => row.taskId === id));
      }),
    );
    return loader.load(taskId);
  },

  review(ctx: RequestContext, taskId: string): Promise<FaultToleranceReview | null> {
    const loader = ctx.loader("faultToleranceReview", () =>
      new DataLoader<string, FaultToleranceReview | null>(async (ids) => {
        const rows = await ctx.repo(FaultToleranceReview).findBy({ taskId: In([...ids]) });
        return ids.map((id) => rows.find((row) => row.taskId === id) ?? null);
      }),
    );
    return loader.load(taskId);
  },
};
