import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { districtDate } from "../../core/dates";
import { assertTransition, badInput, forbidden, invalidTransition, notFound } from "../../core/errors";
import { keyedLoader } from "../../core/loaders";
import { whereStatus } from "../../core/status-filter";
import { paginate, type Connection, type ConnectionArgs, type KeysetOrder } from "../../core/pagination";
import { In } from "typeorm";
import { User } from "../accounts/user.entity";
import type { FaultCorrectionFilter, FaultCorrectionOrderInput, SubmitFaultCorrectionInput, VerifyFaultCorrectionInput } from "./board.inputs";
import { CORRECTION_TRANSITIONS, FaultCorrection, type CorrectionStatus } from "./fault-correction.entity";
import type { FaultToleranceReview } from "./fault-tolerance.entity";

const DUE_ON_ASC: KeysetOrder<FaultCorrection> = {
  name: "dueOn",
  direction: "ASC",
  keys: [{ column: "correction.dueOn", value: (c) => c.dueOn, kind: "string" }],
  idColumn: "correction.id",
};

type CorrectionChanges = Partial<Record<keyof FaultCorrection, unknown>>;

/**
 * 纠错, followed like a board task: ORDERED by a review -> SUBMITTED by its owner with a note ->
 * COMPLETED by the reform office, or back to ORDERED when not accepted. The states are
 * CORRECTION_TRANSITIONS, checked by assertTransition; each change is one conditional UPDATE on the
 * status it starts from (so of two concurrent verifications one acts and the other answers
 * INVALID_TRANSITION) and one audit entry, in one transaction. Read by the reform office (ADMIN)
 * and by the correction's owner only.
 */
export class FaultCorrectionService {
  /** Orders the review's correction, in the review's transaction: the owner must be an active CADRE (BAD_USER_INPUT correction.ownerId). */
  async order(tx: RequestContext, review: FaultToleranceReview, input: FaultCorrectionOrderInput): Promise<FaultCorrection> {
    const owner = await tx.repo(User).findOneBy({ id: input.ownerId });
    if (!owner || owner.role !== "CADRE" || !owner.active) throw badInput("correction.ownerId", "A correction's owner must be an active cadre", "纠错事项的负责人须为在职（账号有效）的干部");
    const correction = tx.repo(FaultCorrection).create({
      reviewId: review.id,
      ownerId: owner.id,
      description: input.description,
      dueOn: input.dueOn,
      status: "ORDERED",
      submittedAt: null,
      note: null,
      comment: null,
      completedAt: null,
      completedById: null,
      createdAt: tx.clock.now(),
    });
    await tx.repo(FaultCorrection).insert(correction);
    const saved = await tx.repo(FaultCorrection).findOneByOrFail({ id: correction.id });
    await recordAudit(tx, { action: "faultCorrection.order", entityType: "FaultCorrection", entityId: saved.id, after: saved });
    return saved;
  }

  /** The owner reports the correction done (ORDERED -> SUBMITTED) with a note; any other cadre is refused (FORBIDDEN). */
  async submit(ctx: RequestContext, input: SubmitFaultCorrectionInput): Promise<FaultCorrection> {
    return ctx.transaction(async (tx) => {
      const user = tx.requireUser();
      const correction = await this.load(tx, input.id);
      if (correction.ownerId !== user.id) {
        throw forbidden("Only the correction's owner may submit this correction", "只有该纠错事项的负责人才能提交整改结果", { remit: "submitFaultCorrection" });
      }
      return this.change(tx, correction, "SUBMITTED", { submittedAt: tx.clock.now(), note: input.note }, "faultCorrection.submit");
    });
  }

