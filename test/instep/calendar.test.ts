import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { CalendarDay } from "../../src/modules/calendar/calendar.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let admin: string;
let cadre: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
});
afterAll(() => server?.stop());

const BETWEEN = `query($from: LocalDate!, $to: LocalDate!) { workingDaysBetween(from: $from, to: $to) }`;
const ADD = `query($date: LocalDate!, $days: Int!) { addWorkingDays(date: $date, days: $days) }`;
const DAY = `query($date: LocalDate!) { calendarDay(date: $date) { date workday source name } }`;
const SET_DAY = `mutation($input: SetCalendarDayInput!) { setCalendarDay(input: $input) { id date workday note } }`;
const DECLARE = `mutation($input: DeclareCalendarYearInput!) { declareCalendarYear(input: $input) { id year note } }`;

const between = async (from: string, to: string, token = cadre) => {
  const res = await server.gql(BETWEEN, { from, to }, token);
  expect(res.errors).toBeUndefined();
  return res.data.workingDaysBetween as number;
};
const add = async (date: string, days: number) => {
  const res = await server.gql(ADD, { date, days }, cadre);
  expect(res.errors).toBeUndefined();
  return res.data.addWorkingDays as string;
};

describe("the package calendar", () => {
  test("2026 Spring Festival: Feb 15-23 off, make-up Saturdays Feb 14 and Feb 28 on", async () => {
    // Fri Feb 13 -> Tue Feb 24: only Sat Feb 14 (make-up) and Tue Feb 24 are working days.
    expect(await between("2026-02-13", "2026-02-24")).toBe(2);
    // Tue Feb 24 -> Mon Mar 2: Wed, Thu, Fri, Sat Feb 28 (make-up), Mon Mar 2; Sun Mar 1 off.
    expect(await between("2026-02-24", "2026-03-02")).toBe(5);
    expect(await between("2026-02-24", "2026-02-13")).toBe(-2);
    expect(await between("2026-02-16", "2026-02-16")).toBe(0);
    expect(await add("2026-02-13", 1)).toBe("2026-02-14");
    expect(await add("2026-02-13", 2)).toBe("2026-02-24");
    expect(await add("2026-02-24", -1)).toBe("2026-02-14");
    expect(await add("2026-02-27", 1)).toBe("2026-02-28");
    expect(await add("2026-02-28", 0)).toBe("2026-02-28");
    expect(codeOf(await server.gql(ADD, { date: "2026-02-28", days: 1_000_000 }, cadre))).toBe("BAD_USER_INPUT");
    const sat = await server.gql(DAY, { date: "2026-02-14" }, cadre);
    expect(sat.data.calendarDay).toEqual({ date: "2026-02-14", workday: true, source: "PACKAGE", name: "春节" });
    const holiday = await server.gql(DAY, { date: "2026-02-17" }, cadre);
    expect(holiday.data.calendarDay).toMatchObject({ workday: false, source: "PACKAGE", name: "春节" });
    const plainSaturday = await server.gql(DAY, { date: "2026-03-07" }, cadre);
    expect(plainSaturday.data.calendarDay).toMatchObject({ workday: false, source: "PACKAGE", name: null });
  });

  test("2025 National Day: Oct 1-8 off, make-up Sunday Sep 28 and Saturday Oct 11 on", async () => {
    // Fri Sep 26 -> Mon Oct 13: Sun Sep 28, Mon 29, Tue 30, Thu Oct 9, Fri 10, Sat 11, Mon 13.
    expect(await between("2025-09-26", "2025-10-13")).toBe(7);
    expect(await add("2025-09-30", 1)).toBe("2025-10-09");
    expect(await add("2025-09-26", 1)).toBe("2025-09-28");
    // 2026 National Day: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 on.
    expect(await between("2026-09-30", "2026-10-12")).toBe(4); // Oct 8, 9, 10 (Sat), 12
  });

  test("a year neither the package nor ADMIN covers answers CALENDAR_YEAR_UNKNOWN", async () => {
    const coverage = await server.gql(`{ calendarCoverage { packageFirstYear packageLastYear declaredYears { year } } }`, {}, cadre);
    expect(coverage.data.calendarCoverage).toMatchObject({ packageFirstYear: 2004, packageLastYear: 2026 });
    // ADMIN declares 2027 in another test here; none of the years asked about below.
    expect(coverage.data.calendarCoverage.declaredYears.map((d: any) => d.year)).not.toEqual(expect.arrayContaining([2028]));
    expect(coverage.data.calendarCoverage.declaredYears.map((d: any) => d.year)).not.toContain(2029);
    const day = await server.gql(DAY, { date: "2028-03-01" }, cadre);
    expect(codeOf(day)).toBe("CALENDAR_YEAR_UNKNOWN");
    expect(day.errors![0].extensions).toMatchObject({ year: 2028, date: "2028-03-01" });
    expect(codeOf(await server.gql(BETWEEN, { from: "2028-12-20", to: "2029-01-05" }, cadre))).toBe("CALENDAR_YEAR_UNKNOWN");
    expect(codeOf(await server.gql(DAY, { date: "2003-05-01" }, cadre))).toBe("CALENDAR_YEAR_UNKNOWN");
    expect(codeOf(await server.gql(DAY, { date: "2026-03-01" }))).toBe("UNAUTHENTICATED");
  });
});

