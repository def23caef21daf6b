import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { printAppSchema } from "../../src/schema";
import { REMIT_TABLE_END, REMIT_TABLE_START, remitTable } from "../../src/modules/policy/remits";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

test("schema/schema.graphql is the schema the code builds (run `npm run schema` after a change)", () => {
  const file = fs.readFileSync(path.join(__dirname, "../../schema/schema.graphql"), "utf8");
  expect(printAppSchema(server.app.schema)).toBe(file);
});

test("the README's \"Who may do what\" is the remit table the services ask (run `npm run schema` after a change)", () => {
  const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
  const start = readme.indexOf(REMIT_TABLE_START);
  const end = readme.indexOf(REMIT_TABLE_END);
  expect(start).toBeGreaterThan(0);
  expect(readme.slice(start, end + REMIT_TABLE_END.length)).toBe(remitTable());
});

test("the migrations leave no difference from the entities", async () => {
  const sql = await server.app.services.dataSource.driver.createSchemaBuilder().log();
  expect(sql.upQueries.map((q) => q.query)).toEqual([]);
});

test("migrations are recorded and none is pending", async () => {
  const { dataSource } = server.app.services;
  expect(await dataSource.showMigrations()).toBe(false);
  const rows = await dataSource.query("SELECT name FROM migrations");
  expect(rows.length).toBe(dataSource.migrations.length);
});
