import DataLoader from "dataloader";
import { SelectQueryBuilder, type DataSource, type EntityMetadata, type ObjectLiteral } from "typeorm";
import { DriverUtils } from "typeorm/driver/DriverUtils";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
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

/**
 * A query builder whose getMany builds each row as one object literal with the entity's prototype,
 * instead of TypeORM's entity transformer. The transformer groups the raw rows by id (for joins to
 * many) and sets each column by a keyed store, which past 16 properties turns the object into a
 * slow dictionary; it was about a quarter of a board page's CPU. The rows are still instances
 * (type-graphql's @Root() takes them as they are, where it would copy a plain object into a new
 * entity) and every column is converted by the driver as TypeORM converts it (dates, booleans,
 * transformers). For statements that select whole entities and join only to-one relations with
 * leftJoinAndSelect (pages, loaders by key), so that one raw row is one entity; any other shape
 * is refused when the statement is built.
 */
export class LeanSelectQueryBuilder<T extends ObjectLiteral> extends SelectQueryBuilder<T> {
  override async getMany(): Promise<T[]> {
    const build = rowBuilder<T>(this);
    const rows = await this.getRawMany();
    return rows.map(build);
  }
}

/** The same statement as `query`, read lean (LeanSelectQueryBuilder). */
export const leanQuery = <T extends ObjectLiteral>(query: SelectQueryBuilder<T>): LeanSelectQueryBuilder<T> => new LeanSelectQueryBuilder<T>(query);

type RowBuilder = (raw: Record<string, unknown>) => never;
const rowBuilders = new WeakMap<DataSource, Map<string, RowBuilder>>();

/** The builder of one statement shape (its aliases, joins and selections), generated once per data source. */
function rowBuilder<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): (raw: Record<string, unknown>) => T {
  const map = query.expressionMap;
  const main = map.mainAlias;
  if (!main?.hasMetadata) throw new Error("leanQuery: the statement has no entity to build");
  const joins = map.joinAttributes;
  const shape = [main.name, main.metadata.name, ...joins.map((j) => `${j.alias.name}=${j.entityOrProperty}`), ...map.selects.map((s) => s.selection)].join("|");
  let builders = rowBuilders.get(query.connection);
  if (!builders) rowBuilders.set(query.connection, (builders = new Map()));
  let build = builders.get(shape);
  if (!build) builders.set(shape, (build = generateRowBuilder(query)));
  return build as (raw: Record<string, unknown>) => T;
}

function generateRowBuilder(query: SelectQueryBuilder<ObjectLiteral>): RowBuilder {
  const map = query.expressionMap;
  const driver = query.connection.driver;
  const selectsWhole = (alias: string) => map.selects.some((s) => s.selection === alias);
  const prototypes: object[] = [];
  const columns: ColumnMetadata[] = [];
  const key = (text: string) => JSON.stringify(text);

  const literal = (alias: string, metadata: EntityMetadata): string => {
    if (!selectsWhole(alias)) throw new Error(`leanQuery: ${alias} must be selected whole`);
    if (typeof metadata.target !== "function") throw new Error(`leanQuery: ${metadata.name} has no class`);
    if (metadata.embeddeds.length || metadata.relationIds.length || metadata.discriminatorColumn || metadata.childEntityMetadatas.length || metadata.columns.some((c) => c.isVirtualProperty)) {
      throw new Error(`leanQuery: ${metadata.name} has embedded or virtual properties, relation ids or inheritance, which only TypeORM's transformer builds`);
    }
    prototypes.push(metadata.target.prototype);
    const properties = [`__proto__: p[${prototypes.length - 1}]`];
    // virtual columns are the join columns of relations declared without a column of their own
    for (const column of metadata.columns.filter((c) => !c.isVirtual)) {
      columns.push(column);
      properties.push(`${key(column.propertyName)}: h(r[${key(DriverUtils.buildAlias(driver, undefined, alias, column.databaseName))}], c[${columns.length - 1}])`);
    }
    for (const join of map.joinAttributes.filter((j) => j.parentAlias === alias && j.isSelected)) {
      const relation = join.relation!;
      const primary = join.metadata!.primaryColumns[0];
      const absent = `r[${key(DriverUtils.buildAlias(driver, undefined, join.alias.name, primary.databaseName))}] == null`;
      // null where the join found no row, as TypeORM sets it
      properties.push(`${key(relation.propertyName)}: ${absent} ? null : ${literal(join.alias.name, join.metadata!)}`);
    }
    return `{ ${properties.join(", ")} }`;
  };

  for (const join of map.joinAttributes) {
    const relation = join.relation;
    if (!relation || !(relation.isManyToOne || relation.isOneToOneOwner) || join.mapToProperty) throw new Error(`leanQuery: the join ${join.alias.name} must be a to-one relation joined with leftJoinAndSelect`);
  }
  const body = `return (r) => (${literal(map.mainAlias!.name, map.mainAlias!.metadata)});`;
  const hydrate = (value: unknown, column: ColumnMetadata) => driver.prepareHydratedValue(value, column);
  return new Function("h", "c", "p", body)(hydrate, columns, prototypes) as RowBuilder;
}
