import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import { GraphQLLocalDate } from "graphql-scalars";
import type { RequestContext } from "../../core/context";
import { boundedList } from "../../core/query-limits";
import { CalendarCoverage, CalendarDay, CalendarYear, WorkingDayInfo } from "./calendar.entity";
import { DeclareCalendarYearInput, SetCalendarDayInput } from "./calendar.inputs";
import { calendarService, MAX_WORKING_DAYS_STEP } from "./calendar.service";
import { dayNumber } from "./local-date";

/**
 * A computation over a date range costs 1 per 30 days it spans, so a long range asked for under
 * many aliases is refused before it runs (the computation itself grows with the years crossed).
 */
const spanCost = (days: number) => 1 + (Number.isFinite(days) ? Math.ceil(Math.abs(days) / 30) : 0);

@Resolver()
export class CalendarResolver {
  @Authorized()
  @Query(() => WorkingDayInfo, { description: "One day of the official calendar. A year neither the package nor ADMIN covers answers CALENDAR_YEAR_UNKNOWN." })
  calendarDay(@Ctx() ctx: RequestContext, @Arg("date", () => GraphQLLocalDate, { description: "The day (YYYY-MM-DD)." }) date: string): Promise<WorkingDayInfo> {
    return calendarService.day(ctx, date);
  }

  @Authorized()
  @Query(() => Int, {
    description: "Working days elapsed from `from` to `to`: working days d with from < d <= to (negative when to < from).",
    complexity: ({ args }) => spanCost(dayNumber(args.to) - dayNumber(args.from)),
  })
  workingDaysBetween(
    @Ctx() ctx: RequestContext,
    @Arg("from", () => GraphQLLocalDate, { description: "The day counted from (not itself counted)." }) from: string,
    @Arg("to", () => GraphQLLocalDate, { description: "The day counted to (counted when a working day)." }) to: string,
  ): Promise<number> {
    return calendarService.workingDaysBetween(ctx, from, to);
  }

  @Authorized()
  @Query(() => GraphQLLocalDate, {
    description: "The working day `days` working days after `date` (before it when negative).",
    // a step past the furthest allowed is refused (BAD_USER_INPUT) before any work
    complexity: ({ args }) => spanCost(Math.min(Math.abs(args.days), MAX_WORKING_DAYS_STEP)),
  })
  addWorkingDays(
    @Ctx() ctx: RequestContext,
    @Arg("date", () => GraphQLLocalDate, { description: "The day to count from." }) date: string,
    @Arg("days", () => Int, { description: "Working days to step: forward when positive, back when negative." }) days: number,
  ): Promise<string> {
    return calendarService.addWorkingDays(ctx, date, days);
  }

  @Authorized()
  @Query(() => CalendarCoverage, { description: "Which years the calendar knows: the package's range and the years ADMIN declared." })
  calendarCoverage(@Ctx() ctx: RequestContext): Promise<CalendarCoverage> {
    return calendarService.coverage(ctx);
  }

  @Authorized()
  @Query(() => [CalendarDay], { description: "ADMIN overrides of one year (at most 366), in date order.", complexity: boundedList(366) })
  calendarOverrides(@Ctx() ctx: RequestContext, @Arg("year", () => Int, { description: "The year, e.g. 2026." }) year: number): Promise<CalendarDay[]> {
    return calendarService.overrides(ctx, year);
  }

  @Remit("setCalendarDay")
  @Mutation(() => CalendarDay, { description: described("setCalendarDay", "Set one day working or off. The override wins over the package; setting a date again replaces it.") })
  setCalendarDay(@Ctx() ctx: RequestContext, @Arg("input") input: SetCalendarDayInput): Promise<CalendarDay> {
    return calendarService.setCalendarDay(ctx, input);
  }

  @Remit("declareCalendarYear")
  @Mutation(() => CalendarYear, {
    description: described("declareCalendarYear", "Declare a year the package does not cover as fully defined by overrides: enter its holidays and make-up days with setCalendarDay, then declare it; its other days follow Monday-Friday."),
  })
  declareCalendarYear(@Ctx() ctx: RequestContext, @Arg("input") input: DeclareCalendarYearInput): Promise<CalendarYear> {
    return calendarService.declareCalendarYear(ctx, input);
  }
}
