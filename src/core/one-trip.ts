import type { Database } from "better-sqlite3";
import type { RequestContext } from "./context";

/** One SQL statement with its parameters, as a TypeORM query builder renders it for this database. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

export const statementOf = (query: { getQueryAndParameters(): [string, unknown[]] }): Statement => {
  const [sql, parameters] = query.getQueryAndParameters();
  return { sql, parameters };
};

const GUARD_FAILED = Symbol("guard failed");

/** A transaction decided by its first statement: the rest runs only when that one changed exactly `guardRows` rows. */
export interface GuardedTransaction {
  /** Run before the transaction on MariaDB, each committed on its own (so it holds no lock during it); first in it on SQLite. */
  prepare?: Statement[];
  guard: Statement;
  guardRows: number;
  then: Statement[];
  /** A SELECT run last, inside the transaction: its rows are the answer. */
  answer: Statement;
}

/**
 * Runs a whole transaction in one round trip to the database, for a hot path whose statements
 * are known before it starts (a claim): the answer's rows once committed, or null when the guard
 * did not hold (rolled back, nothing written; the caller then takes its ordinary path).
 *
 * MariaDB: one anonymous compound statement (BEGIN NOT ATOMIC … END) with the transaction inside;
 * an error rolls it back before it is raised again, so a pooled connection is never handed back
 * inside an open transaction. Parameters are escaped by mysql2 as for any query.
 * SQLite: better-sqlite3's transaction function in one synchronous call, taking its turn with the
 * app's other transactions (they share the one connection).
 */
export async function transactInOneTrip(ctx: RequestContext, plan: GuardedTransaction): Promise<Record<string, unknown>[] | null> {
  if (ctx.inTransaction) throw new Error("transactInOneTrip runs a transaction of its own: not inside another");
  const { dataSource } = ctx.app;
  const prepare = plan.prepare ?? [];
  const statements = [...prepare, plan.guard, ...plan.then, plan.answer];
  if (ctx.app.dialect === "mariadb") {
    const [guard, ...then] = [plan.guard, ...plan.then].map((statement) => statement.sql);
    const sql =
      `BEGIN NOT ATOMIC DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; ${prepare.map((s) => `${s.sql}; `).join("")}START TRANSACTION; ` +
      `${guard}; IF ROW_COUNT() = ${Number(plan.guardRows)} THEN ${then.map((s) => `${s}; `).join("")}${plan.answer.sql}; COMMIT; ELSE ROLLBACK; END IF; END`;
    const result = await dataSource.query(sql, statements.flatMap((statement) => statement.parameters));
    // a SELECT inside the block answers [rows, ok]; a guard that failed answers the ok packet alone
    return Array.isArray(result) && Array.isArray(result[0]) ? result[0] : null;
  }
  const connection = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
  return ctx.app.serialize(async () => {
    // one entry in the query log (and the statement counts) for the one call
    dataSource.logger.logQuery(statements.map((statement) => statement.sql).join("; "), statements.flatMap((statement) => statement.parameters));
    const run = connection.transaction(() => {
      for (const statement of prepare) connection.prepare(statement.sql).run(...statement.parameters);
      if (connection.prepare(plan.guard.sql).run(...plan.guard.parameters).changes !== plan.guardRows) throw GUARD_FAILED;
      for (const statement of plan.then) connection.prepare(statement.sql).run(...statement.parameters);
      return connection.prepare(plan.answer.sql).all(...plan.answer.parameters) as Record<string, unknown>[];
    });
    // better-sqlite3 commits when the function returns and rolls back when it throws
    try {
      return run();
    } catch (error) {
      if (error === GUARD_FAILED) return null;
      throw error;
    }
  });
}
