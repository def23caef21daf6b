import { idempotent } from "../../core/idempotency";
import { getDayDetail, getHolidaysInRange } from "chinese-days";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { AppError, badInput } from "../../core/errors";
import { CalendarDay, CalendarYear, type CalendarCoverage, type DaySource, type WorkingDayInfo } from "./calendar.entity";
import type { DeclareCalendarYearInput, SetCalendarDayInput } from "./calendar.inputs";
import { insertUnique } from "../../core/unique";
import { assertLocalDate, dayNumber, fromDayNumber, isWeekend, yearOf } from "./local-date";

/** Years the chinese-days package holds official holiday data for (it knows weekends for any year, which is not enough). */
function packageYears(): { first: number; last: number; years: Set<number> } {
  const years = new Set<number>();
  for (let year = 1990; year <= 2100; year++) {
    if (getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0) years.add(year);
  }
  const sorted = [...years].sort((a, b) => a - b);
  return { first: sorted[0], last: sorted[sorted.length - 1], years };
}
let packageCoverage: ReturnType<typeof packageYears> | undefined;
const coverage = () => (packageCoverage ??= packageYears());

/** Package verdicts are pure: cached per date for the process. */
const packageDays = new Map<string, { workday: boolean; name: string | null }>();
function packageDay(date: string): { workday: boolean; name: string | null } {
  let day = packageDays.get(date);
  if (!day) {
    const detail = getDayDetail(date);
    // Holiday names come as "Spring Festival,春节,4"; ordinary days as the weekday's name.
    const parts = detail.name.split(",");
    day = { workday: detail.work, name: parts.length >= 2 ? parts[1] : null };
    packageDays.set(date, day);
  }
  return day;
}

/** The package's verdict for each day of a year it covers (1 working, 0 off): pure, so worked out once per process. */
const packageYearVerdicts = new Map<number, Uint8Array>();
function packageYear(year: number, first: number, length: number): Uint8Array {
  let verdicts = packageYearVerdicts.get(year);
  if (!verdicts) {
    verdicts = new Uint8Array(length);
    for (let i = 0; i < length; i++) verdicts[i] = getDayDetail(fromDayNumber(first + i)).work ? 1 : 0;
    packageYearVerdicts.set(year, verdicts);
  }
  return verdicts;
}

/** A year whose every day is known: `worked[i]` counts the working days among its first i days. */
interface YearTable {
  first: number;
  worked: Int32Array;
}

/** The calendar as one request sees it: the package plus the overrides and declared years stored in the database. */
export class CalendarSnapshot {
  /** Per year, built on first use; null for a year only some overrides speak for. */
  private readonly tables = new Map<number, YearTable | null>();
  private readonly overridesByYear = new Map<number, CalendarDay[]>();

  constructor(
    private readonly overrides: Map<string, CalendarDay>,
    private readonly declaredYears: Set<number>,
  ) {
    for (const day of overrides.values()) {
      const year = Number(day.date.slice(0, 4));
      if (!this.overridesByYear.has(year)) this.overridesByYear.set(year, []);
      this.overridesByYear.get(year)!.push(day);
    }
  }

  /**
   * One day's verdict: an ADMIN override wins; else the package for a year it covers; else the
   * weekly rule for a year ADMIN declared defined by overrides; else CALENDAR_YEAR_UNKNOWN.
   */
  day(date: string): WorkingDayInfo {
    const override = this.overrides.get(date);
    if (override) return { date, workday: override.workday, source: "OVERRIDE", name: override.note };
    const year = Number(date.slice(0, 4));
    if (coverage().years.has(year)) return { date, source: "PACKAGE", ...packageDay(date) };
    if (this.declaredYears.has(year)) {
      return { date, workday: !isWeekend(dayNumber(date)), source: "WEEKLY_RULE" as DaySource, name: null };
    }
    const { first, last } = coverage();
    throw new AppError(
      "CALENDAR_YEAR_UNKNOWN",
      `The official calendar for ${year} is not known (the package covers ${first}-${last}); ADMIN can enter its holidays with setCalendarDay and declare the year with declareCalendarYear`,
      `${year} 年的法定节假日安排尚未收录（已收录 ${first}—${last} 年）；区委改革办可逐日录入节假日和调休（setCalendarDay），再确认该年度（declareCalendarYear）`,
      { year, date },
    );
  }

