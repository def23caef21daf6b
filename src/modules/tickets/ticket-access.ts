import type { SelectQueryBuilder } from "typeorm";
import type { AuthUser } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { servedBy } from "../policy/policy.service";
import { ServiceTicket } from "./service-ticket.entity";
import { TicketEvent } from "./ticket-event.entity";

/**
 * Who sees a ticket: ADMIN all; an ENTERPRISE user the tickets of its enterprise's projects;
 * a CADRE the tickets of projects they manage or serve on (and tickets they raised or are assigned).
 * Adds that condition to a query over `alias`.
 */
export function scopeTickets<T extends object>(query: SelectQueryBuilder<T>, user: AuthUser, alias = "ticket"): SelectQueryBuilder<T> {
  if (user.role === "ADMIN") return query;
  if (user.role === "ENTERPRISE") {
    return query.andWhere(`${alias}.projectId IN (SELECT p.id FROM project p WHERE p.enterprise_id = :scopeEnterpriseId)`, {
      scopeEnterpriseId: user.enterpriseId ?? "none",
    });
  }
  return query.andWhere(`(${servedBy(`${alias}.projectId`)} OR ${alias}.assigneeId = :scopeUserId OR ${alias}.raisedById = :scopeUserId)`, { scopeUserId: user.id });
}

/** A ticket the caller may see (with its project), or NOT_FOUND, also for one they may not see. */
export async function findVisibleTicket(ctx: RequestContext, ticketId: string): Promise<ServiceTicket & { project: NonNullable<ServiceTicket["project"]> }> {
  const query = ctx.repo(ServiceTicket).createQueryBuilder("ticket").innerJoinAndSelect("ticket.project", "project").where("ticket.id = :ticketId", { ticketId });
  const ticket = await scopeTickets(query, ctx.requireUser()).getOne();
  if (!ticket) throw notFound("ServiceTicket", ticketId);
  return ticket as ServiceTicket & { project: NonNullable<ServiceTicket["project"]> };
}

/** Whether this user may see the ticket now (used per subscription event). */
export async function canSeeTicket(ctx: RequestContext, user: AuthUser, ticketId: string): Promise<boolean> {
  const query = ctx.repo(ServiceTicket).createQueryBuilder("ticket").where("ticket.id = :ticketId", { ticketId });
  return scopeTickets(query, user).getExists();
}

/** A timeline entry of a ticket the caller may see, or NOT_FOUND (its files follow the ticket). */
export async function findVisibleTicketEvent(ctx: RequestContext, eventId: string): Promise<TicketEvent> {
  const event = await ctx.repo(TicketEvent).findOneBy({ id: eventId });
  if (!event || !(await canSeeTicket(ctx, ctx.requireUser(), event.ticketId))) throw notFound("TicketEvent", eventId);
  return event;
}