  /** The reform office verifies a SUBMITTED correction: accepted -> COMPLETED (when and by whom); not accepted -> ORDERED, back to its owner. */
  async verify(ctx: RequestContext, input: VerifyFaultCorrectionInput): Promise<FaultCorrection> {
    return ctx.transaction(async (tx) => {
      const correction = await this.load(tx, input.id);
      if (input.accepted) {
        return this.change(tx, correction, "COMPLETED", { completedAt: tx.clock.now(), completedById: tx.requireUser().id, comment: input.comment }, "faultCorrection.complete");
      }
      return this.change(tx, correction, "ORDERED", { comment: input.comment }, "faultCorrection.sendBack");
    });
  }

  /**
   * Corrections, soonest due first: ADMIN sees every one; a CADRE only their own (filtering by
   * another owner answers FORBIDDEN). Other roles are refused by the resolver.
   */
  async list(ctx: RequestContext, args: ConnectionArgs, filter: FaultCorrectionFilter = {}): Promise<Connection<FaultCorrection>> {
    const user = ctx.requireUser();
    let ownerId = filter.ownerId;
    if (user.role !== "ADMIN") {
      if (ownerId && ownerId !== user.id) throw forbidden("A cadre sees only the corrections they own", "干部只能查看由本人负责的纠错事项");
      ownerId = user.id;
    }
    const query = ctx.repo(FaultCorrection).createQueryBuilder("correction");
    if (ownerId) query.andWhere("correction.ownerId = :ownerId", { ownerId });
    whereStatus(query, "correction.status", filter);
    return paginate(query, args, DUE_ON_ASC);
  }

  /** The review's correction, or null when it ordered none or the caller is neither ADMIN nor its owner. */
  async forReview(ctx: RequestContext, reviewId: string): Promise<FaultCorrection | null> {
    const user = ctx.user;
    if (!user) return null;
    const load = (ids: string[]) => ctx.repo(FaultCorrection).findBy({ reviewId: In(ids) });
    const correction = await keyedLoader(ctx, "faultCorrection.byReview", load, (c) => c.reviewId).load(reviewId);
    return correction && (user.role === "ADMIN" || correction.ownerId === user.id) ? correction : null;
  }

  /** Not COMPLETED and its due date passed by the district date (server clock). */
  isOverdue(ctx: RequestContext, correction: FaultCorrection): boolean {
    return correction.status !== "COMPLETED" && correction.dueOn < districtDate(ctx.clock.now());
  }

  private async load(tx: RequestContext, id: string): Promise<FaultCorrection> {
    const correction = await tx.repo(FaultCorrection).findOneBy({ id });
    if (!correction) throw notFound("FaultCorrection", id);
    return correction;
  }

  /**
   * The one way a correction changes: checked against CORRECTION_TRANSITIONS, then
   * `UPDATE ... WHERE id = ? AND status = <from>`; no row changed means someone changed it first,
   * answered INVALID_TRANSITION naming the state it is in now.
   */
  private async change(tx: RequestContext, before: FaultCorrection, to: CorrectionStatus, changes: CorrectionChanges, action: string): Promise<FaultCorrection> {
    assertTransition(CORRECTION_TRANSITIONS, "FaultCorrection", before.status, to);
    const result = await tx
      .repo(FaultCorrection)
      .createQueryBuilder()
      .update(FaultCorrection)
      .set({ ...changes, status: to } as never)
      .where("id = :id AND status = :from", { id: before.id, from: before.status })
      .execute();
    if (!result.affected) {
      // a locking read on MariaDB: a REPEATABLE READ snapshot would still show the state this change started from
      const read = tx.repo(FaultCorrection).createQueryBuilder("correction").where("correction.id = :id", { id: before.id });
      if (tx.app.dialect === "mariadb") read.setLock("pessimistic_read");
      const current = await read.getOne();
      throw invalidTransition("FaultCorrection", current?.status ?? before.status, to);
    }
    const after = await tx.repo(FaultCorrection).findOneByOrFail({ id: before.id });
    await recordAudit(tx, { action, entityType: "FaultCorrection", entityId: after.id, before, after });
    return after;
  }
}

export const faultCorrectionService = new FaultCorrectionService();
