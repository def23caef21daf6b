import type { RequestContext } from "../../core/context";
import { containsPattern, dbDate } from "../../core/db";
import { badInput, forbidden, notFound } from "../../core/errors";
import { leanQuery } from "../../core/loaders";
import { whereStatus } from "../../core/status-filter";
import { paginate, type Connection, type ConnectionArgs, type KeysetOrder } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { findVisibleProject } from "../projects/project-access";
import { joinActiveManager } from "../teams/team.loaders";
import { BoardTask, BoardTaskEvent, TASK_CATEGORIES, UNFINISHED_STATUSES, type TaskCategory } from "./board-task.entity";
import type { BoardStatsFilter, MyTasksFilter, TaskBoardFilter, TaskBoardOrder } from "./board.inputs";
import type { SelectQueryBuilder } from "typeorm";
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


/** What a page's statement joins besides claimant and project: the projects' managers, when the page shows them. */
export interface PageJoins {
  projectManager?: boolean;
}

/**
 * A page of tasks with their claimant and project in the same statement: every board screen
 * shows both, and one LEFT JOIN (which keeps the keyset index) costs less than two more
 * round trips; so do the projects' managers where the selection asks for them (a DataLoader
 * statement and a promise per project were 40 % of a page's CPU). The field resolvers use what
 * was joined. Read lean: each row is built as one object rather than by TypeORM's transformer
 * (a quarter of a page's CPU).
 */
const pageQuery = (ctx: RequestContext, joins: PageJoins) => {
  const query = ctx.repo(BoardTask).createQueryBuilder("task").leftJoinAndSelect("task.claimant", "claimant").leftJoinAndSelect("task.project", "project");
  return leanQuery(joins.projectManager ? joinActiveManager(query, "project") : query);
};

