import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { groupedLoader, keyedLoader, loaderById } from "../../core/loaders";
import { loadUser } from "../accounts/user-loader";
import { User } from "../accounts/user.entity";
import { isVisibleProject } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { BoardTask, BoardTaskEvent } from "./board-task.entity";
import { FaultToleranceReview } from "./fault-tolerance.entity";


/** Per-request loaders for the board's relation fields: a page of tasks costs one query per relation. */
export const boardLoaders = {
  /** The task's claimant: joined by board pages, else loaded. */
  claimant(ctx: RequestContext, task: BoardTask): User | null | Promise<User | null> {
    return task.claimant !== undefined ? task.claimant : loadUser(ctx, task.claimantId);
  },

  /** The task's project, or null when there is none or the caller may not see it (another enterprise's). */
  async project(ctx: RequestContext, task: BoardTask): Promise<Project | null> {
    if (!task.projectId) return null;
    const project = task.project !== undefined ? task.project : await loaderById(ctx, Project).load(task.projectId);
    return project && isVisibleProject(ctx, project) ? project : null;
  },

  /** The task's timeline, oldest first. */
  timeline(ctx: RequestContext, taskId: string): Promise<BoardTaskEvent[]> {
    const load = (ids: string[]) => ctx.repo(BoardTaskEvent).find({ where: { taskId: In(ids) }, order: { taskId: "ASC", seq: "ASC" } });
    return groupedLoader(ctx, "boardTimeline", load, (event) => event.taskId).load(taskId);
  },

  /** The task's 容错 review, if any. */
  review(ctx: RequestContext, taskId: string): Promise<FaultToleranceReview | null> {
    return keyedLoader(ctx, "faultToleranceReview", (ids) => ctx.repo(FaultToleranceReview).findBy({ taskId: In(ids) }), (review) => review.taskId ?? "").load(taskId);
  },

  /** A task by id (a review's subject), or null without one. */
  async task(ctx: RequestContext, taskId: string | null): Promise<BoardTask | null> {
    return taskId ? loaderById(ctx, BoardTask).load(taskId) : null;
  },
};
