import { chinaDate } from "../../core/clock";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { Project } from "../projects/project.entity";
import { creditService } from "../credit/credit.service";
import { circuitBreakerService } from "./circuit-breaker.service";
import { InspectionFinding, JointInspection } from "./supervision.entity";

export interface SweepReport {
  ranAt: Date;
  overdueFindings: number;
  suspendedProjects: number;
  awaitingDecision: number;
  creditRecords: number;
}

/**
 * The deadline sweep. Every effect is decided by a conditional UPDATE on the row's current
 * state (and credit records by their unique source), each in its own transaction, so sweeps
 * running at the same moment on several instances produce each effect exactly once.
 */
export class SweepService {
  async run(ctx: RequestContext): Promise<SweepReport> {
    const report: SweepReport = { ranAt: ctx.clock.now(), overdueFindings: 0, suspendedProjects: 0, awaitingDecision: 0, creditRecords: 0 };
    await this.sweepFindings(ctx, report);
    const breakers = await circuitBreakerService.sweep(ctx);
    report.suspendedProjects += breakers.suspendedProjects;
    report.awaitingDecision += breakers.awaitingDecision;
    report.creditRecords += breakers.creditRecords;
    return report;
  }

  /** A finding whose follow-up deadline has passed unresolved: OVERDUE and a MINOR breach. */
  private async sweepFindings(ctx: RequestContext, report: SweepReport): Promise<void> {
    const today = chinaDate(ctx.clock.now());
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
          reason: `Inspection finding not put right by ${String(candidate.dueOn).slice(0, 10)}`,
          sourceType: "INSPECTION_FINDING",
          sourceId: candidate.id,
        });
        if (written) report.creditRecords += 1;
      });
    }
  }
}

export const sweepService = new SweepService();
