import { idempotent } from "../../core/idempotency";
import { auditInsert, recordAudit, type AuditChange } from "../../core/audit";
import { statementOf, transactInOneTrip, type Statement } from "../../core/one-trip";
import { randomUUID } from "node:crypto";
import { User } from "../accounts/user.entity";
import { boardChangeStatements } from "./board-changes.service";
import type { AuthUser } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
import { AppError, assertTransition, badInput, conflict, invalidTransition, notFound } from "../../core/errors";
import { policyService } from "../policy/policy.service";
import { findVisibleProject } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { assertNoStopWorkOrder } from "../projects/stop-work";
import { BoardTask, BoardTaskEvent, CadreWorkload, TASK_TRANSITIONS, UNFINISHED_STATUSES, type TaskEventType, type TaskStatus } from "./board-task.entity";
import { announce } from "./board.events";
import { notify } from "../notifications/notify";
import { CLAIMABLE_STATUS } from "./board-capabilities";
import type {
  ClaimTaskInput, PublishTaskInput, ReleaseTaskInput, ReportTaskProgressInput, SendBackTaskInput, SubmitTaskInput, VerifyTaskInput, WithdrawTaskInput,
} from "./board.inputs";

type TaskChanges = Partial<Record<keyof BoardTask, unknown>>;

/**
 * Reads a task (with its claimant) as committed now: on MariaDB a locking read (so a
 * REPEATABLE READ snapshot cannot hide a concurrent change).
 */
export async function readCurrentTask(tx: RequestContext, taskId: string): Promise<BoardTask | null> {
  const query = tx.repo(BoardTask).createQueryBuilder("task").leftJoinAndSelect("task.claimant", "claimant").where("task.id = :taskId", { taskId });
  if (tx.app.dialect === "mariadb") query.setLock("pessimistic_read");
  return query.getOne();
}

async function loadTask(tx: RequestContext, taskId: string): Promise<BoardTask> {
  const task = await tx.repo(BoardTask).findOneBy({ id: taskId });
  if (!task) throw notFound("BoardTask", taskId);
  return task;
}

/**
 * Writes one timeline entry (numbered by the task's new revision), its audit entry, and the
 * numbered board change, and queues the board event for after the commit. The board change takes
 * the board's counter row lock until the commit (board-changes.service): call this as the
 * transaction's last step, so the lock is held as briefly as possible and no other lock is
 * waited for while holding it.
 */
export async function recordTaskEvent(
  tx: RequestContext,
  before: BoardTask | null,
  after: BoardTask,
  type: TaskEventType,
  note: string | null = null,
): Promise<void> {
  const { event, audit } = taskEventOf(tx, before, after, type, note);
  await tx.repo(BoardTaskEvent).insert(event);
  await recordAudit(tx, audit);
  await announce(tx, after, event);
}

/** A change's timeline entry and audit entry, as recordTaskEvent writes them and claimInOneTrip sends them. */
function taskEventOf(ctx: RequestContext, before: BoardTask | null, after: BoardTask, type: TaskEventType, note: string | null): { event: BoardTaskEvent; audit: AuditChange } {
  const event = Object.assign(new BoardTaskEvent(), {
    id: randomUUID(),
    taskId: after.id,
    seq: after.revision,
    actorId: ctx.requireUser().id,
    type,
    fromStatus: before && before.status !== after.status ? before.status : null,
    toStatus: before === null || before.status !== after.status ? after.status : null,
    note,
    at: ctx.clock.now(),
  });
  return { event, audit: { action: `boardTask.${type.toLowerCase()}`, entityType: "BoardTask", entityId: after.id, before, after } };
}

/**
 * The one way a task changes: `UPDATE ... WHERE id = ? AND status = <from> [AND claimant_id = ?]`,
 * decided by the database through the affected-row count; 0 rows means someone changed the task
 * first, answered INVALID_TRANSITION naming the state it is in now.
 */
