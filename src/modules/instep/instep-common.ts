import type { RequestContext } from "../../core/context";
import { badInput, conflict } from "../../core/errors";
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

/** A unique-key violation on either database (the rule "one per …" held by the key under concurrency). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; message?: string } | null;
  return e?.code === "ER_DUP_ENTRY" || e?.driverError?.code === "ER_DUP_ENTRY" || /UNIQUE constraint failed/.test(String(e?.message));
}

/** Runs an insert whose uniqueness a key enforces; a violation answers CONFLICT instead of a server error. */
export async function insertUnique<T>(insert: () => Promise<T>, message: string, field?: string): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(message, field ? { field } : {});
    throw error;
  }
}
