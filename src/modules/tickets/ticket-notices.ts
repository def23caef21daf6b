import type { RequestContext } from "../../core/context";
import { valueLabel } from "../../core/labels";
import { notify, type Cause } from "../notifications/notify";
import { Project } from "../projects/project.entity";
import { teamService } from "../teams/team.service";
import type { ServiceTicket } from "./service-ticket.entity";
import type { TicketEvent } from "./ticket-event.entity";

/** Which SLA deadline a notice is about, in the words of the messages. */
export const DEADLINE_WORDS = {
  ACK: { detail: "受理", detailEn: "acknowledge" },
  RESOLVE: { detail: "办结", detailEn: "resolve" },
} as const;
export type TicketDeadline = keyof typeof DEADLINE_WORDS;

/** What a ticket's notices say of it: its title and its project's code. */
export const ticketParams = (ticket: Pick<ServiceTicket, "title">, project: Pick<Project, "code">) => ({ subject: ticket.title, project: project.code });

/** The cadre who answers for a ticket now: its assignee, or the project's manager while unassigned. */
export const answerableFor = (ticket: Pick<ServiceTicket, "assigneeId">, managerId: string | null) => ticket.assigneeId ?? managerId;

/**
 * The notices a timeline entry causes, written in the entry's transaction (appendTimeline calls
 * this, so every path that writes such an entry tells its people, and a rolled-back one tells
 * nobody): OPENED with an assignee and REASSIGNED tell the (new) assignee, urgently for an
 * EMERGENCY ticket; ESCALATED tells the assignee and the project's manager the new stage; a
 * missed deadline tells the cadre who answers for the ticket and the manager. The actor is never
 * told (notify drops them).
 */
export async function noticeOfEntry(tx: RequestContext, ticket: ServiceTicket, entry: TicketEvent): Promise<void> {
  const cause = await causeOf(tx, ticket, entry);
  if (cause) await notify(tx, cause);
}

async function causeOf(tx: RequestContext, ticket: ServiceTicket, entry: TicketEvent): Promise<Cause | null> {
  const subject = { type: "SERVICE_TICKET" as const, id: ticket.id };
  const project = () => tx.repo(Project).findOneByOrFail({ id: ticket.projectId });
  switch (entry.type) {
    case "OPENED":
    case "REASSIGNED":
      if (!entry.assigneeId) return null;
      return {
        kind: "TICKET_ASSIGNED", subject, projectId: ticket.projectId, recipientIds: [entry.assigneeId], params: ticketParams(ticket, await project()),
        dueAt: ticket.ackDueAt, urgent: ticket.stage === "EMERGENCY",
      };
    case "ESCALATED": {
      const managerId = await teamService.activeManagerId(tx, ticket.projectId);
      const stage = entry.toStage ?? ticket.stage;
      return {
        kind: "TICKET_ESCALATED", subject, projectId: ticket.projectId, recipientIds: [ticket.assigneeId, managerId], dueAt: ticket.resolveDueAt,
        params: { ...ticketParams(ticket, await project()), detail: valueLabel("TicketStage", stage, "zh-CN"), detailEn: valueLabel("TicketStage", stage, "en") },
      };
    }
    case "ACK_SLA_BREACHED":
    case "RESOLVE_SLA_BREACHED": {
      const deadline: TicketDeadline = entry.type === "ACK_SLA_BREACHED" ? "ACK" : "RESOLVE";
      const managerId = await teamService.activeManagerId(tx, ticket.projectId);
      return {
        kind: "TICKET_SLA_BREACHED", subject, projectId: ticket.projectId, recipientIds: [answerableFor(ticket, managerId), managerId],
        dueAt: deadline === "ACK" ? ticket.ackDueAt : ticket.resolveDueAt, params: { ...ticketParams(ticket, await project()), ...DEADLINE_WORDS[deadline] },
      };
    }
    default:
      return null;
  }
}
