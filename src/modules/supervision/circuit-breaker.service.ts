import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import { addDays, addMonths, districtDate } from "../../core/dates";
import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
import { groupedLoader, keyedLoader } from "../../core/loaders";
import { assertTransition, badInput, invalidTransition } from "../../core/errors";
import { Project } from "../projects/project.entity";
import { findVisibleProject } from "../projects/project-access";
import { creditService } from "../credit/credit.service";
import { policyService } from "../policy/policy.service";
import type { UrgentRequestPayload } from "../tickets/urgent.events";
import { BREAKER_TRANSITIONS, CircuitBreaker, CircuitBreakerEvent, DelayCause, type BreakerState } from "./circuit-breaker.entity";
import type { ConfirmRectificationInput, DecideAfterRectificationInput, RecordDelayCauseInput } from "./circuit-breaker.inputs";

export interface BreakerSweepReport {
  suspendedProjects: number;
  awaitingDecision: number;
  creditRecords: number;
}

/**
 * 熔断. Every move is a conditional UPDATE on the breaker's current state, so a sweep on several
 * instances, or a sweep racing a cadre, moves a breaker once; each move writes an event (who,
 * when, why), an audit entry, and is pushed on the project's urgent channel after commit.
 */
export class CircuitBreakerService {
  /** The project's breaker (ACTIVE when it never tripped), through the request's loader. */
  async breakerOf(ctx: RequestContext, projectId: string): Promise<CircuitBreaker> {
    const row = await keyedLoader(ctx, "circuitBreaker.byProject", (ids) => ctx.repo(CircuitBreaker).findBy({ projectId: In(ids) }), (b) => b.projectId).load(projectId);
    return row ?? ctx.repo(CircuitBreaker).create({ projectId, state: "ACTIVE", stopWorkOrder: null, suspendedAt: null, rectificationDueOn: null, rectifiedAt: null, decisionReason: null, changedAt: new Date(0) });
  }

  events(ctx: RequestContext, projectId: string): Promise<CircuitBreakerEvent[]> {
    return groupedLoader(ctx, "circuitBreakerEvents.byProject", (ids) => ctx.repo(CircuitBreakerEvent).find({ where: { projectId: In(ids) }, order: { at: "ASC", id: "ASC" } }), (e) => e.projectId).load(projectId);
  }

  delayCauses(ctx: RequestContext, projectId: string): Promise<DelayCause[]> {
    return groupedLoader(ctx, "delayCauses.byProject", (ids) => ctx.repo(DelayCause).find({ where: { projectId: In(ids) }, order: { recordedAt: "ASC", id: "ASC" } }), (c) => c.projectId).load(projectId);
  }

