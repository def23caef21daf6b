import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import { BREAK, execute, getNamedType, getVariableValues, GraphQLError, isAbstractType, printSchema, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";

type Gateway = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type Executor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;
type ExecutorRequest = Parameters<Executor>[0];

/** Documents kept compiled (or known not to compile); the least recently used go first. */
const MAX_DOCUMENTS = 1_000;
/** Compilations waiting for their turn of the event loop, as Mercurius's adaptive jit queues them (at most 100, one per turn). */
const MAX_WAITING = 100;

/**
 * Apollo Server's `gateway` hook (its one way to replace execution): HTTP operations run as
 * graphql-jit functions compiled once per document and operation, graphql-js where graphql-jit
 * cannot give the same answer. Parsing, validation, the query limits and every plugin hook stay
 * Apollo's; subscriptions over graphql-ws never pass through here.
 */
export function compiledExecutionGateway(schema: GraphQLSchema): Gateway {
  // "interpret": graphql-jit refused the document or cannot answer it as graphql-js does
  const documents = new LRUCache<string, CompiledQuery | "interpret" | "waiting">({ max: MAX_DOCUMENTS });
  const waiting: Array<() => void> = [];

  const interpret = (request: ExecutorRequest) =>
    execute({ schema, document: request.document, contextValue: request.context, variableValues: request.request.variables, operationName: request.request.operationName });

  function compile(document: DocumentNode, operationName: string | undefined): CompiledQuery | "interpret" {
    try {
      const result = selectsAbstractType(schema, document) ? null : compileQuery(schema, document, operationName);
      return result && isCompiledQuery(result) ? result : "interpret";
    } catch {
      return "interpret";
    }
  }

  const compileNext = () => {
    waiting.shift()?.();
    if (waiting.length) setImmediate(compileNext);
  };

  /**
   * The compiled query, or null while graphql-js answers. A document's first use runs on
   * graphql-js and queues its compilation for a later turn of the event loop: compiling takes
   * 0.1-14 ms for this suite's documents and far more for a document of hundreds of fields, which
   * inside the request would spend its REQUEST_TIMEOUT_MS budget and add to its latency.
   */
  function compiledFor(request: ExecutorRequest): CompiledQuery | null {
    // queryHash is the SHA-256 of the query text, which Apollo computed anyway
    const key = `${request.queryHash}:${request.operationName ?? ""}`;
    const known = documents.get(key);
    if (known === undefined && waiting.length < MAX_WAITING) {
      const { document, operationName } = request;
      documents.set(key, "waiting");
      waiting.push(() => documents.set(key, compile(document, operationName ?? undefined)));
      if (waiting.length === 1) setImmediate(compileNext);
    }
    return known === undefined || known === "interpret" || known === "waiting" ? null : known;
  }

  const executor: Executor = async (request) => {
    // (a subscription over HTTP never gets here: the query limits refuse it, tested)
    const compiled = compiledFor(request);
    if (!compiled) return interpret(request);
    const variables = request.request.variables ?? {};
    // graphql-js judges the variables, as Mercurius does: graphql-jit takes some it should refuse
    // (a list for an input object), and the query limits coerce only when the cost is not cached
    const definitions = request.operation.variableDefinitions;
    if (definitions?.length && getVariableValues(schema, definitions, variables).errors) return interpret(request);
    const result = (await compiled.query(undefined, request.context, variables)) as ExecutionResult;
    // no data: graphql-jit refused variables graphql-js accepts (an omitted non-null input field
    // with a default); no resolver has run yet, so graphql-js may run the operation instead
    if (!("data" in result)) return interpret(request);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
  };
}

/**
 * The document selects a union or interface field. graphql-jit 0.8.9 does not await a promise
 * from `resolveType`, and type-graphql's always returns one: such a field would fail with
 * "Abstract type … must resolve to an Object type".
 */
function selectsAbstractType(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(document, visitWithTypeInfo(typeInfo, {
    Field() {
      if (!isAbstractType(getNamedType(typeInfo.getType()))) return undefined;
      found = true;
      return BREAK;
    },
  }));
  return found;
}

/**
 * The error graphql-js would report. graphql-jit's own error class leaves `extensions` undefined
 * when its cause has none (a plain Error thrown by a resolver, a null in a non-null field), and
 * Apollo's formatting reads `extensions.code` from it and fails.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const cause = error.originalError ?? undefined;
  // graphql-js passes on an error that already has its path unchanged
  if (cause instanceof GraphQLError && Array.isArray(cause.path)) return cause;
  // graphql-jit kept the field's locations; graphql-js takes the same ones from the field's nodes
  return Object.assign(new GraphQLError(error.message, { path: error.path, originalError: cause }), { locations: error.locations });
}
