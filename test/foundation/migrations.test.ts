import { afterAll, beforeAll, expect, onTestFinished, test } from "vitest";
import type { DataSource, Table } from "typeorm";
import { migrations } from "../../migrations";
import { createDataSource } from "../../src/core/db";
import { allEntities } from "../../src/modules";
import { User } from "../../src/modules/accounts/user.entity";
import { freshDatabase, startTestServer, type TestServer } from "../support/server";

// Every migration's down() undoes exactly its up(), on the database the suite runs on (SQLite, or
// MariaDB with TEST_DATABASE_URL): undone one by one, the schema after each undo is the schema a
// database has with only the migrations before it applied; applied again, the schema is as it was
// and the entities match it.

/** TypeORM's record of applied migrations, and SQLite's own table (the AUTOINCREMENT counters). */
const isBookkeeping = (table: string) => table === "migrations" || table.startsWith("sqlite_");

/** The tables of the database the DataSource is on (with no names, TypeORM's getTables lists every schema on a MariaDB server). */
async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> =
    dataSource.options.type === "better-sqlite3"
      ? await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table'")
      : await dataSource.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()");
  return rows.map((r) => r.name).filter((name) => !name.startsWith("sqlite_")).sort();
}

/** What a schema is made of, as the database reports it: tables, columns, indices, foreign keys, and each table's row count (reference data). */
async function schemaOf(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  try {
    const tables: Table[] = await runner.getTables(await tableNames(dataSource));
    const described = [];
    for (const table of tables.filter((t) => !isBookkeeping(t.name)).sort((a, b) => a.name.localeCompare(b.name))) {
      const [{ n }] = await runner.query(`SELECT COUNT(*) AS n FROM \`${table.name}\``);
      described.push({
        table: table.name,
        rows: Number(n),
        // by name: an added column goes last on MariaDB, and the order of columns means nothing
        columns: [...table.columns].sort((a, b) => a.name.localeCompare(b.name)).map((c) => ({
          name: c.name,
          type: c.type,
          length: c.length,
          precision: c.precision ?? null,
          scale: c.scale ?? null,
          nullable: c.isNullable,
          primary: c.isPrimary,
          unique: c.isUnique,
          default: c.default ?? null,
          onUpdate: c.onUpdate ?? null,
          generated: c.isGenerated,
        })),
        indices: table.indices
          .map((i) => ({ name: i.name, columns: i.columnNames, unique: i.isUnique }))
          .sort((a, b) => String(a.name).localeCompare(String(b.name))),
        uniques: table.uniques.map((u) => ({ name: u.name, columns: u.columnNames })).sort((a, b) => String(a.name).localeCompare(String(b.name))),
        foreignKeys: table.foreignKeys
          .map((f) => ({ name: f.name, columns: f.columnNames, references: `${f.referencedTableName}(${f.referencedColumnNames.join(",")})`, onDelete: f.onDelete, onUpdate: f.onUpdate }))
          .sort((a, b) => String(a.name).localeCompare(String(b.name))),
        checks: table.checks.map((c) => c.expression).sort(),
      });
    }
    return described;
  } finally {
    await runner.release();
  }
}

/** The statements TypeORM would run to make the database match the entities: none when migrations and entities agree. */
async function entityDrift(dataSource: DataSource): Promise<string[]> {
  return (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
}

const appliedMigrations = async (dataSource: DataSource) => (await dataSource.query("SELECT name FROM migrations ORDER BY id")).map((r: { name: string }) => r.name);

let server: TestServer;
/** The schema with the first k migrations applied, k = 0 … all, each migration run on its own. */
const schemaAfter: Array<Awaited<ReturnType<typeof schemaOf>>> = [];

beforeAll(async () => {
  server = await startTestServer();
  // A second database, migrated one migration at a time, for the schema at each step.
  const steps = await freshDatabase();
  try {
    for (let k = 0; k <= migrations.length; k++) {
      const dataSource = createDataSource(
        { databaseUrl: steps.databaseUrl, dataDir: steps.dataDir },
        { entities: allEntities, migrations: migrations.slice(0, k) },
      );
      await dataSource.initialize();
      try {
        await dataSource.runMigrations({ transaction: "each" });
        schemaAfter.push(await schemaOf(dataSource));
      } finally {
        await dataSource.destroy();
      }
    }
  } finally {
    await steps.drop();
  }
});
afterAll(() => server?.stop());

test("the migrated schema matches the entities, and is the same applied at once (at start) or one migration at a time", async () => {
  const { dataSource } = server.app.services;
  expect(await entityDrift(dataSource)).toEqual([]);
  expect(await schemaOf(dataSource)).toEqual(schemaAfter[migrations.length]);
  expect(schemaAfter[0]).toEqual([]);
});

test("each down() undoes its up(): undone one by one down to an empty database, then applied again, with no schema difference", async () => {
  const { dataSource } = server.app.services;
  const names = await appliedMigrations(dataSource);
  expect(names).toHaveLength(migrations.length);

  for (let k = migrations.length; k > 0; k--) {
    await dataSource.undoLastMigration({ transaction: "each" });
    expect(await appliedMigrations(dataSource), `after undoing ${names[k - 1]}`).toEqual(names.slice(0, k - 1));
    expect(await schemaOf(dataSource), `the schema after undoing ${names[k - 1]}`).toEqual(schemaAfter[k - 1]);
  }
  expect(await tableNames(dataSource), "tables left with every migration undone").toEqual(["migrations"]);

  const applied = await dataSource.runMigrations({ transaction: "each" });
  expect(applied.map((m) => m.name)).toEqual(names);
  expect(await schemaOf(dataSource)).toEqual(schemaAfter[migrations.length]);
  expect(await entityDrift(dataSource)).toEqual([]);

  // And the server works on it: a new user signs in through GraphQL.
  const { user, token } = await server.user("ADMIN");
  // the other test compares row counts: leave none behind, whichever runs first
  onTestFinished(() => server.app.services.dataSource.getRepository(User).delete({ id: user.id }).then(() => undefined));
  expect((await server.gql(`{ me { id role } }`, {}, token)).data.me).toEqual({ id: user.id, role: "ADMIN" });
});
