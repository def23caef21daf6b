import DataLoader from "dataloader";
import type { ObjectLiteral } from "typeorm";
import type { RequestContext } from "./context";

/**
 * When a batch is sent: `tick` (DataLoader's default) once the current promise jobs have run,
 * which gathers the fields of one GraphQL response; `turn` at the end of this turn of the event
 * loop, which also gathers callers that arrive on separate I/O callbacks, as the sign-ins of
 * concurrent requests do (each after its own token check).
 */
export type BatchWindow = "tick" | "turn";
const afterThisTurn = (send: () => void) => void setImmediate(send);

/**
 * The request's loader of one entity by id: every module asking for users (or projects, …) in
 * one tick shares one batch, one query. No cache: a subscription keeps one context for its whole
 * life, and cached rows would go stale between its events. A query builder rather than
 * `findBy`: TypeORM's find options cost about 40 % more CPU for the same statement.
 */
export function loaderById<T extends ObjectLiteral & { id: string }>(
  ctx: RequestContext,
  entity: { new (): T; name: string },
  window: BatchWindow = "tick",
): DataLoader<string, T | null> {
  return ctx.loader(`${entity.name}.byId.${window}`, () =>
    new DataLoader<string, T | null>(
      async (ids) => {
        const rows = await ctx.repo(entity).createQueryBuilder("row").where("row.id IN (:...ids)", { ids: [...new Set(ids)] }).getMany();
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { cache: false, ...(window === "turn" && { batchScheduleFn: afterThisTurn }) },
    ),
  );
}

/**
 * The request's loader of the rows belonging to each key (a project's inspections, …): one
 * query for a whole page of parents. `load` returns the rows of all the keys, in display order.
 */
export function groupedLoader<T>(ctx: RequestContext, name: string, load: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T[]> {
  return ctx.loader(name, () =>
    new DataLoader<string, T[]>(
      async (keys) => {
        const groups = new Map<string, T[]>();
        for (const row of await load([...new Set(keys)])) {
          const key = keyOf(row);
          const group = groups.get(key);
          if (group) group.push(row);
          else groups.set(key, [row]);
        }
        return keys.map((key) => groups.get(key) ?? []);
      },
      { cache: false },
    ),
  );
}

/** The request's loader of the one row (or none) belonging to each key (a commission's result, …). */
export function keyedLoader<T>(ctx: RequestContext, name: string, load: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T | null> {
  return ctx.loader(name, () =>
    new DataLoader<string, T | null>(
      async (keys) => {
        const byKey = new Map<string, T>();
        for (const row of await load([...new Set(keys)])) byKey.set(keyOf(row), row);
        return keys.map((key) => byKey.get(key) ?? null);
      },
      { cache: false },
    ),
  );
}
