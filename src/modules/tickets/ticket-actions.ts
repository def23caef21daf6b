import { registerEnumType } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { enumOf } from "../../core/enums";
import { loaderById } from "../../core/loaders";
import { policyService, type RemitSubject } from "../policy/policy.service";
import { Project } from "../projects/project.entity";
import type { ServiceTicket } from "./service-ticket.entity";
import {
  ACTIVE_STATUSES, REOPEN_TRANSITIONS, START_TRANSITIONS, TICKET_STAGES, TICKET_TRANSITIONS, stageRank,
  type TicketEventType, type TicketStatus,
} from "./ticket.states";
import { labelEnum } from "../../core/labels";

/** The mutations a caller may take on a ticket, as one enum: what ServiceTicket.viewerActions lists. */
export const TICKET_ACTIONS = ["ACKNOWLEDGE", "START", "RESOLVE", "CLOSE", "REOPEN", "COMMENT", "REASSIGN", "ESCALATE"] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];
export const TicketActionEnum = enumOf(TICKET_ACTIONS);
registerEnumType(TicketActionEnum, {
  name: "TicketAction",
  description: "工单操作: a mutation on a service ticket, as listed by ServiceTicket.viewerActions.",
  valuesConfig: labelEnum<TicketAction>("TicketAction", {
    ACKNOWLEDGE: { zh: "受理", en: "Acknowledge", description: "acknowledgeTicket (OPEN -> ACKNOWLEDGED)." },
    START: { zh: "开始办理", en: "Start", description: "startTicket (ACKNOWLEDGED -> IN_PROGRESS)." },
    RESOLVE: { zh: "解决", en: "Resolve", description: "resolveTicket (IN_PROGRESS -> RESOLVED)." },
    CLOSE: { zh: "确认办结", en: "Close", description: "closeTicket (RESOLVED -> CLOSED)." },
    REOPEN: { zh: "重新打开", en: "Reopen", description: "reopenTicket (RESOLVED -> IN_PROGRESS)." },
    COMMENT: { zh: "留言", en: "Comment", description: "commentOnTicket (until the ticket is closed)." },
    REASSIGN: { zh: "转派", en: "Reassign", description: "reassignTicket (while the ticket is unfinished)." },
    ESCALATE: { zh: "升级服务模式", en: "Escalate", description: "escalateTicket (while unfinished and below EMERGENCY)." },
  }),
});

type Table = Record<TicketStatus, readonly TicketStatus[]>;

/**
 * The status changes: each one's remit, the transition table it consults and the status it
 * reaches. The one table: the ticket service moves tickets by it, viewerActions reads it.
 */
export const TICKET_MOVES = {
  ACKNOWLEDGE: { remit: "acknowledgeTicket", to: "ACKNOWLEDGED", event: "ACKNOWLEDGED", table: TICKET_TRANSITIONS },
  START: { remit: "startTicket", to: "IN_PROGRESS", event: "STARTED", table: START_TRANSITIONS },
  RESOLVE: { remit: "resolveTicket", to: "RESOLVED", event: "RESOLVED", table: TICKET_TRANSITIONS },
  CLOSE: { remit: "closeTicket", to: "CLOSED", event: "CLOSED", table: TICKET_TRANSITIONS },
  REOPEN: { remit: "reopenTicket", to: "IN_PROGRESS", event: "REOPENED", table: REOPEN_TRANSITIONS },
} as const satisfies Record<string, { remit: string; to: TicketStatus; event: TicketEventType; table: Table }>;

/** The actions that change no status, their remit and the statuses that allow them (data, like the transition table). */
export const TICKET_OTHER_ACTIONS = {
  COMMENT: { remit: "commentOnTicket", statuses: ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED"] as readonly TicketStatus[] },
  REASSIGN: { remit: "reassignTicket", statuses: ACTIVE_STATUSES },
  ESCALATE: { remit: "escalateTicket", statuses: ACTIVE_STATUSES },
} as const;

const remitOf = (action: TicketAction) => (action in TICKET_MOVES ? TICKET_MOVES[action as keyof typeof TICKET_MOVES] : TICKET_OTHER_ACTIONS[action as keyof typeof TICKET_OTHER_ACTIONS]).remit;

/** Whether the ticket's state allows the action: its transition table, or its statuses (and for escalation a more urgent stage left). */
export function ticketStatePermits(ticket: Pick<ServiceTicket, "status" | "stage">, action: TicketAction): boolean {
  if (action in TICKET_MOVES) {
    const move = TICKET_MOVES[action as keyof typeof TICKET_MOVES];
    return (move.table[ticket.status] as readonly TicketStatus[]).includes(move.to);
  }
  const other = TICKET_OTHER_ACTIONS[action as keyof typeof TICKET_OTHER_ACTIONS];
  if (!other.statuses.includes(ticket.status)) return false;
  return action !== "ESCALATE" || stageRank(ticket.stage) < TICKET_STAGES.length - 1;
}

/** The facts of a ticket its remits ask about (the remit table decides who may act on them). */
export const ticketSubject = (ticket: Pick<ServiceTicket, "projectId" | "assigneeId" | "raisedById">, enterpriseId: string | undefined): RemitSubject => ({
  projectId: ticket.projectId,
  enterpriseId,
  assigneeId: ticket.assigneeId,
  raiserId: ticket.raisedById,
});

/**
 * What the caller may do to a ticket they see, in TICKET_ACTIONS order: the actions its state
 * allows (the tables above) whose remit the caller holds (policyService, the same relations the
 * mutations check). Inputs are not judged: a reassignment may still be refused for its assignee,
 * an escalation for its stage or departments (BAD_USER_INPUT, INVALID_TRANSITION). A page of
 * tickets costs one statement per relation looked up, not one per ticket.
 */
export async function ticketViewerActions(ctx: RequestContext, ticket: ServiceTicket): Promise<TicketAction[]> {
  if (!ctx.user) return [];
  const open = TICKET_ACTIONS.filter((action) => ticketStatePermits(ticket, action));
  if (!open.length) return [];
  const project = ticket.project ?? (await loaderById(ctx, Project).load(ticket.projectId));
  const allowed = await policyService.allowedOf(ctx, open.map(remitOf), ticketSubject(ticket, project?.enterpriseId));
  return open.filter((action) => allowed.has(remitOf(action)));
}
