import type { RequestContext } from "../../core/context";

/**
 * The one seam between fast-track admission and credit supervision (阶梯式惩戒): the measure in
 * force against the enterprise that bars facilitation (FACILITATION_RESTRICTED or worse, e.g.
 * MARKET_BAN), or null when none does. applyFastTrack refuses with CREDIT_RESTRICTED when this
 * returns a measure.
 *
 * Credit records arrive with the supervision issue, whose module replaces this body with a query
 * of the enterprise's active (not lifted, not expired) records. Until then no enterprise has a
 * record, so no measure applies.
 */
export async function facilitationRestriction(_ctx: RequestContext, _enterpriseId: string): Promise<{ measure: string } | null> {
  return null;
}
