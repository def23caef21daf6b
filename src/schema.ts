import "reflect-metadata";
import { isEnumType, isIntrospectionType, lexicographicSortSchema, printSchema, printType, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "./core/auth";
import { withErrorCodes } from "./core/i18n/error-code-enum";
import type { AppPubSub } from "./core/pubsub";
import { checkDeadlineAtRootFields } from "./core/request-budget";
import { describeInputArguments } from "./core/schema-docs";
import { applyTextRule } from "./core/text-input";
import { allResolvers } from "./modules";

/** The executable schema; the pub/sub is the app's, so each instance publishes through its own. */
export function buildAppSchema(pubSub: AppPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: allResolvers,
    authChecker,
    pubSub: pubSub as never,
    validate: { forbidUnknownValues: false },
  })
    .then(applyTextRule)
    .then(withErrorCodes)
    .then(describeInputArguments)
    .then(checkDeadlineAtRootFields);
}

/**
 * The SDL as checked in at schema/schema.graphql: types, fields and arguments sorted, so the diff
 * shows real changes only; enum values stay in their natural order (TicketStage 预诊, 导诊, 会诊,
 * 急诊), which is part of the contract a generated client reads.
 */
export function printAppSchema(schema: GraphQLSchema): string {
  const sorted = lexicographicSortSchema(schema);
  let sdl = printSchema(sorted);
  for (const type of Object.values(sorted.getTypeMap())) {
    if (isEnumType(type) && !isIntrospectionType(type)) {
      const natural = printType(schema.getType(type.name)!);
      sdl = sdl.replace(printType(type), () => natural);
    }
  }
  return sdl + "\n";
}
