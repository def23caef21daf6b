import type { RequestContext } from "../../core/context";
import { districtDate } from "../../core/dates";
import { AppError, zhLabel } from "../../core/errors";
import { commitmentService } from "../commitments/commitment.service";
import { DeferrableItem } from "../fast-track/deferrable-item.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import type { Project } from "../projects/project.entity";
import { APPROVAL_KINDS, ApprovalItem, type ApprovalKind } from "./approval.entity";

/** What a construction start may rest on, named in START_NOT_PERMITTED's `missing`. */
export type StartGround = "CONSTRUCTION_PERMIT" | "FAST_TRACK_ADMISSION" | "SIGNED_COMMITMENT_LETTER";

/**
 * 承诺即开工 (rule START_NOT_PERMITTED): construction starts on `on` only when the project's
 * CONSTRUCTION_PERMIT item was APPROVED on or before that day, or, without it, when the project is
 * ADMITTED to the fast track with a commitment letter both parties signed on or before that day.
 * Otherwise the error lists what is missing on each ground (`missing`, and `permit` / `commitment`
 * for the two grounds). Answers whether the start rests on the commitment (no approved permit).
 */
export async function assertStartPermitted(tx: RequestContext, project: Project, on: string): Promise<{ startedOnCommitment: boolean }> {
  const permit = await tx.repo(ApprovalItem).findOneBy({ projectId: project.id, kind: "CONSTRUCTION_PERMIT" });
  if (permit?.status === "APPROVED" && permit.approvedOn && permit.approvedOn <= on) return { startedOnCommitment: false };
  const commitment: StartGround[] = [];
  if (project.fastTrackStatus !== "ADMITTED") commitment.push("FAST_TRACK_ADMISSION");
  // any version both parties signed by that day, and that still binds (a later amendment does not undo it)
  const letters = await commitmentService.forProject(tx, project.id);
  if (!letters.some((l) => l.status === "SIGNED" && l.signedAt && districtDate(l.signedAt) <= on)) commitment.push("SIGNED_COMMITMENT_LETTER");
  if (!commitment.length) return { startedOnCommitment: true };
  const permitState = permit ? `${permit.status}${permit.approvedOn ? ` on ${permit.approvedOn}` : ""}` : "not applied for";
  throw new AppError(
    "START_NOT_PERMITTED",
    `Construction of project ${project.code} may start on ${on} only with its construction permit (施工许可) approved by then (it is ${permitState}), ` +
      `or on commitment (承诺即开工): missing ${commitment.map(describeGround).join(" and ")}`,
    `项目 ${project.code} 要在 ${on} 开工，须在此前取得施工许可（目前${permit ? `为“${zhLabel("ApprovalStatus", permit.status)}”${permit.approvedOn ? `，批准于 ${permit.approvedOn}` : ""}` : "尚未申请"}），` +
      `或按“承诺即开工”开工：还缺${commitment.map(describeGroundZh).join("和")}`,
    {
      projectId: project.id,
      missing: ["CONSTRUCTION_PERMIT", ...commitment],
      permit: ["CONSTRUCTION_PERMIT"],
      commitment,
      permitStatus: permit?.status ?? null,
      fastTrackStatus: project.fastTrackStatus,
    },
  );
}

const describeGroundZh = (ground: StartGround): string =>
  ground === "FAST_TRACK_ADMISSION" ? "快速通道承诺准入" : ground === "SIGNED_COMMITMENT_LETTER" ? "在此之前经双方签署的双向承诺书" : ground;

const describeGround = (ground: StartGround): string =>
  ground === "FAST_TRACK_ADMISSION" ? "admission to the fast track (FAST_TRACK_ADMISSION)" : ground === "SIGNED_COMMITMENT_LETTER" ? "a commitment letter signed by both parties by then (SIGNED_COMMITMENT_LETTER)" : ground;

