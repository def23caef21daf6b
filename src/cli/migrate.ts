import "reflect-metadata";
import { loadConfig } from "../config";
import { createDataSource } from "../core/db";
import { migrations } from "../../migrations";
import { allEntities } from "../modules";

/** npm run migrate: applies pending migrations on whichever database is configured. */
async function main() {
  const dataSource = createDataSource(loadConfig(), { entities: allEntities, migrations });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: "each" });
    console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(", ")}` : "Database is up to date");
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