  /** The manager's (or the reform office's) attribution of a delay; the latest one decides whether the breaker may trip. */
  async recordDelayCause(ctx: RequestContext, input: RecordDelayCauseInput): Promise<DelayCause> {
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "recordDelayCause", { projectId: project.id, enterpriseId: project.enterpriseId });
      const cause = tx.repo(DelayCause).create({ ...input, note: input.note ?? null, recordedById: tx.requireUser().id, recordedAt: tx.clock.now() });
      await tx.repo(DelayCause).insert(cause);
      await recordAudit(tx, { action: "project.delayCause", entityType: "Project", entityId: input.projectId, after: cause });
      return cause;
    });
  }

  /** SUSPENDED and still within the deadline -> ACTIVE again. */
  async confirmRectification(ctx: RequestContext, input: ConfirmRectificationInput): Promise<CircuitBreaker> {
    const today = districtDate(ctx.clock.now());
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "confirmRectification", { projectId: project.id, enterpriseId: project.enterpriseId });
      const breaker = await this.breakerOf(tx, input.projectId);
      if (breaker.state === "SUSPENDED" && breaker.rectificationDueOn && breaker.rectificationDueOn < today) {
        throw badInput("projectId", `The rectification deadline ${breaker.rectificationDueOn} has passed; the reform office decides now`);
      }
      return this.move(tx, input.projectId, breaker.state, "ACTIVE", { rectifiedAt: tx.clock.now() }, input.note);
    });
  }

  /** The reform office's decision on a project that did not rectify in time. */
  async decide(ctx: RequestContext, input: DecideAfterRectificationInput): Promise<CircuitBreaker> {
    return ctx.transaction(async (tx) => {
      const breaker = await this.breakerOf(tx, input.projectId);
      const to: BreakerState = input.outcome === "EXIT" ? "EXITED" : "REAPPLY";
      return this.move(tx, input.projectId, breaker.state, to, { decisionReason: input.reason }, input.reason);
    });
  }

  /** The sweep's part: trip the due breakers, and move expired rectifications to a decision. */
  async sweep(ctx: RequestContext): Promise<BreakerSweepReport> {
    const report: BreakerSweepReport = { suspendedProjects: 0, awaitingDecision: 0, creditRecords: 0 };
    await this.tripDue(ctx, report);
    await this.expireRectifications(ctx, report);
    return report;
  }

  private async tripDue(ctx: RequestContext, report: BreakerSweepReport): Promise<void> {
    const { config } = ctx.app;
    const today = districtDate(ctx.clock.now());
    const signedBy = addMonths(today, -config.circuitBreakerMonths);
    const projects = await ctx
      .repo(Project)
      .createQueryBuilder("project")
      .where("project.fastTrackStatus = 'ADMITTED' AND project.signedOn <= :signedBy", { signedBy })
      // a permit is a recorded construction start or an approved construction-permit item
      .andWhere("project.constructionStartOn IS NULL")
      .andWhere("NOT EXISTS (SELECT 1 FROM approval_item permit WHERE permit.project_id = project.id AND permit.kind = 'CONSTRUCTION_PERMIT' AND permit.status = 'APPROVED')")
      .getMany();
    if (!projects.length) return;
    const ids = projects.map((p) => p.id);
    const [causes, breakers] = await Promise.all([
      ctx.repo(DelayCause).find({ where: { projectId: In(ids) }, order: { recordedAt: "ASC", id: "ASC" } }),
      ctx.repo(CircuitBreaker).findBy({ projectId: In(ids) }),
    ]);
    const latestCause = new Map(causes.map((c) => [c.projectId, c]));
    const breakerOf = new Map(breakers.map((b) => [b.projectId, b]));
    for (const project of projects) {
      const cause = latestCause.get(project.id);
      if (cause?.attributedTo !== "ENTERPRISE") continue;
      const breaker = breakerOf.get(project.id);
      // once rectified, only a newer enterprise-attributed delay trips it again
      if (breaker && (breaker.state !== "ACTIVE" || (breaker.rectifiedAt && breaker.rectifiedAt >= cause.recordedAt))) continue;
      // the row exists before the trip decides, in its own statement: an INSERT … IGNORE inside
      // the deciding transaction would hold a shared lock that deadlocks concurrent sweeps
      await ctx.repo(CircuitBreaker).createQueryBuilder().insert().into(CircuitBreaker)
        .values({ projectId: project.id, state: "ACTIVE", changedAt: ctx.clock.now() }).orIgnore().execute();
      await ctx.transaction(async (tx) => {
        const dueOn = addDays(today, config.rectificationDays);
        const order = `停工整改: no construction permit ${config.circuitBreakerMonths} months after signing (${project.signedOn}); delay attributed to the enterprise (${cause.cause}). Rectify by ${dueOn}.`;
        const moved = await this.tryMove(tx, project.id, "ACTIVE", "SUSPENDED", { stopWorkOrder: order, suspendedAt: tx.clock.now(), rectificationDueOn: dueOn, rectifiedAt: breaker?.rectifiedAt ?? null }, order, breaker?.rectifiedAt ?? null);
        if (moved) report.suspendedProjects += 1;
      });
    }
  }

  private async expireRectifications(ctx: RequestContext, report: BreakerSweepReport): Promise<void> {
    const today = districtDate(ctx.clock.now());
    const expired = await ctx.repo(CircuitBreaker).createQueryBuilder("breaker").where("breaker.state = 'SUSPENDED' AND breaker.rectificationDueOn < :today", { today }).getMany();
    for (const breaker of expired) {
      await ctx.transaction(async (tx) => {
        const reason = `整改期满: not rectified by ${breaker.rectificationDueOn}`;
        const event = await this.tryMove(tx, breaker.projectId, "SUSPENDED", "AWAITING_DECISION", {}, reason);
        if (!event) return;
        report.awaitingDecision += 1;
        const project = await tx.repo(Project).findOneByOrFail({ id: breaker.projectId });
        const written = await creditService.recordBreach(tx, { enterpriseId: project.enterpriseId, severity: "SERIOUS", reason: `熔断未整改: ${project.name} not rectified by ${breaker.rectificationDueOn}`, sourceType: "CIRCUIT_BREAKER", sourceId: event.id });
        if (written) report.creditRecords += 1;
      });
    }
  }

  /** A move by a person: answers INVALID_TRANSITION naming both states when it is not allowed now. */
  private async move(tx: RequestContext, projectId: string, current: BreakerState, to: BreakerState, changes: Partial<CircuitBreaker>, reason: string): Promise<CircuitBreaker> {
    await findVisibleProject(tx, projectId);
    assertTransition(BREAKER_TRANSITIONS, "CircuitBreaker", current, to);
    const moved = await this.tryMove(tx, projectId, current, to, changes, reason);
    if (!moved) throw invalidTransition("CircuitBreaker", (await this.breakerOf(tx, projectId)).state, to);
    return this.breakerOf(tx, projectId);
  }

  /**
   * The one place a breaker changes: a conditional UPDATE from the expected state (and, for a
   * re-trip, the expected rectification time); null when another writer moved it first.
   */
  private async tryMove(tx: RequestContext, projectId: string, from: BreakerState, to: BreakerState, changes: Partial<CircuitBreaker>, reason: string, expectedRectifiedAt?: Date | null): Promise<CircuitBreakerEvent | null> {
    const before = await tx.repo(CircuitBreaker).findOneBy({ projectId });
    const query = tx.repo(CircuitBreaker).createQueryBuilder().update().set({ ...changes, state: to, changedAt: tx.clock.now() }).where("project_id = :projectId AND state = :from", { projectId, from });
    if (expectedRectifiedAt !== undefined) {
      if (expectedRectifiedAt === null) query.andWhere("rectified_at IS NULL");
      else query.andWhere("rectified_at = :rectifiedAt", { rectifiedAt: dbDate(expectedRectifiedAt) });
    }
    const result = await query.execute();
    if (!result.affected) return null;
    const event = tx.repo(CircuitBreakerEvent).create({ projectId, fromState: from, toState: to, actorId: tx.user?.id ?? null, reason, at: tx.clock.now() });
    await tx.repo(CircuitBreakerEvent).insert(event);
    const after = await tx.repo(CircuitBreaker).findOneByOrFail({ projectId });
    await recordAudit(tx, { action: `circuitBreaker.${to.toLowerCase()}`, entityType: "CircuitBreaker", entityId: projectId, before, after });
    const project = await tx.repo(Project).findOneByOrFail({ id: projectId });
    const payload: UrgentRequestPayload = { type: "CIRCUIT_BREAKER", projectId, enterpriseId: project.enterpriseId, ticketId: null, actorId: event.actorId, at: event.at.toISOString() };
    tx.publishAfterCommit("URGENT_REQUESTS", payload);
    return event;
  }
}

export const circuitBreakerService = new CircuitBreakerService();
