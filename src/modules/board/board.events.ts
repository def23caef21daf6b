import type { RequestContext } from "../../core/context";
import { keepEvents, oncePerEvent } from "../../core/pubsub";
import { statusMatches } from "../../core/status-filter";
import { User } from "../accounts/user.entity";
import { findVisibleProject } from "../projects/project-access";
import { boardFeedOf } from "./board-feed";
import { BoardTask, type BoardTaskEvent, type TaskCategory, type TaskEventType, type TaskStatus } from "./board-task.entity";
import { recordBoardChange } from "./board-changes.service";
import { validate } from "class-validator";
import { ArgumentValidationError } from "type-graphql";
import { TaskBoardChangedFilter } from "./board.inputs";
import type { TaskBoardChange } from "./board.types";

/** What crosses the pub/sub for one board change: its sequence, ids, the category, project and new status to filter on, an ISO time. */
declare module "../../core/pubsub" {
  interface TopicMap {
    TASK_BOARD: BoardEventPayload;
  }
}

export interface BoardEventPayload {
  /** From the database's counter, in commit order (board-changes.service). */
  sequence: number;
  taskId: string;
  type: TaskEventType;
  actorId: string;
  at: string;
  category: TaskCategory;
  projectId: string | null;
  /** The task's status right after the change. */
  status: TaskStatus;
}

/**
 * Numbers the change and writes it to the feed (in the transaction: call it last), then queues its
 * board event; the event goes out only when the change's transaction commits.
 */
export async function announce(tx: RequestContext, task: BoardTask, event: BoardTaskEvent): Promise<void> {
  const payload = await recordBoardChange(tx, task, event);
  tx.publishAfterCommit("TASK_BOARD", payload);
}

/** Whether an event passes a subscriber's (or a catch-up's) filter: all given conditions hold. */
export function matchesChangeFilter(event: BoardEventPayload, wanted: TaskBoardChangedFilter | undefined | null): boolean {
  return (
    (!wanted?.category || event.category === wanted.category) &&
    (!wanted?.projectId || event.projectId === wanted.projectId) &&
    statusMatches(event.status, { statusIn: wanted?.statusIn })
  );
}

/** The live board: signed-in users only; events in sequence order, passing the subscriber's category/project/status filter. */
export class BoardEvents {
  async subscribe(ctx: RequestContext, wanted: TaskBoardChangedFilter | undefined | null): Promise<AsyncIterable<BoardEventPayload>> {
    ctx.requireUser();
    // type-graphql validates the arguments of a resolver, not those of a custom subscribe: checked here, answered alike (BAD_USER_INPUT).
    if (wanted) {
      const failures = await validate(Object.assign(new TaskBoardChangedFilter(), wanted), { forbidUnknownValues: false });
      if (failures.length) throw new ArgumentValidationError(failures);
    }
    // An ENTERPRISE user may follow only a project they may see (another's answers NOT_FOUND).
    if (wanted?.projectId) await findVisibleProject(ctx, wanted.projectId);
    const source = await boardFeedOf(ctx.app).subscribe();
    return keepEvents(source, (event: BoardEventPayload) => matchesChangeFilter(event, wanted));
  }

  /** Loads the task as it is now, once per event for all subscribers (the loaders cache nothing). */
  async resolve(ctx: RequestContext, payload: BoardEventPayload): Promise<TaskBoardChange> {
    const [task, actor] = await oncePerEvent(payload, () =>
      Promise.all([ctx.repo(BoardTask).findOneBy({ id: payload.taskId }), ctx.repo(User).findOneBy({ id: payload.actorId })]),
    );
    return { sequence: payload.sequence, type: payload.type, status: payload.status, task: task!, actor: actor!, at: new Date(payload.at) };
  }
}

export const boardEvents = new BoardEvents();
