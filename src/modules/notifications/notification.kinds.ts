import { registerEnumType } from "type-graphql";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

/**
 * The causes the system tells people about: each one a notification to the users it concerns and
 * an event for the webhooks that asked for its kind. The list's order is the enum's.
 */
export const NOTIFICATION_KINDS = [
  "TICKET_ASSIGNED",
  "TICKET_ESCALATED",
  "TICKET_SLA_WARNING",
  "TICKET_SLA_BREACHED",
  "TASK_VERIFIED",
  "TASK_SENT_BACK",
  "TASK_DUE_SOON",
  "DEFERRED_ITEM_DUE_SOON",
  "DEFERRED_ITEM_OVERDUE",
  "STOP_WORK_ISSUED",
  "STOP_WORK_LIFTED",
  "LETTER_AWAITING_SIGNATURE",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const NotificationKindEnum = enumOf(NOTIFICATION_KINDS);
registerEnumType(NotificationKindEnum, {
  name: "NotificationKind",
  description: "通知类型: what a notification (and a webhook event) is about. Urgent kinds cannot be muted.",
  valuesConfig: labelEnum<NotificationKind>("NotificationKind", {
    TICKET_ASSIGNED: { zh: "工单已派给您", en: "Ticket assigned", description: "A service ticket was assigned to the recipient (on opening or by reassignment)." },
    TICKET_ESCALATED: { zh: "工单已升级", en: "Ticket escalated", description: "A ticket the recipient handles moved to a more urgent mode; urgent." },
    TICKET_SLA_WARNING: { zh: "工单时限将到", en: "Ticket SLA at 80 %", description: "80 % of a ticket's acknowledge or resolve time has passed." },
    TICKET_SLA_BREACHED: { zh: "工单已超时", en: "Ticket SLA breached", description: "A ticket's acknowledge or resolve deadline was missed; urgent." },
    TASK_VERIFIED: { zh: "任务已核验", en: "Task verified", description: "The reform office judged the recipient's submitted task fulfilled or failed." },
    TASK_SENT_BACK: { zh: "任务被退回", en: "Task sent back", description: "The reform office sent the recipient's submission back." },
    TASK_DUE_SOON: { zh: "任务即将到期", en: "Task due soon", description: "A task the recipient holds is due within 24 hours." },
    DEFERRED_ITEM_DUE_SOON: { zh: "容缺材料即将到期", en: "Deferred item due soon", description: "A deferred material is due within 3 working days." },
    DEFERRED_ITEM_OVERDUE: { zh: "容缺材料已逾期", en: "Deferred item overdue", description: "A deferred material was not supplied by its date; urgent." },
    STOP_WORK_ISSUED: { zh: "已责令停工整改", en: "Stop-work order issued", description: "The circuit breaker suspended the project: stop work and rectify; urgent." },
    STOP_WORK_LIFTED: { zh: "停工整改已解除", en: "Stop-work order lifted", description: "The rectification was confirmed: work may resume." },
    LETTER_AWAITING_SIGNATURE: { zh: "承诺书待您签署", en: "Letter awaiting signature", description: "A commitment letter waits for the recipient's side to sign." },
  }),
});

/** Kinds nobody may mute: a missed deadline or a stop-work order must reach its people. */
export const URGENT_KINDS: ReadonlySet<NotificationKind> = new Set(["TICKET_ESCALATED", "TICKET_SLA_BREACHED", "DEFERRED_ITEM_OVERDUE", "STOP_WORK_ISSUED"]);

/** The kinds of record a notification is about. */
export const NOTIFICATION_SUBJECT_TYPES = ["SERVICE_TICKET", "BOARD_TASK", "DEFERRED_ITEM", "PROJECT", "COMMITMENT_LETTER"] as const;
export type NotificationSubjectType = (typeof NOTIFICATION_SUBJECT_TYPES)[number];
export const NotificationSubjectTypeEnum = enumOf(NOTIFICATION_SUBJECT_TYPES);
registerEnumType(NotificationSubjectTypeEnum, {
  name: "NotificationSubjectType",
  description: "The kind of record a notification is about (its subjectId names the record).",
  valuesConfig: labelEnum<NotificationSubjectType>("NotificationSubjectType", {
    SERVICE_TICKET: { zh: "服务工单", en: "Service ticket", description: "A ServiceTicket." },
    BOARD_TASK: { zh: "榜单任务", en: "Board task", description: "A BoardTask." },
    DEFERRED_ITEM: { zh: "容缺材料", en: "Deferred item", description: "A DeferredItem of a project." },
    PROJECT: { zh: "项目", en: "Project", description: "A Project (stop-work orders)." },
    COMMITMENT_LETTER: { zh: "承诺书", en: "Commitment letter", description: "A CommitmentLetter." },
  }),
});

/**
 * What a notification says, per kind and language, from the facts the cause recorded (`subject`:
 * the ticket's or task's title, the material's name, the project's code and name; `detail`: a
 * side, a verdict, a stage). Kept short: a phone's notification line.
 */
export const NOTIFICATION_TITLES: Record<NotificationKind, { zh: (p: NotificationParams) => string; en: (p: NotificationParams) => string }> = {
  TICKET_ASSIGNED: { zh: (p) => `工单“${p.subject}”已派给您承办`, en: (p) => `Ticket "${p.subject}" is assigned to you` },
  TICKET_ESCALATED: { zh: (p) => `工单“${p.subject}”已升级为${p.detail ?? ""}`, en: (p) => `Ticket "${p.subject}" was escalated to ${p.detailEn ?? p.detail ?? ""}` },
  TICKET_SLA_WARNING: { zh: (p) => `工单“${p.subject}”${p.detail ?? ""}时限将到`, en: (p) => `Ticket "${p.subject}": the ${p.detailEn ?? ""} deadline is near` },
  TICKET_SLA_BREACHED: { zh: (p) => `工单“${p.subject}”${p.detail ?? ""}已超时`, en: (p) => `Ticket "${p.subject}": the ${p.detailEn ?? ""} deadline was missed` },
  TASK_VERIFIED: { zh: (p) => `任务“${p.subject}”核验结果：${p.detail ?? ""}`, en: (p) => `Task "${p.subject}" was verified: ${p.detailEn ?? ""}` },
  TASK_SENT_BACK: { zh: (p) => `任务“${p.subject}”被退回，请修改后重新提交`, en: (p) => `Task "${p.subject}" was sent back` },
  TASK_DUE_SOON: { zh: (p) => `任务“${p.subject}”将在 24 小时内到期`, en: (p) => `Task "${p.subject}" is due within 24 hours` },
  DEFERRED_ITEM_DUE_SOON: { zh: (p) => `项目 ${p.project ?? ""} 的容缺材料“${p.subject}”将在 3 个工作日内到期`, en: (p) => `Deferred item "${p.subject}" of project ${p.project ?? ""} is due within 3 working days` },
  DEFERRED_ITEM_OVERDUE: { zh: (p) => `项目 ${p.project ?? ""} 的容缺材料“${p.subject}”已逾期`, en: (p) => `Deferred item "${p.subject}" of project ${p.project ?? ""} is overdue` },
  STOP_WORK_ISSUED: { zh: (p) => `项目 ${p.project ?? ""} 已被责令停工整改`, en: (p) => `Project ${p.project ?? ""} is under a stop-work order` },
  STOP_WORK_LIFTED: { zh: (p) => `项目 ${p.project ?? ""} 的停工整改已解除`, en: (p) => `The stop-work order on project ${p.project ?? ""} was lifted` },
  LETTER_AWAITING_SIGNATURE: { zh: (p) => `项目 ${p.project ?? ""} 的双向承诺书待您签署`, en: (p) => `The commitment letter of project ${p.project ?? ""} awaits your signature` },
};

/** The facts a cause records for its message and its webhook payload: short strings only. */
export interface NotificationParams {
  /** The title or name of the record concerned (a ticket's title, a task's, a material's name). */
  subject?: string;
  /** The project's code (and name), where there is one. */
  project?: string;
  /** A side, verdict or stage, in Chinese (and in English in detailEn). */
  detail?: string;
  detailEn?: string;
}
