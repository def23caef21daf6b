import type { RequestContext } from "../../core/context";
import { keepEvents, oncePerEvent } from "../../core/pubsub";
import { User } from "../accounts/user.entity";
import { ServiceTicket } from "./service-ticket.entity";
import { canSeeTicket } from "./ticket-access";
import { teamService } from "../teams/team.service";
import type { UrgentRequestEvent, UrgentRequestPayload } from "./urgent.events";
import { findVisibleProject } from "../projects/project-access";

/** Delivering urgent-request events: each to the subscribers allowed to see its ticket only. */
export class UrgentService {
  /**
   * Whether this subscriber gets the event: it must match the projectId asked for, and the
   * subscriber must see the ticket now (ADMIN all; ENTERPRISE its enterprise's projects; CADRE
   * projects they manage or serve on, looked up in the database per event).
   */
  delivers(ctx: RequestContext, payload: UrgentRequestPayload, projectId?: string | null): boolean | Promise<boolean> {
    if (projectId && payload.projectId !== projectId) return false;
    const user = ctx.user;
    if (!user) return false;
    if (user.role === "ADMIN") return true;
    if (user.role === "ENTERPRISE") return user.enterpriseId !== null && user.enterpriseId === payload.enterpriseId;
    return payload.ticketId ? canSeeTicket(ctx, user, payload.ticketId) : teamService.servesOn(ctx, payload.projectId, user.id);
  }

  /**
   * One subscriber's channel: signed-in users only, and a project asked for must be one they may
   * see (another enterprise's answers NOT_FOUND, as on the board, instead of silence); then each
   * event passes `delivers`.
   */
  async subscribe(ctx: RequestContext, projectId?: string | null): Promise<AsyncIterable<UrgentRequestPayload>> {
    ctx.requireUser();
    if (projectId) await findVisibleProject(ctx, projectId);
    return keepEvents(ctx.app.pubSub.subscribe("URGENT_REQUESTS"), (payload: UrgentRequestPayload) => this.delivers(ctx, payload, projectId));
  }

  /** The event as the subscriber reads it: the ticket as it is now, the actor, the time. */
  async toEvent(ctx: RequestContext, payload: UrgentRequestPayload): Promise<UrgentRequestEvent> {
    const [ticket, actor] = await oncePerEvent(payload, () =>
      Promise.all([
        payload.ticketId ? ctx.repo(ServiceTicket).findOneByOrFail({ id: payload.ticketId }) : null,
        payload.actorId ? ctx.repo(User).findOneBy({ id: payload.actorId }) : null,
      ]),
    );
    return { type: payload.type, ticket, actor, at: new Date(payload.at), projectId: payload.projectId };
  }
}

export const urgentService = new UrgentService();
