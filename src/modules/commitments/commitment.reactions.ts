import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import { reactTo } from "../../core/domain-events";
import { conflict } from "../../core/errors";
import { syncClausesWithDeferredItem } from "./clause-sync";
import { CommitmentClause, CommitmentLetter } from "./commitment.entity";

/**
 * What the letters do when the fast track they rest on changes (fast-track raises these in its
 * transaction; it does not import this module).
 */

// A project returning to NOT_APPLIED: no signed letter may still bind it (the breaker terminates
// it first), and its drafts are WITHDRAWN.
reactTo("fastTrack.reopening", async (tx, { project, reason }) => {
  if (await tx.repo(CommitmentLetter).existsBy({ projectId: project.id, status: "SIGNED" })) {
    throw conflict(`Project ${project.code} has a signed commitment letter in force; terminate it before the project applies again`, `项目 ${project.code} 有已签署且仍在生效的双向承诺书；须先终止该承诺书，项目才能重新申请`);
  }
  for (const letter of await tx.repo(CommitmentLetter).findBy({ projectId: project.id, status: "DRAFT" })) {
    const withdrawn = await tx.repo(CommitmentLetter).update({ id: letter.id, status: "DRAFT" }, { status: "WITHDRAWN" });
    if (!withdrawn.affected) throw conflict(`Version ${letter.version} of project ${project.code}'s letter changed meanwhile (it may just have been signed); read it again`, `项目 ${project.code} 的第 ${letter.version} 版双向承诺书刚刚发生了变化（可能刚被签署），请刷新后重试`);
    const changed = await tx.repo(CommitmentLetter).findOneByOrFail({ id: letter.id });
    await recordAudit(tx, { action: "commitmentLetter.withdraw", entityType: "CommitmentLetter", entityId: letter.id, before: letter, after: { ...changed, reason } });
  }
});

// Deferred items deleted with their application: clauses of withdrawn or terminated letters that
// named them keep their text and lose the link.
reactTo("deferredItems.removing", async (tx, { ids, reason }) => {
  for (const clause of await tx.repo(CommitmentClause).findBy({ deferredItemId: In(ids) })) {
    await tx.repo(CommitmentClause).update({ id: clause.id }, { deferredItemId: null });
    await recordAudit(tx, { action: "commitmentClause.unlink", entityType: "CommitmentClause", entityId: clause.id, before: clause, after: { ...clause, deferredItemId: null, reason } });
  }
});

// Enterprise clauses tied to a deferred item follow it.
reactTo("deferredItem.changed", (tx, { item }) => syncClausesWithDeferredItem(tx, item));
