import { reactTo } from "../../core/domain-events";
import { districtDate } from "../../core/dates";
import type { RequestContext } from "../../core/context";
import { conflict, notFound } from "../../core/errors";
import { User } from "../accounts/user.entity";
import { CommitmentClause, CommitmentLetter } from "../commitments/commitment.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { ApprovalItem } from "./approval.entity";

/** What makes an approval decision one 容错 reviews, named in the CONFLICT's `missing`. */
export const APPROVAL_REVIEW_CONDITIONS = {
  APPROVED: "the item is APPROVED",
  DECIDED_BY_CADRE: "a cadre approved it (its decider, handled_by_id, is a CADRE)",
  DEFERRED_AT_APPROVAL: "a deferred material of the project (容缺) existed on the approval day and was supplied after it or not at all",
  COMMITMENT_BROKEN: "the enterprise has broken its commitment: a deferred material of the project went OVERDUE (or was supplied after its promised date), or an ENTERPRISE clause of its letter is BREACHED",
} as const;
export type ApprovalReviewCondition = keyof typeof APPROVAL_REVIEW_CONDITIONS;
const APPROVAL_REVIEW_CONDITIONS_ZH: Record<ApprovalReviewCondition, string> = {
  APPROVED: "审批事项已批准",
  DECIDED_BY_CADRE: "由干部作出批准",
  DEFERRED_AT_APPROVAL: "批准当日项目有容缺材料未补交（之后才补交或始终未补交）",
  COMMITMENT_BROKEN: "企业已违背承诺（容缺材料逾期或逾期后才补交，或企业方承诺条款已违约）",
};

/** A promise to supply broken: overdue now, found overdue before a late supply, or supplied after its date. */
const broken = (d: DeferredItem) => d.status === "OVERDUE" || d.overdueAt !== null || (d.suppliedOn !== null && d.suppliedOn > d.promisedBy);

/**
 * 容错 for an approval decision under 容缺: whether the item qualifies, and the cadre judged (the one
 * who approved it: handled_by_id, which an APPROVED item keeps, approval being final). The conditions
 * it lacks, in APPROVAL_REVIEW_CONDITIONS order; an item not APPROVED lacks only that.
 */
export async function approvalReviewEligibility(tx: RequestContext, item: ApprovalItem): Promise<{ cadreId: string | null; missing: ApprovalReviewCondition[] }> {
  if (item.status !== "APPROVED" || !item.approvedOn) return { cadreId: null, missing: ["APPROVED"] };
  const approvedOn = item.approvedOn;
  const missing: ApprovalReviewCondition[] = [];
  const decider = item.handledById ? await tx.repo(User).findOneBy({ id: item.handledById }) : null;
  if (decider?.role !== "CADRE") missing.push("DECIDED_BY_CADRE");
  const deferred = await tx.repo(DeferredItem).findBy({ projectId: item.projectId });
  const owedThatDay = deferred.some((d) => districtDate(d.createdAt) <= approvedOn && (d.suppliedOn === null || d.suppliedOn > approvedOn));
  if (!owedThatDay) missing.push("DEFERRED_AT_APPROVAL");
  const breached = await tx
    .repo(CommitmentClause)
    .createQueryBuilder("clause")
    .innerJoin(CommitmentLetter, "letter", "letter.id = clause.letterId")
    .where("letter.projectId = :projectId", { projectId: item.projectId })
    .andWhere("clause.party = 'ENTERPRISE' AND clause.fulfilmentStatus = 'BREACHED'")
    .getCount();
  if (!breached && !deferred.some(broken)) missing.push("COMMITMENT_BROKEN");
  return { cadreId: decider?.role === "CADRE" ? decider.id : null, missing };
}

// 容错 of an approval decision: the board asks before it records the review (it sits below
// approvals and cannot read them itself).
reactTo("faultToleranceReview.judgingApprovalDecision", async (tx, { approvalItemId, judge }) => {
  const item = await tx.repo(ApprovalItem).findOneBy({ id: approvalItemId });
  if (!item) throw notFound("ApprovalItem", approvalItemId);
  const { cadreId, missing } = await approvalReviewEligibility(tx, item);
  if (missing.length || !cadreId) {
    throw conflict(
      `This approval decision is not one 容错 reviews: it needs ${missing.map((m) => `${APPROVAL_REVIEW_CONDITIONS[m]} (${m})`).join("; and ")}`,
      `该审批决定不属于容错审查的范围：还需满足${missing.map((m) => APPROVAL_REVIEW_CONDITIONS_ZH[m]).join("；并且")}`,
      { approvalItemId, missing, status: item.status },
    );
  }
  judge(cadreId);
});