  /**
   * The year's cumulative working-day counts, so a range costs one subtraction per year it
   * crosses instead of one verdict per day. Null for a year neither the package nor ADMIN defines.
   */
  private table(year: number): YearTable | null {
    let table = this.tables.get(year);
    if (table === undefined) {
      table = null;
      const covered = coverage().years.has(year);
      if (covered || this.declaredYears.has(year)) {
        const first = dayNumber(`${String(year).padStart(4, "0")}-01-01`);
        const length = dayNumber(`${String(year + 1).padStart(4, "0")}-01-01`) - first;
        const verdicts = covered ? packageYear(year, first, length).slice() : new Uint8Array(length).map((_, i) => (isWeekend(first + i) ? 0 : 1));
        for (const override of this.overridesByYear.get(year) ?? []) verdicts[dayNumber(override.date) - first] = override.workday ? 1 : 0;
        const worked = new Int32Array(length + 1);
        for (let i = 0; i < length; i++) worked[i + 1] = worked[i] + verdicts[i];
        table = { first, worked };
      }
      this.tables.set(year, table);
    }
    return table;
  }

  private isWorkingDay(day: number): boolean {
    return this.day(fromDayNumber(day)).workday;
  }

  /**
   * Working days elapsed from `from` to `to`: the working days d with from < d <= to (the start
   * day is not counted, the end day is). 0 when equal; negative when `to` is before `from`.
   */
  workingDaysBetween(from: string, to: string): number {
    const a = dayNumber(from);
    const b = dayNumber(to);
    if (b < a) return -this.workingDaysBetween(to, from);
    let count = 0;
    for (let lo = a + 1; lo <= b; ) {
      const table = this.table(yearOf(lo));
      if (!table) {
        // only overrides speak for this year: the first day without one answers CALENDAR_YEAR_UNKNOWN
        if (this.isWorkingDay(lo)) count++;
        lo++;
        continue;
      }
      const hi = Math.min(b, table.first + table.worked.length - 2);
      count += table.worked[hi - table.first + 1] - table.worked[lo - table.first];
      lo = hi + 1;
    }
    return count;
  }

  /**
   * addWorkingDays, or null when the calendar does not know a year in between: a deadline that
   * cannot be told yet (a rule judging by it waits) rather than an error.
   */
  addWorkingDaysIfKnown(date: string, n: number): string | null {
    try {
      return this.addWorkingDays(date, n);
    } catch (error) {
      if (error instanceof AppError && error.extensions.code === "CALENDAR_YEAR_UNKNOWN") return null;
      throw error;
    }
  }

  /** The working day n working days after `date` (before it for negative n); `date` itself for 0. */
  addWorkingDays(date: string, n: number): string {
    let d = dayNumber(date);
    let left = Math.abs(n);
    const forward = n > 0;
    while (left > 0) {
      const next = forward ? d + 1 : d - 1;
      const table = this.table(yearOf(next));
      if (!table) {
        if (this.isWorkingDay(next)) left--;
        d = next;
        continue;
      }
      const { first, worked } = table;
      const at = next - first;
      // working days from `next` to the year's end (forward) or start (backward)
      const available = forward ? worked[worked.length - 1] - worked[at] : worked[at + 1];
      if (available < left) {
        left -= available;
        d = forward ? first + worked.length - 2 : first;
        continue;
      }
      // the day the count reaches `left`: worked[] never decreases, so it is searched by halves
      let lo = forward ? at : 0;
      let hi = forward ? worked.length - 2 : at;
      while (lo < hi) {
        if (forward) {
          const mid = (lo + hi) >> 1;
          if (worked[mid + 1] - worked[at] >= left) hi = mid;
          else lo = mid + 1;
        } else {
          const mid = (lo + hi + 1) >> 1;
          if (worked[at + 1] - worked[mid] >= left) lo = mid;
          else hi = mid - 1;
        }
      }
      return fromDayNumber(first + lo);
    }
    return fromDayNumber(d);
  }
}

/** About ten years of working days: the furthest addWorkingDays goes. */
export const MAX_WORKING_DAYS_STEP = 2500;

/**
 * The official working-day calendar (工作日): public holidays off, make-up workdays (调休) on.
 * Source: the maintained chinese-days package, with ADMIN overrides in the database winning.
 * Every duration and target in the three in-step checks counts days through this service.
 */
export class CalendarService {
  /** The calendar for this request (loaded once per context). */
  snapshot(ctx: RequestContext): Promise<CalendarSnapshot> {
    return ctx.loader("calendar.snapshot", async () => {
      const [days, years] = await Promise.all([ctx.repo(CalendarDay).find(), ctx.repo(CalendarYear).find()]);
      return new CalendarSnapshot(new Map(days.map((d) => [d.date, d])), new Set(years.map((y) => y.year)));
    });
  }

