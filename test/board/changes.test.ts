import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { boardChangesService } from "../../src/modules/board/board-changes.service";
import { startAppProcess, type AppProcess } from "../support/app-process";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { openOtherConnection } from "../support/other-connection";
import { codeOf, startTestServer, subscribe, type GraphQLResponse, type TestServer } from "../support/server";
import { CLAIM, RELEASE, SUBMIT, claim, publishTask, rows } from "./board-helpers";

// Board changes are numbered by the database (a counter row bumped in each change's transaction),
// so a client that lost its connection asks boardChangesSince for what came after the last
// sequence it holds. Instances share one database: two in-process servers joined by Redis, a third
// without Redis (its events reach the others' subscribers only through the database), and on
// MariaDB a child process for claims sent at once.

const CHANGE_FIELDS = "sequence type status at actor { id } task { id status category project { id } }";
const CHANGED = `subscription($filter: TaskBoardChangedFilter) { taskBoardChanged(filter: $filter) { ${CHANGE_FIELDS} } }`;
const SINCE = `query($sequence: Int!, $first: Int, $filter: TaskBoardChangedFilter) {
  boardChangesSince(sequence: $sequence, first: $first, filter: $filter) { until hasMore resetRequired latestSequence oldestAvailable changes { ${CHANGE_FIELDS} } } }`;

const redisUrl = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
const redisChannelPrefix = `test-${crypto.randomBytes(4).toString("hex")}:`;
let server: TestServer;
let second: TestServer;
let isolated: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ config: { redisUrl, redisChannelPrefix } });
  second = await startTestServer({ share: server, config: { redisUrl, redisChannelPrefix } });
  // On the same database without Redis: its events reach the others' subscribers only through the database.
  isolated = await startTestServer({ share: server, config: { redisUrl: undefined } });
  admin = (await server.user("ADMIN")).token;
});
afterAll(async () => {
  await isolated?.stop();
  await second?.stop();
  await server?.stop();
});

function ok(response: GraphQLResponse) {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return Object.values(response.data)[0] as any;
}

const latest = async (through: TestServer = server, token = admin): Promise<number> => ok(await through.gql(`{ boardSequence }`, {}, token));
const since = async (sequence: number, extra: { first?: number; filter?: unknown } = {}, token = admin, through: TestServer = server) =>
  ok(await through.gql(SINCE, { sequence, ...extra }, token));

/** Every change after `from`, page by page (`first` each), as a client catching up does. */
async function catchUp(from: number, first: number, filter?: unknown, token = admin) {
  const changes: any[] = [];
  let at = from;
  for (let pages = 0; ; pages++) {
    const page = await since(at, { first, filter }, token);
    expect(page.resetRequired).toBe(false);
    expect(page.changes.length).toBeLessThanOrEqual(first);
    changes.push(...page.changes);
    at = page.until;
    if (!page.hasMore) return { changes, until: at };
    expect(pages).toBeLessThan(100);
  }
}

/** The feed table, in order: what the database holds. */
const feed = async (after = 0) =>
  (await rows(server, "SELECT sequence, task_id, type, status FROM board_change WHERE sequence > ? ORDER BY sequence", [after])).map((r) => ({
    sequence: Number(r.sequence), taskId: r.task_id, type: r.type, status: r.status,
  }));

/** Publishes probes until the subscriber has one: graphql-ws does not confirm a subscription. */
async function waitLive(sub: ReturnType<typeof subscribe>, category = "KEY_WORK") {
  for (let attempt = 1; attempt <= 40; attempt++) {
    const probe = await publishTask(server, admin, { category, title: `probe ${attempt}` });
    const live = await sub.until((events) => events.some((e: any) => e.taskBoardChanged.task.id === probe.id), 250).then(() => true, () => false);
    if (live) return;
    if (sub.errors.length) throw new Error(JSON.stringify(sub.errors));
  }
  throw new Error("subscription never became live");
}

