import { Column, Entity, Index } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";
import { BaseEntity } from "../../core/base.entity";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

/**
 * An ADMIN override of one day of the official calendar (e.g. a holiday or make-up workday the
 * package does not know yet, or a correction). An override always wins over the package.
 */
@ObjectType({ description: "An ADMIN override of one day of the official working-day calendar; it wins over the package." })
@Entity("calendar_day")
@Index("UQ_calendar_day_date", ["date"], { unique: true })
export class CalendarDay extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => GraphQLLocalDate)
  @Column({ type: "date" })
  date: string;

  @Field({ description: "true: a working day (e.g. 调休 make-up day); false: a day off (e.g. 法定节假日)." })
  @Column({ type: "boolean" })
  workday: boolean;

  @Field(() => String, { nullable: true, description: "Why, e.g. 春节 or 国庆节调休上班." })
  @Column({ type: "varchar", length: 200, nullable: true })
  note: string | null;

  @Column({ name: "set_by_id", type: "varchar", length: 36, nullable: true })
  setById: string | null;

  @Field()
  declare updatedAt: Date;
}

/**
 * A year ADMIN declares fully defined by overrides (the State Council notice for it has been
 * entered as calendar_day rows): its other days follow the weekly rule (Monday to Friday work).
 * Without this row, a year the package does not cover is unknown and answers CALENDAR_YEAR_UNKNOWN.
 */
@ObjectType({ description: "A year ADMIN declared fully defined by overrides; its days without an override follow the weekly rule." })
@Entity("calendar_year")
@Index("UQ_calendar_year_year", ["year"], { unique: true })
export class CalendarYear extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => Int)
  @Column({ type: "integer" })
  year: number;

  @Field(() => String, { nullable: true, description: "e.g. the notice the overrides were taken from." })
  @Column({ type: "varchar", length: 200, nullable: true })
  note: string | null;

  @Column({ name: "declared_by_id", type: "varchar", length: 36, nullable: true })
  declaredById: string | null;

  @Field()
  declare createdAt: Date;
}

export const DAY_SOURCES = ["OVERRIDE", "PACKAGE", "WEEKLY_RULE"] as const;
export type DaySource = (typeof DAY_SOURCES)[number];
export const DaySourceEnum = enumOf(DAY_SOURCES);
registerEnumType(DaySourceEnum, {
  name: "CalendarDaySource",
  description: "Where a day's working/off verdict comes from.",
  valuesConfig: labelEnum<DaySource>("CalendarDaySource", {
    OVERRIDE: { zh: "管理员设置", en: "Override", description: "An ADMIN override stored in the database." },
    PACKAGE: { zh: "官方日历", en: "Official calendar", description: "The maintained calendar package (chinese-days) for a year it covers." },
    WEEKLY_RULE: { zh: "周规则", en: "Weekly rule", description: "A year ADMIN declared defined by overrides; this day has none, so Monday-Friday work." },
  }),
});

/** One day as the official calendar sees it. */
@ObjectType({ description: "One day of the official working-day calendar (法定节假日 off, 调休 make-up days on)." })
export class WorkingDayInfo {
  @Field(() => GraphQLLocalDate)
  date: string;

  @Field()
  workday: boolean;

  @Field(() => DaySourceEnum)
  source: DaySource;

  @Field(() => String, { nullable: true, description: "Holiday name from the package (e.g. 春节) or the override's note." })
  name: string | null;
}

/** Which years the calendar knows. */
@ObjectType({ description: "Which years the calendar can answer for." })
export class CalendarCoverage {
  @Field(() => Int, { description: "First year the calendar package covers." })
  packageFirstYear: number;

  @Field(() => Int, { description: "Last year the calendar package covers." })
  packageLastYear: number;

  @Field(() => [CalendarYear], { description: "Years ADMIN declared defined by overrides." })
  declaredYears: CalendarYear[];
}
