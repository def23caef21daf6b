import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
import type { Statement } from "../../core/one-trip";
import { badInput } from "../../core/errors";
import { loaderById } from "../../core/loaders";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../core/pagination";
import { loadUser } from "../accounts/user-loader";
import { findVisibleProject } from "../projects/project-access";
import { BoardChange } from "./board-change.entity";
import { BoardTask, type BoardTaskEvent } from "./board-task.entity";
import type { BoardEventPayload } from "./board.events";
import type { TaskBoardChangedFilter } from "./board.inputs";
import type { BoardChangesPage, TaskBoardChange } from "./board.types";

/** As a connection's pages (and the query cost counts a `first` the same way). */
export const DEFAULT_CHANGES_PAGE = DEFAULT_PAGE_SIZE;
export const MAX_CHANGES_PAGE = MAX_PAGE_SIZE;

/**
 * Numbers a board change and writes it to the feed, in the change's transaction; call it as the
 * transaction's last statements. The counter row is bumped by an UPDATE, whose row lock is held
 * until the transaction ends: a second change waits for the first to commit (or roll back, which
 * undoes its number) before it takes the next number. So numbers follow commit order with no gaps,
 * and once a number is committed every lower one is. The cost: board changes commit one at a
 * time (the lock is held for the feed insert and the COMMIT); claims that lose take no number.
 */
export async function recordBoardChange(tx: RequestContext, task: BoardTask, event: BoardTaskEvent): Promise<BoardEventPayload> {
  const change = changeOf(task, event, await nextSequence(tx));
  await tx.repo(BoardChange).insert(change);
  return payloadOf(change);
}

/** The feed row of a task's change, numbered `sequence`. */
const changeOf = (task: BoardTask, event: BoardTaskEvent, sequence: number): BoardChange => ({
  sequence,
  taskId: task.id,
  type: event.type,
  actorId: event.actorId,
  at: event.at,
  category: task.category,
  projectId: task.projectId,
  status: task.status,
});

/**
 * recordBoardChange's statements for a transaction sent in one round trip (one-trip.ts): the
 * counter bumped (its row lock held to the commit, as there), the feed row written with the
 * counter's value, and `sequence`, the read that answers the number taken.
 */
export function boardChangeStatements(tx: RequestContext, task: BoardTask, event: BoardTaskEvent): { statements: Statement[]; sequence: Statement; payload: (sequence: number) => BoardEventPayload } {
  const q = (name: string) => tx.app.dataSource.driver.escape(name);
  const columns = ["sequence", "task_id", "type", "actor_id", "at", "category", "project_id", "status"].map(q).join(", ");
  const counter = `${q("board_sequence")} WHERE ${q("name")} = 'change'`;
  return {
    statements: [
      { sql: `UPDATE ${counter.replace(" WHERE", ` SET ${q("value")} = ${q("value")} + 1 WHERE`)}`, parameters: [] },
      {
        sql: `INSERT INTO ${q("board_change")} (${columns}) SELECT ${q("value")}, ?, ?, ?, ?, ?, ?, ? FROM ${counter}`,
        parameters: [task.id, event.type, event.actorId, dbDate(event.at), task.category, task.projectId, task.status],
      },
    ],
    sequence: { sql: `SELECT ${q("value")} AS ${q("sequence")} FROM ${counter}`, parameters: [] },
    payload: (sequence) => payloadOf(changeOf(task, event, sequence)),
  };
}

async function nextSequence(tx: RequestContext): Promise<number> {
  if (tx.app.dialect === "mariadb") {
    // LAST_INSERT_ID(expr) hands the new value back in the UPDATE's own answer: one round trip.
    const result = await tx.manager.query("UPDATE board_sequence SET value = LAST_INSERT_ID(value + 1) WHERE name = 'change'");
    return Number(result.insertId);
  }
  const [row] = await tx.manager.query("UPDATE board_sequence SET value = value + 1 WHERE name = 'change' RETURNING value");
  return Number(row.value);
}

export function payloadOf(change: BoardChange): BoardEventPayload {
  return {
    sequence: change.sequence,
    taskId: change.taskId,
    type: change.type,
    actorId: change.actorId,
    at: change.at.toISOString(),
    category: change.category,
    projectId: change.projectId,
    status: change.status,
  };
}

/** The counter rows as committed now: the last sequence given out, and the last one pruned. */
export async function readSequences(ctx: RequestContext): Promise<{ latest: number; pruned: number }> {
  const rows: Array<{ name: string; value: number | string }> = await ctx.manager.query("SELECT name, value FROM board_sequence");
  const value = (name: string) => Number(rows.find((r) => r.name === name)?.value ?? 0);
  return { latest: value("change"), pruned: value("pruned") };
}

/** The feed's changes numbered from..to (inclusive), in order: what a gap in the live stream missed. */
export async function changesBetween(ctx: RequestContext, from: number, to: number): Promise<BoardEventPayload[]> {
  const rows = await ctx
    .repo(BoardChange)
    .createQueryBuilder("change")
    .where("change.sequence >= :from AND change.sequence <= :to", { from, to })
    .orderBy("change.sequence", "ASC")
    .getMany();
  return rows.map(payloadOf);
}