async function conditionalUpdate(tx: RequestContext, task: BoardTask, to: TaskStatus, changes: TaskChanges, claimantId?: string): Promise<BoardTask> {
  const query = tx
    .repo(BoardTask)
    .createQueryBuilder()
    .update(BoardTask)
    .set({ ...changes, status: to, revision: () => "revision + 1" } as never)
    .where("id = :id AND status = :from", { id: task.id, from: task.status });
  if (claimantId) query.andWhere("claimant_id = :claimantId", { claimantId });
  const result = await query.execute();
  if (!result.affected) {
    const current = await readCurrentTask(tx, task.id);
    throw invalidTransition("BoardTask", current?.status ?? task.status, to);
  }
  return loadTask(tx, task.id);
}

/**
 * Makes the cadre's workload row exist, in a short transaction of its own and before the claim's:
 * INSERT IGNORE inside the claim would hold a shared lock on the row and two concurrent claims
 * by one cadre would then deadlock upgrading it. A concurrent duplicate insert is ignored.
 */
async function ensureWorkloadRow(ctx: RequestContext, cadreId: string): Promise<void> {
  if (await ctx.repo(CadreWorkload).existsBy({ cadreId })) return;
  await ctx.transaction((tx) =>
    tx.repo(CadreWorkload).createQueryBuilder().insert().into(CadreWorkload).values({ cadreId, openTasks: 0 }).orIgnore().execute(),
  );
}

/** Counts one more unfinished task for the cadre, refused at the limit (TASK_LIMIT_REACHED) by the database. */
async function takeWorkload(tx: RequestContext, cadreId: string): Promise<void> {
  const limit = tx.app.config.taskClaimLimit;
  const result = await tx
    .repo(CadreWorkload)
    .createQueryBuilder()
    .update(CadreWorkload)
    .set({ openTasks: () => "open_tasks + 1" })
    .where("cadre_id = :cadreId AND open_tasks < :limit", { cadreId, limit })
    .execute();
  if (!result.affected) {
    throw new AppError(
      "TASK_LIMIT_REACHED",
      `A cadre may hold at most ${limit} unfinished (claimed or submitted) tasks; release one, or wait until a submitted one is verified`,
      `每名干部最多同时认领 ${limit} 项未完成（已认领或已提交待验收）的任务；请先释放一项，或等待已提交的任务通过验收`,
      { limit },
    );
  }
}

async function releaseWorkload(tx: RequestContext, cadreId: string | null): Promise<void> {
  if (!cadreId) return;
  await tx
    .repo(CadreWorkload)
    .createQueryBuilder()
    .update(CadreWorkload)
    .set({ openTasks: () => "open_tasks - 1" })
    .where("cadre_id = :cadreId AND open_tasks > 0", { cadreId })
    .execute();
}

/** What a claim sets on the task, besides first_claimed_at (kept once set) and the revision. */
const claimChanges = (user: AuthUser, input: ClaimTaskInput, now: Date) =>
  ({ status: "CLAIMED", claimantId: user.id, pledge: input.pledge, claimedAt: now, submittedAt: null, verificationComment: null }) as const;

/**
 * A claim of an OPEN task in one round trip (one-trip.ts), with the same guarantees as the
 * transaction it stands for: the task taken only if still OPEN at the revision read (one
 * winner), the cadre's workload counted only under the claim limit, in the same statement on
 * MariaDB (a multi-table UPDATE takes both row locks) and in the same transaction on SQLite;
 * then the timeline entry, the audit entry and the numbered board change, and the event once
 * committed. Null when the guard did not hold (taken meanwhile, or at the limit): nothing was
 * written, and the ordinary transaction finds out which.
 */
