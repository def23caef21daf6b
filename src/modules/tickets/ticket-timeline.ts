import type { RequestContext } from "../../core/context";
import { ServiceTicket } from "./service-ticket.entity";
import { TicketEvent } from "./ticket-event.entity";
import type { TicketEventType } from "./ticket.states";
import { announceUrgent } from "./urgent.events";
import { noticeOfEntry } from "./ticket-notices";

/**
 * Appends an entry to a ticket's timeline inside the caller's transaction. The ticket's
 * event_count is incremented first (an UPDATE, so concurrent entries on one ticket queue on its
 * row lock) and gives the entry's sequence number; UNIQUE (ticket_id, seq) backs it up. EMERGENCY
 * tickets announce the entry on URGENT_REQUESTS after commit; the people an entry concerns are
 * notified in the same transaction (ticket-notices). Returns the entry and the ticket as it now is
 * (the caller's answer).
 */
export async function appendTimeline(
  tx: RequestContext,
  ticket: Pick<ServiceTicket, "id" | "projectId" | "stage">,
  enterpriseId: string,
  entry: Partial<TicketEvent> & { type: TicketEventType },
): Promise<{ event: TicketEvent; ticket: ServiceTicket }> {
  await tx.repo(ServiceTicket).increment({ id: ticket.id }, "eventCount", 1);
  const current = await tx.repo(ServiceTicket).findOneByOrFail({ id: ticket.id });
  const event = tx.repo(TicketEvent).create({
    ticketId: ticket.id,
    seq: current.eventCount,
    actorId: tx.user?.id ?? null,
    at: tx.clock.now(),
    fromStatus: null,
    toStatus: null,
    fromStage: null,
    toStage: null,
    assigneeId: null,
    body: null,
    ...entry,
  });
  await tx.repo(TicketEvent).insert(event);
  announceUrgent(tx, ticket, enterpriseId, event);
  await noticeOfEntry(tx, current, event);
  return { event, ticket: current };
}
