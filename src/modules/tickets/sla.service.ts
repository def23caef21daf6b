import { In, IsNull, LessThan } from "typeorm";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { Project } from "../projects/project.entity";
import { ServiceTicket } from "./service-ticket.entity";
import { ACTIVE_STATUSES, type TicketEventType, type TicketStatus } from "./ticket.states";
import { appendTimeline } from "./ticket-timeline";

/** How many tickets of each kind one check handles; the rest wait for the next run. */
const BATCH = 200;

export interface SlaCheckResult {
  ackBreaches: number;
  resolveBreaches: number;
  autoClosed: number;
}

type Sweep = {
  candidates: (ctx: RequestContext, now: Date) => Promise<ServiceTicket[]>;
  /** The conditional update: it matches only while the effect is still due, so one checker wins. */
  claim: (ctx: RequestContext, ticket: ServiceTicket, now: Date) => Promise<boolean>;
  entry: (ticket: ServiceTicket) => { type: TicketEventType; fromStatus?: TicketStatus; toStatus?: TicketStatus };
  action: string;
};

const sweeps: Record<keyof SlaCheckResult, Sweep> = {
  ackBreaches: {
    candidates: (ctx, now) => ctx.repo(ServiceTicket).find({ where: { status: "OPEN", ackBreachedAt: IsNull(), ackDueAt: LessThan(now) }, take: BATCH }),
    claim: async (ctx, ticket, now) =>
      Boolean((await ctx.repo(ServiceTicket).update({ id: ticket.id, status: "OPEN", ackBreachedAt: IsNull() }, { ackBreachedAt: now })).affected),
    entry: () => ({ type: "ACK_SLA_BREACHED" }),
    action: "ticket.ack_sla_breached",
  },
  resolveBreaches: {
    candidates: (ctx, now) =>
      ctx.repo(ServiceTicket).find({ where: { status: In([...ACTIVE_STATUSES]), resolveBreachedAt: IsNull(), resolveDueAt: LessThan(now) }, take: BATCH }),
    claim: async (ctx, ticket, now) =>
      Boolean(
        (await ctx.repo(ServiceTicket).update({ id: ticket.id, status: In([...ACTIVE_STATUSES]), resolveBreachedAt: IsNull() }, { resolveBreachedAt: now })).affected,
      ),
    entry: () => ({ type: "RESOLVE_SLA_BREACHED" }),
    action: "ticket.resolve_sla_breached",
  },
  autoClosed: {
    candidates: (ctx, now) => {
      const cutoff = new Date(now.getTime() - ctx.app.config.ticketAutoCloseHours * 3_600_000);
      return ctx.repo(ServiceTicket).find({ where: { status: "RESOLVED", resolvedAt: LessThan(cutoff) }, take: BATCH });
    },
    claim: async (ctx, ticket, now) => {
      const cutoff = new Date(now.getTime() - ctx.app.config.ticketAutoCloseHours * 3_600_000);
      return Boolean((await ctx.repo(ServiceTicket).update({ id: ticket.id, status: "RESOLVED", resolvedAt: LessThan(cutoff) }, { status: "CLOSED", closedAt: now })).affected);
    },
    entry: () => ({ type: "AUTO_CLOSED", fromStatus: "RESOLVED", toStatus: "CLOSED" }),
    action: "ticket.auto_close",
  },
};

/**
 * The SLA check: stamps missed acknowledge and resolve deadlines and closes RESOLVED tickets
 * the raiser left unconfirmed for TICKET_AUTO_CLOSE_HOURS. Safe with several checkers at once
 * (instances, or a test calling it twice): each effect is a conditional UPDATE that matches only
 * while still due, and only the checker whose update changed the row writes the timeline entry,
 * the audit entry and (EMERGENCY tickets) the urgent-request event. So each breach is announced once.
 */
export async function checkSla(ctx: RequestContext): Promise<SlaCheckResult> {
  const result: SlaCheckResult = { ackBreaches: 0, resolveBreaches: 0, autoClosed: 0 };
  for (const [kind, sweep] of Object.entries(sweeps) as Array<[keyof SlaCheckResult, Sweep]>) {
    const now = ctx.clock.now();
    for (const candidate of await sweep.candidates(ctx, now)) {
      const won = await ctx.transaction(async (tx) => {
        if (!(await sweep.claim(tx, candidate, now))) return false;
        const project = await tx.repo(Project).findOneByOrFail({ id: candidate.projectId });
        const { ticket } = await appendTimeline(tx, candidate, project.enterpriseId, { ...sweep.entry(candidate), actorId: null, at: now });
        await recordAudit(tx, { action: sweep.action, entityType: "ServiceTicket", entityId: ticket.id, before: candidate, after: ticket });
        return true;
      });
      if (won) result[kind]++;
    }
  }
  return result;
}

