import { filter, pipe } from "@graphql-yoga/subscription";
import type { RequestContext } from "../../core/context";
import { oncePerEvent } from "../../core/pubsub";
import { User } from "../accounts/user.entity";
import { findVisibleProject } from "../projects/project-access";
import { BoardTask, type BoardTaskEvent, type TaskCategory, type TaskEventType } from "./board-task.entity";
import type { TaskBoardChangedFilter } from "./board.inputs";
import type { TaskBoardChange } from "./board.types";

/** What crosses the pub/sub for one board change: ids, the category and project to filter on, an ISO time. */
declare module "../../core/pubsub" {
  interface TopicMap {
    TASK_BOARD: BoardEventPayload;
  }
}

export interface BoardEventPayload {
  taskId: string;
  type: TaskEventType;
  actorId: string;
  at: string;
  category: TaskCategory;
  projectId: string | null;
}

/** Queues the board event of a change; it goes out only when the change's transaction commits. */
export function announce(tx: RequestContext, task: BoardTask, event: BoardTaskEvent): void {
  const payload: BoardEventPayload = {
    taskId: task.id,
    type: event.type,
    actorId: event.actorId,
    at: event.at.toISOString(),
    category: task.category,
    projectId: task.projectId,
  };
  tx.publishAfterCommit("TASK_BOARD", payload);
}

/** The live board: signed-in users only; events pass the subscriber's category/project filter. */
export class BoardEvents {
  async subscribe(ctx: RequestContext, wanted: TaskBoardChangedFilter | undefined | null): Promise<AsyncIterable<BoardEventPayload>> {
    ctx.requireUser();
    // An ENTERPRISE user may follow only a project they may see (another's answers NOT_FOUND).
    if (wanted?.projectId) await findVisibleProject(ctx, wanted.projectId);
    const source = ctx.app.pubSub.subscribe("TASK_BOARD");
    return pipe(
      source,
      filter(
        (event: BoardEventPayload) =>
          (!wanted?.category || event.category === wanted.category) && (!wanted?.projectId || event.projectId === wanted.projectId),
      ),
    ) as AsyncIterable<BoardEventPayload>;
  }

  /** Loads the task as it is now, once per event for all subscribers (the loaders cache nothing). */
  async resolve(ctx: RequestContext, payload: BoardEventPayload): Promise<TaskBoardChange> {
    const [task, actor] = await oncePerEvent(payload, () =>
      Promise.all([ctx.repo(BoardTask).findOneBy({ id: payload.taskId }), ctx.repo(User).findOneBy({ id: payload.actorId })]),
    );
    return { type: payload.type, task: task!, actor: actor!, at: new Date(payload.at) };
  }
}

export const boardEvents = new BoardEvents();
