import http from "node:http";
import type { AddressInfo } from "node:net";
import mysql from "mysql2/promise";
import { autocannon, boardQuery, gql, loadBoard, progress, run, startApp } from "./support";

/**
 * bench:board — `taskBoard(first: 50)` with claimant, project (and project.manager when the
 * teams module is merged) through the real app, once per GRAPHQL_ENGINE (two apps on the same
 * database), against a bare node:http + mysql2 handler that runs the same keyset page query as
 * one LEFT JOIN and writes the same JSON.
 */
const TASKS = Number(process.env.BENCH_TASKS || 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 20);
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const PAGE = 50;

/** The raw baseline: one keyset page query (LEFT JOINs use the (due_at, id) index), JSON written by hand. */
function rawServer(databaseUrl: string, withManager: boolean) {
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 20, timezone: "Z" });
  const sql =
    "SELECT t.id, t.title, t.status, t.due_at, c.name AS claimant_name, p.id AS project_id, p.name AS project_name" +
    (withManager ? ", pma.id AS assignment_id, m.name AS manager_name" : "") +
    " FROM board_task t LEFT JOIN `user` c ON c.id = t.claimant_id LEFT JOIN project p ON p.id = t.project_id" +
    (withManager ? " LEFT JOIN project_manager_assignment pma ON pma.active_project_id = p.id LEFT JOIN `user` m ON m.id = pma.cadre_id" : "") +
    " ORDER BY t.due_at ASC, t.id ASC LIMIT ?";
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const first: number = JSON.parse(Buffer.concat(chunks).toString("utf8")).variables.first;
        const [rows] = (await pool.query(sql, [first + 1])) as [any[], unknown];
        const edges = rows.slice(0, first).map((r) => {
          const dueAt = (r.due_at as Date).toISOString();
          const project = r.project_id === null ? null : withManager ? { name: r.project_name, manager: r.assignment_id === null ? null : { name: r.manager_name } } : { name: r.project_name };
          return {
            cursor: Buffer.from(JSON.stringify(["dueAt", dueAt, r.id])).toString("base64url"),
            node: { id: r.id, title: r.title, status: r.status, dueAt, claimant: r.claimant_name === null ? null : { name: r.claimant_name }, project },
          };
        });
        const text = JSON.stringify({ data: { taskBoard: { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } } } });
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
        res.end(text);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
  });
  return {
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

run(async (cleanup) => {
  const { db, app, url: jitUrl, withManager, reader } = await loadBoard(cleanup, "board", TASKS);
  if (app.services.config.graphqlEngine !== "jit") throw new Error(`the loaded app runs ${app.services.config.graphqlEngine}, not jit`);
  const token = reader.token;
  const interpreted = await startApp(db.url, { graphqlEngine: "graphql-js" });
  cleanup.push(interpreted.stop);

  const raw = rawServer(db.url, withManager);
  const rawUrl = await raw.listen();
  cleanup.push(() => raw.stop());

  const targets = [
    { name: "graphql-js", url: interpreted.url, headers: { authorization: `Bearer ${token}` } },
    { name: "jit", url: jitUrl, headers: { authorization: `Bearer ${token}` } },
    { name: "raw", url: rawUrl, headers: {} },
  ] as const;
  const body = JSON.stringify({ query: boardQuery(withManager), variables: { first: PAGE } });
  const viaRaw = await gql(rawUrl, boardQuery(withManager), { first: PAGE });
  for (const target of targets.slice(0, 2)) {
    const viaApp = await gql(target.url, boardQuery(withManager), { first: PAGE }, token);
    if (viaApp.errors || viaApp.data?.taskBoard?.edges?.length !== PAGE) throw new Error(`${target.name} answered ${JSON.stringify(viaApp).slice(0, 500)}`);
    if (JSON.stringify(viaApp.data) !== JSON.stringify(viaRaw.data)) throw new Error(`the raw baseline does not write the same JSON as the app on ${target.name}`);
  }
  progress("both engines and the raw baseline answer the same JSON; warming up");

  for (const target of targets) await autocannon(target.url, body, target.headers, { connections: CONNECTIONS, seconds: 2 });
  const results: Array<Awaited<ReturnType<typeof autocannon>>> = [];
  for (const target of targets) {
    progress(`measuring ${target.name} for ${SECONDS} s`);
    const result = await autocannon(target.url, body, target.headers, { connections: CONNECTIONS, seconds: SECONDS });
    if (result.non2xx || result.errors) throw new Error(`${target.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    results.push(result);
  }
  const [js, jit, bare] = results;
  type Result = (typeof results)[number];
  const figure = (r: Result) => `${r.requestsPerSecond.toFixed(0)} req/s (p99 ${r.p99} ms)`;
  const ratio = (r: Result) => r.requestsPerSecond / bare.requestsPerSecond;
  return (
    `bench:board taskBoard(first:${PAGE}) claimant,project${withManager ? ",manager" : ""} on ${TASKS} tasks, ${CONNECTIONS} connections x ${SECONDS}s: ` +
    `graphql-js ${figure(js)}, jit ${figure(jit)}, raw mysql2 ${figure(bare)}: ratios ${ratio(js).toFixed(2)} / ${ratio(jit).toFixed(2)} ` +
    `(jit ÷ graphql-js ×${(jit.requestsPerSecond / js.requestsPerSecond).toFixed(2)}; target >= 0.25: ${ratio(jit) >= 0.25 ? "met" : "MISSED"}, 0.3 if reachable)`
  );
});
