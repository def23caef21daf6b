import { IdempotencyKeyField } from "../../core/idempotency";
import { IsOptional, Matches, Max, MaxLength, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";

@InputType({ description: "An ADMIN override of one day of the official calendar (调休上班 or 放假)." })
export class SetCalendarDayInput {
  @Field(() => GraphQLLocalDate, { description: "The day (YYYY-MM-DD)." })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  date: string;

  @Field({ description: "true: working day (调休上班); false: day off (放假)." })
  workday: boolean;

  @Field(() => String, { nullable: true, description: "Why, e.g. the State Council notice of the holiday." })
  @IsOptional()
  @MaxLength(200)
  note?: string | null;
}

@InputType({ description: "Declare a year the calendar package does not cover as defined by ADMIN overrides (Monday-Friday work on days without one)." })
export class DeclareCalendarYearInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => Int, { description: "The year (1990-2100)." })
  @Min(1990)
  @Max(2100)
  year: number;

  @Field(() => String, { nullable: true, description: "Why the year is declared, e.g. where its holidays come from." })
  @IsOptional()
  @MaxLength(200)
  note?: string | null;
}
