import type { RequestContext } from "../../core/context";
import { decodeCursorValues, DEFAULT_PAGE_SIZE, encodeCursor, lazy } from "../../core/pagination";
import { compareTodos, TODO_SOURCES, type TodoCandidate, type TodoCounts, type TodoCursor } from "./todo-sources";
import { TODO_KINDS, type TodoKind } from "./todo.kinds";
import type { TodoArgs } from "./todo.inputs";
import type { Todo, TodoConnection, TodoCount } from "./todo.types";

const CURSOR_NAME = "todos";

const cursorOf = (todo: TodoCursor): string => encodeCursor(CURSOR_NAME, [todo.dueAt?.toISOString() ?? null, todo.kind, todo.subjectId]);

function decodeCursor(cursor: string): TodoCursor {
  const [due, kind, subjectId] = decodeCursorValues(
    cursor,
    CURSOR_NAME,
    ([due, kind, subjectId, ...rest]) =>
      rest.length === 0 &&
      (due === null || (typeof due === "string" && !Number.isNaN(Date.parse(due)))) &&
      TODO_KINDS.includes(kind as TodoKind) &&
      typeof subjectId === "string" &&
      subjectId.length <= 64,
  );
  return { dueAt: due === null ? null : new Date(due as string), kind: kind as TodoKind, subjectId: subjectId as string };
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
 * each) and merges them; the counts, run only when selected, are one COUNT per kind, except for a
 * kind the first page holds whole.
 */
export class TodoService {
  async myTodos(ctx: RequestContext, args: TodoArgs): Promise<Omit<TodoConnection, "totalCount" | "countsByKind"> & { totalCount: PromiseLike<number>; countsByKind: PromiseLike<TodoCount[]> }> {
    const user = ctx.requireUser();
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    const cursor = args.after ? decodeCursor(args.after) : null;
    const asked = args.kinds ? TODO_KINDS.filter((kind) => args.kinds!.includes(kind)) : [...TODO_KINDS];
    const sources = TODO_SOURCES.filter((source) => asked.includes(source.kind) && source.holds(user));
    const pages = first === 0 ? [] : await Promise.all(sources.map((source) => source.page(ctx, user, cursor, first + 1)));
    const candidates = pages.flat().sort(compareTodos);
    const page = candidates.slice(0, first);
    const edges = page.map((candidate) => ({ cursor: cursorOf(candidate), node: toTodo(candidate) }));
    // a first page that holds all of a kind's to-dos (no more than first) has counted them already
    const counted = (rows: TodoCandidate[] | undefined): TodoCounts | null =>
      !cursor && rows && rows.length <= first ? { count: rows.length, overdue: rows.filter((row) => row.overdue).length } : null;
    const counts = lazy(async () => {
      const bySource = await Promise.all(sources.map((source, i) => counted(pages[i]) ?? source.count(ctx, user)));
      const byKind = new Map(sources.map((source, i) => [source.kind, bySource[i]]));
      return asked.map((kind) => ({ kind, ...(byKind.get(kind) ?? { count: 0, overdue: 0 }) }));
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
