/** The district keeps China Standard Time (UTC+8, no daylight saving): date-only rules use its calendar day. */
export const DISTRICT_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The district's calendar day of an instant, as 'YYYY-MM-DD'. */
export function districtDate(instant: Date): string {
  return new Date(instant.getTime() + DISTRICT_OFFSET_MS).toISOString().slice(0, 10);
}

/** The district's wall-clock minute of an instant, as 'YYYY-MM-DD HH:mm' (printed letters, ledger notes). */
export function districtMinute(instant: Date): string {
  return new Date(instant.getTime() + DISTRICT_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}

/** The instant a district day runs out (the next day's midnight in the district): a date-only deadline as a time. */
export function endOfDistrictDay(date: string): Date {
  return new Date(Date.parse(`${addDays(date, 1)}T00:00:00.000Z`) - DISTRICT_OFFSET_MS);
}

/** A 'YYYY-MM-DD' date moved by whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A 'YYYY-MM-DD' date moved by whole months, clamped to the month's last day (Aug 31 + 6 months = Feb 28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}
