import type { ApolloServerPlugin } from "@apollo/server";
import depthLimit from "graphql-depth-limit";
import { GraphQLError, type GraphQLSchema, type ValidationContext, type ValidationRule } from "graphql";
import { getComplexity, simpleEstimator, type ComplexityEstimator } from "graphql-query-complexity";
import { DEFAULT_PAGE_SIZE } from "./pagination";

/** graphql-depth-limit as a validation rule whose error carries the stable code QUERY_TOO_DEEP. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  const rule = depthLimit(maxDepth);
  return (context: ValidationContext) =>
    rule(
      new Proxy(context, {
        get(target, property, receiver) {
          if (property === "reportError") {
            return (error: GraphQLError) =>
              target.reportError(new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "QUERY_TOO_DEEP", maxDepth } }));
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    );
}

/** A list field costs its page size times what each item costs; `first` defaults as pagination does. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  if (!("first" in args) && !("after" in args)) return undefined;
  const first = typeof args.first === "number" ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + Math.max(first, 1) * Math.max(childComplexity, 1);
};

/**
 * Refuses an operation whose estimated cost passes maxCost before any resolver runs
 * (graphql-query-complexity; every field costs 1, a connection costs `first` × its selection).
 */
export function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: request.operationName,
              variables: request.variables,
              estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // the estimate coerces variables first: a bad variable is the client's input error
            throw new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
          }
          if (cost > maxCost) {
            throw new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}; ask for fewer items or fields`, {
              extensions: { code: "QUERY_TOO_COMPLEX", cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
