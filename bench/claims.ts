import { freshDatabase, gql, insertTasks, insertUsers, percentile, progress, run, startApp, startAppProcess, timed, type GraphQLResult } from "./support";

/**
 * bench:claims — (1) CADRES cadres at once, each claiming PER_CADRE distinct tasks one after the
 * other (after WARMUP_PER_CADRE each the same way, unmeasured): claims per second and p99; (2) CONTENDERS cadres claiming one task at the same moment,
 * after WARMUP_ROUNDS such rounds, ROUNDS times on fresh tasks: exactly one winner each time
 * (checked in the answers and the database) and p50/p99 over every answer; (3) the floor: the same
 * callers sending `{ __typename }` at once, as many rounds. The app answering runs in its own
 * process; the clients (node:http) in this one.
 */
const CADRES = Number(process.env.BENCH_CADRES || 100);
const PER_CADRE = Number(process.env.BENCH_CLAIMS_PER_CADRE || 10);
// distinct claims before the measured ones, by the same cadres at the same concurrency (V8 compiles the path)
const WARMUP_PER_CADRE = Number(process.env.BENCH_WARMUP_CLAIMS_PER_CADRE || 3);
const CONTENDERS = Number(process.env.BENCH_CONTENDERS || 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 10);
// A server answers claims all day; the first rounds after it starts run while V8 still compiles
// the claim path (the line prints each warm-up round's p99 to show it).
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS || 10);
const CLAIM = "mutation Claim($input: ClaimTaskInput!) { claimTask(input: $input) { id status claimant { name } } }";

