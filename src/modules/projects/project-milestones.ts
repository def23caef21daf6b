import { badInput, zhLabel } from "../../core/errors";
import type { Project, ProjectStage } from "./project.entity";

/** A project's milestones, each kept in a date column of the project. */
export const MILESTONES = ["SIGNED", "LAND_CONTRACT", "CONSTRUCTION_START", "COMPLETION", "CERTIFICATE", "PRE_ACCEPTANCE", "TRIAL_PRODUCTION"] as const;
export type Milestone = (typeof MILESTONES)[number];

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

export type MilestoneDates = Pick<Project, (typeof MILESTONE_COLUMNS)[Milestone]>;

export const milestoneOn = (project: Partial<MilestoneDates>, milestone: Milestone): string | null => project[MILESTONE_COLUMNS[milestone]] ?? null;

/** The stage the milestones put the project in: the furthest one reached decides. */
export function projectStage(dates: Partial<MilestoneDates>): ProjectStage {
  if (dates.trialProductionOn) return "IN_PRODUCTION";
  if (dates.completionOn) return "COMPLETED";
  if (dates.constructionStartOn) return "UNDER_CONSTRUCTION";
  if (dates.landContractOn) return "LAND_OBTAINED";
  return "PRE_LANDING";
}

/** Milestones that may not come before another (later, earlier). */
const MILESTONE_ORDER: Array<[Milestone, Milestone]> = [
  ["LAND_CONTRACT", "SIGNED"],
  ["CONSTRUCTION_START", "LAND_CONTRACT"],
  ["COMPLETION", "CONSTRUCTION_START"],
  ["CERTIFICATE", "COMPLETION"],
  ["PRE_ACCEPTANCE", "CONSTRUCTION_START"],
  ["TRIAL_PRODUCTION", "PRE_ACCEPTANCE"],
];

/**
 * Refuses milestone dates out of order (BAD_USER_INPUT), whichever way they are written. `changed`
 * names the milestone being recorded: the error then names it and the input `field`; without it,
 * the later milestone's column is the field.
 */
export function assertMilestoneOrder(dates: Partial<MilestoneDates>, changed?: { milestone: Milestone; field: string }): void {
  for (const [later, earlier] of MILESTONE_ORDER) {
    const laterOn = milestoneOn(dates, later);
    const earlierOn = milestoneOn(dates, earlier);
    if (!laterOn || !earlierOn || laterOn >= earlierOn) continue;
    if (changed?.milestone === earlier) throw badInput(changed.field, `${earlier} cannot come after ${later} (${laterOn})`, `“${zhLabel("Milestone", earlier)}”不能晚于“${zhLabel("Milestone", later)}”（${laterOn}）`);
    throw badInput(changed?.field ?? MILESTONE_COLUMNS[later], `${later} cannot come before ${earlier} (${earlierOn})`, `“${zhLabel("Milestone", later)}”不能早于“${zhLabel("Milestone", earlier)}”（${earlierOn}）`);
  }
}
