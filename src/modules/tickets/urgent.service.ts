import type { RequestContext } from "../../core/context";
import { oncePerEvent } from "../../core/pubsub";
import { User } from "../accounts/user.entity";
import { ServiceTicket } from "./service-ticket.entity";
import { circuitBreakerService } from "../supervision/circuit-breaker.service";
import { canSeeTicket } from "./ticket-access";
import { teamService } from "../teams/team.service";
import type { UrgentRequestEvent, UrgentRequestPayload } from "./urgent.events";

/** Delivering urgent-request events: each to the subscribers allowed to see its ticket only. */
export class UrgentService {
  /**
   * Whether this subscriber gets the event: it must match the projectId asked for, and the
   * subscriber must see the ticket now (ADMIN all; ENTERPRISE its enterprise's projects; CADRE
   * projects they manage or serve on, looked up in the database per event).
   */
  async delivers(ctx: RequestContext, payload: UrgentRequestPayload, projectId?: string | null): Promise<boolean> {
    if (projectId && payload.projectId !== projectId) return false;
    const user = ctx.user;
    if (!user) return false;
    if (user.role === "ADMIN") return true;
    if (user.role === "ENTERPRISE") return user.enterpriseId !== null && user.enterpriseId === payload.enterpriseId;
    return payload.ticketId ? canSeeTicket(ctx, user, payload.ticketId) : teamService.servesOn(ctx, payload.projectId, user.id);
  }

  /** The event as the subscriber reads it: the ticket as it is now, the actor, the time. */
  async toEvent(ctx: RequestContext, payload: UrgentRequestPayload): Promise<UrgentRequestEvent> {
    const [ticket, circuitBreaker, actor] = await oncePerEvent(payload, () =>
      Promise.all([
        payload.ticketId ? ctx.repo(ServiceTicket).findOneByOrFail({ id: payload.ticketId }) : null,
        payload.ticketId ? null : circuitBreakerService.breakerOf(ctx, payload.projectId),
        payload.actorId ? ctx.repo(User).findOneBy({ id: payload.actorId }) : null,
      ]),
    );
    return { type: payload.type, ticket, circuitBreaker, actor, at: new Date(payload.at), projectId: payload.projectId };
  }
}

export const urgentService = new UrgentService();
