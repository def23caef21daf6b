import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
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

  /** Active = neither lifted nor lapsed at the service clock's now. */
  private activeQuery(ctx: RequestContext, enterpriseId: string) {
    return ctx
      .repo(CreditRecord)
      .createQueryBuilder("record")
      .where("record.enterpriseId = :enterpriseId", { enterpriseId })
      .andWhere("record.liftedAt IS NULL")
      .andWhere("record.expiresAt > :now", { now: dbDate(ctx.clock.now()) });
  }

  async status(ctx: RequestContext, enterpriseId: string): Promise<CreditStatus> {
    const active = await this.activeQuery(ctx, enterpriseId).getMany();
    const activePoints = active.reduce((sum, r) => sum + pointsOf(ctx.app.config, r.severity), 0);
    const measure = measureFor(ctx.app.config, activePoints);
    return { measure, activePoints, activeRecords: active.length, facilitationRestricted: restrictsFacilitation(measure) };
  }

  /** Records newest first; `activeOnly` leaves out lifted and lapsed ones. */
  records(ctx: RequestContext, enterpriseId: string, args: ConnectionArgs, activeOnly = false): Promise<Connection<CreditRecord>> {
    const query = activeOnly
      ? this.activeQuery(ctx, enterpriseId)
      : ctx.repo(CreditRecord).createQueryBuilder("record").where("record.enterpriseId = :enterpriseId", { enterpriseId });
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
      if (!result.affected) throw conflict(`Credit record ${recordId} was already lifted`);
      const after = await tx.repo(CreditRecord).findOneByOrFail({ id: recordId });
      await recordAudit(tx, { action: "credit.lift", entityType: "CreditRecord", entityId: recordId, before, after });
      return after;
    });
  }

  /** Enterprises grouped by their current measure (for the supervision dashboard). */
  async enterprisesByMeasure(ctx: RequestContext): Promise<Array<{ measure: Measure; enterpriseIds: string[] }>> {
    const rows: Array<{ enterpriseId: string; severity: Severity }> = await ctx
      .repo(CreditRecord)
      .createQueryBuilder("record")
      .select(["record.enterpriseId AS enterpriseId", "record.severity AS severity"])
      .where("record.liftedAt IS NULL")
      .andWhere("record.expiresAt > :now", { now: dbDate(ctx.clock.now()) })
      .getRawMany();
    const points = new Map<string, number>();
    for (const row of rows) points.set(row.enterpriseId, (points.get(row.enterpriseId) ?? 0) + pointsOf(ctx.app.config, row.severity));
    const groups = new Map<Measure, string[]>();
    for (const [enterpriseId, total] of points) {
      const measure = measureFor(ctx.app.config, total);
      if (measure !== "NONE") groups.set(measure, [...(groups.get(measure) ?? []), enterpriseId]);
    }
    return [...groups].map(([measure, enterpriseIds]) => ({ measure, enterpriseIds: enterpriseIds.sort() }));
  }
}

export const creditService = new CreditService();