test("every board change carries the next sequence from the database, the same through either instance, with no gaps; boardChangesSince returns them in order", async () => {
  const start = await latest();
  const cadre = await server.user("CADRE");
  const a = await publishTask(server, admin);
  const b = await publishTask(second, admin);
  ok(await claim(second, cadre.token, a.id));
  ok(await claim(server, cadre.token, b.id));
  ok(await second.gql(RELEASE, { input: { taskId: a.id, reason: "另有安排" } }, cadre.token));
  // a refused change takes no number
  expect(codeOf(await second.gql(SUBMIT, { input: { taskId: a.id } }, cadre.token))).toBe("INVALID_TRANSITION");
  expect(await latest(second)).toBe(start + 5);
  const expected = [
    [a.id, "PUBLISHED", "OPEN"], [b.id, "PUBLISHED", "OPEN"], [a.id, "CLAIMED", "CLAIMED"], [b.id, "CLAIMED", "CLAIMED"], [a.id, "RELEASED", "OPEN"],
  ].map(([taskId, type, status], i) => ({ sequence: start + 1 + i, taskId, type, status }));
  expect(await feed(start)).toEqual(expected);
  for (const through of [server, second]) {
    const page = await since(start, {}, admin, through);
    expect(page).toMatchObject({ until: start + 5, hasMore: false, resetRequired: false, latestSequence: start + 5 });
    expect(page.changes.map((c: any) => ({ sequence: c.sequence, taskId: c.task.id, type: c.type, status: c.status }))).toEqual(expected);
    // the task as it is now, the status right after the change
    expect(page.changes[2]).toMatchObject({ type: "CLAIMED", status: "CLAIMED", actor: { id: cadre.user.id }, task: { id: a.id, status: "OPEN" } });
  }
  // paged: two at a time, continuing from until
  const paged = await catchUp(start, 2);
  expect(paged.changes.map((c: any) => c.sequence)).toEqual(expected.map((e) => e.sequence));
  expect(paged.until).toBe(start + 5);
  // nothing after the latest
  expect(await since(start + 5)).toMatchObject({ changes: [], until: start + 5, hasMore: false, resetRequired: false });
});

test("boardChangesSince takes the subscription's filter (category, project, statusIn) and its visibility; pages skip what the filter leaves out", async () => {
  const enterprise = await makeEnterprise(server);
  const project = await makeProject(server, enterprise.id);
  const other = await makeProject(server, (await makeEnterprise(server)).id);
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const cadre = await server.user("CADRE");
  const start = await latest();
  const mine = await publishTask(server, admin, { category: "MAJOR_PROJECT", projectId: project.id });
  await publishTask(server, admin, { category: "MAJOR_PROJECT", projectId: other.id });
  ok(await claim(server, cadre.token, mine.id));
  await publishTask(server, admin, { category: "KEY_WORK", projectId: project.id });
  const end = await latest();

  const forProject = await since(start, { filter: { projectId: project.id, category: "MAJOR_PROJECT" } }, owner.token);
  expect(forProject.changes.map((c: any) => [c.type, c.task.id, c.task.project?.id])).toEqual([["PUBLISHED", mine.id, project.id], ["CLAIMED", mine.id, project.id]]);
  expect(forProject.until).toBe(end);
  const claimed = await since(start, { filter: { statusIn: ["CLAIMED", "SUBMITTED"] } });
  expect(claimed.changes.map((c: any) => [c.type, c.task.id])).toEqual([["CLAIMED", mine.id]]);
  // one matching change per page: the second page starts after it and finds nothing more
  const first = await since(start, { first: 1, filter: { statusIn: ["CLAIMED"] } });
  expect(first).toMatchObject({ hasMore: false, until: end });
  const onePerPage = await since(start, { first: 1, filter: { projectId: project.id } });
  expect(onePerPage).toMatchObject({ hasMore: true, until: start + 1 });
  // another enterprise's project: NOT_FOUND, as for the subscription
  const stranger = await server.user("ENTERPRISE", { enterpriseId: other.enterpriseId });
  expect(codeOf(await server.gql(SINCE, { sequence: start, filter: { projectId: project.id } }, stranger.token))).toBe("NOT_FOUND");
  // signed-in users only; bad numbers and an empty statusIn are refused
  expect(codeOf(await server.gql(SINCE, { sequence: start }))).toBe("UNAUTHENTICATED");
  expect(codeOf(await server.gql(`{ boardSequence }`))).toBe("UNAUTHENTICATED");
  for (const variables of [{ sequence: -1 }, { sequence: start, first: 0 }, { sequence: start, first: 101 }, { sequence: start, filter: { statusIn: [] } }]) {
    const response = await server.gql(SINCE, variables, admin);
    expect(codeOf(response), JSON.stringify(variables)).toBe("BAD_USER_INPUT");
  }
  expect(ok(await server.gql(SINCE, { sequence: start, first: 100 }, admin)).changes.length).toBe(end - start);
});

