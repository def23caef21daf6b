import { registerEnumType } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { enumOf } from "../../core/enums";
import { loaderById } from "../../core/loaders";
import { Department } from "../departments/department.entity";
import { policyService } from "../policy/policy.service";
import type { RemitName } from "../policy/remits";
import { Project } from "../projects/project.entity";
import { APPROVAL_KINDS, APPROVAL_TRANSITIONS, type ApprovalItem, type ApprovalStatus } from "./approval.entity";
import { labelEnum } from "../../core/labels";

/** The mutations on an approval item that ApprovalItem.viewerActions reports. */
export const APPROVAL_ITEM_ACTIONS = ["SUBMIT", "APPROVE", "REJECT", "CITE_SURVEY_RESULT"] as const;
export type ApprovalItemAction = (typeof APPROVAL_ITEM_ACTIONS)[number];
export const ApprovalItemActionEnum = enumOf(APPROVAL_ITEM_ACTIONS);
registerEnumType(ApprovalItemActionEnum, {
  name: "ApprovalItemAction",
  description: "审批事项操作: a mutation on an approval item, as listed by ApprovalItem.viewerActions.",
  valuesConfig: labelEnum<ApprovalItemAction>("ApprovalItemAction", {
    SUBMIT: { zh: "受理", en: "Submit", description: "submitApprovalItem (from NOT_STARTED, or again after REJECTED)." },
    APPROVE: { zh: "准予许可", en: "Approve", description: "decideApprovalItem with decision APPROVED (a SUBMITTED item)." },
    REJECT: { zh: "不予许可", en: "Reject", description: "decideApprovalItem with decision REJECTED (a SUBMITTED item)." },
    CITE_SURVEY_RESULT: { zh: "引用测绘成果", en: "Cite a survey result", description: "多测合一: citeSurveyResult (an item of a kind that uses a survey, not yet APPROVED)." },
  }),
});

/** Each action's remit and the status it moves the item to (null: no status change). */
const RULES: Record<ApprovalItemAction, { remit: RemitName; to: ApprovalStatus | null }> = {
  SUBMIT: { remit: "submitApprovalItem", to: "SUBMITTED" },
  APPROVE: { remit: "decideApprovalItem", to: "APPROVED" },
  REJECT: { remit: "decideApprovalItem", to: "REJECTED" },
  CITE_SURVEY_RESULT: { remit: "citeSurveyResult", to: null },
};

/** Whether the item's state allows the action: APPROVAL_TRANSITIONS for a status change; citing a survey needs a kind that uses one and an item not APPROVED. */
export function approvalStatePermits(item: Pick<ApprovalItem, "status" | "kind">, action: ApprovalItemAction): boolean {
  const to = RULES[action].to;
  if (to) return APPROVAL_TRANSITIONS[item.status].includes(to);
  return item.status !== "APPROVED" && APPROVAL_KINDS[item.kind].survey !== null;
}

/**
 * What the caller may do to an approval item now, in APPROVAL_ITEM_ACTIONS order: the actions
 * its status allows whose remit the caller holds (the handling department, the project's team,
 * ADMIN: policyService, as the mutations check it). The path gates are judged when the mutation
 * runs, not here: DECIDED_BY_APPLICATION (an item applied for through the one window moves
 * through its application), DEFERRED_ITEMS_OUTSTANDING, DEPENDENCY_NOT_MET, the trial-production
 * acceptances. A page of items costs one statement per relation, not one per item.
 */
export async function approvalViewerActions(ctx: RequestContext, item: ApprovalItem): Promise<ApprovalItemAction[]> {
  if (!ctx.user) return [];
  const open = APPROVAL_ITEM_ACTIONS.filter((action) => approvalStatePermits(item, action));
  if (!open.length) return [];
  const [project, department] = await Promise.all([loaderById(ctx, Project).load(item.projectId), loaderById(ctx, Department).load(item.departmentId)]);
  if (!project) return [];
  const allowed = await policyService.allowedOf(ctx, open.map((action) => RULES[action].remit), {
    projectId: project.id,
    enterpriseId: project.enterpriseId,
    handlingDepartment: department,
  });
  return open.filter((action) => allowed.has(RULES[action].remit));
}
