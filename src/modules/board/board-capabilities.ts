import { In } from "typeorm";
import type { AuthUser } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { keyedLoader } from "../../core/loaders";
import { policyService } from "../policy/policy.service";
import { rolesOf } from "../policy/remits";
import { CadreWorkload, type BoardTask, type TaskStatus } from "./board-task.entity";

/** The one state a task is claimed from (揭榜认领 takes an OPEN task; SUBMITTED -> CLAIMED is a send-back). */
export const CLAIMABLE_STATUS: TaskStatus = "OPEN";

/**
 * What the board tells a caller about claiming: the claim limit and the unfinished tasks it counts,
 * and whether a task may be claimed now. Read from the same policy row (claimTask), the same state
 * rule and the same workload counter (cadre_workload, which the claim's conditional update checks).
 */
export const boardCapabilities = {
  /** The most unfinished tasks the user may hold: TASK_CLAIM_LIMIT for a role that may claim, 0 for others (they claim nothing). */
  claimLimit(ctx: RequestContext, user: Pick<AuthUser, "role">): number {
    return rolesOf("claimTask").includes(user.role) ? ctx.app.config.taskClaimLimit : 0;
  },

  /** The user's unfinished (CLAIMED or SUBMITTED) tasks as the claim limit counts them; 0 for a role that cannot claim. One statement for every user asked in a tick. */
  async unfinishedTaskCount(ctx: RequestContext, user: Pick<AuthUser, "id" | "role">): Promise<number> {
    if (!rolesOf("claimTask").includes(user.role)) return 0;
    const load = (ids: string[]) => ctx.repo(CadreWorkload).findBy({ cadreId: In(ids) });
    const row = await keyedLoader(ctx, "board.workload", load, (w) => w.cadreId).load(user.id);
    return row?.openTasks ?? 0;
  },

  /**
   * Whether the caller's claimTask would take the task now: the remit (claimTask), the task OPEN,
   * and the caller below the claim limit (else TASK_LIMIT_REACHED). A claim racing another may
   * still lose (TASK_ALREADY_CLAIMED): the database decides.
   */
  async viewerCanClaim(ctx: RequestContext, task: BoardTask): Promise<boolean> {
    const user = ctx.user;
    if (!user || task.status !== CLAIMABLE_STATUS) return false;
    if (!(await policyService.allows(ctx, "claimTask", {}))) return false;
    return (await this.unfinishedTaskCount(ctx, user)) < this.claimLimit(ctx, user);
  },
};
