import { afterAll, beforeAll, expect, test } from "vitest";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { openOtherConnection } from "../support/other-connection";
import { codeOf, startTestServer, subscribe, type TestServer } from "../support/server";
import { claim, publishTask, rows } from "./board-helpers";

const CHANGED = `subscription($filter: TaskBoardChangedFilter) {
  taskBoardChanged(filter: $filter) { type at actor { id name } task { id title category status claimant { id } project { id } } }
}`;

let server: TestServer;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

/**
 * Publishes probe tasks until the subscriber has one, so the subscription is known to be live
 * (graphql-ws does not confirm a subscription; an event published before it listens is lost).
 * Each probe is waited for up to 250 ms, as events arrive. Returns the number of events seen so far:
 * events arrive in order, so none of the earlier probes can come after it.
 */
async function waitLive(sub: ReturnType<typeof subscribe>, category: string, projectId?: string) {
  for (let attempt = 1; attempt <= 40; attempt++) {
    const probe = await publishTask(server, adminToken, { category, title: `probe ${attempt}`, ...(projectId ? { projectId } : {}) });
    const live = await sub.until((events) => events.some((e: any) => e.taskBoardChanged.task.id === probe.id), 250).then(
      () => true,
      () => false,
    );
    if (live) return sub.events.length;
    if (sub.errors.length) throw new Error(JSON.stringify(sub.errors));
  }
  throw new Error("subscription never became live");
}

test("a subscriber receives a claim made by another client over HTTP, after it commits, as { type, task, actor, at }", async () => {
  const watcher = await server.user("CADRE");
  const sub = subscribe(server.ws(watcher.token), CHANGED, { filter: { category: "MAJOR_PROJECT" } });
  const seen = await waitLive(sub, "MAJOR_PROJECT");
  const task = await publishTask(server, adminToken, { category: "MAJOR_PROJECT", title: "力升创投二期 交地即开工" });
  const claimant = await server.user("CADRE", { name: "王强" });
  server.clock.advance(5000);
  expect((await claim(server, claimant.token, task.id)).errors).toBeUndefined();
  const events = await sub.next(seen + 2);
  const [published, claimed] = events.slice(seen).map((e: any) => e.taskBoardChanged);
  expect(published).toMatchObject({ type: "PUBLISHED", task: { id: task.id } });
  expect(claimed).toEqual({
    type: "CLAIMED",
    at: server.clock.now().toISOString(),
    actor: { id: claimant.user.id, name: "王强" },
    task: { id: task.id, title: "力升创投二期 交地即开工", category: "MAJOR_PROJECT", status: "CLAIMED", claimant: { id: claimant.user.id }, project: null },
  });
  expect(sub.errors).toEqual([]);
  sub.unsubscribe();
});

test("a subscriber does not receive events its filter excludes (category, project)", async () => {
  const enterpriseId = (await makeEnterprise(server, "聚芯源")).id;
  const projectIds = [(await makeProject(server, enterpriseId, { name: "项目 0" })).id, (await makeProject(server, enterpriseId, { name: "项目 1" })).id];
  const watcher = await server.user("CADRE");
  const byCategory = subscribe(server.ws(watcher.token), CHANGED, { filter: { category: "KEY_REFORM" } });
  const byProject = subscribe(server.ws(watcher.token), CHANGED, { filter: { projectId: projectIds[0] } });
  const seenCategory = await waitLive(byCategory, "KEY_REFORM");
  const seenProject = await waitLive(byProject, "KEY_WORK", projectIds[0]);

  const cadre = await server.user("CADRE");
  const otherCategory = await publishTask(server, adminToken, { category: "KEY_WORK", projectId: projectIds[1] });
  await claim(server, cadre.token, otherCategory.id);
  const wanted = await publishTask(server, adminToken, { category: "KEY_REFORM", projectId: projectIds[0] });
  await claim(server, cadre.token, wanted.id);

  const categoryEvents = (await byCategory.next(seenCategory + 2)).slice(seenCategory);
  const projectEvents = (await byProject.next(seenProject + 2)).slice(seenProject);
  for (const events of [categoryEvents, projectEvents]) {
    expect(events.map((e: any) => [e.taskBoardChanged.type, e.taskBoardChanged.task.id])).toEqual([["PUBLISHED", wanted.id], ["CLAIMED", wanted.id]]);
  }
  // The excluded task's events were published before the wanted ones, and events arrive in order:
  // had they been sent, they would be here by now.
  for (const sub of [byCategory, byProject]) {
    expect(sub.events.some((e: any) => e.taskBoardChanged.task.id === otherCategory.id)).toBe(false);
    expect(sub.errors).toEqual([]);
  }
});

