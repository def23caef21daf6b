import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
import { groupedLoader } from "../../core/loaders";
import { conflict, notFound } from "../../core/errors";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { Enterprise } from "../enterprises/enterprise.entity";
import { CreditRecord, type Measure, type Severity } from "./credit-record.entity";
import { measureFor, periodDays, pointsOf, restrictsFacilitation } from "./credit.rules";

export interface CreditStatus {
  measure: Measure;
  activePoints: number;
  activeRecords: number;
  facilitationRestricted: boolean;
}

export interface Breach {
  enterpriseId: string;
  severity: Severity;
  reason: string;
  sourceType: "DEFERRED_ITEM" | "COMMITMENT_CLAUSE" | "INSPECTION_FINDING" | "CIRCUIT_BREAKER";
  sourceId: string;
}

/** 守信受益、失信受限: credit records of enterprises and the measure they add up to. */
export class CreditService {
  /**
   * Writes the record a breach causes, once per source (INSERT … IGNORE on the unique source key):
   * a second sweep reaching the same breach adds nothing. Returns whether this call wrote it.
   */
  async recordBreach(tx: RequestContext, breach: Breach): Promise<boolean> {
    const enterprise = await tx.repo(Enterprise).findOneByOrFail({ id: breach.enterpriseId });
    const now = tx.clock.now();
    const record = tx.repo(CreditRecord).create({
      ...breach,
      responsiblePerson: enterprise.legalRepresentative,
      recordedAt: now,
      expiresAt: new Date(now.getTime() + periodDays(tx.app.config, breach.severity) * 86_400_000),
      liftedAt: null,
      liftedById: null,
      liftReason: null,
    });
    record.assignId();
    await tx.repo(CreditRecord).createQueryBuilder().insert().into(CreditRecord).values(record).orIgnore().execute();
    const written = (await tx.repo(CreditRecord).countBy({ id: record.id })) === 1;
    if (written) await recordAudit(tx, { action: "credit.record", entityType: "CreditRecord", entityId: record.id, after: record });
    return written;
  }

  /** Active records: neither lifted nor lapsed at the service clock's now. The one place that says so. */
  private active(ctx: RequestContext) {
    return ctx.repo(CreditRecord).createQueryBuilder("record").where("record.liftedAt IS NULL AND record.expiresAt > :now", { now: dbDate(ctx.clock.now()) });
  }

  /** Points of the active records, per enterprise. */
  private pointsByEnterprise(ctx: RequestContext, records: Array<{ enterpriseId: string; severity: Severity }>): Map<string, number> {
    const points = new Map<string, number>();
    for (const r of records) points.set(r.enterpriseId, (points.get(r.enterpriseId) ?? 0) + pointsOf(ctx.app.config, r.severity));
    return points;
  }

  /** The measure in force, from the enterprise's active records (one query for a page of enterprises). */
  async status(ctx: RequestContext, enterpriseId: string): Promise<CreditStatus> {
    const active = await groupedLoader(
      ctx,
      "activeCreditRecords.byEnterprise",
      (ids) => this.active(ctx).andWhere("record.enterpriseId IN (:...ids)", { ids }).getMany(),
      (r) => r.enterpriseId,
    ).load(enterpriseId);
    const activePoints = this.pointsByEnterprise(ctx, active).get(enterpriseId) ?? 0;
    const measure = measureFor(ctx.app.config, activePoints);
    return { measure, activePoints, activeRecords: active.length, facilitationRestricted: restrictsFacilitation(measure) };
  }

  /** Records newest first; `activeOnly` leaves out lifted and lapsed ones. */
  records(ctx: RequestContext, enterpriseId: string, args: ConnectionArgs, activeOnly = false): Promise<Connection<CreditRecord>> {
    const query = (activeOnly ? this.active(ctx) : ctx.repo(CreditRecord).createQueryBuilder("record")).andWhere("record.enterpriseId = :enterpriseId", { enterpriseId });
    return paginate(query, args, {
      name: "recordedAt",
      direction: "DESC",
      keys: [{ column: "record.recordedAt", value: (r) => r.recordedAt, kind: "date" }],
      idColumn: "record.id",
    });
  }

  /** 信用修复 by decision: ADMIN lifts an active record with a reason; the record stays readable. */
  async lift(ctx: RequestContext, recordId: string, reason: string): Promise<CreditRecord> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(CreditRecord).findOneBy({ id: recordId });
      if (!before) throw notFound("CreditRecord", recordId);
      const result = await tx
        .repo(CreditRecord)
        .createQueryBuilder()
        .update()
        .set({ liftedAt: tx.clock.now(), liftedById: tx.requireUser().id, liftReason: reason })
        .where("id = :id AND liftedAt IS NULL", { id: recordId })
        .execute();
      if (!result.affected) throw conflict(`Credit record ${recordId} was already lifted`, `信用记录 ${recordId} 已经修复（解除）`);
      const after = await tx.repo(CreditRecord).findOneByOrFail({ id: recordId });
      await recordAudit(tx, { action: "credit.lift", entityType: "CreditRecord", entityId: recordId, before, after });
      return after;
    });
  }

  /** Enterprises grouped by their current measure (for the supervision dashboard). */
  async enterprisesByMeasure(ctx: RequestContext): Promise<Array<{ measure: Measure; enterpriseIds: string[] }>> {
    const points = this.pointsByEnterprise(ctx, await this.active(ctx).getMany());
    const groups = new Map<Measure, string[]>();
    for (const [enterpriseId, total] of points) {
      const measure = measureFor(ctx.app.config, total);
      if (measure !== "NONE") groups.set(measure, [...(groups.get(measure) ?? []), enterpriseId]);
    }
    return [...groups].map(([measure, enterpriseIds]) => ({ measure, enterpriseIds: enterpriseIds.sort() }));
  }
}

export const creditService = new CreditService();
