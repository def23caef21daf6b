import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import type { TestServer } from "./server";

/**
 * A database connection of its own, outside the app's DataSource, on a test server's database:
 * a separate mysql2 connection on MariaDB, a separate better-sqlite3 handle on the SQLite file.
 * What it reads is what is committed, as another instance (or a report) would see it. Reads only.
 */
export interface OtherConnection {
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openOtherConnection(server: TestServer): Promise<OtherConnection> {
  if (server.databaseUrl) {
    const connection = await mysql.createConnection({ uri: server.databaseUrl, timezone: "Z", dateStrings: ["DATE"] });
    return {
      async query<T>(sql: string, params: unknown[] = []) {
        const [rows] = await connection.query(sql, params);
        return rows as T[];
      },
      close: () => connection.end(),
    };
  }
  // The file the app's DataSource opened (under config.dataDir).
  const file = String(server.app.services.dataSource.options.database);
  const db = new Database(file, { fileMustExist: true });
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...params) as T[];
    },
    close: async () => void db.close(),
  };
}
