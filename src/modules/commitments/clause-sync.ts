import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { creditService } from "../credit/credit.service";
import type { DeferredItem } from "../fast-track/deferred-item.entity";
import { CommitmentClause, FULFILMENT_TRANSITIONS, type FulfilmentStatus } from "./commitment.entity";

/**
 * 失信受限 for a clause that just became BREACHED, whoever found it (the sweep or a cadre's
 * record): an enterprise clause is a GENERAL breach on the enterprise, once per clause. A
 * government clause is the government's to answer for (the dashboard shows it), and a clause
 * tied to a deferred item is answered by the item's own breach. Returns whether a record was written.
 */
export function recordClauseBreach(
  tx: RequestContext,
  clause: Pick<CommitmentClause, "id" | "party" | "title" | "dueOn" | "deferredItemId">,
  enterpriseId: string,
): Promise<boolean> {
  if (clause.party !== "ENTERPRISE" || clause.deferredItemId) return Promise.resolve(false);
  return creditService.recordBreach(tx, {
    enterpriseId,
    severity: "GENERAL",
    reason: `Commitment "${clause.title}" not kept by ${clause.dueOn}`,
    sourceType: "COMMITMENT_CLAUSE",
    sourceId: clause.id,
  });
}

/**
 * Enterprise clauses tied to a deferred item follow it: supplied -> FULFILLED (on the supply date),
 * overdue -> BREACHED. Fulfilment is tracking, not a term of the letter, so it moves on signed
 * letters too. Runs inside the deferred item's transaction and audits each clause it moves.
 */
export async function syncClausesWithDeferredItem(tx: RequestContext, item: DeferredItem): Promise<void> {
  const target: FulfilmentStatus | null = item.status === "SUPPLIED" ? "FULFILLED" : item.status === "OVERDUE" ? "BREACHED" : null;
  if (!target) return;
  const from = (Object.keys(FULFILMENT_TRANSITIONS) as FulfilmentStatus[]).filter((s) => FULFILMENT_TRANSITIONS[s].includes(target));
  const clauses = await tx.repo(CommitmentClause).findBy({ deferredItemId: item.id, fulfilmentStatus: In(from) });
  for (const before of clauses) {
    const changes = { fulfilmentStatus: target, fulfilledOn: target === "FULFILLED" ? item.suppliedOn : null };
    const result = await tx.repo(CommitmentClause).update({ id: before.id, fulfilmentStatus: before.fulfilmentStatus }, changes);
    if (!result.affected) continue;
    await recordAudit(tx, { action: "commitmentClause.fulfilment", entityType: "CommitmentClause", entityId: before.id, before, after: { ...before, ...changes } });
  }
}
