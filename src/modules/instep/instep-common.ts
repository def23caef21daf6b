import type { RequestContext } from "../../core/context";
import { badInput } from "../../core/errors";
import { chinaToday, dayNumber } from "../calendar/local-date";
import type { Project } from "../projects/project.entity";
import type { Milestone } from "./instep.inputs";

/** The day an event happened: the given China local date, or today; never a day after today. */
export function resolveOn(ctx: RequestContext, on: string | null | undefined, field = "on"): string {
  const today = chinaToday(ctx.clock);
  if (on === undefined || on === null) return today;
  if (Number.isNaN(dayNumber(on))) throw badInput(field, `${field} must be a date YYYY-MM-DD`);
  if (on > today) throw badInput(field, `${field} (${on}) cannot be after today (${today})`);
  return on;
}

/** The project column each milestone is stored in. */
export const MILESTONE_COLUMNS = {
  SIGNED: "signedOn",
  LAND_CONTRACT: "landContractOn",
  CONSTRUCTION_START: "constructionStartOn",
  COMPLETION: "completionOn",
  CERTIFICATE: "certificateOn",
  PRE_ACCEPTANCE: "preAcceptanceOn",
  TRIAL_PRODUCTION: "trialProductionOn",
} as const satisfies Record<Milestone, keyof Project>;

export const milestoneOn = (project: Project, milestone: Milestone): string | null => project[MILESTONE_COLUMNS[milestone]];

/** Milestones that may not come before another (later, earlier). */
export const MILESTONE_ORDER: Array<[Milestone, Milestone]> = [
  ["LAND_CONTRACT", "SIGNED"],
  ["CONSTRUCTION_START", "LAND_CONTRACT"],
  ["COMPLETION", "CONSTRUCTION_START"],
  ["CERTIFICATE", "COMPLETION"],
  ["PRE_ACCEPTANCE", "CONSTRUCTION_START"],
  ["TRIAL_PRODUCTION", "PRE_ACCEPTANCE"],
];

