import { registerEnumType } from "type-graphql";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

/**
 * 待办的类型, in their fixed order: the order ties on the due time are broken by (most pressing
 * first), and the order of countsByKind.
 */
export const TODO_KINDS = [
  "TICKET_TO_ACKNOWLEDGE",
  "TICKET_TO_RESOLVE",
  "TASK_HELD",
  "DEFERRED_ITEM_DUE",
  "APPROVAL_TO_DECIDE",
  "APPLICATION_TO_DECIDE",
  "FINDING_TO_FOLLOW_UP",
  "INSPECTION_TO_RECORD",
  "LETTER_TO_SIGN",
  "TICKET_TO_CONFIRM",
  "TASK_TO_VERIFY",
] as const;
export type TodoKind = (typeof TODO_KINDS)[number];
export const TodoKindEnum = enumOf(TODO_KINDS);

/** A kind's place in the fixed order. */
export const kindRank = (kind: TodoKind): number => TODO_KINDS.indexOf(kind);

registerEnumType(TodoKindEnum, {
  name: "TodoKind",
  description: "待办的类型: what waits on the caller, in the fixed order that breaks ties on the due time.",
  valuesConfig: labelEnum<TodoKind>("TodoKind", {
    TICKET_TO_ACKNOWLEDGE: { zh: "待受理工单", en: "Ticket to acknowledge", description: "An OPEN service ticket assigned to the caller; due at its acknowledge deadline (ackDueAt)." },
    TICKET_TO_RESOLVE: { zh: "待办理工单", en: "Ticket to resolve", description: "An ACKNOWLEDGED or IN_PROGRESS service ticket assigned to the caller; due at its resolve deadline (resolveDueAt)." },
    TASK_HELD: { zh: "待兑现任务", en: "Board task held", description: "A board task the caller claimed and still holds (CLAIMED); due at its due date." },
    DEFERRED_ITEM_DUE: { zh: "待补正容缺材料", en: "Deferred material due", description: "A deferred material of the caller's enterprise still owed (PENDING, or OVERDUE and flagged overdue); due at the end of its promised day." },
    APPROVAL_TO_DECIDE: { zh: "待审批事项", en: "Approval to decide", description: "A SUBMITTED approval item handled by the caller's department and decided directly (not through a one-window application); due at the end of its promised last day (承诺办结时限, working days)." },
    APPLICATION_TO_DECIDE: { zh: "待审批申请", en: "Application to decide", description: "A one-window application ROUTED to the caller's department (后台分类审批); due at the end of its approval item's promised last day." },
    FINDING_TO_FOLLOW_UP: { zh: "待跟进整改", en: "Finding to follow up", description: "An OPEN or OVERDUE finding of a joint inspection the caller's department took part in; due at the end of its follow-up day." },
    INSPECTION_TO_RECORD: { zh: "待开展综合检查", en: "Inspection to carry out", description: "A SCHEDULED joint inspection the caller's department takes part in (the lead among them): carry it out and record its findings; due at the end of its scheduled day." },
    LETTER_TO_SIGN: { zh: "待签署承诺书", en: "Letter to sign", description: "A DRAFT commitment letter whose side the caller signs and that side has not signed: the enterprise side for the project's enterprise, the government side for the project's manager and the reform office. No due time." },
    TICKET_TO_CONFIRM: { zh: "待确认办结工单", en: "Ticket to confirm", description: "A RESOLVED service ticket the caller raised, waiting for them to close or reopen it; due when it closes by itself (TICKET_AUTO_CLOSE_HOURS after it was resolved)." },
    TASK_TO_VERIFY: { zh: "待验收任务", en: "Board task to verify", description: "For the reform office: a SUBMITTED board task to verify or send back. No due time of its own." },
  }),
});
