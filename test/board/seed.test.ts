import { afterAll, beforeAll, expect, test } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed";
import { startTestServer, type TestServer } from "../support/server";
import { claim, rows } from "./board-helpers";

let server: TestServer;
const login = async (username: string, on = server) => {
  const response = await on.gql(`mutation($input: LoginInput!) { login(input: $input) { token } }`, { input: { username, password: DEMO_PASSWORD } });
  return response.data.login.token as string;
};

beforeAll(async () => {
  server = await startTestServer({ config: { seedDemo: true } });
});
afterAll(() => server?.stop());

test("the demo board: 67 tasks in three categories, all but the two newest claimed, every task due fulfilled (兑现率 100%)", async () => {
  const token = await login("cadre.zhang");
  const stats = (await server.gql(`{ boardStats { published claimed open inProgress due fulfilled fulfilledOnTime failed unfinished fulfilmentRate overdue byCategory { category published } } }`, {}, token)).data.boardStats;
  expect(stats).toMatchObject({ published: 67, claimed: 65, open: 2, failed: 0, unfinished: 0, fulfilmentRate: 1, overdue: 0 });
  // what the histories produced by today: the recent tasks in progress, the rest fulfilled on time
  expect(stats.inProgress + stats.fulfilled).toBe(65);
  expect(stats.due).toBe(stats.fulfilled);
  expect(stats.fulfilledOnTime).toBe(stats.fulfilled);
  expect(stats.fulfilled).toBeGreaterThan(45);
  expect(stats.byCategory.map((c: any) => c.published)).toEqual([21, 22, 24]);
  const [fulfilledEvents, held] = [
    await rows(server, "SELECT COUNT(*) AS n FROM board_task_event WHERE type = 'FULFILLED'"),
    await rows(server, "SELECT COUNT(*) AS n FROM board_task_event e WHERE e.type = 'CLAIMED' AND NOT EXISTS (SELECT 1 FROM board_task_event later WHERE later.task_id = e.task_id AND later.seq > e.seq AND later.type IN ('RELEASED', 'FULFILLED'))"),
  ];
  expect(Number(fulfilledEvents[0].n)).toBe(stats.fulfilled);
  expect(Number(held[0].n)).toBe(stats.inProgress);
});

test("the demo's major-project tasks serve the projects they name; released and sent-back tasks show in their histories", async () => {
  const token = await login("admin");
  const major = await server.gql(`{ taskBoard(first: 100, filter: { category: MAJOR_PROJECT }) { edges { node { title project { name } timeline { type } } } } }`, {}, token);
  const nodes = major.data.taskBoard.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(21);
  for (const node of nodes) expect(node.title.startsWith(`${node.project.name} `), node.title).toBe(true);
  const types = (await rows(server, "SELECT type, COUNT(*) AS n FROM board_task_event GROUP BY type")).reduce<Record<string, number>>((m, r) => ({ ...m, [r.type]: Number(r.n) }), {});
  expect(types.RELEASED).toBeGreaterThan(0);
  expect(types.SENT_BACK).toBeGreaterThan(0);
  expect(types.CLAIMED).toBe(65 + types.RELEASED);
});

test("every demo task has a consistent timeline and each cadre's workload matches what they hold", async () => {
  const tasks = await rows(server, "SELECT id, status, revision FROM board_task");
  const events = await rows(server, "SELECT task_id, seq, type, to_status FROM board_task_event ORDER BY task_id, seq");
  for (const task of tasks) {
    const timeline = events.filter((e) => e.task_id === task.id);
    expect(timeline.map((e) => Number(e.seq))).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline.length).toBe(Number(task.revision));
    expect(timeline[0].type).toBe("PUBLISHED");
    expect(timeline.filter((e) => e.to_status).at(-1)!.to_status).toBe(task.status);
  }
  const held = await rows(server, "SELECT claimant_id, COUNT(*) AS n FROM board_task WHERE status IN ('CLAIMED', 'SUBMITTED') GROUP BY claimant_id");
  const workload = await rows(server, "SELECT cadre_id, open_tasks FROM cadre_workload WHERE open_tasks > 0");
  expect(Object.fromEntries(workload.map((w) => [w.cadre_id, Number(w.open_tasks)]))).toEqual(Object.fromEntries(held.map((h) => [h.claimant_id, Number(h.n)])));
});

test("the demo board is made by the services: each step audited as its demo user, on its day; nothing seeded directly", async () => {
  const users = new Map((await rows(server, "SELECT id, username FROM user")).map((u) => [u.id, u.username]));
  const tasks = await rows(server, "SELECT id, status, claimant_id, published_at, claimed_at, submitted_at, verified_at, verified_by_id FROM board_task");
  const audit = await rows(server, "SELECT entity_id, action, actor_id, at FROM audit_entry WHERE entity_type = 'BoardTask' ORDER BY at, id");
  expect(audit.map((a) => a.action)).not.toContain("boardTask.seed");
  const trailOf = (id: string) => audit.filter((a) => a.entity_id === id).map((a) => [a.action, users.get(a.actor_id)]);
  const dayOf = (value: unknown) => new Date(value as string).getTime();
  const fulfilled = tasks.filter((t) => t.status === "FULFILLED");
  expect(fulfilled.length).toBeGreaterThan(45);
  for (const task of tasks) {
    const trail = trailOf(task.id);
    const claimant = task.claimant_id ? users.get(task.claimant_id) : undefined;
    expect(trail[0], task.id).toEqual(["boardTask.published", "admin"]);
    if (task.status === "OPEN") {
      expect(trail, task.id).toHaveLength(1);
      continue;
    }
    expect(trail, task.id).toContainEqual(["boardTask.claimed", claimant]);
    if (task.status === "SUBMITTED" || task.status === "FULFILLED") expect(trail, task.id).toContainEqual(["boardTask.submitted", claimant]);
    if (task.status === "FULFILLED") {
      expect(trail.at(-1), task.id).toEqual(["boardTask.fulfilled", "admin"]);
      expect(users.get(task.verified_by_id)).toBe("admin");
      // each step on its own day, in the story's order
      expect(dayOf(task.published_at)).toBeLessThan(dayOf(task.claimed_at));
      expect(dayOf(task.claimed_at)).toBeLessThan(dayOf(task.submitted_at));
      expect(dayOf(task.submitted_at)).toBeLessThan(dayOf(task.verified_at));
    }
  }
  // each audit entry is dated as its step: the claim's at the claim, the verification's at the verification
  for (const task of fulfilled) {
    // the last of each: a task given back was claimed again, one sent back submitted again
    const entryAt = (action: string) => dayOf(audit.filter((a) => a.entity_id === task.id && a.action === action).at(-1)!.at);
    expect(entryAt("boardTask.published")).toBe(dayOf(task.published_at));
    expect(entryAt("boardTask.claimed")).toBe(dayOf(task.claimed_at));
    expect(entryAt("boardTask.fulfilled")).toBe(dayOf(task.verified_at));
  }
});

test("a demo cadre can claim an open demo task", async () => {
  // On a demo database of its own: the other tests here read the demo board as seeded.
  const own = await startTestServer({ config: { seedDemo: true } });
  try {
    const token = await login("cadre.huang", own);
    const open = await own.gql(`{ taskBoard(filter: { status: OPEN }) { edges { node { id } } } }`, {}, token);
    const response = await claim(own, token, open.data.taskBoard.edges[0].node.id);
    expect(response.errors).toBeUndefined();
    expect(response.data.claimTask.status).toBe("CLAIMED");
  } finally {
    await own.stop();
  }
});
