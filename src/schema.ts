import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "./core/auth";
import type { AppPubSub } from "./core/pubsub";
import { applyTextRule } from "./core/text-input";
import { allResolvers } from "./modules";

/** The executable schema; the pub/sub is the app's, so each instance publishes through its own. */
export function buildAppSchema(pubSub: AppPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: allResolvers,
    authChecker,
    pubSub: pubSub as never,
    validate: { forbidUnknownValues: false },
  }).then(applyTextRule);
}

/** The SDL as checked in at schema/schema.graphql: sorted, so the diff shows real changes only. */
export function printAppSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + "\n";
}
