import type { ApolloServerPlugin } from "@apollo/server";
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

  /** Starts the clock at the first operation's execution; a batch's other operations run on the same one. */
  start(timeoutMs: number): void {
    if (timeoutMs <= 0 || this.timeoutMs) return;
    this.timeoutMs = timeoutMs;
    this.deadline = Date.now() + timeoutMs;
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
 * are bounded by the body size and the limits): no resolver starts after the deadline (each field
 * checks it before it runs; one already running finishes). Every field refused reports the same
 * error: the answer keeps one of them.
 */
export function requestDeadlinePlugin(timeoutMs: number): ApolloServerPlugin<{ budget: RequestBudget }> {
  if (timeoutMs <= 0) return {};
  return {
    async requestDidStart({ contextValue }) {
      return {
        async executionDidStart() {
          contextValue.budget.start(timeoutMs);
          // A mutation's result fields always resolve: its write may have committed, and refusing
          // the answer would invite a retry that writes twice. Only mutations not yet begun stop.
          return {
            willResolveField: ({ info }) => {
              if (info.operation.operation === "mutation" && info.path.prev) return;
              contextValue.budget.check();
            },
          };
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
