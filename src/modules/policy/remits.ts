import type { Role } from "../../core/auth";

/**
 * The relations a caller can have to what an action touches. An action lists the relations that
 * allow it; holding any one of them is enough.
 */
export const RELATIONS = {
  ANYONE: { roles: ["ADMIN", "CADRE", "ENTERPRISE"], label: "anyone, signed in or not" },
  SIGNED_IN: { roles: ["ADMIN", "CADRE", "ENTERPRISE"], label: "anyone signed in who sees the record" },
  ADMIN: { roles: ["ADMIN"], label: "the reform office (ADMIN)" },
  CADRE: { roles: ["CADRE"], label: "any cadre" },
  PROJECT_MANAGER: { roles: ["CADRE"], label: "the project's manager" },
  TEAM_MEMBER: { roles: ["CADRE"], label: "a member of the project's service team" },
  OWN_ENTERPRISE: { roles: ["ENTERPRISE"], label: "a user of the project's enterprise" },
  HANDLING_DEPARTMENT: { roles: ["CADRE"], label: "a cadre of the handling department" },
  FRONT_DESK: { roles: ["CADRE"], label: "a cadre of the front-desk department (FRONT_DESK_DEPARTMENT)" },
  RESPONSIBLE_DEPARTMENT: { roles: ["CADRE"], label: "a cadre of the department responsible for it" },
  LEAD_DEPARTMENT: { roles: ["CADRE"], label: "a cadre of the lead department" },
  PARTICIPATING_DEPARTMENT: { roles: ["CADRE"], label: "a cadre of a participating department" },
  CLAIMANT: { roles: ["CADRE"], label: "the cadre who claimed the task" },
  TICKET_ASSIGNEE: { roles: ["CADRE"], label: "the ticket's assignee" },
  TICKET_RAISER: { roles: ["CADRE", "ENTERPRISE"], label: "the ticket's raiser" },
} as const satisfies Record<string, { roles: readonly Role[]; label: string }>;
export type Relation = keyof typeof RELATIONS;

/**
 * Standing duties a department holds as data (ADMIN edits them with updateDepartment): the
 * remits that name "the responsible department" read those rows, not a name in code.
 */
export const DEPARTMENT_DUTIES = ["BUILDING_ACCEPTANCE", "SURVEY"] as const;
export type DepartmentDuty = (typeof DEPARTMENT_DUTIES)[number];

export interface Remit {
  /** The mutation this remit governs (one mutation may have several remits, by its input). */
  mutation: string;
  /** What is done, for the refusal: "Only … may <verb>". */
  verb: string;
  allowed: readonly Relation[];
  /** Why the rule is what it is, where the domain refines the default. */
  why?: string;
}

const remit = (mutation: string, verb: string, allowed: readonly Relation[], why?: string): Remit => ({ mutation, verb, allowed, why });
const ADMIN_ONLY = ["ADMIN"] as const;

/**
 * 职责: who may do each action. The one table: services ask it (policyService.authorize), the
 * resolvers' role checks and descriptions are made from it (Remit), the README's "Who may do what"
 * is printed from it, and the remit matrix test calls every mutation as every kind of caller by it.
 * A mutation without a row here fails that test.
 */
