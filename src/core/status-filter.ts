import { ArrayMinSize, ArrayUnique, IsIn, IsOptional } from "class-validator";
import { Field } from "type-graphql";
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";

/**
 * How `status` and `statusIn` combine in every list filter: like every other condition of a filter,
 * both must hold, so giving both keeps their intersection (`status: OPEN, statusIn: [OPEN, CLAIMED]`
 * is OPEN; `status: OPEN, statusIn: [CLAIMED]` matches nothing).
 */
export const STATUS_IN_RULE =
  "Any of these states (one to all of them, each once). With status also given, both must hold: the list keeps their intersection.";

/**
 * The `statusIn: [XStatus!]` field of a list filter: optional; when given, 1 to `values.length`
 * distinct allowed values (BAD_USER_INPUT otherwise; distinct and allowed bound the length). The GraphQL enum refuses unknown values
 * first; the checks here hold for any caller of the input class.
 */
export function StatusInField(enumType: object, values: readonly string[], description = STATUS_IN_RULE): PropertyDecorator {
  const decorators = [
    Field(() => [enumType], { nullable: true, description }),
    IsOptional(),
    ArrayMinSize(1),
    // distinct allowed values: so at most values.length of them
    ArrayUnique(),
    IsIn(values as string[], { each: true }),
  ];
  return (target, property) => {
    for (const decorate of decorators) (decorate as PropertyDecorator)(target, property);
  };
}

/**
 * Adds the status conditions of a filter: `column = :status` and `column IN (...)`, both when both
 * are given (STATUS_IN_RULE). `param` names the bound parameters, unique within the query.
 */
export function whereStatus<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  column: string,
  filter: { status?: string | null; statusIn?: readonly string[] | null },
  param = "status",
): SelectQueryBuilder<T> {
  if (filter.status) query.andWhere(`${column} = :${param}`, { [param]: filter.status });
  if (filter.statusIn?.length) query.andWhere(`${column} IN (:...${param}In)`, { [`${param}In`]: [...filter.statusIn] });
  return query;
}

/** The same rule for an event already in memory (subscriptions). */
export function statusMatches(status: string, filter: { status?: string | null; statusIn?: readonly string[] | null } | null | undefined): boolean {
  if (filter?.status && status !== filter.status) return false;
  if (filter?.statusIn?.length && !filter.statusIn.includes(status)) return false;
  return true;
}
