import { districtDate } from "../../core/dates";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { recordClauseBreach } from "../commitments/clause-sync";
import { CommitmentClause, CommitmentLetter, type Party } from "../commitments/commitment.entity";
import { markOverdueDeferredItems } from "../fast-track/deferred-item.service";
import { Project } from "../projects/project.entity";
import { creditService } from "../credit/credit.service";
import { circuitBreakerService } from "./circuit-breaker.service";
import { judgeGovernmentClauses } from "./government-clauses";
import { InspectionFinding, JointInspection } from "./supervision.entity";
import type { SweepReport } from "./supervision.types";


/**
 * The deadline sweep. Every effect is decided by a conditional UPDATE on the row's current
 * state (and credit records by their unique source), each in its own transaction, so sweeps
 * running at the same moment on several instances produce each effect exactly once.
 */
export class SweepService {
  async run(ctx: RequestContext): Promise<SweepReport> {
    const report: SweepReport = { ranAt: ctx.clock.now(), overdueDeferredItems: 0, breachedClauses: 0, keptClauses: 0, overdueFindings: 0, suspendedProjects: 0, awaitingDecision: 0, creditRecords: 0 };
    await this.sweepDeferredItems(ctx, report);
    await this.sweepClauses(ctx, report);
    await this.sweepGovernmentClauses(ctx, report);
    await this.sweepFindings(ctx, report);
    const breakers = await circuitBreakerService.sweep(ctx);
    report.suspendedProjects += breakers.suspendedProjects;
    report.awaitingDecision += breakers.awaitingDecision;
    report.creditRecords += breakers.creditRecords;
    return report;
  }

  /**
   * 容缺 materials not supplied by their promised date: the fast-track module flips each OVERDUE
   * once, breaches its linked clauses and writes the GENERAL breach on the enterprise.
   */
  private async sweepDeferredItems(ctx: RequestContext, report: SweepReport): Promise<void> {
    const flipped = await markOverdueDeferredItems(ctx, ctx.clock.now());
    report.overdueDeferredItems += flipped.length;
    report.creditRecords += flipped.length; // each flip writes its GENERAL breach (deferred-item.service)
  }

  /**
   * Enterprise clauses of a letter in force (signed, not amended by a signed version) whose due
   * date has passed unfulfilled: BREACHED, a GENERAL breach on the enterprise. Clauses tied to a
   * deferred item follow the item instead. Government clauses are never breached by the date alone
   * (sweepGovernmentClauses).
   */
  private async sweepClauses(ctx: RequestContext, report: SweepReport): Promise<void> {
    const today = districtDate(ctx.clock.now());
    const candidates = await ctx
      .repo(CommitmentClause)
      .createQueryBuilder("clause")
      .innerJoin(CommitmentLetter, "letter", "letter.id = clause.letterId")
      .innerJoin(Project, "project", "project.id = letter.projectId")
      .select(["clause.id AS id", "clause.party AS party", "clause.dueOn AS dueOn", "clause.title AS title", "project.enterpriseId AS enterpriseId"])
      .where("clause.fulfilmentStatus = 'PENDING' AND clause.party = 'ENTERPRISE' AND clause.deferredItemId IS NULL AND clause.dueOn < :today", { today })
      .andWhere("letter.status = 'SIGNED'")
      .andWhere("NOT EXISTS (SELECT 1 FROM commitment_letter newer WHERE newer.amends_id = letter.id AND newer.status = 'SIGNED')")
      .getRawMany<{ id: string; party: Party; dueOn: string; title: string; enterpriseId: string }>();
    for (const clause of candidates) {
      await ctx.transaction(async (tx) => {
        const flipped = await tx.repo(CommitmentClause).update({ id: clause.id, fulfilmentStatus: "PENDING" }, { fulfilmentStatus: "BREACHED" });
        if (!flipped.affected) return;
        report.breachedClauses += 1;
        await recordAudit(tx, { action: "commitmentClause.fulfilment", entityType: "CommitmentClause", entityId: clause.id, before: { fulfilmentStatus: "PENDING" }, after: { fulfilmentStatus: "BREACHED" } });
        const written = await recordClauseBreach(tx, { ...clause, deferredItemId: null }, clause.enterpriseId);
        if (written) report.creditRecords += 1;
      });
    }
  }

  /**
   * Government clauses with a rule, judged from the data (government-clauses.ts): each decision
   * KEPT (FULFILLED on its day) or BREACHED, with its judgement, by a conditional UPDATE on
   * PENDING in its own transaction, audited. A breached government clause shows on the dashboard
   * (the government answers for it, not credit). One without a rule waits for ADMIN's judgement.
   */
  private async sweepGovernmentClauses(ctx: RequestContext, report: SweepReport): Promise<void> {
    for (const decision of await judgeGovernmentClauses(ctx)) {
      await ctx.transaction(async (tx) => {
        const changes = { fulfilmentStatus: decision.status, fulfilledOn: decision.fulfilledOn, judgement: decision.judgement };
        const flipped = await tx.repo(CommitmentClause).update({ id: decision.clauseId, fulfilmentStatus: "PENDING" }, changes);
        if (!flipped.affected) return; // another sweep (or the facts' owner) got there first
        if (decision.status === "FULFILLED") report.keptClauses += 1;
        else report.breachedClauses += 1;
        await recordAudit(tx, {
          action: "commitmentClause.fulfilment", entityType: "CommitmentClause", entityId: decision.clauseId,
          before: { fulfilmentStatus: "PENDING" }, after: { ...changes, rule: decision.rule },
        });
      });
    }
  }

  /** A finding whose follow-up deadline has passed unresolved: OVERDUE and a MINOR breach. */
  private async sweepFindings(ctx: RequestContext, report: SweepReport): Promise<void> {
    const today = districtDate(ctx.clock.now());
    const candidates: Array<{ id: string; enterpriseId: string; standardId: string; dueOn: string }> = await ctx
      .repo(InspectionFinding)
      .createQueryBuilder("finding")
      .innerJoin(JointInspection, "inspection", "inspection.id = finding.inspectionId")
      .innerJoin(Project, "project", "project.id = inspection.projectId")
      .select(["finding.id AS id", "project.enterpriseId AS enterpriseId", "finding.standardId AS standardId", "finding.followUpDueOn AS dueOn"])
      .where("finding.followUpStatus = 'OPEN' AND finding.followUpDueOn < :today", { today })
      .getRawMany();
    for (const candidate of candidates) {
      await ctx.transaction(async (tx) => {
        const flipped = await tx.repo(InspectionFinding).createQueryBuilder().update().set({ followUpStatus: "OVERDUE" }).where("id = :id AND follow_up_status = 'OPEN'", { id: candidate.id }).execute();
        if (!flipped.affected) return; // another sweep got there first
        report.overdueFindings += 1;
        await recordAudit(tx, { action: "finding.overdue", entityType: "InspectionFinding", entityId: candidate.id, before: { followUpStatus: "OPEN" }, after: { followUpStatus: "OVERDUE" } });
        const written = await creditService.recordBreach(tx, {
          enterpriseId: candidate.enterpriseId,
          severity: "MINOR",
          reason: `Inspection finding not put right by ${candidate.dueOn}`,
          sourceType: "INSPECTION_FINDING",
          sourceId: candidate.id,
        });
        if (written) report.creditRecords += 1;
      });
    }
  }
}

export const sweepService = new SweepService();
