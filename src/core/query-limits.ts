import type { ApolloServerPlugin } from "@apollo/server";
import depthLimit from "graphql-depth-limit";
import { GraphQLError, visit, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from "graphql";
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
 * What an operation's cost depends on besides its document: the values (or absence) of the
 * variables given as `first`, and whether those given as `after` are present (the estimator
 * reads nothing else).
 * Worked out once per parsed document (Apollo keeps one DocumentNode per query text).
 */
const costInputsByDocument = new WeakMap<DocumentNode, { first: string[]; after: string[]; costs: Map<string, number> }>();
const COSTS_KEPT_PER_DOCUMENT = 64;

function costInputs(document: DocumentNode) {
  let inputs = costInputsByDocument.get(document);
  if (!inputs) {
    const first = new Set<string>();
    const after = new Set<string>();
    visit(document, {
      Argument(argument) {
        const names = argument.name.value === "first" ? first : argument.name.value === "after" ? after : null;
        if (names) visit(argument.value, { Variable: (variable) => void names.add(variable.name.value) });
      },
    });
    inputs = { first: [...first], after: [...after], costs: new Map() };
    costInputsByDocument.set(document, inputs);
  }
  return inputs;
}

/**
 * Refuses an operation whose estimated cost passes maxCost before any resolver runs
 * (graphql-query-complexity; every field costs 1, a connection costs `first` × its selection).
 * An estimate is kept per document and the inputs it depends on: estimating again on every
 * request was a tenth of the CPU of a small mutation.
 */
export function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  const estimate = (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number => {
    const inputs = costInputs(document);
    const key = JSON.stringify([
      operationName ?? null,
      inputs.first.map((name) => (variables && name in variables ? variables[name] : "absent")),
      inputs.after.map((name) => variables?.[name] !== undefined),
    ]);
    const known = inputs.costs.get(key);
    if (known !== undefined) return known;
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        operationName,
        variables,
        estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch (error) {
      // the estimate coerces variables first: a bad variable is the client's input error
      throw new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
    }
    if (inputs.costs.size >= COSTS_KEPT_PER_DOCUMENT) inputs.costs.clear();
    inputs.costs.set(key, cost);
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const cost = estimate(document, request.operationName, request.variables);
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