describe("ADMIN overrides", () => {
  test("an override wins over the package; setting it again replaces it, each change audited", async () => {
    const first = await server.gql(SET_DAY, { input: { date: "2026-03-06", workday: false, note: "临时停工日" } }, admin);
    expect(first.errors).toBeUndefined();
    expect((await server.gql(DAY, { date: "2026-03-06" }, cadre)).data.calendarDay).toEqual({
      date: "2026-03-06", workday: false, source: "OVERRIDE", name: "临时停工日",
    });
    expect(await between("2026-03-05", "2026-03-09")).toBe(1);
    const again = await server.gql(SET_DAY, { input: { date: "2026-03-06", workday: true } }, admin);
    expect(again.data.setCalendarDay.id).toBe(first.data.setCalendarDay.id);
    expect(await between("2026-03-05", "2026-03-09")).toBe(2);
    const { dataSource } = server.app.services;
    expect(await dataSource.getRepository(CalendarDay).countBy({ date: "2026-03-06" })).toBe(1);
    expect(await dataSource.getRepository(AuditEntry).countBy({ entityId: first.data.setCalendarDay.id, action: "calendar.setDay" })).toBe(2);
  });

  test("only ADMIN sets days; a bad date is BAD_USER_INPUT and writes nothing", async () => {
    expect(codeOf(await server.gql(SET_DAY, { input: { date: "2026-03-09", workday: false } }, cadre))).toBe("FORBIDDEN");
    const bad = await server.gql(SET_DAY, { input: { date: "2026-02-30", workday: false } }, admin);
    expect(codeOf(bad)).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(await server.app.services.dataSource.getRepository(CalendarDay).countBy({ date: "2026-03-09" })).toBe(0);
  });

  test("a year covered only by ADMIN overrides: entered days answer at once, the rest once the year is declared", async () => {
    const offs = ["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"];
    for (const date of offs) {
      expect((await server.gql(SET_DAY, { input: { date, workday: false, note: date === "2027-01-01" ? "元旦" : "春节" } }, admin)).errors).toBeUndefined();
    }
    expect((await server.gql(SET_DAY, { input: { date: "2027-02-20", workday: true, note: "春节调休上班" } }, admin)).errors).toBeUndefined();
    expect((await server.gql(DAY, { date: "2027-02-09" }, cadre)).data.calendarDay).toMatchObject({ workday: false, source: "OVERRIDE" });
    // Not declared yet: a day without an override is unknown, so is a range crossing one.
    expect(codeOf(await server.gql(DAY, { date: "2027-02-15" }, cadre))).toBe("CALENDAR_YEAR_UNKNOWN");
    expect(codeOf(await server.gql(BETWEEN, { from: "2027-02-05", to: "2027-02-22" }, cadre))).toBe("CALENDAR_YEAR_UNKNOWN");

    expect(codeOf(await server.gql(DECLARE, { input: { year: 2027 } }, cadre))).toBe("FORBIDDEN");
    const declared = await server.gql(DECLARE, { input: { year: 2027, note: "国办发明电〔2026〕号" } }, admin);
    expect(declared.errors).toBeUndefined();
    expect(declared.data.declareCalendarYear.year).toBe(2027);
    expect(codeOf(await server.gql(DECLARE, { input: { year: 2027 } }, admin))).toBe("CONFLICT");
    expect(codeOf(await server.gql(DECLARE, { input: { year: 2026 } }, admin))).toBe("BAD_USER_INPUT");

    expect((await server.gql(DAY, { date: "2027-02-15" }, cadre)).data.calendarDay).toMatchObject({ workday: true, source: "WEEKLY_RULE" });
    expect((await server.gql(DAY, { date: "2027-02-20" }, cadre)).data.calendarDay).toMatchObject({ workday: true, source: "OVERRIDE" });
    // Fri Feb 5 -> Mon Feb 22: Feb 8-12 off, Feb 15-19 (5), Sat Feb 20 make-up (6), Mon Feb 22 (7).
    expect(await between("2027-02-05", "2027-02-22")).toBe(7);
    // Across the year end: Thu 2026-12-31 -> Mon 2027-01-04; Jan 1 is off by override.
    expect(await between("2026-12-31", "2027-01-04")).toBe(1);
    expect(await add("2026-12-31", 1)).toBe("2027-01-04");
    expect(await add("2027-02-05", 1)).toBe("2027-02-15");
    const overrides = await server.gql(`{ calendarOverrides(year: 2027) { date workday } }`, {}, cadre);
    expect(overrides.data.calendarOverrides.map((d: { date: string }) => d.date)).toEqual([...offs, "2027-02-20"]);
    // 2028 is still unknown.
    expect(codeOf(await server.gql(BETWEEN, { from: "2027-12-30", to: "2028-01-03" }, cadre))).toBe("CALENDAR_YEAR_UNKNOWN");
  });
});