test("when a subscriber hears of a publish or a claim it is already committed: a read through another database connection at that moment sees it", async () => {
  const other = await openOtherConnection(server);
  const watcher = await server.user("CADRE");
  // Each event's task row, read through the other connection the moment the event arrives.
  const readOnArrival: Array<Promise<{ type: string; taskId: string; row: unknown }>> = [];
  const sub = subscribe(server.ws(watcher.token), CHANGED, { filter: { category: "MAJOR_PROJECT" } }, (data: any) => {
    const { type, task } = data.taskBoardChanged;
    readOnArrival.push(
      other.query("SELECT status, claimant_id FROM board_task WHERE id = ?", [task.id]).then((found) => ({ type, taskId: task.id, row: found[0] ?? null })),
    );
  });
  try {
    const seen = await waitLive(sub, "MAJOR_PROJECT");
    const task = await publishTask(server, adminToken, { category: "MAJOR_PROJECT" });
    await sub.next(seen + 1);
    const claimant = await server.user("CADRE");
    expect((await claim(server, claimant.token, task.id)).errors).toBeUndefined();
    const [, claimed] = (await sub.next(seen + 2)).slice(seen) as any[];
    expect(claimed.taskBoardChanged).toMatchObject({ type: "CLAIMED", task: { id: task.id, status: "CLAIMED", claimant: { id: claimant.user.id } } });

    const reads = (await Promise.all(readOnArrival)).filter((r) => r.taskId === task.id);
    expect(reads).toEqual([
      // read before the claim was sent, or after: either way the published task is there
      { type: "PUBLISHED", taskId: task.id, row: expect.objectContaining({ status: expect.stringMatching(/^(OPEN|CLAIMED)$/) }) },
      { type: "CLAIMED", taskId: task.id, row: { status: "CLAIMED", claimant_id: claimant.user.id } },
    ]);
    expect(sub.errors).toEqual([]);
  } finally {
    sub.unsubscribe();
    await Promise.allSettled(readOnArrival);
    await other.close();
  }
});

test("a claim rolled back by the limit check announces nothing and writes nothing", async () => {
  const watcher = await server.user("CADRE");
  const sub = subscribe(server.ws(watcher.token), CHANGED, { filter: { category: "KEY_WORK" } });
  const seen = await waitLive(sub, "KEY_WORK");
  const cadre = await server.user("CADRE");
  const tasks: Array<{ id: string }> = [];
  for (let i = 0; i < 6; i++) tasks.push(await publishTask(server, adminToken, { category: "KEY_WORK" }));
  for (const t of tasks.slice(0, 5)) expect((await claim(server, cadre.token, t.id)).errors).toBeUndefined();
  const refused = await claim(server, cadre.token, tasks[5].id);
  expect(codeOf(refused)).toBe("TASK_LIMIT_REACHED");
  // The next event after the refusal is a later publish: nothing was announced in between.
  const after = await publishTask(server, adminToken, { category: "KEY_WORK" });
  const events = (await sub.next(seen + 6 + 5 + 1)).slice(seen).map((e: any) => [e.taskBoardChanged.type, e.taskBoardChanged.task.id]);
  expect(events).toEqual([
    ...tasks.map((t) => ["PUBLISHED", t.id]),
    ...tasks.slice(0, 5).map((t) => ["CLAIMED", t.id]),
    ["PUBLISHED", after.id],
  ]);
  const [row] = await rows(server, "SELECT status, claimant_id, revision FROM board_task WHERE id = ?", [tasks[5].id]);
  expect(row).toEqual({ status: "OPEN", claimant_id: null, revision: 1 });
  expect(await rows(server, "SELECT type FROM board_task_event WHERE task_id = ?", [tasks[5].id])).toEqual([{ type: "PUBLISHED" }]);
  expect(await rows(server, "SELECT action FROM audit_entry WHERE entity_id = ?", [tasks[5].id])).toEqual([{ action: "boardTask.published" }]);
});

test("the live board needs a signed-in user", async () => {
  const sub = subscribe(server.ws(), CHANGED, {});
  await sub.next(1, 3000).catch(() => undefined);
  expect(sub.errors.length).toBeGreaterThan(0);
  expect(JSON.stringify(sub.errors)).toContain("UNAUTHENTICATED");
});

test("an enterprise user may not follow another enterprise's project; its tasks show no project to them", async () => {
  const mine = (await makeEnterprise(server, "企业0")).id;
  const theirs = (await makeEnterprise(server, "企业1")).id;
  const theirProject = (await makeProject(server, theirs, { name: "他人项目" })).id;
  const viewer = await server.user("ENTERPRISE", { enterpriseId: mine });
  const sub = subscribe(server.ws(viewer.token), CHANGED, { filter: { projectId: theirProject } });
  await sub.next(1, 3000).catch(() => undefined);
  expect(JSON.stringify(sub.errors)).toContain("NOT_FOUND");

  const watch = subscribe(server.ws(viewer.token), CHANGED, { filter: { category: "MAJOR_PROJECT" } });
  const seen = await waitLive(watch, "MAJOR_PROJECT");
  const task = await publishTask(server, adminToken, { category: "MAJOR_PROJECT", projectId: theirProject });
  const [event] = (await watch.next(seen + 1)).slice(seen) as any[];
  expect(event.taskBoardChanged.task).toMatchObject({ id: task.id, project: null });
});
