import DataLoader from "dataloader";
import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { User } from "../accounts/user.entity";
import { enterpriseScope } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { BoardTask, BoardTaskEvent } from "./board-task.entity";
import { FaultToleranceReview } from "./fault-tolerance.entity";

function byId<T extends { id: string }>(ctx: RequestContext, name: string, entity: new () => T) {
  return ctx.loader(name, () =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = await ctx.repo(entity).findBy({ id: In([...ids]) } as never);
      const map = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  );
}

/** Per-request loaders for the board's relation fields: a page of tasks costs one query per relation. */
export const boardLoaders = {
  user(ctx: RequestContext, id: string | null): Promise<User | null> {
    return id ? byId(ctx, "user", User).load(id) : Promise.resolve(null);
  },

  task(ctx: RequestContext, id: string): Promise<BoardTask | null> {
    return byId(ctx, "boardTask", BoardTask).load(id);
  },

  /** The task's project, or null when there is none or the caller may not see it (another enterprise's). */
  async project(ctx: RequestContext, task: BoardTask): Promise<Project | null> {
    if (!task.projectId) return null;
    const project = await byId(ctx, "project", Project).load(task.projectId);
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