run(async (cleanup) => {
  const db = await freshDatabase("claims");
  cleanup.push(() => db.drop());
  // This instance loads the fixtures and signs the tokens; the one measured runs in its own process.
  const settings = { taskClaimLimit: Math.max(5, WARMUP_PER_CADRE + PER_CADRE, WARMUP_ROUNDS + ROUNDS) };
  const { app, stop } = await startApp(db.url, settings);
  cleanup.push(stop);
  const ds = app.services.dataSource;
  const [admin] = await insertUsers(app, "ADMIN", 1);
  const cadres = await insertUsers(app, "CADRE", CADRES);
  const contenders = await insertUsers(app, "CADRE", CONTENDERS);
  const refs = { publisherId: admin.id, cadreIds: [], projectIds: [] };
  const warmTasks = await insertTasks(ds, CADRES * WARMUP_PER_CADRE, refs, { allOpen: true });
  const tasks = await insertTasks(ds, CADRES * PER_CADRE, refs, { allOpen: true, offset: warmTasks.length });
  const contested = await insertTasks(ds, WARMUP_ROUNDS + ROUNDS, refs, { allOpen: true, offset: warmTasks.length + tasks.length });
  await ds.query("ANALYZE TABLE board_task, `user`");
  const server = await startAppProcess(db.url, settings);
  cleanup.push(() => server.stop());
  const url = server.url;

  const claim = (token: string, taskId: string) => timed(() => gql(url, CLAIM, { input: { taskId, pledge: "按期完成，保质保量" } }, token));
  const check = (r: GraphQLResult) => {
    if (r.errors || r.data?.claimTask?.status !== "CLAIMED") throw new Error(`claim answered ${JSON.stringify(r).slice(0, 400)}`);
  };
  /** Every cadre at once, each claiming its `per` tasks of `from` one after the other: the latencies and the wall time. */
  const claimDistinct = async (from: string[], per: number) => {
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      cadres.map(async (cadre, c) => {
        for (let k = 0; k < per; k++) {
          const { value, ms } = await claim(cadre.token, from[c * per + k]);
          check(value);
          latencies.push(ms);
        }
      }),
    );
    return { latencies, wall: (performance.now() - started) / 1000 };
  };
  progress(`warming up: ${CADRES} cadres x ${WARMUP_PER_CADRE} distinct claims`);
  await claimDistinct(warmTasks, WARMUP_PER_CADRE);
  progress(`${CADRES} cadres x ${PER_CADRE} distinct claims`);
  const { latencies, wall } = await claimDistinct(tasks, PER_CADRE);
  const [{ claimed }] = await ds.query("SELECT COUNT(*) AS claimed FROM board_task WHERE status = 'CLAIMED' AND claimant_id IS NOT NULL");
  if (Number(claimed) !== warmTasks.length + tasks.length) throw new Error(`${claimed} tasks claimed in the database, expected ${warmTasks.length + tasks.length}`);

  /** One round: every contender claims `taskId` at the same moment; exactly one may win. */
  const contend = async (taskId: string) => {
    const answers = await Promise.all(contenders.map((cadre) => claim(cadre.token, taskId).then((r) => ({ ...r, cadre }))));
    const winners = answers.filter((a) => !a.value.errors);
    const losers = answers.filter((a) => a.value.errors?.[0]?.extensions?.code === "TASK_ALREADY_CLAIMED");
    if (winners.length !== 1 || losers.length !== CONTENDERS - 1) {
      throw new Error(`${winners.length} winners, ${losers.length} TASK_ALREADY_CLAIMED of ${CONTENDERS}: ${JSON.stringify(answers.find((a) => a.value.errors && !losers.includes(a))?.value)}`);
    }
    const winner = winners[0].cadre;
    const [row] = await ds.query("SELECT status, claimant_id FROM board_task WHERE id = ?", [taskId]);
    const [{ events }] = await ds.query("SELECT COUNT(*) AS events FROM board_task_event WHERE task_id = ? AND type = 'CLAIMED'", [taskId]);
    if (row.status !== "CLAIMED" || row.claimant_id !== winner.id || Number(events) !== 1) {
      throw new Error(`database disagrees: ${JSON.stringify(row)}, ${events} CLAIMED events, winner ${winner.id}`);
    }
    return answers.map((a) => a.ms);
  };
  // The same callers asking for nothing at once: what HTTP, Apollo and sign-in alone cost at this
  // concurrency, the floor under the contention figure.
  const askNothing = async () => (await Promise.all(contenders.map((cadre) => timed(() => gql(url, "query Floor { __typename }", {}, cadre.token))))).map((r) => r.ms);

  progress(`${CONTENDERS} cadres at once on one task: ${WARMUP_ROUNDS} rounds to warm up, then ${ROUNDS}`);
  const warmUp: number[][] = [];
  for (const taskId of contested.slice(0, WARMUP_ROUNDS)) {
    warmUp.push(await contend(taskId));
    await askNothing();
  }
  const contention: number[] = [];
  const floor: number[] = [];
  for (const taskId of contested.slice(WARMUP_ROUNDS)) {
    contention.push(...(await contend(taskId)));
    floor.push(...(await askNothing()));
  }
  const p99 = percentile(contention, 0.99);
  const rate = latencies.length / wall;
  const distinctP99 = percentile(latencies, 0.99);
  return (
    `bench:claims ${CADRES} cadres x ${PER_CADRE} distinct tasks (after ${WARMUP_PER_CADRE} each to warm up): ${rate.toFixed(0)} claims/s, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, ` +
    `p99 ${distinctP99.toFixed(1)} ms (target >= 500/s with p99 <= 300 ms: ${rate >= 500 && distinctP99 <= 300 ? "met" : "MISSED"}); ` +
    `${CONTENDERS} at once on one task, ${ROUNDS} rounds after ${WARMUP_ROUNDS} to warm up: exactly one winner each (${CONTENDERS - 1} TASK_ALREADY_CLAIMED; database agrees), ` +
    `p50 ${percentile(contention, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target < 100 ms: ${p99 < 100 ? "met" : "MISSED"}; ` +
    `the warm-up rounds' p99 in order: ${warmUp.map((round) => percentile(round, 0.99).toFixed(0)).join(", ")} ms); ` +
    `floor, ${CONTENDERS} signed-in { __typename } at once, ${ROUNDS} rounds: p50 ${percentile(floor, 0.5).toFixed(1)} ms, p99 ${percentile(floor, 0.99).toFixed(1)} ms`
  );
});
