import { afterAll, beforeAll, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { transactInOneTrip, type GuardedTransaction } from "../../src/core/one-trip";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const query = (sql: string, parameters: unknown[] = []) => server.app.services.dataSource.query(sql, parameters);
const count = async () => Number((await query("SELECT n FROM one_trip_probe WHERE id = 1"))[0].n);

beforeAll(async () => {
  server = await startTestServer();
  await query("CREATE TABLE one_trip_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
  await query("INSERT INTO one_trip_probe (id, n) VALUES (1, 0)");
});
afterAll(() => server?.stop());

const plan = (then: GuardedTransaction["then"], guardWhere = "id = 1"): GuardedTransaction => ({
  guard: { sql: `UPDATE one_trip_probe SET n = n + 1 WHERE ${guardWhere}`, parameters: [] },
  guardRows: 1,
  then,
  answer: { sql: "SELECT n FROM one_trip_probe WHERE id = ?", parameters: [1] },
});

test("a transaction sent whole: committed with its answer; rolled back when the guard does not hold; rolled back and raised when a statement fails, leaving no connection inside a transaction", async () => {
  const ctx = RequestContext.system(server.app.services);
  const n = await count();

  expect(await transactInOneTrip(ctx, plan([{ sql: "INSERT INTO one_trip_probe (id, n) VALUES (?, ?)", parameters: [2, 7] }]))).toEqual([{ n: n + 1 }]);
  expect(await count()).toBe(n + 1);
  expect(await query("SELECT n FROM one_trip_probe WHERE id = 2")).toEqual([{ n: 7 }]);

  // the guard changes no row: nothing of the rest is written
  expect(await transactInOneTrip(ctx, plan([{ sql: "INSERT INTO one_trip_probe (id, n) VALUES (3, 0)", parameters: [] }], "id = 99"))).toBeNull();
  expect(await query("SELECT n FROM one_trip_probe WHERE id = 3")).toEqual([]);

  // a failing statement (a duplicate key) after the guard's write: raised, and the guard's write undone
  await expect(transactInOneTrip(ctx, plan([{ sql: "INSERT INTO one_trip_probe (id, n) VALUES (2, 0)", parameters: [] }]))).rejects.toThrow();
  expect(await count()).toBe(n + 1);
  // had the failed transaction stayed open on a pooled connection, its row lock would stall this one,
  // or its START TRANSACTION would commit the leftover write with it
  for (let i = 0; i < 12; i++) await transactInOneTrip(ctx, plan([]));
  expect(await count()).toBe(n + 13);

  // inside another transaction it refuses (it would run outside it)
  await expect(ctx.transaction((tx) => transactInOneTrip(tx, plan([])))).rejects.toThrow(/not inside another/);
});