test("taskBoardChanged(filter: { statusIn }) sends only the changes after which the task is in one of those states, each with its sequence", async () => {
  const watcher = await server.user("CADRE");
  const sub = subscribe(server.ws(watcher.token), CHANGED, { filter: { category: "KEY_REFORM", statusIn: ["CLAIMED", "SUBMITTED"] } });
  const all = subscribe(server.ws(watcher.token), CHANGED, { filter: { category: "KEY_REFORM" } });
  // the probe (PUBLISHED, OPEN) must not reach the statusIn subscriber: wait on a claimed probe
  for (let attempt = 1; ; attempt++) {
    const probe = await publishTask(server, admin, { category: "KEY_REFORM", title: `probe ${attempt}` });
    ok(await claim(server, (await server.user("CADRE")).token, probe.id));
    const live = await Promise.all([sub, all].map((s) => s.until((events) => events.some((e: any) => e.taskBoardChanged.task.id === probe.id && e.taskBoardChanged.type === "CLAIMED"), 250).then(() => true, () => false)));
    if (live.every(Boolean)) break;
    expect(attempt).toBeLessThan(40);
  }
  const seen = sub.events.length;
  const seenAll = all.events.length;
  const start = await latest();
  const cadre = await server.user("CADRE");
  const task = await publishTask(server, admin, { category: "KEY_REFORM" });
  ok(await claim(server, cadre.token, task.id));
  ok(await server.gql(RELEASE, { input: { taskId: task.id, reason: "换人" } }, cadre.token));
  ok(await claim(server, cadre.token, task.id));
  ok(await server.gql(SUBMIT, { input: { taskId: task.id, note: "完成" } }, cadre.token));
  const everything = (await all.next(seenAll + 5)).slice(seenAll).map((e: any) => e.taskBoardChanged);
  expect(everything.map((c: any) => [c.sequence, c.type, c.status])).toEqual([
    [start + 1, "PUBLISHED", "OPEN"], [start + 2, "CLAIMED", "CLAIMED"], [start + 3, "RELEASED", "OPEN"], [start + 4, "CLAIMED", "CLAIMED"], [start + 5, "SUBMITTED", "SUBMITTED"],
  ]);
  const filtered = (await sub.next(seen + 3)).slice(seen).map((e: any) => e.taskBoardChanged);
  expect(filtered.map((c: any) => [c.sequence, c.type, c.status])).toEqual([[start + 2, "CLAIMED", "CLAIMED"], [start + 4, "CLAIMED", "CLAIMED"], [start + 5, "SUBMITTED", "SUBMITTED"]]);
  // the catch-up with the same filter answers the same changes
  expect((await since(start, { filter: { category: "KEY_REFORM", statusIn: ["CLAIMED", "SUBMITTED"] } })).changes.map((c: any) => c.sequence)).toEqual([start + 2, start + 4, start + 5]);
  const bad = subscribe(server.ws(watcher.token), CHANGED, { filter: { statusIn: ["OPEN", "OPEN"] } });
  await bad.until(() => false, 3000).catch(() => undefined);
  expect(JSON.stringify(bad.errors)).toContain("BAD_USER_INPUT");
  sub.unsubscribe();
  all.unsubscribe();
});

test("a subscriber gets the changes made through the other instance too, in sequence order: a later change waits for the earlier one, read from the database", async () => {
  const watcher = await server.user("CADRE");
  const sub = subscribe(server.ws(watcher.token), CHANGED, { filter: { category: "KEY_WORK" } });
  await waitLive(sub);
  const seen = sub.events.length;
  const start = await latest();
  // Through the isolated instance (no Redis: its event does not reach this one's pub/sub), then through this one.
  const elsewhere = await publishTask(isolated, admin, { category: "KEY_WORK" });
  const here = await publishTask(server, admin, { category: "KEY_WORK" });
  const events = (await sub.next(seen + 2)).slice(seen).map((e: any) => e.taskBoardChanged);
  expect(events.map((c: any) => [c.sequence, c.task.id])).toEqual([[start + 1, elsewhere.id], [start + 2, here.id]]);
  sub.unsubscribe();
});

