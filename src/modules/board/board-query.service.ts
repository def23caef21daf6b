import type { RequestContext } from "../../core/context";
import { containsPattern, dbDate } from "../../core/db";
import { forbidden, notFound } from "../../core/errors";
import { paginate, type Connection, type ConnectionArgs, type KeysetOrder } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { findVisibleProject } from "../projects/project-access";
import { BoardTask, BoardTaskEvent, TASK_CATEGORIES, UNFINISHED_STATUSES, type TaskCategory } from "./board-task.entity";
import type { BoardStatsFilter, TaskBoardFilter, TaskBoardOrder } from "./board.inputs";
import type { BoardFigures, BoardStats, CadreRecord } from "./board.types";
import { FaultToleranceReview } from "./fault-tolerance.entity";

const ORDERS: Record<TaskBoardOrder, KeysetOrder<BoardTask>> = {
  DUE_AT_ASC: {
    name: "dueAt",
    direction: "ASC",
    keys: [{ column: "task.dueAt", value: (t) => t.dueAt, kind: "date" }],
    idColumn: "task.id",
  },
  PUBLISHED_AT_DESC: {
    name: "publishedAt",
    direction: "DESC",
    keys: [{ column: "task.publishedAt", value: (t) => t.publishedAt, kind: "date" }],
    idColumn: "task.id",
  },
};


/**
 * A page of tasks with their claimant and project in the same statement: every board screen
 * shows both, and one LEFT JOIN (which keeps the keyset index) costs less than two more
 * round trips. The field resolvers use what was joined.
 */
const pageQuery = (ctx: RequestContext) =>
  ctx.repo(BoardTask).createQueryBuilder("task").leftJoinAndSelect("task.claimant", "claimant").leftJoinAndSelect("task.project", "project");

/** Reading the board: public to every signed-in user; a linked project only where the caller may see it. */
export class BoardQueryService {
  /** The board, filtered, in due or publication order, with keyset cursors. */
  async taskBoard(ctx: RequestContext, args: ConnectionArgs, filter: TaskBoardFilter = {}, orderBy: TaskBoardOrder = "DUE_AT_ASC"): Promise<Connection<BoardTask>> {
    ctx.requireUser();
    // Filtering by a project the caller may not see would reveal which tasks serve it.
    if (filter.projectId) await findVisibleProject(ctx, filter.projectId);
    const query = pageQuery(ctx);
    if (filter.status) query.andWhere("task.status = :status", { status: filter.status });
    if (filter.category) query.andWhere("task.category = :category", { category: filter.category });
    if (filter.projectId) query.andWhere("task.projectId = :projectId", { projectId: filter.projectId });
    if (filter.claimantId) query.andWhere("task.claimantId = :claimantId", { claimantId: filter.claimantId });
    if (filter.dueBefore) query.andWhere("task.dueAt < :dueBefore", { dueBefore: dbDate(filter.dueBefore) });
    if (filter.search) {
      query.andWhere("(task.title LIKE :search ESCAPE '!' OR task.description LIKE :search ESCAPE '!')", {
        search: containsPattern(filter.search),
      });
    }
    return paginate(query, args, ORDERS[orderBy]);
  }

  /** The caller's own tasks (those they claimed and still hold or finished), soonest due first. */
  async myTasks(ctx: RequestContext, args: ConnectionArgs): Promise<Connection<BoardTask>> {
    const user = ctx.requireUser();
    const query = pageQuery(ctx).where("task.claimantId = :claimantId", { claimantId: user.id });
    return paginate(query, args, ORDERS.DUE_AT_ASC);
  }

  async task(ctx: RequestContext, id: string): Promise<BoardTask> {
    ctx.requireUser();
    const task = await ctx.repo(BoardTask).findOneBy({ id });
    if (!task) throw notFound("BoardTask", id);
    return task;
  }

  /** True when a CLAIMED or SUBMITTED task is past its due time by the server's clock. */
  isOverdue(ctx: RequestContext, task: BoardTask): boolean {
    return UNFINISHED_STATUSES.includes(task.status) && task.dueAt.getTime() < ctx.clock.now().getTime();
  }

