import { afterAll, beforeAll, expect, test } from "vitest";
import { startAppProcess } from "../support/app-process";
import { codeOf, startTestServer, type GraphQLResponse, type TestServer } from "../support/server";
import { CLAIM, publishTask, rows } from "./board-helpers";

// Claims on one task through two instances of the app that share nothing in process: each
// instance's own coalescing of claims (one attempt per task in flight) cannot decide between
// them; only the database's conditional UPDATE can.
// On MariaDB the second instance is a child process (test/support/app-process.ts) on the same
// database, and the claims through both instances are sent at once.
// On SQLite the second instance is a second in-process server on the same file: better-sqlite3
// blocks the thread while it waits for the file lock, so two in-process instances writing at once
// would wait on each other until busy_timeout. There the claims go through one instance at a time
// (all of an instance's claims at once), which shows the answers, not the race.

type Instance = { gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> };

const crossProcess = Boolean(process.env.TEST_DATABASE_URL);
let server: TestServer;
let second: Instance & { stop(): Promise<void> };
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  second = crossProcess ? await startAppProcess(server) : await startTestServer({ share: server });
  adminToken = (await server.user("ADMIN")).token;
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

test(
  crossProcess
    ? "40 cadres claiming one task at once through two app processes on one database: one wins, the database agrees, 39 get TASK_ALREADY_CLAIMED naming the holder"
    : "40 cadres claiming one task through two app instances on one database (SQLite: one instance after the other): one wins, the database agrees, 39 get TASK_ALREADY_CLAIMED naming the holder",
  async () => {
    const cadres: Array<Awaited<ReturnType<TestServer["user"]>>> = [];
    for (let i = 0; i < 40; i++) cadres.push(await server.user("CADRE"));
    // The second instance answers before the race (its first request is slow: connections, JIT).
    expect((await second.gql(`{ me { id } }`, {}, cadres[0].token)).data.me.id).toBe(cadres[0].user.id);

    // Several tasks, so the first attempts of the two instances meet more than once; at most
    // taskClaimLimit rounds, so no cadre can reach the limit.
    for (let round = 0; round < server.config.taskClaimLimit; round++) {
      const task = await publishTask(server, adminToken);
      const through = (i: number): Instance => ((i + round) % 2 === 0 ? server : second);
      const send = (i: number) => through(i).gql(CLAIM, { input: { taskId: task.id, pledge: `pledge of ${cadres[i].user.id}` } }, cadres[i].token);
      let responses: GraphQLResponse[];
      if (crossProcess) {
        responses = await Promise.all(cadres.map((_, i) => send(i)));
      } else {
        responses = new Array(cadres.length);
        for (const parity of [round % 2, (round + 1) % 2]) {
          const mine = cadres.map((_, i) => i).filter((i) => i % 2 === parity);
          (await Promise.all(mine.map(send))).forEach((r, k) => (responses[mine[k]] = r));
        }
      }

      const winners = responses.flatMap((r, i) => (r.errors ? [] : [cadres[i].user]));
      expect(winners.map((w) => w.id), `round ${round}: the cadres told they hold the task`).toHaveLength(1);
      const [winner] = winners;
      const losers = responses.filter((r) => r.errors);
      expect(losers.map(codeOf)).toEqual(Array(39).fill("TASK_ALREADY_CLAIMED"));
      for (const loser of losers) expect(loser.errors![0].extensions).toMatchObject({ claimantId: winner.id, claimantName: winner.name });

      const [row] = await rows(server, "SELECT status, claimant_id, pledge, revision FROM board_task WHERE id = ?", [task.id]);
      expect(row).toEqual({ status: "CLAIMED", claimant_id: winner.id, pledge: `pledge of ${winner.id}`, revision: 2 });
      expect(await rows(server, "SELECT actor_id FROM board_task_event WHERE task_id = ? AND type = 'CLAIMED'", [task.id])).toEqual([{ actor_id: winner.id }]);
    }
    // Each round's one winner holds one task more; nobody else holds any.
    const held = await rows(server, "SELECT cadre_id, open_tasks FROM cadre_workload WHERE open_tasks > 0");
    const claimed = await rows(server, "SELECT claimant_id, COUNT(*) AS n FROM board_task WHERE status = 'CLAIMED' GROUP BY claimant_id");
    expect(held.map((h) => [h.cadre_id, Number(h.open_tasks)]).sort()).toEqual(claimed.map((c) => [c.claimant_id, Number(c.n)]).sort());
    expect(claimed.reduce((n, c) => n + Number(c.n), 0)).toBe(server.config.taskClaimLimit);
  },
);
