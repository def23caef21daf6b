import {
  boardQuery, freshDatabase, gql, hasManager, insertProjects, insertTasks, insertUsers, percentile, progress, run, startApp, timed,
} from "./support";

/**
 * bench:pages — latency of a `taskBoard(first: 50)` page (due-date order, claimant and project)
 * at the start of the list and ~90% into it (reached by following endCursors), with 1,000 tasks
 * and then with 100,000 (the same database grown), requests one at a time.
 */
const SMALL = Number(process.env.BENCH_SMALL || 1_000);
const LARGE = Number(process.env.BENCH_LARGE || 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES || 200);
const PAGE = 50;

interface Figures {
  p50: number;
  p99: number;
}

run(async (cleanup) => {
  const db = await freshDatabase("pages");
  cleanup.push(() => db.drop());
  const { app, url, stop } = await startApp(db.url);
  cleanup.push(stop);
  const ds = app.services.dataSource;
  const query = boardQuery(hasManager(app));
  const [admin] = await insertUsers(app, "ADMIN", 1);
  const cadres = await insertUsers(app, "CADRE", 50);
  const { projectIds } = await insertProjects(ds, 500);
  const refs = { publisherId: admin.id, cadreIds: cadres.map((c) => c.id), projectIds };
  const token = cadres[0].token;

  const page = async (first: number, after: string | null) => {
    const result = await gql(url, query, { first, after }, token);
    if (result.errors || result.data.taskBoard.edges.length !== first) throw new Error(`page answered ${JSON.stringify(result).slice(0, 400)}`);
    return result.data.taskBoard.pageInfo.endCursor as string;
  };
  const latency = async (after: string | null): Promise<Figures> => {
    for (let i = 0; i < 100; i++) await page(PAGE, after); // warm-up (JIT, pools)
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) samples.push((await timed(() => page(PAGE, after))).ms);
    return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
  };
  const measure = async (total: number) => {
    progress(`${total} tasks: first page`);
    const first = await latency(null);
    let cursor: string | null = null;
    let position = 0;
    while (position + 100 <= total * 0.9) {
      cursor = await page(100, cursor);
      position += 100;
    }
    progress(`${total} tasks: deep page after row ${position}`);
    return { first, deep: await latency(cursor) };
  };

  await insertTasks(ds, SMALL, refs);
  await ds.query("ANALYZE TABLE board_task, `user`, project");
  const small = await measure(SMALL);
  progress(`growing to ${LARGE} tasks`);
  await insertTasks(ds, LARGE - SMALL, refs, { offset: SMALL });
  await ds.query("ANALYZE TABLE board_task, `user`, project");
  const large = await measure(LARGE);

  const f = (x: Figures) => `${x.p50.toFixed(1)}/${x.p99.toFixed(1)} ms`;
  const growth = Math.max(large.first.p50 / small.first.p50, large.deep.p50 / small.deep.p50);
  const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  return (
    `bench:pages taskBoard(first:${PAGE}) p50/p99 over ${SAMPLES} sequential requests: ` +
    `${k(SMALL)} first ${f(small.first)}, ${k(SMALL)} deep ${f(small.deep)}, ${k(LARGE)} first ${f(large.first)}, ${k(LARGE)} deep ${f(large.deep)}; ` +
    `${k(LARGE)}/${k(SMALL)} p50 first x${(large.first.p50 / small.first.p50).toFixed(2)} deep x${(large.deep.p50 / small.deep.p50).toFixed(2)} (target <= 1.5: ${growth <= 1.5 ? "met" : "MISSED"}); ` +
    `deep/first p50 ${k(SMALL)} x${(small.deep.p50 / small.first.p50).toFixed(2)}, ${k(LARGE)} x${(large.deep.p50 / large.first.p50).toFixed(2)}`
  );
});
