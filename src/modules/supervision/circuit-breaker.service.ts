import { idempotent } from "../../core/idempotency";
import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import { addDays, districtDate, endOfDistrictDay } from "../../core/dates";
import type { RequestContext } from "../../core/context";
import { dbDate } from "../../core/db";
import { groupedLoader, keyedLoader } from "../../core/loaders";
import { assertTransition, badInput, invalidTransition } from "../../core/errors";
import { commitmentService } from "../commitments/commitment.service";
import { CommitmentClause, CommitmentLetter } from "../commitments/commitment.entity";
import { fastTrackService } from "../fast-track/fast-track.service";
import { Project, type FastTrackStatus } from "../projects/project.entity";
import { findVisibleProject } from "../projects/project-access";
import { creditService } from "../credit/credit.service";
import type { Severity } from "../credit/credit-record.entity";
import { policyService } from "../policy/policy.service";
import { notify } from "../notifications/notify";
import { noticeProject, projectPeople } from "../teams/project-people";
import type { UrgentRequestPayload } from "../tickets/urgent.events";
import { BREAKER_TRANSITIONS, CircuitBreaker, CircuitBreakerEvent, DelayCause, type BreakerState } from "./circuit-breaker.entity";
import type { ConfirmRectificationInput, DecideAfterRectificationInput, RecordDelayCauseInput } from "./circuit-breaker.inputs";
import { causesSince, clip, watchedProjects, type BreakerFacts, type EnterpriseCause } from "./breaker-facts";

export interface BreakerSweepReport {
  suspendedProjects: number;
  awaitingDecision: number;
  creditRecords: number;
}

/** Thrown inside a trip's transaction to roll it back when another writer moved the breaker first. */
class ProjectMoved extends Error {}

