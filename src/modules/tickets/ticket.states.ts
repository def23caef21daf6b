import { registerEnumType } from "type-graphql";
import { TICKET_SLA_STAGES } from "../../config";
import { enumOf } from "../../core/enums";

/** The four service modes, least to most urgent. */
export const TICKET_STAGES = TICKET_SLA_STAGES;
export type TicketStage = (typeof TICKET_STAGES)[number];
export const TicketStageEnum = enumOf(TICKET_STAGES);
registerEnumType(TicketStageEnum, {
  name: "TicketStage",
  description: "服务模式: the four ways a project's team serves the enterprise, least to most urgent.",
  valuesConfig: {
    PRE_DIAGNOSIS: { description: "预诊: before the project lands." },
    GUIDANCE: { description: "导诊: alongside the project through its approvals." },
    CONSULTATION: { description: "会诊: several departments together on a hard problem." },
    EMERGENCY: { description: "急诊: a precise, fast answer to an urgent need." },
  },
});

/** How urgent a stage is: a ticket may only be escalated to a higher rank. */
export const stageRank = (stage: TicketStage): number => TICKET_STAGES.indexOf(stage);

export const TICKET_STATUSES = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TicketStatusEnum = enumOf(TICKET_STATUSES);
registerEnumType(TicketStatusEnum, {
  name: "TicketStatus",
  description: "工单状态: where a service ticket is.",
  valuesConfig: {
    OPEN: { description: "已提出: raised, waiting to be acknowledged." },
    ACKNOWLEDGED: { description: "已受理: the assignee has taken it up." },
    IN_PROGRESS: { description: "办理中: being worked on." },
    RESOLVED: { description: "已解决: answered; waits for the raiser to confirm (or closes itself)." },
    CLOSED: { description: "已办结: confirmed by the raiser or closed after the confirmation period." },
  },
});

/** Allowed status changes: the only table the service consults. RESOLVED -> IN_PROGRESS is the raiser's reopen. */
export const TICKET_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  OPEN: ["ACKNOWLEDGED"],
  ACKNOWLEDGED: ["IN_PROGRESS"],
  IN_PROGRESS: ["RESOLVED"],
  RESOLVED: ["CLOSED", "IN_PROGRESS"],
  CLOSED: [],
};

/** Starting work is ACKNOWLEDGED -> IN_PROGRESS only; reopening is the raiser's RESOLVED -> IN_PROGRESS only. */
export const START_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = { OPEN: [], ACKNOWLEDGED: ["IN_PROGRESS"], IN_PROGRESS: [], RESOLVED: [], CLOSED: [] };
export const REOPEN_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = { OPEN: [], ACKNOWLEDGED: [], IN_PROGRESS: [], RESOLVED: ["IN_PROGRESS"], CLOSED: [] };

/** Statuses in which a ticket is still being worked: it can be commented, reassigned and escalated. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS"];

export const TICKET_EVENT_TYPES = [
  "OPENED", "ACKNOWLEDGED", "STARTED", "COMMENTED", "RESOLVED", "CLOSED", "AUTO_CLOSED", "REOPENED",
  "REASSIGNED", "ESCALATED", "ACK_SLA_BREACHED", "RESOLVE_SLA_BREACHED",
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];
export const TicketEventTypeEnum = enumOf(TICKET_EVENT_TYPES);
registerEnumType(TicketEventTypeEnum, {
  name: "TicketEventType",
  description: "What happened to a ticket (one entry of its timeline).",
  valuesConfig: {
    OPENED: { description: "提出" },
    ACKNOWLEDGED: { description: "受理" },
    STARTED: { description: "开始办理" },
    COMMENTED: { description: "留言" },
    RESOLVED: { description: "解决" },
    CLOSED: { description: "提出人确认办结" },
    AUTO_CLOSED: { description: "确认期满自动办结" },
    REOPENED: { description: "提出人重新打开" },
    REASSIGNED: { description: "转派" },
    ESCALATED: { description: "升级服务模式" },
    ACK_SLA_BREACHED: { description: "超时未受理" },
    RESOLVE_SLA_BREACHED: { description: "超时未解决" },
  },
});

export const URGENT_EVENT_TYPES = ["CREATED", "STATUS_CHANGED", "COMMENTED", "REASSIGNED", "ESCALATED", "SLA_BREACHED", "CIRCUIT_BREAKER"] as const;
export type UrgentEventType = (typeof URGENT_EVENT_TYPES)[number];
export const UrgentEventTypeEnum = enumOf(URGENT_EVENT_TYPES);
registerEnumType(UrgentEventTypeEnum, {
  name: "UrgentRequestEventType",
  description: "What happened on a project's urgent channel: to an EMERGENCY (急诊) ticket, or to the project's circuit breaker (熔断).",
  valuesConfig: {
    CREATED: { description: "An urgent request was raised." },
    STATUS_CHANGED: { description: "Acknowledged, started, resolved, closed or reopened." },
    COMMENTED: { description: "Someone commented." },
    REASSIGNED: { description: "Given to another cadre." },
    ESCALATED: { description: "Escalated into EMERGENCY." },
    SLA_BREACHED: { description: "Its acknowledge or resolve deadline passed." },
    CIRCUIT_BREAKER: { description: "熔断: the project's circuit breaker moved (suspended, rectified, awaiting decision, exited, reapply); `ticket` is null." },
  },
});

/** Timeline entries that announce an urgent-request event, and as which type. */
export const URGENT_TYPE_OF: Record<TicketEventType, UrgentEventType> = {
  OPENED: "CREATED",
  ACKNOWLEDGED: "STATUS_CHANGED",
  STARTED: "STATUS_CHANGED",
  RESOLVED: "STATUS_CHANGED",
  CLOSED: "STATUS_CHANGED",
  AUTO_CLOSED: "STATUS_CHANGED",
  REOPENED: "STATUS_CHANGED",
  COMMENTED: "COMMENTED",
  REASSIGNED: "REASSIGNED",
  ESCALATED: "ESCALATED",
  ACK_SLA_BREACHED: "SLA_BREACHED",
  RESOLVE_SLA_BREACHED: "SLA_BREACHED",
};
