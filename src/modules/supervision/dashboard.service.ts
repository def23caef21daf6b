import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { creditService } from "../credit/credit.service";
import { Enterprise } from "../enterprises/enterprise.entity";
import { CommitmentClause } from "../commitments/commitment.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { Project } from "../projects/project.entity";
import { CircuitBreaker } from "./circuit-breaker.entity";
import { InspectionFinding } from "./supervision.entity";
import { supervisionService } from "./supervision.service";

/** supervisionDashboard: computed on request from the records, nothing stored. */
export class DashboardService {
  async dashboard(ctx: RequestContext) {
    const [overdueDeferredItems, breachedClauses, overdueFindings, inspectionsDue, groups, breakers] = await Promise.all([
      ctx.repo(DeferredItem).find({ where: { status: "OVERDUE" }, order: { promisedBy: "ASC", id: "ASC" } }),
      ctx.repo(CommitmentClause).find({ where: { fulfilmentStatus: "BREACHED" }, order: { dueOn: "ASC", id: "ASC" } }),
      ctx.repo(InspectionFinding).find({ where: { followUpStatus: "OVERDUE" }, order: { followUpDueOn: "ASC", id: "ASC" } }),
      supervisionService.inspectionsDue(ctx),
      creditService.enterprisesByMeasure(ctx),
      ctx.repo(CircuitBreaker).find({ where: { state: In(["SUSPENDED", "AWAITING_DECISION", "EXITED", "REAPPLY"]) }, order: { changedAt: "ASC", projectId: "ASC" } }),
    ]);
    const projects = breakers.length ? await ctx.repo(Project).findBy({ id: In(breakers.map((b) => b.projectId)) }) : [];
    const projectOf = new Map(projects.map((p) => [p.id, p]));
    const inState = (...states: string[]) => breakers.filter((b) => states.includes(b.state));
    const projectsOf = (list: CircuitBreaker[]) => list.map((b) => projectOf.get(b.projectId)!).filter(Boolean);
    const stopped = [...inState("SUSPENDED", "AWAITING_DECISION")].sort((a, b) => (a.suspendedAt?.getTime() ?? 0) - (b.suspendedAt?.getTime() ?? 0));
    const ids = groups.flatMap((g) => g.enterpriseIds);
    const enterprises = ids.length ? await ctx.repo(Enterprise).findBy({ id: In(ids) }) : [];
    const byId = new Map(enterprises.map((e) => [e.id, e]));
    return {
      overdueDeferredItems,
      breachedClauses,
      overdueFindings,
      inspectionsDue,
      suspendedProjects: projectsOf(stopped),
      awaitingDecisionProjects: projectsOf(inState("AWAITING_DECISION")),
      exitedProjects: projectsOf(inState("EXITED").reverse()),
      circuitBreakers: {
        suspended: inState("SUSPENDED").length,
        awaitingDecision: inState("AWAITING_DECISION").length,
        exited: inState("EXITED").length,
        reapply: inState("REAPPLY").length,
      },
      enterprisesByMeasure: groups.map((g) => ({ measure: g.measure, enterprises: g.enterpriseIds.map((id) => byId.get(id)!) })),
    };
  }
}

export const dashboardService = new DashboardService();