/** Reading the board: public to every signed-in user; a linked project only where the caller may see it. */
export class BoardQueryService {
  /** The board, filtered, in due or publication order, with keyset cursors. */
  async taskBoard(ctx: RequestContext, args: ConnectionArgs, filter: TaskBoardFilter = {}, orderBy: TaskBoardOrder = "DUE_AT_ASC", joins: PageJoins = {}): Promise<Connection<BoardTask>> {
    ctx.requireUser();
    // Filtering by a project the caller may not see would reveal which tasks serve it.
    if (filter.projectId) await findVisibleProject(ctx, filter.projectId);
    const query = pageQuery(ctx, joins);
    whereStatus(query, "task.status", filter);
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

  /** One project's tasks: the board with the project fixed (Project.boardTasks). */
  forProject(ctx: RequestContext, projectId: string, args: ConnectionArgs, filter: TaskBoardFilter = {}, orderBy: TaskBoardOrder = "DUE_AT_ASC", joins: PageJoins = {}): Promise<Connection<BoardTask>> {
    if (filter.projectId && filter.projectId !== projectId) throw badInput("filter.projectId", "Project.boardTasks lists this project's tasks: leave projectId out of the filter", "项目页的任务列表只列本项目的任务：筛选条件中不要再填项目（projectId）");
    return this.taskBoard(ctx, args, { ...filter, projectId }, orderBy, joins);
  }

  /** The caller's own tasks (those they claimed and still hold or finished), soonest due first. */
  async myTasks(ctx: RequestContext, args: ConnectionArgs, filter: MyTasksFilter = {}, joins: PageJoins = {}): Promise<Connection<BoardTask>> {
    const user = ctx.requireUser();
    const query = whereStatus(pageQuery(ctx, joins).where("task.claimantId = :claimantId", { claimantId: user.id }), "task.status", filter);
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

  /** The board's figures, whole and per category, counted in one grouped query; see BOARD_FIGURE_DEFINITIONS. */
  async stats(ctx: RequestContext, filter: BoardStatsFilter = {}): Promise<BoardStats> {
    ctx.requireUser();
    if (filter.projectId) await findVisibleProject(ctx, filter.projectId);
    const rows = await this.countFigures(ctx, (query) => {
      if (filter.category) query.andWhere("task.category = :category", { category: filter.category });
      if (filter.projectId) query.andWhere("task.project_id = :projectId", { projectId: filter.projectId });
    }, true);
    const categories = (filter.category ? [filter.category] : [...TASK_CATEGORIES]) as TaskCategory[];
    const byCategory = categories.map((category) => ({ category, ...figuresOf(countsOf(rows.find((r) => r.category === category))) }));
    const total = countsOf(undefined);
    for (const c of byCategory) for (const key of Object.keys(total) as Array<keyof FigureCounts>) total[key] += c[key];
    return { ...figuresOf(total), byCategory };
  }

  /**
   * The board's figures over the tasks a caller of another module chooses (the district's figures
   * pick a publication window and a cohort of projects): the same counts and rates as boardStats.
   */
  async figures(ctx: RequestContext, restrict: (query: SelectQueryBuilder<BoardTask>) => void): Promise<BoardFigures> {
    const [row] = await this.countFigures(ctx, restrict, false);
    return figuresOf(countsOf(row));
  }

  /** One statement: the counts BOARD_FIGURE_DEFINITIONS names, over the tasks `restrict` keeps. */
  private countFigures(ctx: RequestContext, restrict: (query: SelectQueryBuilder<BoardTask>) => void, byCategory: boolean) {
    const pastDue = "task.due_at < :now";
    const query = ctx
      .repo(BoardTask)
      .createQueryBuilder("task")
      .leftJoin(FaultToleranceReview, "review", "review.task_id = task.id")
      .select("SUM(CASE WHEN task.status <> 'WITHDRAWN' THEN 1 ELSE 0 END)", "published")
      .addSelect("SUM(CASE WHEN task.status <> 'WITHDRAWN' AND task.first_claimed_at IS NOT NULL THEN 1 ELSE 0 END)", "claimed")
      .addSelect("SUM(CASE WHEN task.status = 'OPEN' THEN 1 ELSE 0 END)", "open")
      .addSelect("SUM(CASE WHEN task.status IN ('CLAIMED', 'SUBMITTED') THEN 1 ELSE 0 END)", "inProgress")
      .addSelect(`SUM(CASE WHEN task.status IN ('FULFILLED', 'FAILED') OR (task.status <> 'WITHDRAWN' AND ${pastDue}) THEN 1 ELSE 0 END)`, "due")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' THEN 1 ELSE 0 END)", "fulfilled")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' AND task.submitted_at <= task.due_at THEN 1 ELSE 0 END)", "fulfilledOnTime")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' AND task.submitted_at > task.due_at THEN 1 ELSE 0 END)", "fulfilledLate")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' THEN 1 ELSE 0 END)", "failed")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' AND review.decision = 'EXEMPTED' THEN 1 ELSE 0 END)", "exemptedFailures")
      .addSelect(`SUM(CASE WHEN task.status IN ('OPEN', 'CLAIMED', 'SUBMITTED') AND ${pastDue} THEN 1 ELSE 0 END)`, "unfinished")
      .addSelect(`SUM(CASE WHEN task.status IN ('CLAIMED', 'SUBMITTED') AND ${pastDue} THEN 1 ELSE 0 END)`, "overdue")
      .setParameter("now", dbDate(ctx.clock.now()));
    if (byCategory) query.addSelect("task.category", "category").groupBy("task.category");
    restrict(query);
    return query.getRawMany<Record<string, string | number | null>>();
  }

  /**
   * A cadre's record: tasks ever claimed, held now, and of the tasks they hold or held to the end:
   * due (verified, or past due while held), fulfilled on time or late, failed (not exempted),
   * exempted by a fault-tolerance review (counted apart, not due: 容错), overdue. ADMIN reads
   * anyone's, a CADRE only their own.
   */
  async cadreRecord(ctx: RequestContext, cadreId: string): Promise<CadreRecord> {
    const user = ctx.requireUser();
    if (user.role !== "ADMIN" && user.id !== cadreId) throw forbidden("A cadre may read only their own record", "干部只能查看本人的履职记录");
    const cadre = await ctx.repo(User).findOneBy({ id: cadreId });
    if (!cadre || cadre.role !== "CADRE") throw notFound("Cadre", cadreId);
    const claimedRow = await ctx
      .repo(BoardTaskEvent)
      .createQueryBuilder("event")
      .select("COUNT(DISTINCT event.task_id)", "claimed")
      .where("event.actor_id = :cadreId AND event.type = 'CLAIMED'", { cadreId })
      .getRawOne();
    const notExempted = "(review.decision IS NULL OR review.decision <> 'EXEMPTED')";
    const row = await ctx
      .repo(BoardTask)
      .createQueryBuilder("task")
      .leftJoin(FaultToleranceReview, "review", "review.task_id = task.id")
      .select("SUM(CASE WHEN task.status IN ('CLAIMED', 'SUBMITTED') THEN 1 ELSE 0 END)", "inProgress")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' THEN 1 ELSE 0 END)", "fulfilled")
      .addSelect("SUM(CASE WHEN task.status = 'FULFILLED' AND task.submitted_at <= task.due_at THEN 1 ELSE 0 END)", "fulfilledOnTime")
      .addSelect(`SUM(CASE WHEN task.status = 'FAILED' AND ${notExempted} THEN 1 ELSE 0 END)`, "failed")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' AND review.decision = 'MITIGATED' THEN 1 ELSE 0 END)", "mitigated")
      .addSelect("SUM(CASE WHEN task.status = 'FAILED' AND review.decision = 'EXEMPTED' THEN 1 ELSE 0 END)", "exempted")
      .addSelect("SUM(CASE WHEN task.status IN ('CLAIMED', 'SUBMITTED') AND task.due_at < :now THEN 1 ELSE 0 END)", "overdue")
      .where("task.claimant_id = :cadreId", { cadreId })
      .setParameter("now", dbDate(ctx.clock.now()))
      .getRawOne();
    const n = (key: string) => Number(row?.[key] ?? 0);
    const due = n("fulfilled") + n("failed") + n("overdue");
    return {
      cadreId,
      cadre,
      claimed: Number(claimedRow?.claimed ?? 0),
      inProgress: n("inProgress"),
      due,
      fulfilled: n("fulfilled"),
      fulfilledOnTime: n("fulfilledOnTime"),
      fulfilledLate: n("fulfilled") - n("fulfilledOnTime"),
      failed: n("failed"),
      mitigated: n("mitigated"),
      exempted: n("exempted"),
      overdue: n("overdue"),
      fulfilmentRate: due ? n("fulfilled") / due : null,
    };
  }
}

type FigureCounts = Omit<BoardFigures, "claimRate" | "fulfilmentRate" | "onTimeRate">;

function countsOf(row: Record<string, string | number | null> | undefined): FigureCounts {
  const keys = ["published", "claimed", "open", "inProgress", "due", "fulfilled", "fulfilledOnTime", "fulfilledLate", "failed", "exemptedFailures", "unfinished", "overdue"] as const;
  return Object.fromEntries(keys.map((key) => [key, Number(row?.[key] ?? 0)])) as FigureCounts;
}

function figuresOf(c: FigureCounts): BoardFigures {
  return {
    ...c,
    claimRate: c.published ? c.claimed / c.published : null,
    fulfilmentRate: c.due ? c.fulfilled / c.due : null,
    onTimeRate: c.due ? c.fulfilledOnTime / c.due : null,
  };
}

export const boardQueryService = new BoardQueryService();
