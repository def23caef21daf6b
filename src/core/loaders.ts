import DataLoader from "dataloader";
import { LRUCache } from "lru-cache";
import { SelectQueryBuilder, type DataSource, type EntityMetadata, type ObjectLiteral } from "typeorm";
import { DriverUtils } from "typeorm/driver/DriverUtils";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import type { QueryExpressionMap } from "typeorm/query-builder/QueryExpressionMap";
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
 * leftJoinAndSelect, or entities with leftJoinAndMapOne (pages, loaders by key), so that one raw
 * row is one entity; any other shape is refused when the statement is built.
 */
export class LeanSelectQueryBuilder<T extends ObjectLiteral> extends SelectQueryBuilder<T> {
  override async getMany(): Promise<T[]> {
    const build = rowBuilder<T>(this);
    const rows = await this.getRawMany();
    return rows.map(build);
  }

  /**
   * The SQL text, built once per statement shape (statementShape) and data source: TypeORM builds
   * it again for every request (selects of every column, joins, then a regular expression over the
   * whole text), 8 % of a board page's CPU. The parameters are still bound per request.
   */
  override getQuery(): string {
    const shape = statementShape(this.expressionMap);
    if (shape === null) return super.getQuery();
    let texts = statementTexts.get(this.connection);
    if (!texts) statementTexts.set(this.connection, (texts = new LRUCache({ max: 500 })));
    let text = texts.get(shape);
    if (text === undefined) texts.set(shape, (text = super.getQuery()));
    return text;
  }
}

const statementTexts = new WeakMap<DataSource, LRUCache<string, string>>();

/**
 * Everything the SQL text of a plain SELECT is built from, as one key; null for any statement
 * that uses more than that (a condition object or Brackets, DISTINCT, grouping, locks, CTEs,
 * take/skip, index hints, …), which TypeORM then builds every time.
 */
export function statementShape(map: QueryExpressionMap): string | null {
  const main = map.mainAlias;
  if (
    map.queryType !== "select" || !main?.hasMetadata || map.subQuery || map.selectDistinct || map.selectDistinctOn.length || map.maxExecutionTime ||
    map.groupBys.length || map.havings.length || map.relationIdAttributes.length || map.commonTableExpressions.length || map.lockMode || map.lockTables ||
    map.onLocked || map.useIndex || map.timeTravel || map.comment || map.take !== undefined || map.skip !== undefined ||
    map.extraAppendedAndWhereCondition || !map.aliasNamePrefixingEnabled || !map.disableEscaping || map.options.length
  ) {
    return null;
  }
  const parts: unknown[] = [main.name, main.metadata.name, map.withDeleted, map.limit, map.offset, JSON.stringify(map.orderBys)];
  for (const select of map.selects) parts.push(`s ${select.selection} ${select.aliasName ?? ""}`);
  for (const join of map.joinAttributes) {
    if (join.condition !== undefined && typeof join.condition !== "string") return null;
    const target = typeof join.entityOrProperty === "string" ? join.entityOrProperty : join.metadata?.name;
    parts.push(`j ${join.direction} ${join.alias.name} ${target} ${join.condition ?? ""} ${join.mapToProperty ?? ""} ${join.isMappingMany ?? ""} ${join.isSelected}`);
  }
  for (const where of map.wheres) {
    if (typeof where.condition !== "string") return null;
    parts.push(`w ${where.type} ${where.condition}`);
  }
  return parts.join("\n");
}

/** The same statement as `query`, read lean (LeanSelectQueryBuilder). */
export const leanQuery = <T extends ObjectLiteral>(query: SelectQueryBuilder<T>): LeanSelectQueryBuilder<T> => new LeanSelectQueryBuilder<T>(query);

type RowBuilder = (raw: Record<string, unknown>) => never;

/** Text columns without a transformer: both drivers' prepareHydratedValue (MySQL's, SQLite's) give them back as read. */
const takenAsRead = (column: ColumnMetadata) => !column.transformer && (column.type === String || ["varchar", "char", "text"].includes(column.type as string));
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
      const value = `r[${key(DriverUtils.buildAlias(driver, undefined, alias, column.databaseName))}]`;
      if (takenAsRead(column)) {
        properties.push(`${key(column.propertyName)}: ${value}`);
      } else {
        columns.push(column);
        properties.push(`${key(column.propertyName)}: h(${value}, c[${columns.length - 1}])`);
      }
    }
    for (const join of map.joinAttributes.filter((j) => (j.mapToProperty ? j.mapToPropertyParentAlias : j.parentAlias) === alias && j.isSelected)) {
      const primary = join.metadata!.primaryColumns[0];
      const absent = `r[${key(DriverUtils.buildAlias(driver, undefined, join.alias.name, primary.databaseName))}] == null`;
      // null where the join found no row, as TypeORM sets it
      properties.push(`${key(join.mapToPropertyPropertyName ?? join.relation!.propertyName)}: ${absent} ? null : ${literal(join.alias.name, join.metadata!)}`);
    }
    return `{ ${properties.join(", ")} }`;
  };

  for (const join of map.joinAttributes) {
    const relation = join.relation;
    // an entity joined by its own condition to one property (leftJoinAndMapOne) is one row too
    const toOne = join.mapToProperty ? !relation && !join.isMappingMany && join.metadata !== undefined : relation && (relation.isManyToOne || relation.isOneToOneOwner);
    if (!toOne) throw new Error(`leanQuery: the join ${join.alias.name} must be a to-one relation joined with leftJoinAndSelect, or an entity joined with leftJoinAndMapOne`);
  }
  const body = `return (r) => (${literal(map.mainAlias!.name, map.mainAlias!.metadata)});`;
  const hydrate = (value: unknown, column: ColumnMetadata) => driver.prepareHydratedValue(value, column);
  return new Function("h", "c", "p", body)(hydrate, columns, prototypes) as RowBuilder;
}