test("disconnect, changes, reconnect: a real graphql-ws client catches up with boardChangesSince and gets every change once, in order", async () => {
  const watcher = await server.user("CADRE");
  const filter = { category: "MAJOR_PROJECT" };
  const cadres = [await server.user("CADRE"), await server.user("CADRE"), await server.user("CADRE")];
  // What the client holds, by sequence; applying a change twice would show here as a repeat.
  const applied: number[] = [];
  const apply = (change: any) => {
    if (applied.length && change.sequence <= applied[applied.length - 1]) throw new Error(`change ${change.sequence} after ${applied.at(-1)}: out of order or repeated`);
    applied.push(change.sequence);
  };

  const client = server.ws(watcher.token);
  const live = subscribe(client, CHANGED, { filter }, (data: any) => apply(data.taskBoardChanged));
  await waitLive(live, "MAJOR_PROJECT");
  const before = [await publishTask(server, admin, { category: "MAJOR_PROJECT" }), await publishTask(second, admin, { category: "MAJOR_PROJECT" })];
  const firstSeen = await latest();
  await live.until((events) => events.some((e: any) => e.taskBoardChanged.sequence === firstSeen));
  const lastHeld = applied[applied.length - 1];
  expect(lastHeld).toBe(firstSeen);

  // The connection drops.
  await client.dispose();
  const missed = [await publishTask(server, admin, { category: "MAJOR_PROJECT" }), await publishTask(second, admin, { category: "MAJOR_PROJECT" })];
  for (const [i, task] of [...before, ...missed].entries()) ok(await claim(i % 2 ? second : server, cadres[i % 3].token, task.id));
  await publishTask(server, admin, { category: "KEY_WORK" }); // another category: not for this client
  ok(await second.gql(RELEASE, { input: { taskId: missed[1].id, reason: "重新分配" } }, cadres[0].token));

  // Reconnect: subscribe first, keeping what arrives, then catch up page by page (2 at a time).
  const kept: any[] = [];
  let caughtUp = false;
  let until = lastHeld;
  const again = server.ws(watcher.token);
  const resumed = subscribe(again, CHANGED, { filter }, (data: any) => (caughtUp ? (data.taskBoardChanged.sequence > until ? apply(data.taskBoardChanged) : undefined) : kept.push(data.taskBoardChanged)));
  await waitLive(resumed, "MAJOR_PROJECT");
  // changes keep coming while the client catches up
  const during = await publishTask(second, admin, { category: "MAJOR_PROJECT" });
  for (;;) {
    const page = await since(until, { first: 2, filter }, watcher.token);
    expect(page.resetRequired).toBe(false);
    page.changes.forEach(apply);
    until = page.until;
    if (!page.hasMore) break;
  }
  for (const change of kept) if (change.sequence > until) apply(change);
  caughtUp = true;
  const after = await publishTask(server, admin, { category: "MAJOR_PROJECT" });
  const last = await latest();
  await resumed.until((events) => events.some((e: any) => e.taskBoardChanged.task.id === after.id));

  // Exactly the MAJOR_PROJECT changes after the one the client held, each once, in order.
  const expected = (await rows(server, "SELECT sequence FROM board_change WHERE sequence > ? AND sequence <= ? AND category = 'MAJOR_PROJECT' ORDER BY sequence", [lastHeld, last])).map((r) => Number(r.sequence));
  expect(applied.slice(applied.indexOf(lastHeld) + 1)).toEqual(expected);
  const missedChanges = (await feed(lastHeld)).filter((c) => [...before, ...missed, during, after].some((t) => t.id === c.taskId));
  expect(missedChanges.every((c) => expected.includes(c.sequence))).toBe(true);
  expect(missedChanges.length).toBeGreaterThanOrEqual(8);
  expect(live.errors).toEqual([]);
  expect(resumed.errors).toEqual([]);
  resumed.unsubscribe();
});

test("changes are kept BOARD_CHANGES_RETENTION_HOURS: the job prunes older ones, and a catch-up from before them answers resetRequired (reload the board)", async () => {
  const start = await latest();
  const old = await publishTask(server, admin);
  server.clock.advance((server.config.boardChangesRetentionHours + 1) * 3_600_000);
  const recent = await publishTask(server, admin);
  const pruned = await boardChangesService.prune(RequestContext.system(server.app.services));
  expect(pruned).toBeGreaterThanOrEqual(1);
  expect((await feed(0)).map((c) => c.taskId)).toEqual([recent.id]);
  expect(await since(start)).toMatchObject({ changes: [], resetRequired: true, hasMore: false, until: start + 2, latestSequence: start + 2, oldestAvailable: start + 1 });
  // from the last pruned one on, every change is still there
  const resumed = await since(start + 1);
  expect(resumed).toMatchObject({ resetRequired: false, until: start + 2, oldestAvailable: start + 1 });
  expect(resumed.changes.map((c: any) => c.task.id)).toEqual([recent.id]);
  // a sequence never given out: reload
  expect(await since(start + 50)).toMatchObject({ resetRequired: true, changes: [] });
  // pruning again removes nothing more and keeps the mark
  expect(await boardChangesService.prune(RequestContext.system(server.app.services))).toBe(0);
  expect((await since(start)).resetRequired).toBe(true);
  expect(old.id).not.toBe(recent.id);
});

