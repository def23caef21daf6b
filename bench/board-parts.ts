import { autocannon, boardQuery, gql, loadBoard, progress, run } from "./support";

/**
 * bench:board-parts — where a bench:board request's time goes: the same app and data, asked
 * for more of the page step by step, each step's throughput over HTTP (autocannon). The
 * difference between two steps is what the step adds.
 */
const TASKS = Number(process.env.BENCH_TASKS || 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 20);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const PAGE = 50;

const page = (selection: string) => `query Board($first: Int!) { taskBoard(first: $first, orderBy: DUE_AT_ASC) { ${selection} } }`;

run(async (cleanup) => {
  const { url, withManager, reader } = await loadBoard(cleanup, "boardparts", TASKS);
  const steps: Array<[string, string]> = [
    ["signed-in { __typename }", "query Floor { __typename }"],
    ["page, node ids only", page("edges { node { id } }")],
    ["+ title, status, dueAt, claimant, project", page("edges { node { id title status dueAt claimant { name } project { name } } }")],
    ["+ cursors and pageInfo", boardQuery(false)],
  ];
  if (withManager) steps.push(["+ project.manager (the bench:board query)", boardQuery(true)]);
  const headers = { authorization: `Bearer ${reader.token}` };
  const figures: string[] = [];
  for (const [name, query] of steps) {
    const answer = await gql(url, query, { first: PAGE }, reader.token);
    if (answer.errors) throw new Error(`${name}: ${JSON.stringify(answer.errors).slice(0, 400)}`);
    const body = JSON.stringify({ query, variables: { first: PAGE } });
    progress(`${name}: warming up, then ${SECONDS} s`);
    await autocannon(url, body, headers, { connections: CONNECTIONS, seconds: 2 });
    const cpuBefore = process.cpuUsage();
    const result = await autocannon(url, body, headers, { connections: CONNECTIONS, seconds: SECONDS });
    const cpu = process.cpuUsage(cpuBefore);
    if (result.non2xx || result.errors) throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    // The app's CPU per request (this process serves it; autocannon runs in another): steadier than
    // req/s on a machine shared with other work, which takes cores but not this process's CPU time.
    const cpuMs = (cpu.user + cpu.system) / 1000 / (result.requestsPerSecond * SECONDS);
    figures.push(`${name} ${result.requestsPerSecond.toFixed(0)} req/s (${(1000 / result.requestsPerSecond).toFixed(2)} ms, CPU ${cpuMs.toFixed(2)} ms)`);
  }
  return `bench:board-parts taskBoard(first:${PAGE}) on ${TASKS} tasks, ${CONNECTIONS} connections x ${SECONDS}s: ${figures.join("; ")}`;
});
