import { IsOptional, Matches, Max, MaxLength, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { GraphQLLocalDate } from "graphql-scalars";

@InputType()
export class SetCalendarDayInput {
  @Field(() => GraphQLLocalDate)
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  date: string;

  @Field({ description: "true: working day (调休上班); false: day off (放假)." })
  workday: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  note?: string | null;
}

@InputType()
export class DeclareCalendarYearInput {
  @Field(() => Int)
  @Min(1990)
  @Max(2100)
  year: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  note?: string | null;
}
