import type { RequestContext } from "../../core/context";

/** What a clause's text is filled with when a letter is drafted (or an amendment moves its date). */
export interface ClauseTextValues {
  project: string;
  dueOn: string | null;
  /** The N of SERVICE_TEAM_IN_PLACE. */
  workingDays: number | null;
}

/**
 * One source for a clause's text and what its rule judges: `{project}`, `{dueOn}`, `{workingDays}`
 * (the clause's rule parameter) and `{ackHours}` / `{resolveHours}` (the EMERGENCY ticket SLA the
 * tickets are opened with, SLA_EMERGENCY_ACK_HOURS / SLA_EMERGENCY_RESOLVE_HOURS).
 */
export function renderClauseText(ctx: RequestContext, body: string, values: ClauseTextValues): string {
  const sla = ctx.app.config.ticketSla.EMERGENCY;
  return body
    .replaceAll("{project}", values.project)
    .replaceAll("{dueOn}", values.dueOn ?? "约定日期")
    .replaceAll("{workingDays}", values.workingDays === null ? "约定" : String(values.workingDays))
    .replaceAll("{ackHours}", String(sla.ackHours))
    .replaceAll("{resolveHours}", String(sla.resolveHours));
}