  /**
   * The board's figures, whole and per category, counted in one grouped query:
   * published excludes WITHDRAWN; claimed = claimed at least once; claimRate = claimed / published;
   * fulfilmentRate = fulfilled / (fulfilled + failed), null before any verification; failed
   * includes exempted failures, which are also reported apart; overdue = CLAIMED or SUBMITTED past due.
   */
  async stats(ctx: RequestContext, filter: BoardStatsFilter = {}): Promise<BoardStats> {
    ctx.requireUser();
    if (filter.projectId) await findVisibleProject(ctx, filter.projectId);
    const query = ctx
      .repo(BoardTask)
      .createQueryBuilder("task")
      .leftJoin(FaultToleranceReview, "review", "review.task_id = task.id")
      .select("task.category", "category")
      .addSelect("SUM(CASE WHEN task.status <> 'WITHDRAWN' THEN 1 ELSE 0 END)", "published")
      .addSelect("SUM(CASE WHEN task.status <> 'WITHDRAWN' AND task.first_claimed_at IS NOT NULL THEN 1 ELSE 0 END)", "claimed")
      .addSelect("SUM(CASE WHEN task.status = 'OPEN' THEN 1 ELSE 0 END)", "open")
      .addSelect("SUM(CASE WHEN task.status IN ('CLAIMED', 'SUBMITTED') THEN 1 ELSE 0 END)", "inProgress")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' THEN 1 ELSE 0 END)", "fulfilled")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' THEN 1 ELSE 0 END)", "failed")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' AND review.decision = 'EXEMPTED' THEN 1 ELSE 0 END)", "exemptedFailures")
      .addSelect("SUM(CASE WHEN task.status IN ('CLAIMED', 'SUBMITTED') AND task.due_at < :now THEN 1 ELSE 0 END)", "overdue")
      .setParameter("now", dbDate(ctx.clock.now()))
      .groupBy("task.category");
    if (filter.category) query.andWhere("task.category = :category", { category: filter.category });
    if (filter.projectId) query.andWhere("task.project_id = :projectId", { projectId: filter.projectId });
    const rows: Array<Record<string, string | number | null>> = await query.getRawMany();
    const counts = (row: Record<string, string | number | null> | undefined) => ({
      published: Number(row?.published ?? 0),
      claimed: Number(row?.claimed ?? 0),
      open: Number(row?.open ?? 0),
      inProgress: Number(row?.inProgress ?? 0),
      fulfilled: Number(row?.fulfilled ?? 0),
      failed: Number(row?.failed ?? 0),
      exemptedFailures: Number(row?.exemptedFailures ?? 0),
      overdue: Number(row?.overdue ?? 0),
    });
    const categories = (filter.category ? [filter.category] : [...TASK_CATEGORIES]) as TaskCategory[];
    const byCategory = categories.map((category) => ({ category, ...figures(counts(rows.find((r) => r.category === category))) }));
    const total = counts(undefined);
    for (const c of byCategory) for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += c[key];
    return { ...figures(total), byCategory };
  }

  /**
   * A cadre's record: tasks ever claimed, held now, fulfilled, failed (not exempted) and
   * exempted by a fault-tolerance review, the last two counted apart. ADMIN reads anyone's,
   * a CADRE only their own.
   */
  async cadreRecord(ctx: RequestContext, cadreId: string): Promise<CadreRecord> {
    const user = ctx.requireUser();
    if (user.role !== "ADMIN" && user.id !== cadreId) throw forbidden("A cadre may read only their own record");
    const cadre = await ctx.repo(User).findOneBy({ id: cadreId });
    if (!cadre || cadre.role !== "CADRE") throw notFound("Cadre", cadreId);
    const claimedRow = await ctx
      .repo(BoardTaskEvent)
      .createQueryBuilder("event")
      .select("COUNT(DISTINCT event.task_id)", "claimed")
      .where("event.actor_id = :cadreId AND event.type = 'CLAIMED'", { cadreId })
      .getRawOne();
    const row = await ctx
      .repo(BoardTask)
      .createQueryBuilder("task")
      .leftJoin(FaultToleranceReview, "review", "review.task_id = task.id")
      .select("SUM(CASE WHEN task.status IN ('CLAIMED', 'SUBMITTED') THEN 1 ELSE 0 END)", "inProgress")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' THEN 1 ELSE 0 END)", "fulfilled")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' AND (review.decision IS NULL OR review.decision <> 'EXEMPTED') THEN 1 ELSE 0 END)", "failed")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' AND review.decision = 'MITIGATED' THEN 1 ELSE 0 END)", "mitigated")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' AND review.decision = 'EXEMPTED' THEN 1 ELSE 0 END)", "exempted")
      .where("task.claimant_id = :cadreId", { cadreId })
      .getRawOne();
    return {
      cadreId,
      cadre,
      claimed: Number(claimedRow?.claimed ?? 0),
      inProgress: Number(row?.inProgress ?? 0),
      fulfilled: Number(row?.fulfilled ?? 0),
      failed: Number(row?.failed ?? 0),
      mitigated: Number(row?.mitigated ?? 0),
      exempted: Number(row?.exempted ?? 0),
    };
  }
}

function figures(c: Omit<BoardFigures, "claimRate" | "fulfilmentRate">): BoardFigures {
  const verified = c.fulfilled + c.failed;
  return {
    ...c,
    claimRate: c.published ? c.claimed / c.published : null,
    fulfilmentRate: verified ? c.fulfilled / verified : null,
  };
}

export const boardQueryService = new BoardQueryService();
