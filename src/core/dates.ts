/** The district keeps China Standard Time (UTC+8, no daylight saving): date-only rules use its calendar day. */
const DISTRICT_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The district's calendar day of an instant, as 'YYYY-MM-DD'. */
export function districtDate(instant: Date): string {
  return new Date(instant.getTime() + DISTRICT_OFFSET_MS).toISOString().slice(0, 10);
}

/** A 'YYYY-MM-DD' date moved by whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