/** Reading and pruning the board's change feed. */
export class BoardChangesService {
  /** The last board change's sequence, committed: read it before loading the board, then catch up from it. */
  async latest(ctx: RequestContext): Promise<number> {
    ctx.requireUser();
    return (await readSequences(ctx)).latest;
  }

  /**
   * The changes after `sequence` that pass the filter, in sequence order, at most `first`; visible
   * to the same callers as the subscription with that filter. `until` is where the client now
   * stands (the last change returned, or the latest sequence when nothing more matches); when the
   * changes after `sequence` are no longer all kept (pruned), or `sequence` was never given out,
   * `resetRequired` and no changes: the client reloads the board.
   */
  async since(ctx: RequestContext, sequence: number, first: number | undefined | null, filter: TaskBoardChangedFilter | undefined | null): Promise<BoardChangesPage> {
    ctx.requireUser();
    if (filter?.projectId) await findVisibleProject(ctx, filter.projectId);
    if (!Number.isInteger(sequence) || sequence < 0) throw badInput("sequence", "sequence must be 0 or a sequence a board change carried", "变更序号须为 0 或某条任务榜变更所带的序号");
    if (first !== undefined && first !== null && (first < 1 || first > MAX_CHANGES_PAGE)) throw badInput("first", `first must be between 1 and ${MAX_CHANGES_PAGE}`, `每页条数须在 1 到 ${MAX_CHANGES_PAGE} 之间`);
    const size = first ?? DEFAULT_CHANGES_PAGE;
    // The latest first: every change up to it is committed, so the page below cannot skip one
    // that commits meanwhile.
    const before = await readSequences(ctx);
    if (sequence > before.latest) return this.reset(before);
    const query = ctx
      .repo(BoardChange)
      .createQueryBuilder("change")
      .where("change.sequence > :sequence AND change.sequence <= :latest", { sequence, latest: before.latest })
      .orderBy("change.sequence", "ASC")
      .limit(size + 1);
    if (filter?.category) query.andWhere("change.category = :category", { category: filter.category });
    if (filter?.projectId) query.andWhere("change.project_id = :projectId", { projectId: filter.projectId });
    if (filter?.statusIn?.length) query.andWhere("change.status IN (:...statusIn)", { statusIn: [...filter.statusIn] });
    const rows = await query.getMany();
    // Read after the page, so a prune that ran meanwhile is seen: some changes the client needs may be gone.
    const after = await readSequences(ctx);
    if (sequence < after.pruned) return this.reset(after);
    const hasMore = rows.length > size;
    const page = rows.slice(0, size);
    const changes = await Promise.all(page.map((row) => this.resolve(ctx, payloadOf(row))));
    return {
      changes,
      until: hasMore ? page[page.length - 1].sequence : before.latest,
      hasMore,
      resetRequired: false,
      latestSequence: before.latest,
      oldestAvailable: after.pruned,
    };
  }

  private reset(seen: { latest: number; pruned: number }): BoardChangesPage {
    return { changes: [], until: seen.latest, hasMore: false, resetRequired: true, latestSequence: seen.latest, oldestAvailable: seen.pruned };
  }

  /** One change as the subscription sends it: the task and actor as they are now, batched per request. */
  async resolve(ctx: RequestContext, payload: BoardEventPayload): Promise<TaskBoardChange> {
    const [task, actor] = await Promise.all([loaderById(ctx, BoardTask).load(payload.taskId), loadUser(ctx, payload.actorId)]);
    return { sequence: payload.sequence, type: payload.type, status: payload.status, task: task!, actor: actor!, at: new Date(payload.at) };
  }

  /**
   * Deletes the changes older than BOARD_CHANGES_RETENTION_HOURS and records how far it deleted,
   * both in one transaction, so a catch-up from before that point answers resetRequired. How many went.
   */
  async prune(ctx: RequestContext): Promise<number> {
    const cutoff = new Date(ctx.clock.now().getTime() - ctx.app.config.boardChangesRetentionHours * 3_600_000);
    return ctx.transaction(async (tx) => {
      const [row] = await tx.manager.query("SELECT MAX(sequence) AS upto FROM board_change WHERE at < ?", [dbDate(cutoff)]);
      const upto = row?.upto === null || row?.upto === undefined ? 0 : Number(row.upto);
      if (!upto) return 0;
      const result = await tx.repo(BoardChange).createQueryBuilder().delete().from(BoardChange).where("sequence <= :upto", { upto }).execute();
      await tx.manager.query("UPDATE board_sequence SET value = CASE WHEN value < ? THEN ? ELSE value END WHERE name = 'pruned'", [upto, upto]);
      return result.affected ?? 0;
    });
  }
}

export const boardChangesService = new BoardChangesService();
