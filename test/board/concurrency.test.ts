import { afterAll, beforeAll, expect, test } from "vitest";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { claim, publishTask, rows, workload } from "./board-helpers";

let server: TestServer;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

test("50 cadres claiming one task at once over HTTP: exactly one gets it, 49 get TASK_ALREADY_CLAIMED naming the holder", async () => {
  const task = await publishTask(server, adminToken, { category: "MAJOR_PROJECT" });
  const cadres: Array<Awaited<ReturnType<TestServer["user"]>>> = [];
  for (let i = 0; i < 50; i++) cadres.push(await server.user("CADRE"));
  const responses = await Promise.all(cadres.map((c) => claim(server, c.token, task.id, `pledge of ${c.user.id}`)));

  const winners = responses.map((r, i) => ({ r, cadre: cadres[i] })).filter(({ r }) => !r.errors);
  expect(winners).toHaveLength(1);
  const winner = winners[0].cadre.user;
  const losers = responses.filter((r) => r.errors);
  expect(losers).toHaveLength(49);
  for (const loser of losers) {
    expect(codeOf(loser)).toBe("TASK_ALREADY_CLAIMED");
    expect(loser.errors![0].extensions).toMatchObject({ claimantId: winner.id, claimantName: winner.name });
  }
  expect(winners[0].r.data.claimTask.claimant.id).toBe(winner.id);

  const [row] = await rows(server, "SELECT status, claimant_id, pledge FROM board_task WHERE id = ?", [task.id]);
  expect(row).toEqual({ status: "CLAIMED", claimant_id: winner.id, pledge: `pledge of ${winner.id}` });
  const events = await rows(server, "SELECT actor_id FROM board_task_event WHERE task_id = ? AND type = 'CLAIMED'", [task.id]);
  expect(events).toEqual([{ actor_id: winner.id }]);
  const ids = cadres.map((c) => c.user.id);
  const workloads = await rows(server, `SELECT cadre_id, open_tasks FROM cadre_workload WHERE open_tasks > 0 AND cadre_id IN (${ids.map(() => "?").join(",")})`, ids);
  expect(workloads).toEqual([{ cadre_id: winner.id, open_tasks: 1 }]);
});

test("one cadre claiming 12 tasks at once against the limit of 5: exactly 5 succeed, 7 get TASK_LIMIT_REACHED", async () => {
  expect(server.config.taskClaimLimit).toBe(5);
  const { user, token } = await server.user("CADRE");
  const tasks: Array<{ id: string }> = [];
  for (let i = 0; i < 12; i++) tasks.push(await publishTask(server, adminToken));
  const responses = await Promise.all(tasks.map((t) => claim(server, token, t.id)));
  expect(responses.filter((r) => !r.errors)).toHaveLength(5);
  const refused = responses.filter((r) => r.errors);
  expect(refused.map(codeOf)).toEqual(Array(7).fill("TASK_LIMIT_REACHED"));
  expect(refused[0].errors![0].extensions!.limit).toBe(5);

  const held = await rows(server, "SELECT COUNT(*) AS n FROM board_task WHERE claimant_id = ? AND status = 'CLAIMED'", [user.id]);
  expect(Number(held[0].n)).toBe(5);
  const open = await rows(server, `SELECT COUNT(*) AS n FROM board_task WHERE claimant_id IS NULL AND status = 'OPEN' AND id IN (${tasks.map(() => "?").join(",")})`, tasks.map((t) => t.id));
  expect(Number(open[0].n)).toBe(7);
  expect(await workload(server, user.id)).toBe(5);
  const claimEvents = await rows(server, "SELECT COUNT(*) AS n FROM board_task_event WHERE actor_id = ? AND type = 'CLAIMED'", [user.id]);
  expect(Number(claimEvents[0].n)).toBe(5);
});

test("a cadre who releases or finishes a task may claim again; the count follows", async () => {
  const { user, token } = await server.user("CADRE");
  const tasks: Array<{ id: string }> = [];
  for (let i = 0; i < 6; i++) tasks.push(await publishTask(server, adminToken));
  for (const t of tasks.slice(0, 5)) expect((await claim(server, token, t.id)).errors).toBeUndefined();
  expect(codeOf(await claim(server, token, tasks[5].id))).toBe("TASK_LIMIT_REACHED");
  await server.gql(`mutation($input: ReleaseTaskInput!) { releaseTask(input: $input) { id } }`, { input: { taskId: tasks[0].id, reason: "换人" } }, token);
  expect((await claim(server, token, tasks[5].id)).errors).toBeUndefined();
  await server.gql(`mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id } }`, { input: { taskId: tasks[1].id } }, token);
  const stillCounted = await claim(server, token, tasks[0].id);
  expect(codeOf(stillCounted)).toBe("TASK_LIMIT_REACHED"); // SUBMITTED still counts, and the answer says so
  expect(stillCounted.errors![0].message).toContain("wait until a submitted one is verified");
  await server.gql(`mutation($input: VerifyTaskInput!) { verifyTask(input: $input) { id } }`, { input: { taskId: tasks[1].id, fulfilled: true } }, adminToken);
  expect((await claim(server, token, tasks[0].id)).errors).toBeUndefined();
  expect(await workload(server, user.id)).toBe(5);
});

test("claims waiting on an attempt that fails go on to try: a cadre at the limit and another claiming one task at once, the other gets it", async () => {
  const full = await server.user("CADRE");
  for (let i = 0; i < server.config.taskClaimLimit; i++) expect((await claim(server, full.token, (await publishTask(server, adminToken)).id)).errors).toBeUndefined();
  const other = await server.user("CADRE");
  // Both orders are covered: the full cadre's claim first in one round, second in the next.
  for (const order of [[full, other], [other, full]]) {
    const contested = await publishTask(server, adminToken);
    const [first, second] = await Promise.all(order.map((c) => claim(server, c.token, contested.id)));
    const byCadre = new Map([[order[0].user.id, first], [order[1].user.id, second]]);
    expect(byCadre.get(other.user.id)!.errors).toBeUndefined();
    expect(byCadre.get(other.user.id)!.data.claimTask.claimant.id).toBe(other.user.id);
    expect(["TASK_LIMIT_REACHED", "TASK_ALREADY_CLAIMED"]).toContain(codeOf(byCadre.get(full.user.id)!));
    const [row] = await rows(server, "SELECT status, claimant_id FROM board_task WHERE id = ?", [contested.id]);
    expect(row).toEqual({ status: "CLAIMED", claimant_id: other.user.id });
    await server.gql(`mutation($input: ReleaseTaskInput!) { releaseTask(input: $input) { id } }`, { input: { taskId: contested.id, reason: "下一轮" } }, other.token);
  }
});

test("a cadre claiming the same task twice at once gets it both times, claimed once", async () => {
  const { user, token } = await server.user("CADRE");
  const task = await publishTask(server, adminToken);
  const answers = await Promise.all([claim(server, token, task.id), claim(server, token, task.id), claim(server, token, task.id)]);
  for (const answer of answers) expect(answer.data.claimTask).toMatchObject({ id: task.id, status: "CLAIMED", claimant: { id: user.id } });
  const events = await rows(server, "SELECT COUNT(*) AS n FROM board_task_event WHERE task_id = ? AND type = 'CLAIMED'", [task.id]);
  expect(Number(events[0].n)).toBe(1);
});
