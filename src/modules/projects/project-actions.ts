import { registerEnumType } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { enumOf } from "../../core/enums";
import { policyService } from "../policy/policy.service";
import type { RemitName } from "../policy/remits";
import type { FastTrackStatus, Project } from "./project.entity";
import { labelEnum } from "../../core/labels";

/** The mutations on a project as a whole that Project.viewerActions reports. */
export const PROJECT_ACTIONS = [
  "UPDATE", "APPLY_FAST_TRACK", "WITHDRAW_FAST_TRACK_APPLICATION", "REFUSE_FAST_TRACK_APPLICATION",
  "ASSIGN_PROJECT_MANAGER", "CHANGE_TEAM", "OPEN_SERVICE_TICKET", "ADD_APPROVAL_ITEM", "SUBMIT_APPLICATION",
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];
export const ProjectActionEnum = enumOf(PROJECT_ACTIONS);
registerEnumType(ProjectActionEnum, {
  name: "ProjectAction",
  description: "项目操作: a mutation on a project, as listed by Project.viewerActions.",
  valuesConfig: labelEnum<ProjectAction>("ProjectAction", {
    UPDATE: { zh: "编辑项目", en: "Edit project", description: "updateProject." },
    APPLY_FAST_TRACK: { zh: "申请双容双诺", en: "Apply for the fast track", description: "applyFastTrack (from NOT_APPLIED)." },
    WITHDRAW_FAST_TRACK_APPLICATION: { zh: "撤回申请", en: "Withdraw the application", description: "withdrawFastTrackApplication (while APPLIED)." },
    REFUSE_FAST_TRACK_APPLICATION: { zh: "不予受理", en: "Refuse the application", description: "refuseFastTrackApplication (while APPLIED)." },
    ASSIGN_PROJECT_MANAGER: { zh: "指定项目经理人", en: "Assign the project manager", description: "assignProjectManager." },
    CHANGE_TEAM: { zh: "调整专班", en: "Change the service team", description: "addTeamMember and removeTeamMember." },
    OPEN_SERVICE_TICKET: { zh: "提出服务工单", en: "Open a service ticket", description: "openServiceTicket." },
    ADD_APPROVAL_ITEM: { zh: "添加审批事项", en: "Add an approval item", description: "addApprovalItem." },
    SUBMIT_APPLICATION: { zh: "前台综合受理", en: "Submit an application", description: "submitApplication, at the front desk." },
  }),
});

/**
 * Each action's remit and, where the project's own state decides it, the fast-track status it
 * starts from. The fast-track service refuses from any other status by this same table.
 */
export const PROJECT_ACTION_RULES: Record<ProjectAction, { remit: RemitName; from?: FastTrackStatus }> = {
  UPDATE: { remit: "updateProject" },
  APPLY_FAST_TRACK: { remit: "applyFastTrack", from: "NOT_APPLIED" },
  WITHDRAW_FAST_TRACK_APPLICATION: { remit: "withdrawFastTrackApplication", from: "APPLIED" },
  REFUSE_FAST_TRACK_APPLICATION: { remit: "refuseFastTrackApplication", from: "APPLIED" },
  ASSIGN_PROJECT_MANAGER: { remit: "assignProjectManager" },
  CHANGE_TEAM: { remit: "addTeamMember" },
  OPEN_SERVICE_TICKET: { remit: "openServiceTicket" },
  ADD_APPROVAL_ITEM: { remit: "addApprovalItem" },
  SUBMIT_APPLICATION: { remit: "submitApplication" },
};

/** The fast-track status an application action starts from (the service's state rule). */
export const fastTrackActionFrom = (action: "APPLY_FAST_TRACK" | "WITHDRAW_FAST_TRACK_APPLICATION" | "REFUSE_FAST_TRACK_APPLICATION"): FastTrackStatus =>
  PROJECT_ACTION_RULES[action].from!;

/**
 * What the caller may do to a project they see, in PROJECT_ACTIONS order: the actions whose
 * remit the caller holds (policyService, the relations the mutations check) and whose starting
 * fast-track status the project is in. Gates judged from other records or the input are left to
 * the mutation (NEGATIVE_LIST, CREDIT_RESTRICTED, a taken approval kind, …). One statement per
 * relation for a whole page of projects.
 */
export async function projectViewerActions(ctx: RequestContext, project: Project): Promise<ProjectAction[]> {
  if (!ctx.user) return [];
  const open = PROJECT_ACTIONS.filter((action) => {
    const from = PROJECT_ACTION_RULES[action].from;
    return !from || project.fastTrackStatus === from;
  });
  const allowed = await policyService.allowedOf(ctx, open.map((action) => PROJECT_ACTION_RULES[action].remit), { projectId: project.id, enterpriseId: project.enterpriseId });
  return open.filter((action) => allowed.has(PROJECT_ACTION_RULES[action].remit));
}