/**
 * 熔断. Every move is a conditional UPDATE on the breaker's current state, so a sweep on several
 * instances, or a sweep racing a cadre, moves a breaker once; each move writes an event (who,
 * when, why), an audit entry, and is pushed on the project's urgent channel after commit.
 * The breaker bites: tripping it puts the project under a stop-work order (fastTrackStatus
 * SUSPENDED, see projects/stop-work.ts), a confirmed rectification lifts it (ADMITTED), EXIT ends
 * the fast track (EXITED, letters TERMINATED, a credit record) and REAPPLY returns the project to
 * NOT_APPLIED (letters TERMINATED) so that it can apply again.
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

  /**
   * The manager's (or the reform office's) finding of a delay. An ENTERPRISE cause (资金未到位 …)
   * is a cause of the breaker from the moment it is recorded; a GOVERNMENT one is kept as a note
   * and protects nothing: only an approval pending past its promised working days does.
   */
  recordDelayCause(ctx: RequestContext, input: RecordDelayCauseInput): Promise<DelayCause> {
    return idempotent(ctx, "recordDelayCause", DelayCause, input, (tx) => this.recordDelayCauseOnce(tx, input));
  }

  private async recordDelayCauseOnce(ctx: RequestContext, input: RecordDelayCauseInput): Promise<DelayCause> {
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "recordDelayCause", { projectId: project.id, enterpriseId: project.enterpriseId });
      const cause = tx.repo(DelayCause).create({ ...input, note: input.note ?? null, recordedById: tx.requireUser().id, recordedAt: tx.clock.now() });
      await tx.repo(DelayCause).insert(cause);
      await recordAudit(tx, { action: "project.delayCause", entityType: "Project", entityId: input.projectId, after: cause });
      return cause;
    });
  }

  /** SUSPENDED and still within the deadline -> ACTIVE again, and the stop-work order lifted (the project ADMITTED). */
  async confirmRectification(ctx: RequestContext, input: ConfirmRectificationInput): Promise<CircuitBreaker> {
    const today = districtDate(ctx.clock.now());
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "confirmRectification", { projectId: project.id, enterpriseId: project.enterpriseId });
      const breaker = await this.breakerOf(tx, input.projectId);
      if (breaker.state === "SUSPENDED" && breaker.rectificationDueOn && breaker.rectificationDueOn < today) {
        throw badInput("projectId", `The rectification deadline ${breaker.rectificationDueOn} has passed; the reform office decides now`, `整改期限（${breaker.rectificationDueOn}）已过，现由区委改革办作出决定`);
      }
      const { breaker: after } = await this.move(tx, input.projectId, breaker.state, "ACTIVE", { rectifiedAt: tx.clock.now() }, input.note);
      if (await setFastTrackStatus(tx, input.projectId, ["SUSPENDED"], "ADMITTED", "project.stopWorkLifted", input.note)) await noticeOfStopWork(tx, project, "STOP_WORK_LIFTED");
      return after;
    });
  }

  /**
   * The reform office's decision on a project that did not rectify in time (ADMIN, audited).
   * EXIT: the project EXITED, its letters TERMINATED, and a credit record on the enterprise as the
   * letter's terms say (exitCreditRecord). REAPPLY: its letters TERMINATED and the project back to
   * NOT_APPLIED, to apply again from the start; no credit record beyond the breaches already written.
   */
  async decide(ctx: RequestContext, input: DecideAfterRectificationInput): Promise<CircuitBreaker> {
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "decideAfterRectification", { projectId: project.id, enterpriseId: project.enterpriseId });
      const breaker = await this.breakerOf(tx, input.projectId);
      const to: BreakerState = input.outcome === "EXIT" ? "EXITED" : "REAPPLY";
      const { breaker: after, event } = await this.move(tx, input.projectId, breaker.state, to, { decisionReason: input.reason }, input.reason);
      const letter = await letterInForce(tx, input.projectId);
      const reason = `熔断${input.outcome === "EXIT" ? "退出" : "重新申请"}: ${input.reason}`;
      await commitmentService.terminate(tx, input.projectId, reason);
      if (input.outcome === "EXIT") {
        await setFastTrackStatus(tx, input.projectId, ["SUSPENDED", "ADMITTED"], "EXITED", "project.exitFastTrack", input.reason);
        await this.exitCreditRecord(tx, project, letter, breaker, event.id, input.reason);
      } else {
        await fastTrackService.reopen(tx, input.projectId, reason, "project.reapplyFastTrack");
      }
      return after;
    });
  }

  /**
   * 按承诺书约定: the credit record of an EXIT. When enterprise commitments of the letter in force
   * are breached (an overdue material breaches its clause), the letter's terms are broken: SERIOUS,
   * citing the letter and the clauses. When none is (the enterprise's cause was recorded, e.g.
   * FUNDS_NOT_IN_PLACE), the stop-work order was not rectified: GENERAL, citing the letter.
   * One record per decision (its source is the EXITED event).
   */
  private async exitCreditRecord(tx: RequestContext, project: Project, letter: CommitmentLetter | null, breaker: CircuitBreaker, eventId: string, decision: string): Promise<void> {
    const breached = letter ? await tx.repo(CommitmentClause).find({ where: { letterId: letter.id, party: "ENTERPRISE", fulfilmentStatus: "BREACHED" }, order: { sortOrder: "ASC" } }) : [];
    const cited = letter ? `commitment letter v${letter.version} (${letter.id})` : "no signed commitment letter";
    const severity: Severity = breached.length ? "SERIOUS" : "GENERAL";
    const reason = breached.length
      ? `熔断退出: ${project.name} left the fast track; the enterprise commitments of its ${cited} are breached: ${breached.map((c) => c.title).join(", ")}. ${decision}`
      : `熔断退出: ${project.name} left the fast track; the stop-work order under its ${cited} was not rectified by ${breaker.rectificationDueOn}. ${decision}`;
    await creditService.recordBreach(tx, { enterpriseId: project.enterpriseId, severity, reason: clip(reason), sourceType: "CIRCUIT_BREAKER", sourceId: eventId });
  }

  /** The sweep's part: trip the due breakers, and move expired rectifications to a decision. */
  async sweep(ctx: RequestContext): Promise<BreakerSweepReport> {
    const report: BreakerSweepReport = { suspendedProjects: 0, awaitingDecision: 0, creditRecords: 0 };
    await this.tripDue(ctx, report);
    await this.expireRectifications(ctx, report);
    return report;
  }

  /**
   * Trips the breaker of every watched project (breaker-facts) with an enterprise cause and no real
   * government cause: the breaker SUSPENDED with its stop-work order (naming the facts), the project
   * SUSPENDED. After a rectification (or a REAPPLY decision) only a cause arising after it trips again.
   */
  private async tripDue(ctx: RequestContext, report: BreakerSweepReport): Promise<void> {
    const { config } = ctx.app;
    const today = districtDate(ctx.clock.now());
    const watched = await watchedProjects(ctx, today);
    if (!watched.length) return;
    const breakers = await ctx.repo(CircuitBreaker).findBy({ projectId: In(watched.map((f) => f.project.id)) });
    const breakerOf = new Map(breakers.map((b) => [b.projectId, b]));
    for (const facts of watched) {
      const { project } = facts;
      const breaker = breakerOf.get(project.id);
      const from: BreakerState = breaker?.state ?? "ACTIVE";
      if (from !== "ACTIVE" && from !== "REAPPLY") continue;
      const since = from === "REAPPLY" ? breaker!.changedAt : (breaker?.rectifiedAt ?? null);
      const causes = causesSince(facts, since);
      if (!causes.length || facts.governmentDelays.length) continue;
      // the row exists before the trip decides, in its own statement: an INSERT … IGNORE inside
      // the deciding transaction would hold a shared lock that deadlocks concurrent sweeps
      if (!breaker) {
        await ctx.repo(CircuitBreaker).createQueryBuilder().insert().into(CircuitBreaker)
          .values({ projectId: project.id, state: "ACTIVE", changedAt: ctx.clock.now() }).orIgnore().execute();
      }
      const dueOn = addDays(today, config.rectificationDays);
      const order = stopWorkOrder(facts, causes, config.circuitBreakerMonths, dueOn);
      try {
        await ctx.transaction(async (tx) => {
          // the project's row first (the stop-work order), then the breaker's: one lock order for
          // every sweep, so that concurrent sweeps queue on the project instead of deadlocking
          if (!(await setFastTrackStatus(tx, project.id, ["ADMITTED"], "SUSPENDED", "project.stopWorkOrder", order))) return;
          const changes: Partial<CircuitBreaker> = { stopWorkOrder: order, suspendedAt: tx.clock.now(), rectificationDueOn: dueOn, rectifiedAt: breaker?.rectifiedAt ?? null, decisionReason: null };
          const moved = await this.tryMove(tx, project.id, from, "SUSPENDED", changes, order, from === "ACTIVE" ? (breaker?.rectifiedAt ?? null) : undefined);
          // another writer moved the breaker first: the project's change is rolled back with it
          if (!moved) throw new ProjectMoved();
          await noticeOfStopWork(tx, project, "STOP_WORK_ISSUED", dueOn);
          report.suspendedProjects += 1;
        });
      } catch (error) {
        if (!(error instanceof ProjectMoved)) throw error;
      }
    }
  }

  /** SUSPENDED past its rectification deadline -> AWAITING_DECISION; the stop-work order stays until the decision. */
  private async expireRectifications(ctx: RequestContext, report: BreakerSweepReport): Promise<void> {
    const today = districtDate(ctx.clock.now());
    const expired = await ctx.repo(CircuitBreaker).createQueryBuilder("breaker").where("breaker.state = 'SUSPENDED' AND breaker.rectificationDueOn < :today", { today }).getMany();
    for (const breaker of expired) {
      await ctx.transaction(async (tx) => {
        const reason = `整改期满: not rectified by ${breaker.rectificationDueOn}; the reform office decides EXIT or REAPPLY`;
        const event = await this.tryMove(tx, breaker.projectId, "SUSPENDED", "AWAITING_DECISION", {}, reason);
        if (event) report.awaitingDecision += 1;
      });
    }
  }

  /** A move by a person: answers INVALID_TRANSITION naming both states when it is not allowed now. */
  private async move(tx: RequestContext, projectId: string, current: BreakerState, to: BreakerState, changes: Partial<CircuitBreaker>, reason: string): Promise<{ breaker: CircuitBreaker; event: CircuitBreakerEvent }> {
    await findVisibleProject(tx, projectId);
    assertTransition(BREAKER_TRANSITIONS, "CircuitBreaker", current, to);
    const event = await this.tryMove(tx, projectId, current, to, changes, reason);
    if (!event) throw invalidTransition("CircuitBreaker", (await tx.repo(CircuitBreaker).findOneBy({ projectId }))?.state ?? "ACTIVE", to);
    return { breaker: await tx.repo(CircuitBreaker).findOneByOrFail({ projectId }), event };
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
    const event = tx.repo(CircuitBreakerEvent).create({ projectId, fromState: from, toState: to, actorId: tx.user?.id ?? null, reason: clip(reason), at: tx.clock.now() });
    await tx.repo(CircuitBreakerEvent).insert(event);
    const after = await tx.repo(CircuitBreaker).findOneByOrFail({ projectId });
    await recordAudit(tx, { action: `circuitBreaker.${to.toLowerCase()}`, entityType: "CircuitBreaker", entityId: projectId, before, after });
    const project = await tx.repo(Project).findOneByOrFail({ id: projectId });
    const payload: UrgentRequestPayload = { type: "CIRCUIT_BREAKER", projectId, enterpriseId: project.enterpriseId, ticketId: null, actorId: event.actorId, at: event.at.toISOString() };
    tx.publishAfterCommit("URGENT_REQUESTS", payload);
    return event;
  }
}

