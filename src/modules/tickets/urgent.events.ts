import { Field, ID, ObjectType } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { User } from "../accounts/user.entity";
import { ServiceTicket } from "./service-ticket.entity";
import { URGENT_TYPE_OF, UrgentEventTypeEnum, type TicketEventType, type UrgentEventType } from "./ticket.states";

/** What crosses the pub/sub (and Redis) for an urgent request: ids, states and an ISO time only. */
declare module "../../core/pubsub" {
  interface TopicMap {
    URGENT_REQUESTS: UrgentRequestPayload;
  }
}

export interface UrgentRequestPayload {
  /** null for a circuit-breaker event, which concerns the project, not a ticket. */
  ticketId: string | null;
  projectId: string;
  enterpriseId: string;
  type: UrgentEventType;
  actorId: string | null;
  at: string;
}

@ObjectType({ description: "Something that happened to an urgent request (an EMERGENCY ticket)." })
export class UrgentRequestEvent {
  @Field(() => UrgentEventTypeEnum)
  type: UrgentEventType;

  @Field(() => ServiceTicket, { nullable: true, description: "The ticket as it is when the event is delivered; null for a CIRCUIT_BREAKER event." })
  ticket: ServiceTicket | null;

  @Field(() => User, { nullable: true, description: "Who acted; null when the system did (SLA breach, auto-close)." })
  actor: User | null;

  @Field({ description: "When it happened (service clock)." })
  at: Date;

  @Field(() => ID)
  projectId: string;
}

/**
 * Announces a timeline entry of an EMERGENCY ticket on URGENT_REQUESTS, after the transaction
 * commits. Entries of tickets in other stages are not urgent and announce nothing.
 */
export function announceUrgent(
  tx: RequestContext,
  ticket: Pick<ServiceTicket, "id" | "projectId" | "stage">,
  enterpriseId: string,
  entry: { type: TicketEventType; actorId: string | null; at: Date },
): void {
  if (ticket.stage !== "EMERGENCY") return;
  const payload: UrgentRequestPayload = {
    ticketId: ticket.id,
    projectId: ticket.projectId,
    enterpriseId,
    type: URGENT_TYPE_OF[entry.type],
    actorId: entry.actorId,
    at: entry.at.toISOString(),
  };
  tx.publishAfterCommit("URGENT_REQUESTS", payload);
}