/** One deferred material still owed, as DEFERRED_ITEMS_OUTSTANDING lists it. */
export interface OutstandingItem {
  deferredItemId: string;
  itemCode: string;
  name: string;
  approvalKind: ApprovalKind | null;
  status: "PENDING" | "OVERDUE";
  promisedBy: string;
}

/** The project's deferred materials not SUPPLIED (PENDING or OVERDUE), of the given approval kinds only when `kinds` is set; by promised date. */
export async function outstandingDeferredItems(tx: RequestContext, projectId: string, kinds?: ApprovalKind[]): Promise<OutstandingItem[]> {
  const query = tx.repo(DeferredItem).createQueryBuilder("d")
    .innerJoinAndMapOne("d.item", DeferrableItem, "c", "c.id = d.deferrableItemId")
    .where("d.projectId = :projectId", { projectId })
    .andWhere("d.status IN (:...statuses)", { statuses: ["PENDING", "OVERDUE"] });
  if (kinds) query.andWhere("c.approvalKind IN (:...kinds)", { kinds });
  const rows = await query.orderBy("d.promisedBy", "ASC").addOrderBy("c.code", "ASC").getMany();
  return rows.map((d) => ({
    deferredItemId: d.id, itemCode: d.item!.code, name: d.item!.name, approvalKind: d.item!.approvalKind, status: d.status as OutstandingItem["status"], promisedBy: d.promisedBy,
  }));
}

/**
 * 容而不缺 (rule DEFERRED_ITEMS_OUTSTANDING) for deciding an approval item: the item is decided only
 * once every deferred material standing in for its kind is supplied; a completion-phase item
 * (joint acceptance, completion filing, property registration) only once every deferred material
 * of the project is. The error lists what is still owed (`items`).
 */
export async function assertDecidable(tx: RequestContext, item: Pick<ApprovalItem, "projectId" | "kind">): Promise<void> {
  const completion = APPROVAL_KINDS[item.kind].phase === "COMPLETION";
  const owed = await outstandingDeferredItems(tx, item.projectId, completion ? undefined : [item.kind]);
  if (!owed.length) return;
  throw outstanding(
    completion
      ? `${item.kind} is a completion approval: it is decided only once every deferred material of the project is supplied (容而不缺)`
      : `${item.kind} is decided only once the deferred material standing in for it is supplied (容而不缺)`,
    completion
      ? `“${zhLabel("ApprovalKind", item.kind)}”属于竣工阶段审批，须待本项目全部容缺材料补齐后才能作出决定（容而不缺）`
      : `“${zhLabel("ApprovalKind", item.kind)}”须待其对应的容缺材料补齐后才能作出决定（容而不缺）`,
    item.projectId,
    owed,
  );
}

/** 容而不缺 (rule DEFERRED_ITEMS_OUTSTANDING) for COMPLETION: nothing deferred may still be owed when construction completes. */
export async function assertNothingOwed(tx: RequestContext, project: Pick<Project, "id" | "code">, what: string, whatZh = what): Promise<void> {
  const owed = await outstandingDeferredItems(tx, project.id);
  if (!owed.length) return;
  throw outstanding(`${what} of project ${project.code} is recorded only once every deferred material is supplied (容而不缺)`, `项目 ${project.code} 须待全部容缺材料补齐后才能登记${whatZh}（容而不缺）`, project.id, owed);
}

function outstanding(message: string, zh: string, projectId: string, owed: OutstandingItem[]): AppError {
  const list = owed.map((o) => `${o.name} (${o.itemCode}, ${o.status}, promised by ${o.promisedBy})`).join("; ");
  const listZh = owed.map((o) => `${o.name}（${zhLabel("DeferredItemStatus", o.status)}，承诺 ${o.promisedBy} 前补交）`).join("；");
  return new AppError("DEFERRED_ITEMS_OUTSTANDING", `${message}: still owed ${list}`, `${zh}。尚欠：${listZh}`, {
    projectId,
    items: owed.map(({ itemCode, name, status, promisedBy, approvalKind, deferredItemId }) => ({ itemCode, name, status, promisedBy, approvalKind, deferredItemId })),
  });
}
