import type { DataSource } from "typeorm";
import { migrations } from "../../migrations";
import { createDataSource } from "../../src/core/db";
import { allEntities } from "../../src/modules";
import { freshDatabase } from "./server";

/**
 * One migration over rows already in place, on the database the suite runs on: a fresh database
 * migrated to just before `name`, where `seed` writes the rows; then `name` runs and `check` reads
 * the result (and may undo it: undoLastMigration undoes `name`).
 */
export async function acrossMigration(name: string, seed: (db: DataSource) => Promise<void>, check: (db: DataSource) => Promise<void>): Promise<void> {
  const index = migrations.findIndex((m) => m.name === name);
  if (index < 1) throw new Error(`No migration ${name} after the first`);
  const database = await freshDatabase();
  const options = { databaseUrl: database.databaseUrl, dataDir: database.dataDir };
  try {
    const old = createDataSource(options, { entities: allEntities, migrations: migrations.slice(0, index) });
    await old.initialize();
    try {
      await old.runMigrations({ transaction: "each" });
      await seed(old);
    } finally {
      await old.destroy();
    }
    const migrated = createDataSource(options, { entities: allEntities, migrations: migrations.slice(0, index + 1) });
    await migrated.initialize();
    try {
      await migrated.runMigrations({ transaction: "each" });
      await check(migrated);
    } finally {
      await migrated.destroy();
    }
  } finally {
    await database.drop();
  }
}
