import type { RequestContext } from "../../core/context";
import { badInput, fieldLabel } from "../../core/errors";
import { districtDate } from "../../core/dates";
import { assertLocalDate } from "../calendar/local-date";

/** The day an event happened: the given China local date, or today; never a day after today. */
export function resolveOn(ctx: RequestContext, on: string | null | undefined, field = "on"): string {
  const today = districtDate(ctx.clock.now());
  if (on === undefined || on === null) return today;
  assertLocalDate(field, on);
  if (on > today) throw badInput(field, `${field} (${on}) cannot be after today (${today})`, `${fieldLabel(field)}（${on}）不能晚于今天（${today}）`);
  return on;
}


