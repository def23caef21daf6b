import { whereStatus } from "../../core/status-filter";
import { In } from "typeorm";
import type { RequestContext } from "../../core/context";
import { groupedLoader } from "../../core/loaders";
import { dbDate } from "../../core/db";
import { badInput } from "../../core/errors";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { Department } from "../departments/department.entity";
import { findVisibleTicket, scopeTickets } from "./ticket-access";
import { findVisibleProject } from "../projects/project-access";
import type { ServiceTicketFilter } from "./ticket.inputs";
import { ServiceTicket, TicketDepartment } from "./service-ticket.entity";
import { TicketEvent } from "./ticket-event.entity";
import { ACTIVE_STATUSES } from "./ticket.states";

/** A deadline was missed: already stamped by the checker, met late, or passed while still unmet. Never NULL, so NOT works. */
const BREACHED_SQL =
  "(ticket.ackBreachedAt IS NOT NULL OR ticket.resolveBreachedAt IS NOT NULL" +
  " OR (ticket.acknowledgedAt IS NULL AND ticket.status = 'OPEN' AND ticket.ackDueAt < :breachNow) OR (ticket.acknowledgedAt IS NOT NULL AND ticket.acknowledgedAt > ticket.ackDueAt)" +
  ` OR (ticket.resolvedAt IS NULL AND ticket.status IN (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ")}) AND ticket.resolveDueAt < :breachNow) OR (ticket.resolvedAt IS NOT NULL AND ticket.resolvedAt > ticket.resolveDueAt))`;

/** Reading tickets: one by id, filtered lists, timelines, each limited to what the caller may see. */
export class TicketQueryService {
  /** A ticket the caller may see; NOT_FOUND otherwise (another enterprise's ticket included). */
  async find(ctx: RequestContext, id: string): Promise<ServiceTicket> {
    const { project: _project, ...ticket } = await findVisibleTicket(ctx, id);
    return Object.assign(new ServiceTicket(), ticket);
  }

  /** The caller's visible tickets matching the filter, newest first. A filter's projectId the caller may not see answers NOT_FOUND. */
  async list(ctx: RequestContext, args: ConnectionArgs, filter: ServiceTicketFilter = {}): Promise<Connection<ServiceTicket>> {
    const query = scopeTickets(ctx.repo(ServiceTicket).createQueryBuilder("ticket"), ctx.requireUser());
    // a project the caller may not see (another enterprise's, or none) is NOT_FOUND, as everywhere
    if (filter.projectId) await findVisibleProject(ctx, filter.projectId);
    if (filter.projectId) query.andWhere("ticket.projectId = :projectId", { projectId: filter.projectId });
    if (filter.stage) query.andWhere("ticket.stage = :stage", { stage: filter.stage });
    whereStatus(query, "ticket.status", filter);
    if (filter.assigneeId) query.andWhere("ticket.assigneeId = :assigneeId", { assigneeId: filter.assigneeId });
    if (filter.breached !== undefined && filter.breached !== null) {
      query.andWhere(filter.breached ? BREACHED_SQL : `NOT ${BREACHED_SQL}`, { breachNow: dbDate(ctx.clock.now()) });
    }
    return paginate(query, args, {
      name: "tickets",
      direction: "DESC",
      keys: [{ column: "ticket.openedAt", value: (t) => t.openedAt, kind: "date" }],
      idColumn: "ticket.id",
    });
  }

  /** One project's tickets: the list above with the project fixed (Project.serviceTickets). */
  forProject(ctx: RequestContext, projectId: string, args: ConnectionArgs, filter: ServiceTicketFilter = {}): Promise<Connection<ServiceTicket>> {
    if (filter.projectId && filter.projectId !== projectId) throw badInput("filter.projectId", "Project.serviceTickets lists this project's tickets: leave projectId out of the filter", "项目页的工单列表只列本项目的工单：筛选条件中不要再填项目（projectId）");
    return this.list(ctx, args, { ...filter, projectId });
  }

  /** A ticket's timeline, oldest first. */
  async timeline(ctx: RequestContext, ticketId: string, args: ConnectionArgs): Promise<Connection<TicketEvent>> {
    const query = ctx.repo(TicketEvent).createQueryBuilder("event").where("event.ticketId = :ticketId", { ticketId });
    return paginate(query, args, {
      name: "timeline-seq",
      direction: "ASC",
      keys: [{ column: "event.seq", value: (e) => e.seq, kind: "number" }],
      idColumn: "event.id",
    });
  }

  /** The departments consulted on a ticket, in list order (one query for a page of tickets). */
  departmentsOf(ctx: RequestContext, ticketId: string): Promise<Department[]> {
    const load = (ids: string[]) => ctx.repo(TicketDepartment).find({ where: { ticketId: In(ids) }, relations: { department: true } });
    return groupedLoader(ctx, "ticket.departments", load, (link) => link.ticketId)
      .load(ticketId)
      .then((links) => links.map((link) => link.department!).sort((a, b) => a.sortOrder - b.sortOrder));
  }

  /** The acknowledge deadline was missed (stamped, met late, or passed while still OPEN). */
  ackBreached(ctx: RequestContext, ticket: ServiceTicket): boolean {
    if (ticket.ackBreachedAt) return true;
    const done = ticket.acknowledgedAt ?? (ticket.status === "OPEN" ? ctx.clock.now() : null);
    return done !== null && done.getTime() > ticket.ackDueAt.getTime();
  }

  /** The resolve deadline was missed (stamped, met late, or passed while unresolved). */
  resolveBreached(ctx: RequestContext, ticket: ServiceTicket): boolean {
    if (ticket.resolveBreachedAt) return true;
    const done = ticket.resolvedAt ?? (ACTIVE_STATUSES.includes(ticket.status) ? ctx.clock.now() : null);
    return done !== null && done.getTime() > ticket.resolveDueAt.getTime();
  }
}

export const ticketQueryService = new TicketQueryService();
