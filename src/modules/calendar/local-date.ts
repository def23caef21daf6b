import { badInput, fieldLabel } from "../../core/errors";

/** China local dates as 'YYYY-MM-DD' strings, handled as whole days since 1970-01-01 (no time zone drift). */
const DAY_MS = 86_400_000;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD', or NaN. */
export function dayNumber(date: string): number {
  if (!LOCAL_DATE.test(date)) return Number.NaN;
  const ms = Date.parse(`${date}T00:00:00.000Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return Number.NaN;
  return ms / DAY_MS;
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** BAD_USER_INPUT on `field` unless `date` is a real 'YYYY-MM-DD' day (for callers that bypass the GraphQL scalar: seeds, CLI, services). */
export function assertLocalDate(field: string, date: string): void {
  if (Number.isNaN(dayNumber(date))) throw badInput(field, `${field} must be a date YYYY-MM-DD`, `${fieldLabel(field)}不是有效的日期，应为 YYYY-MM-DD 格式，如 2026-03-02`);
}

/** The year of a day number. */
export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Saturday or Sunday, for a day number. */
export function isWeekend(day: number): boolean {
  const wd = new Date(day * DAY_MS).getUTCDay();
  return wd === 0 || wd === 6;
}