export async function claimInOneTrip(ctx: RequestContext, before: BoardTask, caller: User, input: ClaimTaskInput): Promise<BoardTask | null> {
  const user = ctx.requireUser();
  const now = ctx.clock.now();
  const limit = ctx.app.config.taskClaimLimit;
  const changes = claimChanges(user, input, now);
  const after = Object.assign(new BoardTask(), before, changes, {
    firstClaimedAt: before.firstClaimedAt ?? now,
    revision: before.revision + 1,
    updatedAt: now,
    claimant: caller,
  });
  const { event, audit } = taskEventOf(ctx, before, after, "CLAIMED", input.pledge);
  const set = (t: string) =>
    `${t}status = 'CLAIMED', ${t}claimant_id = ?, ${t}pledge = ?, ${t}claimed_at = ?, ${t}first_claimed_at = COALESCE(${t}first_claimed_at, ?), ` +
    `${t}submitted_at = NULL, ${t}verification_comment = NULL, ${t}revision = ${t}revision + 1, ${t}updated_at = ?`;
  const setParameters = [user.id, input.pledge, dbDate(now), dbDate(now), dbDate(now)];
  const workload: Statement[] = [];
  let guard: Statement;
  if (ctx.app.dialect === "mariadb") {
    guard = {
      sql: `UPDATE board_task t JOIN cadre_workload w ON w.cadre_id = ? SET ${set("t.")}, w.open_tasks = w.open_tasks + 1 WHERE t.id = ? AND t.status = 'OPEN' AND t.revision = ? AND w.open_tasks < ?`,
      parameters: [user.id, ...setParameters, before.id, before.revision, limit],
    };
  } else {
    // SQLite: no multi-table UPDATE, and no other writer inside this transaction to race the workload check
    guard = {
      sql: `UPDATE board_task SET ${set("")} WHERE id = ? AND status = 'OPEN' AND revision = ? AND EXISTS (SELECT 1 FROM cadre_workload WHERE cadre_id = ? AND open_tasks < ?)`,
      parameters: [...setParameters, before.id, before.revision, user.id, limit],
    };
    workload.push({ sql: "UPDATE cadre_workload SET open_tasks = open_tasks + 1 WHERE cadre_id = ?", parameters: [user.id] });
  }
  const change = boardChangeStatements(ctx, after, event);
  const rows = await transactInOneTrip(ctx, {
    // the cadre's workload row, made once (as ensureWorkloadRow does, committed before the claim's transaction)
    prepare: [statementOf(ctx.repo(CadreWorkload).createQueryBuilder().insert().into(CadreWorkload).values({ cadreId: user.id, openTasks: 0 }).orIgnore())],
    guard,
    guardRows: ctx.app.dialect === "mariadb" ? 2 : 1,
    then: [
      ...workload,
      statementOf(ctx.repo(BoardTaskEvent).createQueryBuilder().insert().into(BoardTaskEvent).values(event)),
      statementOf(auditInsert(ctx, [audit])),
      ...change.statements,
    ],
    answer: change.sequence,
  });
  if (!rows) return null;
  ctx.publishAfterCommit("TASK_BOARD", change.payload(Number(rows[0].sequence)));
  return after;
}

const claimsByInstance = new WeakMap<object, Map<string, Promise<BoardTask>>>();
/** This instance's claim attempts in flight, by task id. */
const claimsInFlight = (ctx: RequestContext) => {
  let inFlight = claimsByInstance.get(ctx.app.dataSource);
  if (!inFlight) claimsByInstance.set(ctx.app.dataSource, (inFlight = new Map()));
  return inFlight;
};

/**
 * The answer to a claim on a task that is not OPEN (read with its claimant): the cadre who
 * holds it gets it back unchanged; another holder answers TASK_ALREADY_CLAIMED naming them;
 * any other state INVALID_TRANSITION.
 */
function refuseClaim(task: BoardTask, user: AuthUser): BoardTask {
  const held = task.claimantId !== null && UNFINISHED_STATUSES.includes(task.status);
  if (held && task.claimantId === user.id) return task;
  if (held) {
    const name = task.claimant?.name ?? null;
    throw new AppError("TASK_ALREADY_CLAIMED", `This task was already claimed by ${name ?? "another cadre"}`, `该任务已被${name ?? "其他干部"}认领`, { claimantId: task.claimantId, claimantName: name });
  }
  // OPEN again already: taken and given back between this claim's UPDATE and its read.
  if (task.status === "OPEN") throw conflict("The task changed while it was being claimed; try again", "认领过程中任务状态发生了变化，请重试");
  throw invalidTransition("BoardTask", task.status, "CLAIMED");
}

