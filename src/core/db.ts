import fs from "node:fs";
import path from "node:path";
import { DataSource, type DataSourceOptions, type MixedList } from "typeorm";
import type { AppConfig } from "../config";

export type Dialect = "sqlite" | "mariadb";

export function dialectOf(config: Pick<AppConfig, "databaseUrl">): Dialect {
  return config.databaseUrl ? "mariadb" : "sqlite";
}

/** One DataSource for both dialects; the schema is made by migrations only. */
export function createDataSource(
  config: Pick<AppConfig, "databaseUrl" | "dataDir">,
  options: { entities: MixedList<Function>; migrations: MixedList<Function>; subscribers?: MixedList<Function>; logging?: boolean },
): DataSource {
  const common = {
    entities: options.entities,
    migrations: options.migrations,
    subscribers: options.subscribers ?? [],
    migrationsTableName: "migrations",
    synchronize: false,
    logging: options.logging ?? false,
  };
  let settings: DataSourceOptions;
  if (config.databaseUrl) {
    settings = {
      ...common,
      type: "mariadb",
      url: config.databaseUrl.replace(/^mariadb:/, "mysql:"),
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      // trace: false skips the stack capture mysql2 makes per query (a few % of CPU on hot pages).
      // dateStrings: DATE columns read as 'YYYY-MM-DD', as SQLite gives them, raw queries included
      // (mysql2 would make them midnight Dates in the connection's time zone).
      extra: { connectionLimit: 20, trace: false, dateStrings: ["DATE"] },
    };
  } else {
    fs.mkdirSync(config.dataDir, { recursive: true });
    settings = {
      ...common,
      type: "better-sqlite3",
      database: path.join(config.dataDir, "fast-approval.sqlite"),
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma("journal_mode = WAL");
        db.pragma("busy_timeout = 5000");
      },
    };
  }
  return new DataSource(settings);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * A Date as both databases store and compare it ("YYYY-MM-DD HH:MM:SS.mmm", UTC), for raw
 * parameters: better-sqlite3 cannot bind Date objects and mysql2 would use local time.
 */
export function dbDate(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
}

/**
 * A LIKE pattern matching `text` anywhere, its wildcards taken literally. Use with ESCAPE '!':
 * a backslash means different things in MariaDB and SQLite literals, "!" the same on both.
 */
export const containsPattern = (text: string) => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
