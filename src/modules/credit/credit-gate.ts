import type { RequestContext } from "../../core/context";
import { creditService } from "./credit.service";

/**
 * The one seam between fast-track admission and credit supervision (阶梯式惩戒): the measure in
 * force against the enterprise that bars facilitation (FACILITATION_RESTRICTED or worse), or null.
 * applyFastTrack refuses with CREDIT_RESTRICTED when this returns a measure.
 */
export async function facilitationRestriction(ctx: RequestContext, enterpriseId: string): Promise<{ measure: string } | null> {
  const status = await creditService.status(ctx, enterpriseId);
  return status.facilitationRestricted ? { measure: status.measure } : null;
}
