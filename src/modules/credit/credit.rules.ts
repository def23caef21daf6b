import type { AppConfig } from "../../config";
import { MEASURES, SEVERITIES, type Measure, type Severity } from "./credit-record.entity";

/** The one place the ladder is decided: points of active records against the thresholds. */
export function pointsOf(config: AppConfig, severity: Severity): number {
  return config.creditPoints[SEVERITIES.indexOf(severity)];
}

export function measureFor(config: AppConfig, activePoints: number): Measure {
  let measure: Measure = "NONE";
  config.creditThresholds.forEach((threshold, i) => {
    if (activePoints >= threshold) measure = MEASURES[i + 1];
  });
  return measure;
}

export function periodDays(config: AppConfig, severity: Severity): number {
  return config.creditPeriodDays[SEVERITIES.indexOf(severity)];
}

/** FACILITATION_RESTRICTED and MARKET_BAN take the fast track and deferral away. */
export const restrictsFacilitation = (measure: Measure) => MEASURES.indexOf(measure) >= MEASURES.indexOf("FACILITATION_RESTRICTED");
