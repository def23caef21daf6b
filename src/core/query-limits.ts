import type { ApolloServerPlugin } from "@apollo/server";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import {
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from "graphql-query-complexity";
import { DEFAULT_PAGE_SIZE } from "./pagination";
import type { RequestBudget } from "./request-budget";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

const refusal = (message: string, extensions: Record<string, unknown>) =>
  new GraphQLError(message, { extensions: { ...extensions, http: { status: 400 } } });

/** Depth and aliases (graphql-armor), reported with our codes instead of thrown. */
function shapeRules({ maxDepth, maxAliases }: QueryLimits): ValidationRule[] {
  return [
    maxDepthRule({
      // graphql-depth-limit, whose numbers MAX_QUERY_DEPTH kept, counted root fields as depth 0; armor counts them as 1
      n: maxDepth + 1,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [(context) => context?.reportError(refusal(`The query nests deeper than ${maxDepth} levels`, { code: "QUERY_TOO_DEEP", maxDepth }))],
    }),
    maxAliasesRule({
      n: maxAliases,
      propagateOnRejection: false,
      onReject: [
        (context) =>
          context?.reportError(
            refusal(`The query holds more than ${maxAliases} aliased fields; send fewer at once`, { code: "QUERY_TOO_MANY_ALIASES", maxAliases }),
          ),
      ],
    }),
  ];
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
 * Items a list without paging is counted as, unless its field declares its bound (`complexity:
 * boundedList(n)`, as calendarOverrides does): most are a handful per parent (a project's letters,
 * managers, applications; the five credit measures). Nested lists multiply, so a larger guess
 * refuses real pages (the supervision dashboard nests enterprises per measure, 50 records each).
 */
const ASSUMED_LIST_SIZE = 5;

/**
 * A connection's edges are already counted by its `first`; a list of scalars is one value;
 * introspection reads the schema in memory (GraphiQL's query would cost 8,000 otherwise).
 */
const listEstimator: ComplexityEstimator = ({ type, field, childComplexity }) => {
  if (!isListType(getNullableType(field.type)) || childComplexity === 0 || type.name.startsWith("__")) return undefined;
  if (isObjectType(type) && "pageInfo" in type.getFields()) return undefined;
  return 1 + ASSUMED_LIST_SIZE * childComplexity;
};

/** A list field of at most `bound` items: for a field's `complexity` option. */
export const boundedList =
  (bound: number): ComplexityEstimator =>
  ({ childComplexity }) =>
    1 + bound * Math.max(childComplexity, 1);

/** Whether the estimate reads this argument's value: `first`, and any argument of a field pricing itself. */
const costReads = (field: GraphQLField<unknown, unknown>, argument: string) =>
  typeof field.extensions.complexity === "function" || (argument === "first" && field.args.some((arg) => arg.name === "first"));

/**
 * What a document's limits depend on, worked out once per parsed document (Apollo keeps one
 * DocumentNode per query text): its shape check, which reads the document only, and the variables
 * its cost depends on: those given to arguments the estimators read (`first`; every argument of a
 * field whose declared cost is a function, such as a date range) and to directives (`@include(if:
 * $x)` and `@skip` decide which fields are counted at all), with the costs estimated so far.
 */
interface DocumentFacts {
  shapeError: GraphQLError | null;
  variables: string[];
  costs: Map<string, number>;
}
const COSTS_KEPT_PER_DOCUMENT = 64;

function costVariables(schema: GraphQLSchema, document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ArgumentNode) => void visit(node.value, { Variable: (variable) => void names.add(variable.name.value) });
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Directive: (directive) => {
        directive.arguments?.forEach(collect);
        return false;
      },
      Argument: (argument) => {
        const field = typeInfo.getFieldDef();
        if (field && costReads(field, argument.name.value)) collect(argument);
      },
    }),
  );
  return [...names];
}

/**
 * The query limits, checked on a document graphql-js has validated and before any resolver runs:
 * no subscription over HTTP, depth (MAX_QUERY_DEPTH), aliases (MAX_QUERY_ALIASES), then cost
 * (MAX_QUERY_COST, graphql-query-complexity): every field costs 1, a connection `first` × its
 * selection, an unpaged list 5 × its selection, a field declaring a cost what it declares. A
 * batch is charged as one request: an operation that would take its total past the limit is
 * refused. An estimate is kept per document and the inputs it depends on: estimating again on
 * every request was a tenth of the CPU of a small mutation.
 */
/**
 * The limits of one validated operation, the same over HTTP and WebSocket: depth and aliases,
 * then the cost charged to the request's budget; throws the coded refusal.
 */
export type OperationLimiter = (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined, budget: RequestBudget) => void;

export function createOperationLimiter(schema: GraphQLSchema, limits: QueryLimits): OperationLimiter {
  const rules = shapeRules(limits);
  const factsByDocument = new WeakMap<DocumentNode, DocumentFacts>();
  const documentFacts = (document: DocumentNode): DocumentFacts => {
    let facts = factsByDocument.get(document);
    if (!facts) {
      // validated only now: a document that fails graphql-js's own rules (a fragment cycle) never gets here
      facts = { shapeError: validate(schema, document, rules)[0] ?? null, variables: costVariables(schema, document), costs: new Map() };
      factsByDocument.set(document, facts);
    }
    return facts;
  };
  const estimate = (facts: DocumentFacts, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number => {
    const key = JSON.stringify([operationName ?? null, facts.variables.map((name) => (variables && Object.hasOwn(variables, name) ? variables[name] : "absent"))]);
    const known = facts.costs.get(key);
    if (known !== undefined) return known;
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        operationName,
        variables,
        estimators: [fieldExtensionsEstimator(), pageSizeEstimator, listEstimator, simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch (error) {
      // the estimate coerces variables first: a bad variable is the client's input error
      throw new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
    }
    if (facts.costs.size >= COSTS_KEPT_PER_DOCUMENT) facts.costs.clear();
    facts.costs.set(key, cost);
    return cost;
  };
  return (document, operationName, variables, budget) => {
    const facts = documentFacts(document);
    if (facts.shapeError) throw facts.shapeError;
    const cost = estimate(facts, document, operationName, variables);
    const { total, allowed } = budget.charge(cost, limits.maxCost);
    if (!allowed) {
      const batch = total === cost ? "" : ` (${total} with the batch's other operations)`;
      throw refusal(`Query cost ${cost}${batch} exceeds the limit of ${limits.maxCost}; ask for fewer items or fields`, {
        code: "QUERY_TOO_COMPLEX",
        cost,
        ...(total === cost ? {} : { batchCost: total }),
        maxCost: limits.maxCost,
      });
    }
  };
}

/** The limits over HTTP, once Apollo has validated the document; subscriptions are refused there. */
export function queryLimitsPlugin(limitOperation: OperationLimiter): ApolloServerPlugin<{ budget: RequestBudget }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, contextValue }) {
          if (operation?.operation === "subscription") {
            // graphql-js would run it once through execute, calling the subscription's resolver with no event
            throw refusal("Subscriptions run over WebSocket: connect to this same URL with graphql-ws (subprotocol graphql-transport-ws)", { code: "BAD_REQUEST" });
          }
          limitOperation(document, request.operationName, request.variables, contextValue.budget);
        },
      };
    },
  };
}