test("the periodic job prunes the feed on its interval", async () => {
  const own = await startTestServer({ config: { sweepIntervalMs: 20 } });
  try {
    const token = (await own.user("ADMIN")).token;
    await publishTask(own, token);
    own.clock.advance((own.config.boardChangesRetentionHours + 1) * 3_600_000);
    await publishTask(own, token);
    for (let i = 0; i < 100 && (await rows(own, "SELECT COUNT(*) AS n FROM board_change"))[0].n != 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(Number((await rows(own, "SELECT COUNT(*) AS n FROM board_change"))[0].n)).toBe(1);
    expect(Number((await rows(own, "SELECT value FROM board_sequence WHERE name = 'pruned'"))[0].value)).toBe(1);
  } finally {
    await own.stop();
  }
});

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("MariaDB: numbers follow commit order", () => {
  let child: AppProcess;
  beforeAll(async () => {
    child = await startAppProcess(server);
  });
  afterAll(async () => {
    await child?.stop();
  });

  test("a change that takes a number waits until the one before it commits: a reader never sees 11 while 10 is uncommitted", async () => {
    const other = await openOtherConnection(server);
    const conn = other as unknown as { query(sql: string, params?: unknown[]): Promise<any[]> };
    const cadre = await server.user("CADRE");
    const task = await publishTask(server, admin);
    const start = await latest();
    try {
      // Another transaction takes the next number and holds it, uncommitted.
      await conn.query("START TRANSACTION");
      await conn.query("UPDATE board_sequence SET value = value + 1 WHERE name = 'change'");
      await conn.query("INSERT INTO board_change (sequence, task_id, type, actor_id, at, category, project_id, status) VALUES (?, ?, 'PROGRESS', ?, NOW(6), 'KEY_WORK', NULL, 'OPEN')", [start + 1, task.id, cadre.user.id]);
      const claiming = claim(server, cadre.token, task.id);
      await new Promise((r) => setTimeout(r, 400));
      // The claim has done its work but cannot take a number yet: nothing after start is visible.
      expect(await since(start)).toMatchObject({ changes: [], until: start, latestSequence: start });
      await conn.query("COMMIT");
      ok(await claiming);
      const page = await since(start);
      expect(page.changes.map((c: any) => [c.sequence, c.type])).toEqual([[start + 1, "PROGRESS"], [start + 2, "CLAIMED"]]);
    } finally {
      await conn.query("ROLLBACK").catch(() => {});
      await other.close();
    }
  });

  test("60 claims of distinct tasks sent at once through two processes: 60 numbers, consecutive, one per change, and the catch-up returns them all", async () => {
    const cadres: Array<Awaited<ReturnType<TestServer["user"]>>> = [];
    for (let i = 0; i < 12; i++) cadres.push(await server.user("CADRE"));
    const tasks: Array<{ id: string }> = [];
    for (let i = 0; i < 60; i++) tasks.push(await publishTask(server, admin));
    expect((await child.gql(`{ me { id } }`, {}, cadres[0].token)).data.me.id).toBe(cadres[0].user.id);
    const start = await latest();
    const responses = await Promise.all(
      tasks.map((task, i) => (i % 2 ? child : server).gql(CLAIM, { input: { taskId: task.id, pledge: "按期" } }, cadres[i % 12].token)),
    );
    expect(responses.filter((r) => r.errors)).toEqual([]);
    const numbered = await feed(start);
    expect(numbered.map((c) => c.sequence)).toEqual(Array.from({ length: 60 }, (_, i) => start + 1 + i));
    expect(new Set(numbered.map((c) => c.taskId))).toEqual(new Set(tasks.map((t) => t.id)));
    expect(numbered.every((c) => c.type === "CLAIMED")).toBe(true);
    const caught = await catchUp(start, 25);
    expect(caught.changes.map((c: any) => c.sequence)).toEqual(numbered.map((c) => c.sequence));
  });
});