export const REMITS = {
  login: remit("login", "sign in", ["ANYONE"]),
  createUser: remit("createUser", "create users", ADMIN_ONLY),
  setUserActive: remit("setUserActive", "deactivate or reactivate users", ADMIN_ONLY),
  deactivateUser: remit("deactivateUser", "deactivate users", ADMIN_ONLY),
  reactivateUser: remit("reactivateUser", "reactivate users", ADMIN_ONLY),
  changePassword: remit("changePassword", "change their own password", ["SIGNED_IN"], "Only your own, proven by the current password."),
  resetPassword: remit("resetPassword", "reset another user's password", ADMIN_ONLY, "For a user who forgot theirs; it revokes all their tokens."),
  logout: remit("logout", "sign out", ["SIGNED_IN"], "Ends the caller's own session only."),
  renewToken: remit("renewToken", "renew their own token", ["SIGNED_IN"], "Up to SESSION_MAX_AGE_HOURS after signing in with the password."),
  revokeAllSessions: remit("revokeAllSessions", "revoke their own sessions", ["SIGNED_IN"], "Every token of the caller, on every device."),
  revokeUserSessions: remit("revokeAllSessions", "revoke another user's sessions", ADMIN_ONLY, "The reform office signs a user out everywhere (a lost phone, a staff change)."),

  markNotificationsRead: remit("markNotificationsRead", "mark their own notifications read", ["SIGNED_IN"], "Only the caller's own notifications: another user's answer NOT_FOUND."),
  setMutedNotificationKinds: remit("setMutedNotificationKinds", "mute kinds of their own notifications", ["SIGNED_IN"], "Only for the caller; urgent kinds cannot be muted."),

  createWebhook: remit("createWebhook", "register webhooks", ADMIN_ONLY, "A webhook sends the district's events outside the system: only the reform office, and only to hosts WEBHOOK_ALLOWED_HOSTS allows."),
  updateWebhook: remit("updateWebhook", "edit webhooks", ADMIN_ONLY),
  disableWebhook: remit("disableWebhook", "disable webhooks", ADMIN_ONLY),
  enableWebhook: remit("enableWebhook", "enable webhooks", ADMIN_ONLY),
  redeliverWebhookDelivery: remit("redeliverWebhookDelivery", "redeliver webhook deliveries", ADMIN_ONLY),

  createDepartment: remit("createDepartment", "add departments", ADMIN_ONLY),
  updateDepartment: remit("updateDepartment", "edit departments and their duties", ADMIN_ONLY),

  createEnterprise: remit("createEnterprise", "register enterprises", ADMIN_ONLY),
  updateEnterprise: remit("updateEnterprise", "edit enterprises", ADMIN_ONLY),
  createProject: remit("createProject", "register projects", ADMIN_ONLY),
  updateProject: remit("updateProject", "edit a project's details", ADMIN_ONLY),

  addNegativeListEntry: remit("addNegativeListEntry", "edit the negative list", ADMIN_ONLY),
  removeNegativeListEntry: remit("removeNegativeListEntry", "edit the negative list", ADMIN_ONLY),
  createDeferrableItem: remit("createDeferrableItem", "edit the deferrable catalog", ADMIN_ONLY),
  updateDeferrableItem: remit("updateDeferrableItem", "edit the deferrable catalog", ADMIN_ONLY),
  applyFastTrack: remit("applyFastTrack", "apply for the fast track for this project", ["OWN_ENTERPRISE", "ADMIN"], "企业自愿: the enterprise chooses; ADMIN may file it on the enterprise's behalf."),
  withdrawFastTrackApplication: remit("withdrawFastTrackApplication", "withdraw this project's fast-track application", ["OWN_ENTERPRISE", "ADMIN"], "企业自愿: the enterprise may withdraw what it chose, before both parties sign; the reform office may file the withdrawal for it."),
  refuseFastTrackApplication: remit("refuseFastTrackApplication", "refuse fast-track applications", ADMIN_ONLY, "承诺前审核: the reform office reviews the application before the letter binds anyone."),
  recordDeferredItemSupplied: remit("recordDeferredItemSupplied", "record this material as supplied", ["PROJECT_MANAGER", "TEAM_MEMBER", "ADMIN"], "The project's team receives the material it chased (先办后补)."),
  markDeferredItemOverdue: remit("markDeferredItemOverdue", "mark this material overdue", ["PROJECT_MANAGER", "ADMIN"], "The deadline sweep does it by itself; by hand only the manager or the reform office."),

  createClauseTemplate: remit("createClauseTemplate", "edit clause templates", ADMIN_ONLY),
  updateClauseTemplate: remit("updateClauseTemplate", "edit clause templates", ADMIN_ONLY),
  draftCommitmentLetter: remit("draftCommitmentLetter", "draft commitment letters", ADMIN_ONLY),
  signCommitmentLetterForEnterprise: remit("signCommitmentLetter", "sign this letter for the enterprise", ["OWN_ENTERPRISE"]),
  signCommitmentLetterForGovernment: remit("signCommitmentLetter", "sign this letter for the government", ["PROJECT_MANAGER", "ADMIN"], "The government side binds the district: the reform office or the project's manager (项目经理人) signs."),
  amendCommitmentLetter: remit("amendCommitmentLetter", "amend commitment letters", ADMIN_ONLY),
  attachLetterScan: remit("attachLetterScan", "attach the scan of this letter's paper original", ["OWN_ENTERPRISE", "PROJECT_MANAGER", "ADMIN"], "The parties who sign the letter hold its paper original: the enterprise, or for the government the project's manager or the reform office."),
  updateCommitmentClause: remit("updateCommitmentClause", "edit a draft's clauses", ADMIN_ONLY),
  recordClauseFulfilment: remit("recordClauseFulfilment", "judge a clause kept or breached", ADMIN_ONLY),

  submitApplication: remit("submitApplication", "take in an application for this project", ["FRONT_DESK", "OWN_ENTERPRISE", "ADMIN"], "前台综合受理: the front desk takes applications in; the enterprise may apply online for its own project."),
  routeApplication: remit("routeApplication", "route applications", ["FRONT_DESK", "ADMIN"]),
  decideApplication: remit("decideApplication", "decide this application", ["HANDLING_DEPARTMENT", "ADMIN"]),
  issueApplicationResult: remit("issueApplicationResult", "issue this application's result", ["HANDLING_DEPARTMENT", "FRONT_DESK", "ADMIN"], "统一出件: the one window (front desk) hands out what the handling department decided; either may issue it."),

  publishTask: remit("publishTask", "publish board tasks", ADMIN_ONLY),
  claimTask: remit("claimTask", "claim board tasks", ["CADRE"]),
  releaseTask: remit("releaseTask", "release this task", ["CLAIMANT"]),
  reportTaskProgress: remit("reportTaskProgress", "report progress on this task", ["CLAIMANT"]),
  submitTask: remit("submitTask", "submit this task", ["CLAIMANT"]),
  verifyTask: remit("verifyTask", "verify board tasks", ADMIN_ONLY),
  sendBackTask: remit("sendBackTask", "send board tasks back", ADMIN_ONLY),
  withdrawTask: remit("withdrawTask", "withdraw board tasks", ADMIN_ONLY),
  reviewFaultTolerance: remit("reviewFaultTolerance", "review fault tolerance (容错)", ADMIN_ONLY),
  submitFaultCorrection: remit("submitFaultCorrection", "submit this correction", ["CADRE"], "纠错: only the cadre the review named as the correction's owner reports it done; the board checks the owner on the record (FORBIDDEN for any other cadre)."),
  verifyFaultCorrection: remit("verifyFaultCorrection", "verify corrections (纠错)", ADMIN_ONLY, "The reform office that ordered the correction verifies it, or sends it back."),

  assignProjectManager: remit("assignProjectManager", "assign project managers", ADMIN_ONLY),
  addTeamMember: remit("addTeamMember", "change this project's team", ["PROJECT_MANAGER", "ADMIN"]),
  removeTeamMember: remit("removeTeamMember", "change this project's team", ["PROJECT_MANAGER", "ADMIN"]),

  openServiceTicket: remit("openServiceTicket", "raise a ticket on this project", ["OWN_ENTERPRISE", "PROJECT_MANAGER", "TEAM_MEMBER"]),
  acknowledgeTicket: remit("acknowledgeTicket", "work on this ticket", ["TICKET_ASSIGNEE", "PROJECT_MANAGER", "ADMIN"]),
  startTicket: remit("startTicket", "work on this ticket", ["TICKET_ASSIGNEE", "PROJECT_MANAGER", "ADMIN"]),
  resolveTicket: remit("resolveTicket", "work on this ticket", ["TICKET_ASSIGNEE", "PROJECT_MANAGER", "ADMIN"]),
  commentOnTicket: remit("commentOnTicket", "comment on this ticket", ["SIGNED_IN"]),
  closeTicket: remit("closeTicket", "close this ticket", ["TICKET_RAISER", "ADMIN"]),
  reopenTicket: remit("reopenTicket", "reopen this ticket", ["TICKET_RAISER"]),
  reassignTicket: remit("reassignTicket", "reassign this ticket", ["PROJECT_MANAGER", "ADMIN"]),
  escalateTicket: remit("escalateTicket", "escalate this ticket", ["SIGNED_IN"]),

  liftCreditRecord: remit("liftCreditRecord", "lift credit records", ADMIN_ONLY),

  createSupervisionStandard: remit("createSupervisionStandard", "edit supervision standards", ADMIN_ONLY),
  updateSupervisionStandard: remit("updateSupervisionStandard", "edit supervision standards", ADMIN_ONLY),
  setProjectRiskLevel: remit("setProjectRiskLevel", "set risk levels", ADMIN_ONLY),
  scheduleJointInspection: remit("scheduleJointInspection", "schedule this joint inspection", ["LEAD_DEPARTMENT", "ADMIN"], "综合查一次: the lead department (the one the inspection names as lead) arranges the one visit."),
  recordInspectionFindings: remit("recordInspectionFindings", "record this inspection's findings", ["PARTICIPATING_DEPARTMENT"], "Only inspectors record what they found: a cadre of a department that took part; the reform office supervises but does not inspect."),
  resolveInspectionFinding: remit("resolveInspectionFinding", "confirm this finding put right", ["PARTICIPATING_DEPARTMENT", "ADMIN"], "The inspecting departments follow their findings up; the reform office may close one it verified."),
  runDeadlineSweep: remit("runDeadlineSweep", "run the deadline sweep", ADMIN_ONLY),

  recordDelayCause: remit("recordDelayCause", "record this project's delay cause", ["PROJECT_MANAGER", "ADMIN"], "A delay cause can trip the circuit breaker: only the manager, who knows the project, or the reform office."),
  confirmRectification: remit("confirmRectification", "confirm this project's rectification", ["PROJECT_MANAGER", "ADMIN"]),
  decideAfterRectification: remit("decideAfterRectification", "decide EXIT or REAPPLY", ADMIN_ONLY),

  setCalendarDay: remit("setCalendarDay", "edit the working-day calendar", ADMIN_ONLY),
  declareCalendarYear: remit("declareCalendarYear", "edit the working-day calendar", ADMIN_ONLY),

  setApprovalDependency: remit("setApprovalDependency", "edit approval dependencies", ADMIN_ONLY),
  addApprovalItem: remit("addApprovalItem", "add approval items to this project", ["PROJECT_MANAGER", "ADMIN"], "The project's manager plans which approvals it needs; the reform office may too."),
  submitApprovalItem: remit("submitApprovalItem", "submit this approval item", ["HANDLING_DEPARTMENT", "PROJECT_MANAGER", "TEAM_MEMBER", "ADMIN"], "受理: the handling department takes it in, or the project's team files it on the enterprise's behalf (代办)."),
  decideApprovalItem: remit("decideApprovalItem", "decide this item", ["HANDLING_DEPARTMENT", "ADMIN"]),
  citeSurveyResult: remit("citeSurveyResult", "let this item cite a survey result", ["HANDLING_DEPARTMENT", "PROJECT_MANAGER", "ADMIN"]),
  recordProjectMilestone: remit("recordProjectMilestone", "record this project's milestones", ["PROJECT_MANAGER", "TEAM_MEMBER", "ADMIN"]),
  fileConstructionStart: remit("recordProjectMilestone", "file this project's construction start (开工报备)", ["OWN_ENTERPRISE", "PROJECT_MANAGER", "TEAM_MEMBER", "ADMIN"], "开工报备: the enterprise files its own construction start (milestone CONSTRUCTION_START); every other milestone is the team's."),
  addBuilding: remit("addBuilding", "add buildings to this project", ["PROJECT_MANAGER", "TEAM_MEMBER", "RESPONSIBLE_DEPARTMENT", "ADMIN"], "The parts to be accepted are set out by the project's team or the acceptance department (duty BUILDING_ACCEPTANCE)."),
  recordBuildingAcceptance: remit("recordBuildingAcceptance", "record building acceptances", ["RESPONSIBLE_DEPARTMENT", "ADMIN"], "Responsible: the departments with duty BUILDING_ACCEPTANCE (区住房和城乡建设局 by default)."),
  commissionSurvey: remit("commissionSurvey", "commission surveys", ["RESPONSIBLE_DEPARTMENT", "PROJECT_MANAGER", "ADMIN"], "一次委托: the survey department (duty SURVEY, 区自然资源局 by default) or the project's manager on the enterprise's behalf."),
  recordSurveyResult: remit("recordSurveyResult", "record survey results", ["RESPONSIBLE_DEPARTMENT", "ADMIN"], "Responsible: the departments with duty SURVEY (区自然资源局 by default)."),
} as const satisfies Record<string, Remit>;
export type RemitName = keyof typeof REMITS;