/**
 * An action only the claimant may take (its remit: CLAIMANT). On a task nobody holds the action
 * is an illegal transition (INVALID_TRANSITION, there being no claimant to name); on another
 * cadre's task the remit refuses it (FORBIDDEN). The conditional UPDATE then re-checks the
 * claimant, so a release racing a verification cannot act on a task no longer the caller's.
 */
async function requireClaimant(tx: RequestContext, task: BoardTask, remit: "releaseTask" | "reportTaskProgress" | "submitTask"): Promise<void> {
  if (task.claimantId !== null) await policyService.authorize(tx, remit, { claimantId: task.claimantId });
}

/**
 * The task lifecycle: OPEN -> CLAIMED -> SUBMITTED -> FULFILLED | FAILED, with release
 * (CLAIMED -> OPEN), send-back (SUBMITTED -> CLAIMED) and withdrawal (OPEN -> WITHDRAWN).
 * Each change is one conditional UPDATE decided by the database, one timeline entry, one audit
 * entry and one board event published after the commit.
 */
export class TaskLifecycleService {
  /** ADMIN publishes an OPEN task; the due time must lie ahead; a linked project must exist. */
  publish(ctx: RequestContext, input: PublishTaskInput): Promise<BoardTask> {
    return idempotent(ctx, "publishTask", BoardTask, input, (tx) => this.publishOnce(tx, input));
  }

  private async publishOnce(ctx: RequestContext, input: PublishTaskInput): Promise<BoardTask> {
    if (input.dueAt.getTime() <= ctx.clock.now().getTime()) throw badInput("dueAt", "dueAt must be in the future", "截止时间须晚于当前时间");
    return ctx.transaction(async (tx) => {
      if (input.projectId) await findVisibleProject(tx, input.projectId);
      const user = tx.requireUser();
      const task = tx.repo(BoardTask).create({
        title: input.title,
        description: input.description,
        category: input.category,
        projectId: input.projectId ?? null,
        publishedById: user.id,
        publishedAt: tx.clock.now(),
        dueAt: input.dueAt,
        status: "OPEN",
        claimantId: null,
        pledge: null,
        claimedAt: null,
        firstClaimedAt: null,
        submittedAt: null,
        verifiedAt: null,
        verifiedById: null,
        verificationComment: null,
        withdrawnAt: null,
        revision: 1,
      });
      await tx.repo(BoardTask).insert(task);
      const saved = await loadTask(tx, task.id);
      await recordTaskEvent(tx, null, saved, "PUBLISHED");
      return saved;
    });
  }

  /**
   * 揭榜认领, first come first served, decided by the database: `UPDATE ... WHERE status = 'OPEN'`.
   * When no row changes: the same cadre gets the task back unchanged; a task another cadre
   * holds answers TASK_ALREADY_CLAIMED (with who); any other state INVALID_TRANSITION. The
   * cadre's unfinished tasks are then counted by a conditional update in the same transaction:
   * past the limit the whole claim rolls back (TASK_LIMIT_REACHED) and nothing is announced.
   *
   * Within one instance, claims on one task take turns: while one attempt is in flight the
   * others wait for its outcome, and once it has taken the task they are answered from it,
   * without a transaction of their own (a popular task gets hundreds of claims in a second).
   * An attempt that fails (limit reached, …) lets the next one try. Across instances the
   * database still decides.
   */
  async claim(ctx: RequestContext, input: ClaimTaskInput): Promise<BoardTask> {
    const user = ctx.requireUser();
    const inFlight = claimsInFlight(ctx);
    for (let pending = inFlight.get(input.taskId); pending; pending = inFlight.get(input.taskId)) {
      const outcome = await pending.catch(() => null);
      if (outcome && outcome.status !== "OPEN") return refuseClaim(outcome, user);
    }
    const attempt = this.attemptClaim(ctx, user, input);
    inFlight.set(input.taskId, attempt);
    try {
      const outcome = await attempt;
      return outcome.claimantId === user.id && outcome.status === "CLAIMED" ? outcome : refuseClaim(outcome, user);
    } finally {
      if (inFlight.get(input.taskId) === attempt) inFlight.delete(input.taskId);
    }
  }

