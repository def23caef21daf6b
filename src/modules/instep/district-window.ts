import { addDays } from "../../core/dates";
import { dbDate } from "../../core/db";

/** A window of China local dates [from, to] as UTC instants [start, end) for timestamp columns. */
export function windowInstants(from: string, to: string): { start: string; end: string } {
  const startOf = (day: string) => dbDate(new Date(new Date(`${day}T00:00:00.000+08:00`).getTime()));
  return { start: startOf(from), end: startOf(addDays(to, 1)) };
}