/** The project's latest SIGNED letter (the one in force), or null. */
async function letterInForce(tx: RequestContext, projectId: string): Promise<CommitmentLetter | null> {
  const letters = await tx.repo(CommitmentLetter).find({ where: { projectId, status: "SIGNED" }, order: { version: "DESC" } });
  return letters.sort((a, b) => (b.signedAt?.getTime() ?? 0) - (a.signedAt?.getTime() ?? 0))[0] ?? null;
}

/**
 * The project's fast-track status moved by the breaker, conditionally on its current one, audited.
 * Returns whether it moved (false when it is not in one of `from`).
 */
async function setFastTrackStatus(tx: RequestContext, projectId: string, from: FastTrackStatus[], to: FastTrackStatus, action: string, reason: string): Promise<boolean> {
  const before = await tx.repo(Project).findOneByOrFail({ id: projectId });
  const moved = await tx.repo(Project).update({ id: projectId, fastTrackStatus: In(from) }, { fastTrackStatus: to });
  if (!moved.affected) return false;
  await recordAudit(tx, { action, entityType: "Project", entityId: projectId, before: { fastTrackStatus: before.fastTrackStatus }, after: { fastTrackStatus: to, reason } });
  return true;
}

/**
 * 责令停工整改 issued (due: the end of the rectification deadline) or lifted: the enterprise's users,
 * the manager and the team are told, in the transaction of the move (a trip another sweep won is
 * rolled back with its notice).
 */