  /**
   * One claim attempt: the task as it is afterwards, with its claimant. A plain read of the
   * committed state first (with the caller's user row, the claimant to answer with): a task
   * already taken is answered with no transaction and no lock. An OPEN one is taken in one
   * round trip (claimInOneTrip), else, when that finds the task or the cadre's workload not as
   * read, in an ordinary transaction that names the reason.
   */
  private async attemptClaim(ctx: RequestContext, user: AuthUser, input: ClaimTaskInput): Promise<BoardTask> {
    const seen = await ctx
      .repo(BoardTask)
      .createQueryBuilder("task")
      .leftJoinAndSelect("task.claimant", "claimant")
      .leftJoinAndMapOne("task.caller", User, "caller", "caller.id = :callerId", { callerId: user.id })
      .where("task.id = :taskId", { taskId: input.taskId })
      .getOne() as (BoardTask & { caller?: User | null }) | null;
    if (!seen) throw notFound("BoardTask", input.taskId);
    if (seen.status !== CLAIMABLE_STATUS) return seen;
    const { caller, claimant: _nobody, ...before } = seen;
    // inside a transaction already (the demo seed acting through the services) the claim joins it
    const oneTrip = caller && !ctx.inTransaction && (await claimInOneTrip(ctx, Object.assign(new BoardTask(), before), caller, input));
    return oneTrip || this.claimInTransaction(ctx, user, input);
  }

  private async claimInTransaction(ctx: RequestContext, user: AuthUser, input: ClaimTaskInput): Promise<BoardTask> {
    await ensureWorkloadRow(ctx, user.id);
    return ctx.transaction(async (tx) => {
      const now = tx.clock.now();
      const before = await loadTask(tx, input.taskId);
      const result = await tx
        .repo(BoardTask)
        .createQueryBuilder()
        .update(BoardTask)
        .set({ ...claimChanges(user, input, now), firstClaimedAt: () => "COALESCE(first_claimed_at, :claimedAt)", revision: () => "revision + 1" } as never)
        .where("id = :id AND status = 'OPEN'", { id: input.taskId, claimedAt: dbDate(now) })
        .execute();
      if (!result.affected) {
        const current = await readCurrentTask(tx, input.taskId);
        if (!current) throw notFound("BoardTask", input.taskId);
        return current;
      }
      await takeWorkload(tx, user.id);
      const claimed = await readCurrentTask(tx, input.taskId);
      await recordTaskEvent(tx, before, claimed!, "CLAIMED", input.pledge);
      return claimed!;
    });
  }

