import type { ApolloServerPlugin } from "@apollo/server";
import depthLimit from "graphql-depth-limit";
import { GraphQLError, visit, type ArgumentNode, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from "graphql";
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

/**
 * A connection (any field taking `first`) costs its page size times what each item costs, with
 * `first` defaulting as pagination does: asked without it, a page still holds 20.
 */
const pageSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((arg) => arg.name === "first")) return undefined;
  const first = typeof args.first === "number" ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + Math.max(first, 1) * Math.max(childComplexity, 1);
};

/**
 * What an operation's cost depends on besides its document: the values (or absence) of the
 * variables given as `first` (the estimator reads no other argument) and of those any directive
 * reads (`@include(if: $x)` and `@skip` decide which fields are counted at all).
 * Worked out once per parsed document (Apollo keeps one DocumentNode per query text).
 */
const costInputsByDocument = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();
const COSTS_KEPT_PER_DOCUMENT = 64;

function costInputs(document: DocumentNode) {
  let inputs = costInputsByDocument.get(document);
  if (!inputs) {
    const names = new Set<string>();
    const collect = (node: ArgumentNode) => void visit(node.value, { Variable: (variable) => void names.add(variable.name.value) });
    visit(document, {
      Argument: (argument) => void (argument.name.value === "first" && collect(argument)),
      Directive: (directive) => void directive.arguments?.forEach(collect),
    });
    inputs = { variables: [...names], costs: new Map() };
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
    const key = JSON.stringify([operationName ?? null, inputs.variables.map((name) => (variables && Object.hasOwn(variables, name) ? variables[name] : "absent"))]);
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
