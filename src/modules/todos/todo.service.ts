import type { RequestContext } from "../../core/context";
import { badInput } from "../../core/errors";
import { DEFAULT_PAGE_SIZE } from "../../core/pagination";
import { compareTodos, TODO_SOURCES, type TodoCandidate, type TodoCounts, type TodoCursor } from "./todo-sources";
import { TODO_KINDS, type TodoKind } from "./todo.kinds";
import type { TodoArgs } from "./todo.inputs";
import type { Todo, TodoConnection, TodoCount } from "./todo.types";

const CURSOR_NAME = "todos";

function encodeCursor(todo: TodoCursor): string {
  return Buffer.from(JSON.stringify([CURSOR_NAME, todo.dueAt?.toISOString() ?? null, todo.kind, todo.subjectId])).toString("base64url");
}

function decodeCursor(cursor: string): TodoCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 4 && parsed[0] === CURSOR_NAME) {
      const [, due, kind, subjectId] = parsed as unknown[];
      const dueOk = due === null || (typeof due === "string" && !Number.isNaN(Date.parse(due)));
      if (dueOk && TODO_KINDS.includes(kind as TodoKind) && typeof subjectId === "string" && subjectId.length <= 64) {
        return { dueAt: due === null ? null : new Date(due as string), kind: kind as TodoKind, subjectId };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw badInput("after", "Cursor is not valid for this list and ordering", "分页游标对当前列表和排序方式无效，请从第一页重新查询");
}

/** A thenable run only when a client selects the field (GraphQL awaits it), at most once. */
function lazy<T>(make: () => Promise<T>): PromiseLike<T> {
  let promise: Promise<T> | undefined;
  return { then: (onFulfilled, onRejected) => (promise ??= make()).then(onFulfilled, onRejected) };
}

const toTodo = (candidate: TodoCandidate): Todo => ({
  id: `${candidate.kind}:${candidate.subjectId}`,
  kind: candidate.kind,
  title: candidate.title,
  dueAt: candidate.dueAt,
  overdue: candidate.overdue,
  project: candidate.project,
  subject: candidate.subject,
});

/**
 * 待办: what waits on the caller now, from each module's own records: what the caller may do by
 * the policy table (remits) and must do now by the record's state, limited to what the caller may
 * see (an enterprise user: its own enterprise's records only). Most urgent first: due time
 * ascending (none last), then TODO_KINDS order, then the record's id, with keyset cursors. A page
 * asks each kind the caller can hold for at most first + 1 records after the cursor (one statement
 * each) and merges them; the counts are one COUNT per kind, run only when selected.
 */
export class TodoService {
  async myTodos(ctx: RequestContext, args: TodoArgs): Promise<Omit<TodoConnection, "totalCount" | "countsByKind"> & { totalCount: PromiseLike<number>; countsByKind: PromiseLike<TodoCount[]> }> {
    const user = ctx.requireUser();
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    const cursor = args.after ? decodeCursor(args.after) : null;
    const asked = args.kinds ? TODO_KINDS.filter((kind) => args.kinds!.includes(kind)) : [...TODO_KINDS];
    const sources = TODO_SOURCES.filter((source) => asked.includes(source.kind) && source.holds(user));
    const candidates = first === 0 ? [] : (await Promise.all(sources.map((source) => source.page(ctx, user, cursor, first + 1)))).flat().sort(compareTodos);
    const page = candidates.slice(0, first);
    const edges = page.map((candidate) => ({ cursor: encodeCursor(candidate), node: toTodo(candidate) }));
    const counts = lazy(async () => {
      const bySource = new Map<TodoKind, TodoCounts>();
      await Promise.all(sources.map(async (source) => bySource.set(source.kind, await source.count(ctx, user))));
      return asked.map((kind) => ({ kind, ...(bySource.get(kind) ?? { count: 0, overdue: 0 }) }));
    });
    return {
      edges,
      pageInfo: {
        hasNextPage: candidates.length > first,
        hasPreviousPage: Boolean(args.after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: lazy(async () => (await counts).reduce((sum, c) => sum + c.count, 0)),
      countsByKind: counts,
    };
  }
}

export const todoService = new TodoService();