  /** The claimant gives a CLAIMED task back to OPEN, with a reason. */
  async release(ctx: RequestContext, input: ReleaseTaskInput): Promise<BoardTask> {
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      const task = await loadTask(tx, input.taskId);
      await requireClaimant(tx, task, "releaseTask");
      assertTransition(TASK_TRANSITIONS, "BoardTask", task.status, "OPEN");
      const after = await conditionalUpdate(tx, task, "OPEN", { claimantId: null, pledge: null, claimedAt: null }, user.id);
      await releaseWorkload(tx, user.id);
      await recordTaskEvent(tx, task, after, "RELEASED", input.reason);
      return after;
    });
  }

  /**
   * The claimant reports progress on a CLAIMED task; the task stays CLAIMED, the timeline grows.
   * On a task of a project under a stop-work order (熔断 SUSPENDED) it answers STOP_WORK_ORDER.
   */
  async reportProgress(ctx: RequestContext, input: ReportTaskProgressInput): Promise<BoardTask> {
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      const task = await loadTask(tx, input.taskId);
      await requireClaimant(tx, task, "reportTaskProgress");
      // A report keeps the task CLAIMED: the same conditional update, with no other change.
      if (task.status !== "CLAIMED") throw invalidTransition("BoardTask", task.status, "CLAIMED");
      if (task.projectId) {
        const project = await tx.repo(Project).findOneBy({ id: task.projectId });
        if (project) assertNoStopWorkOrder(project);
      }
      const after = await conditionalUpdate(tx, task, "CLAIMED", {}, user.id);
      await recordTaskEvent(tx, task, after, "PROGRESS", input.note);
      return after;
    });
  }

  /** The claimant submits a CLAIMED task for verification. */
  async submit(ctx: RequestContext, input: SubmitTaskInput): Promise<BoardTask> {
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      const task = await loadTask(tx, input.taskId);
      await requireClaimant(tx, task, "submitTask");
      assertTransition(TASK_TRANSITIONS, "BoardTask", task.status, "SUBMITTED");
      const after = await conditionalUpdate(tx, task, "SUBMITTED", { submittedAt: tx.clock.now() }, user.id);
      await recordTaskEvent(tx, task, after, "SUBMITTED", input.note ?? null);
      return after;
    });
  }

  /** ADMIN verifies a SUBMITTED task: FULFILLED (兑现) or FAILED; either way the claimant holds one task less. */
  async verify(ctx: RequestContext, input: VerifyTaskInput): Promise<BoardTask> {
    const user = ctx.requireUser();
    const to: TaskStatus = input.fulfilled ? "FULFILLED" : "FAILED";
    return ctx.transaction(async (tx) => {
      const task = await loadTask(tx, input.taskId);
      assertTransition(TASK_TRANSITIONS, "BoardTask", task.status, to);
      const after = await conditionalUpdate(tx, task, to, {
        verifiedAt: tx.clock.now(),
        verifiedById: user.id,
        verificationComment: input.comment ?? null,
      });
      await releaseWorkload(tx, task.claimantId);
      await notify(tx, {
        kind: "TASK_VERIFIED", subject: { type: "BOARD_TASK", id: task.id }, projectId: task.projectId, recipientIds: [task.claimantId], dueAt: task.dueAt,
        params: { subject: task.title, detail: input.fulfilled ? "已兑现" : "未兑现", detailEn: input.fulfilled ? "fulfilled" : "failed" },
      });
      await recordTaskEvent(tx, task, after, to, input.comment ?? null);
      return after;
    });
  }

  /** ADMIN sends a submission back: SUBMITTED -> CLAIMED, same claimant, with the comment. */
  async sendBack(ctx: RequestContext, input: SendBackTaskInput): Promise<BoardTask> {
    return ctx.transaction(async (tx) => {
      const task = await loadTask(tx, input.taskId);
      // The table also allows OPEN -> CLAIMED (a claim); sending back starts from SUBMITTED only.
      if (task.status !== "SUBMITTED") throw invalidTransition("BoardTask", task.status, "CLAIMED");
      const after = await conditionalUpdate(tx, task, "CLAIMED", { submittedAt: null, verificationComment: input.comment });
      await notify(tx, { kind: "TASK_SENT_BACK", subject: { type: "BOARD_TASK", id: task.id }, projectId: task.projectId, recipientIds: [task.claimantId], dueAt: task.dueAt, params: { subject: task.title } });
      await recordTaskEvent(tx, task, after, "SENT_BACK", input.comment);
      return after;
    });
  }

  /** ADMIN withdraws an OPEN task (撤榜); a claimed task cannot be withdrawn. */
  async withdraw(ctx: RequestContext, input: WithdrawTaskInput): Promise<BoardTask> {
    return ctx.transaction(async (tx) => {
      const task = await loadTask(tx, input.taskId);
      assertTransition(TASK_TRANSITIONS, "BoardTask", task.status, "WITHDRAWN");
      const after = await conditionalUpdate(tx, task, "WITHDRAWN", { withdrawnAt: tx.clock.now() });
      await recordTaskEvent(tx, task, after, "WITHDRAWN", input.reason ?? null);
      return after;
    });
  }
}

export const taskLifecycleService = new TaskLifecycleService();