/** The roles that can hold any relation of the remit: what a resolver checks before the service looks closer. */
export function rolesOf(name: RemitName): Role[] {
  const roles = new Set<Role>();
  for (const relation of REMITS[name].allowed) for (const role of RELATIONS[relation].roles) roles.add(role);
  return [...roles];
}

/** "Who: …" for a mutation's description, from its remits. */
export function whoMay(mutation: string): string {
  const rows = Object.values(REMITS).filter((r: Remit) => r.mutation === mutation) as Remit[];
  return rows
    .map((r) => `${rows.length > 1 ? `To ${r.verb}: ` : "Who: "}${r.allowed.map((a) => RELATIONS[a].label).join("; or ")}.${r.why ? ` ${r.why}` : ""}`)
    .join(" ");
}

/** A mutation's description followed by who may call it, from the table. */
export const described = (mutation: string, text: string): string => `${text} ${whoMay(mutation)}`;

export const REMIT_TABLE_START = "<!-- remits:start (made by npm run schema from src/modules/policy/remits.ts) -->";
export const REMIT_TABLE_END = "<!-- remits:end -->";

/** The README's "Who may do what": one row per remit, made from REMITS (a test keeps the README equal to it). */
export function remitTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = (Object.entries(REMITS) as Array<[string, Remit]>)
    .sort(([, a], [, b]) => a.mutation.localeCompare(b.mutation))
    .map(([name, r]) => `| \`${r.mutation}\`${name === r.mutation ? "" : ` (${name})`} | ${r.allowed.map((a) => RELATIONS[a].label).join("; ")} | ${cell(r.why ?? "")} |`);
  return [REMIT_TABLE_START, "| mutation | who may | why |", "|---|---|---|", ...rows, REMIT_TABLE_END].join("\n");
}
