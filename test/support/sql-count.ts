import type { Logger, QueryRunner } from "typeorm";
import type { TestServer } from "./server";

/**
 * Counts the SQL statements the server runs while `work` runs (TypeORM hands every statement to
 * the DataSource's logger, whatever the logging setting). Not for work running in parallel.
 * With `roundTrips`, every request to the database counts, transaction control included (START
 * TRANSACTION, COMMIT, …), and a transaction sent whole (one-trip.ts) counts once.
 */
export async function countStatements<T>(
  server: TestServer,
  work: () => Promise<T>,
  { roundTrips = false } = {},
): Promise<{ result: T; statements: string[]; parameters: unknown[][] }> {
  const dataSource = server.app.services.dataSource as unknown as { logger: Logger };
  const original = dataSource.logger;
  const statements: string[] = [];
  const parameters: unknown[][] = [];
  dataSource.logger = new Proxy(original, {
    get(target, property, receiver) {
      if (property === "logQuery") {
        return (query: string, queryParameters?: unknown[], queryRunner?: QueryRunner) => {
          if (roundTrips || !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(query)) {
            statements.push(query);
            parameters.push(queryParameters ?? []);
          }
          return target.logQuery(query, queryParameters, queryRunner);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  try {
    return { result: await work(), statements, parameters };
  } finally {
    dataSource.logger = original;
  }
}
