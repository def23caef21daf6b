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

test("the demo board: 67 tasks in three categories, almost all claimed, some submitted, most fulfilled, 100% fulfilment", async () => {
  const token = await login("cadre.zhang");
  const stats = (await server.gql(`{ boardStats { published claimed open inProgress fulfilled failed fulfilmentRate overdue byCategory { category published } } }`, {}, token)).data.boardStats;
  expect(stats).toMatchObject({ published: 67, claimed: 65, open: 2, inProgress: 12, fulfilled: 53, failed: 0, fulfilmentRate: 1, overdue: 0 });
  expect(stats.byCategory.map((c: any) => c.published)).toEqual([21, 22, 24]);
  const submitted = await server.gql(`{ taskBoard(filter: { status: SUBMITTED }) { totalCount } }`, {}, token);
  expect(submitted.data.taskBoard.totalCount).toBe(5);
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
  expect(fulfilled).toHaveLength(53);
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
    const entryAt = (action: string) => dayOf(audit.find((a) => a.entity_id === task.id && a.action === action)!.at);
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