async function noticeOfStopWork(tx: RequestContext, project: Pick<Project, "id" | "code" | "name" | "enterpriseId">, kind: "STOP_WORK_ISSUED" | "STOP_WORK_LIFTED", rectifyBy?: string): Promise<void> {
  const people = await projectPeople(tx, project);
  await notify(tx, {
    kind, subject: { type: "PROJECT", id: project.id }, projectId: project.id,
    recipientIds: [...people.enterpriseUserIds, people.managerId, ...people.memberIds],
    params: { project: noticeProject(project) }, dueAt: rectifyBy ? endOfDistrictDay(rectifyBy) : null,
  });
}

/** 停工整改通知: why the breaker tripped, from the facts it tripped on. */
function stopWorkOrder(facts: BreakerFacts, causes: EnterpriseCause[], months: number, dueOn: string): string {
  const started = facts.project.startedOnCommitment ? `started on commitment (承诺即开工) on ${facts.project.constructionStartOn ?? "?"}, ` : "";
  const head = `停工整改: ${started}no approved construction permit ${months} months after commitment letter v${facts.letter.version} was signed on ${facts.letter.signedOn}; no approval pending past its promised working days. Rectify by ${dueOn}. Enterprise causes: `;
  return clip(head + causes.map((c) => c.text).join("; "));
}

export const circuitBreakerService = new CircuitBreakerService();
