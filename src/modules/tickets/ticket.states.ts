import { registerEnumType } from "type-graphql";
import { TICKET_SLA_STAGES } from "../../config";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

/** The four service modes, least to most urgent. */
export const TICKET_STAGES = TICKET_SLA_STAGES;
export type TicketStage = (typeof TICKET_STAGES)[number];
export const TicketStageEnum = enumOf(TICKET_STAGES);
registerEnumType(TicketStageEnum, {
  name: "TicketStage",
  description: "服务模式: the four ways a project's team serves the enterprise, least to most urgent.",
  valuesConfig: labelEnum<TicketStage>("TicketStage", {
    PRE_DIAGNOSIS: { zh: "预诊", en: "Pre-diagnosis", description: "Service before the project lands (前置服务)." },
    GUIDANCE: { zh: "导诊", en: "Guidance", description: "Alongside the project through its approvals, the whole way (全程陪跑)." },
    CONSULTATION: { zh: "会诊", en: "Consultation", description: "Several departments together on a hard problem (难点攻坚)." },
    EMERGENCY: { zh: "急诊", en: "Emergency", description: "A precise, fast answer to an urgent need (精准响应)." },
  }),
});

/** How urgent a stage is: a ticket may only be escalated to a higher rank. */
export const stageRank = (stage: TicketStage): number => TICKET_STAGES.indexOf(stage);

export const TICKET_STATUSES = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TicketStatusEnum = enumOf(TICKET_STATUSES);
registerEnumType(TicketStatusEnum, {
  name: "TicketStatus",
  description: "工单状态: where a service ticket is.",
  valuesConfig: labelEnum<TicketStatus>("TicketStatus", {
    OPEN: { zh: "已提出", en: "Open", description: "Raised, waiting to be acknowledged." },
    ACKNOWLEDGED: { zh: "已受理", en: "Acknowledged", description: "The assignee has taken it up." },
    IN_PROGRESS: { zh: "办理中", en: "In progress", description: "Being worked on." },
    RESOLVED: { zh: "已解决", en: "Resolved", description: "Answered; waits for the raiser to confirm (or closes itself)." },
    CLOSED: { zh: "已办结", en: "Closed", description: "Confirmed by the raiser or closed after the confirmation period." },
  }),
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
  valuesConfig: labelEnum<TicketEventType>("TicketEventType", {
    OPENED: { zh: "提出", en: "Opened", description: "The ticket was raised." },
    ACKNOWLEDGED: { zh: "受理", en: "Acknowledged", description: "The assignee took it up." },
    STARTED: { zh: "开始办理", en: "Started", description: "Work on it started." },
    COMMENTED: { zh: "留言", en: "Commented", description: "Someone commented." },
    RESOLVED: { zh: "解决", en: "Resolved", description: "The assignee answered it." },
    CLOSED: { zh: "确认办结", en: "Closed", description: "The raiser confirmed it done." },
    AUTO_CLOSED: { zh: "自动办结", en: "Closed automatically", description: "Closed by itself once the confirmation period passed." },
    REOPENED: { zh: "重新打开", en: "Reopened", description: "The raiser reopened it." },
    REASSIGNED: { zh: "转派", en: "Reassigned", description: "Given to another cadre." },
    ESCALATED: { zh: "升级服务模式", en: "Escalated", description: "Moved up to a more urgent service mode." },
    ACK_SLA_BREACHED: { zh: "超时未受理", en: "Acknowledgement overdue", description: "Not acknowledged by its acknowledge deadline." },
    RESOLVE_SLA_BREACHED: { zh: "超时未解决", en: "Resolution overdue", description: "Not resolved by its resolve deadline." },
  }),
});

export const URGENT_EVENT_TYPES = ["CREATED", "STATUS_CHANGED", "COMMENTED", "REASSIGNED", "ESCALATED", "SLA_BREACHED", "CIRCUIT_BREAKER"] as const;
export type UrgentEventType = (typeof URGENT_EVENT_TYPES)[number];
export const UrgentEventTypeEnum = enumOf(URGENT_EVENT_TYPES);
registerEnumType(UrgentEventTypeEnum, {
  name: "UrgentRequestEventType",
  description: "What happened on a project's urgent channel: to an EMERGENCY (急诊) ticket, or to the project's circuit breaker (熔断).",
  valuesConfig: labelEnum<UrgentEventType>("UrgentRequestEventType", {
    CREATED: { zh: "提出急诊", en: "Raised", description: "An urgent request was raised." },
    STATUS_CHANGED: { zh: "状态变更", en: "Status changed", description: "Acknowledged, started, resolved, closed or reopened." },
    COMMENTED: { zh: "留言", en: "Commented", description: "Someone commented." },
    REASSIGNED: { zh: "转派", en: "Reassigned", description: "Given to another cadre." },
    ESCALATED: { zh: "升级为急诊", en: "Escalated", description: "Escalated into EMERGENCY." },
    SLA_BREACHED: { zh: "超时", en: "Deadline missed", description: "Its acknowledge or resolve deadline passed." },
    CIRCUIT_BREAKER: { zh: "熔断", en: "Circuit breaker", description: "The project's circuit breaker moved (suspended, rectified, awaiting decision, exited, reapply); `ticket` is null." },
  }),
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