  async day(ctx: RequestContext, date: string): Promise<WorkingDayInfo> {
    assertLocalDate("date", date);
    return (await this.snapshot(ctx)).day(date);
  }

  async workingDaysBetween(ctx: RequestContext, from: string, to: string): Promise<number> {
    assertLocalDate("from", from);
    assertLocalDate("to", to);
    return (await this.snapshot(ctx)).workingDaysBetween(from, to);
  }

  async addWorkingDays(ctx: RequestContext, date: string, n: number): Promise<string> {
    assertLocalDate("date", date);
    if (Math.abs(n) > MAX_WORKING_DAYS_STEP) throw badInput("days", `days must be between -${MAX_WORKING_DAYS_STEP} and ${MAX_WORKING_DAYS_STEP}`, `天数须在 -${MAX_WORKING_DAYS_STEP} 到 ${MAX_WORKING_DAYS_STEP} 之间`);
    return (await this.snapshot(ctx)).addWorkingDays(date, n);
  }

  async coverage(ctx: RequestContext): Promise<CalendarCoverage> {
    const { first, last } = coverage();
    const declaredYears = await ctx.repo(CalendarYear).find({ order: { year: "ASC" } });
    return { packageFirstYear: first, packageLastYear: last, declaredYears };
  }

  /** Overrides of one year, in date order. */
  async overrides(ctx: RequestContext, year: number): Promise<CalendarDay[]> {
    return ctx
      .repo(CalendarDay)
      .createQueryBuilder("d")
      .where("d.date >= :from AND d.date <= :to", { from: `${year}-01-01`, to: `${year}-12-31` })
      .orderBy("d.date", "ASC")
      .getMany();
  }

  /** ADMIN sets one day working or off; the override wins over the package. Setting it again replaces it. */
  async setCalendarDay(ctx: RequestContext, input: SetCalendarDayInput): Promise<CalendarDay> {
    assertLocalDate("date", input.date);
    return ctx.transaction(async (tx) => {
      const repo = tx.repo(CalendarDay);
      const before = await repo.findOneBy({ date: input.date });
      const fields = { workday: input.workday, note: input.note ?? null, setById: tx.user?.id ?? null };
      let day: CalendarDay;
      if (before) {
        await repo.update({ id: before.id }, fields);
        day = (await repo.findOneByOrFail({ id: before.id }));
      } else {
        day = repo.create({ date: input.date, ...fields });
        await insertUnique(() => repo.insert(day), { en: `${input.date} was set at the same time by someone else; try again`, zh: `${input.date} 刚刚已由他人同时设置，请重试` }, "date");
        day = await repo.findOneByOrFail({ id: day.id });
      }
      await recordAudit(tx, { action: "calendar.setDay", entityType: "CalendarDay", entityId: day.id, before, after: day });
      return day;
    });
  }

  /**
   * ADMIN declares a year fully defined by overrides (its holidays and make-up days entered):
   * from then on its days without an override follow the weekly rule. A year the package
   * covers needs no declaration (refused with BAD_USER_INPUT); declaring twice answers CONFLICT.
   */
  declareCalendarYear(ctx: RequestContext, input: DeclareCalendarYearInput): Promise<CalendarYear> {
    return idempotent(ctx, "declareCalendarYear", CalendarYear, input, (tx) => this.declareCalendarYearOnce(tx, input));
  }

  private async declareCalendarYearOnce(ctx: RequestContext, input: DeclareCalendarYearInput): Promise<CalendarYear> {
    if (coverage().years.has(input.year)) throw badInput("year", `The calendar package already covers ${input.year}`, `内置日历已收录 ${input.year} 年，无需确认`);
    return ctx.transaction(async (tx) => {
      const repo = tx.repo(CalendarYear);
      const year = repo.create({ year: input.year, note: input.note ?? null, declaredById: tx.user?.id ?? null });
      await insertUnique(() => repo.insert(year), { en: `${input.year} is already declared`, zh: `${input.year} 年已经确认过` }, "year");
      await recordAudit(tx, { action: "calendar.declareYear", entityType: "CalendarYear", entityId: year.id, after: year });
      return repo.findOneByOrFail({ id: year.id });
    });
  }
}

export const calendarService = new CalendarService();
