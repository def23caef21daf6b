import type { ApolloServerPlugin } from "@apollo/server";
import { defaultFieldResolver, type GraphQLSchema, type OperationTypeNode } from "graphql";
import { AppError } from "./errors";

/**
 * What one HTTP request may spend: a deadline for its resolvers and a cost allowance. Apollo
 * gives each operation of a batch a shallow copy of the context, so this one object (held by
 * reference) is shared by the whole batch: the batch is limited as one request.
 */
export class RequestBudget {
  private deadline = Number.POSITIVE_INFINITY;
  private timeoutMs = 0;
  private spent = 0;
  /** A mutation runs in the request (in a batch: any operation): its result fields always resolve. */
  private resultsMustResolve = false;

  /** Starts the clock at the first operation's execution; a batch's other operations run on the same one. */
  start(timeoutMs: number, operation: OperationTypeNode | undefined): void {
    if (operation === "mutation") this.resultsMustResolve = true;
    if (timeoutMs <= 0 || this.timeoutMs) return;
    this.timeoutMs = timeoutMs;
    this.deadline = Date.now() + timeoutMs;
  }

  /** Before database work (a repository, a loader): the deadline, unless a mutation's results must still resolve. */
  checkWork(): void {
    if (!this.resultsMustResolve) this.check();
  }

  /** REQUEST_TIMEOUT (HTTP 504) once the deadline has passed. */
  check(): void {
    if (Date.now() > this.deadline) {
      throw new AppError("REQUEST_TIMEOUT", `The request ran longer than ${this.timeoutMs} ms and was stopped; ask for less at once`, `请求处理超过 ${this.timeoutMs} 毫秒，已被中止；请减少一次查询的内容`, {
        timeoutMs: this.timeoutMs,
        http: { status: 504 },
      });
    }
  }

  /** Adds an operation's cost unless the request's total would pass max; returns the total it would reach. */
  charge(cost: number, max: number): { total: number; allowed: boolean } {
    const total = this.spent + cost;
    if (total > max) return { total, allowed: false };
    this.spent = total;
    return { total, allowed: true };
  }
}

/**
 * REQUEST_TIMEOUT_MS, counted from the start of execution (parsing and the query limits before it
 * are bounded by the body size and the limits): no root field starts after the deadline, and no
 * database work (a repository or loader reached through the request's context) either. One already
 * running finishes. A mutation's result fields always resolve: its write may have committed, and
 * refusing the answer would invite a retry that writes twice; only mutations not yet begun stop.
 * Checked there rather than before every field: Apollo's per-field hook wraps every field of the
 * schema, which cost a fifth of a board page and kept graphql-jit from reading plain properties
 * directly. Every field refused reports the same error: the answer keeps one of them.
 */
export function requestDeadlinePlugin(timeoutMs: number): ApolloServerPlugin<{ budget: RequestBudget }> {
  if (timeoutMs <= 0) return {};
  return {
    async requestDidStart({ contextValue }) {
      return {
        async executionDidStart({ operation }) {
          contextValue.budget.start(timeoutMs, operation?.operation);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          let kept = false;
          response.body.singleResult.errors = response.body.singleResult.errors.filter(
            (error) => error.extensions?.code !== "REQUEST_TIMEOUT" || (!kept && (kept = true)),
          );
        },
      };
    },
  };
}

/** Every root field (Query, Mutation) checks the request's deadline before it runs (requestDeadlinePlugin). */
export function checkDeadlineAtRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: { budget?: RequestBudget } | undefined, info) => {
        context?.budget?.check();
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
