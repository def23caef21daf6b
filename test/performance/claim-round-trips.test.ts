import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, subscribe, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { CLAIM, RELEASE, publishTask, rows, workload } from "../board/board-helpers";
import { RequestContext } from "../../src/core/context";
import { User } from "../../src/modules/accounts/user.entity";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { claimInOneTrip } from "../../src/modules/board/task-lifecycle.service";
import { receivesEvents } from "../support/live-board";

let server: TestServer;
let admin: { user: { id: string }; token: string };

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0, taskClaimLimit: 2 } });
  admin = await server.user("ADMIN");
});
afterAll(() => server?.stop());

const CLAIM_SHORT = `mutation($input: ClaimTaskInput!) { claimTask(input: $input) { id status revision pledge claimedAt claimant { id name } } }`;

test("a claim on an OPEN task costs 3 round trips (the caller; the task with the caller's row; the whole transaction), a cadre's first claim too, and writes what the ordinary path writes", async () => {
  const cadre = await server.user("CADRE");
  const task = await publishTask(server, admin.token);
  // no subscriber open: its event would be resolved (read) while the claim is counted
  const { result, statements } = await countStatements(server, () => server.gql(CLAIM_SHORT, { input: { taskId: task.id, pledge: "三天内完成" } }, cadre.token), { roundTrips: true });
  expect(result.errors).toBeUndefined();
  expect(statements).toHaveLength(3);
  expect(result.data.claimTask).toMatchObject({ id: task.id, status: "CLAIMED", revision: task.revision + 1, pledge: "三天内完成", claimant: { id: cadre.user.id } });
  expect(result.data.claimTask.claimedAt).toBe(server.clock.now().toISOString());

  // the row, the workload, the timeline entry, the audit entry and the numbered board change, committed
  const [stored] = await rows(server, "SELECT status, claimant_id, pledge, revision, first_claimed_at FROM board_task WHERE id = ?", [task.id]);
  expect(stored).toMatchObject({ status: "CLAIMED", claimant_id: cadre.user.id, pledge: "三天内完成", revision: task.revision + 1 });
  expect(stored.first_claimed_at).not.toBeNull();
  expect(await workload(server, cadre.user.id)).toBe(1);
  expect(await rows(server, "SELECT seq, type, from_status, to_status, note, actor_id FROM board_task_event WHERE task_id = ? AND type = 'CLAIMED'", [task.id])).toEqual([
    { seq: task.revision + 1, type: "CLAIMED", from_status: "OPEN", to_status: "CLAIMED", note: "三天内完成", actor_id: cadre.user.id },
  ]);
  const audit = await rows(server, "SELECT actor_id, `before`, `after` FROM audit_entry WHERE entity_id = ? AND action = 'boardTask.claimed'", [task.id]);
  expect(audit).toHaveLength(1);
  expect(audit[0].actor_id).toBe(cadre.user.id);
  expect(JSON.parse(audit[0].before)).toMatchObject({ status: "OPEN", claimantId: null });
  expect(JSON.parse(audit[0].after)).toMatchObject({ status: "CLAIMED", claimantId: cadre.user.id, claimant: { id: cadre.user.id } });
  expect(JSON.parse(audit[0].after).claimant).not.toHaveProperty("passwordHash");
  const [change] = await rows(server, "SELECT sequence, type, status FROM board_change WHERE task_id = ? AND type = 'CLAIMED'", [task.id]);
  expect(change).toMatchObject({ type: "CLAIMED", status: "CLAIMED" });
  const [{ value: latest }] = await rows(server, "SELECT value FROM board_sequence WHERE name = 'change'");
  expect(Number(change.sequence)).toBe(Number(latest));

  const since = await server.gql(`query($s: Int!) { boardChangesSince(sequence: $s) { changes { sequence type task { id } } } }`, { s: Number(change.sequence) - 1 }, admin.token);
  expect(since.errors).toBeUndefined();
  expect(since.data.boardChangesSince.changes).toEqual([{ sequence: Number(change.sequence), type: "CLAIMED", task: { id: task.id } }]);
});

test("a one-trip claim's board event goes out once committed, numbered as stored", async () => {
  const cadre = await server.user("CADRE");
  const task = await publishTask(server, admin.token);
  const client = server.ws(admin.token);
  let statusWhenAnnounced: Promise<unknown> | undefined;
  const board = subscribe(client, `subscription { taskBoardChanged { sequence type task { id status } } }`, {}, (data: any) => {
    if (data.taskBoardChanged.type === "CLAIMED") statusWhenAnnounced ??= rows(server, "SELECT status FROM board_task WHERE id = ?", [task.id]);
  });
  await board.started;
  await receivesEvents(server, admin.token, board);
  expect((await server.gql(CLAIM_SHORT, { input: { taskId: task.id, pledge: "按期" } }, cadre.token)).errors).toBeUndefined();
  const claimed = (events: any[]) => events.filter((e) => e.taskBoardChanged.type === "CLAIMED");
  const [event] = claimed(await board.until((events) => claimed(events).length > 0));
  expect(event.taskBoardChanged).toMatchObject({ type: "CLAIMED", task: { id: task.id, status: "CLAIMED" } });
  expect(await statusWhenAnnounced).toEqual([{ status: "CLAIMED" }]);
  const [change] = await rows(server, "SELECT sequence FROM board_change WHERE task_id = ? AND type = 'CLAIMED'", [task.id]);
  expect(event.taskBoardChanged.sequence).toBe(Number(change.sequence));
  await client.dispose();
});

test("past the limit the one-trip claim writes nothing and the ordinary path answers TASK_LIMIT_REACHED; a task changed since it was read is claimed by the ordinary path", async () => {
  const cadre = await server.user("CADRE");
  const [a, b, c] = [await publishTask(server, admin.token), await publishTask(server, admin.token), await publishTask(server, admin.token)];
  for (const task of [a, b]) expect((await server.gql(CLAIM, { input: { taskId: task.id, pledge: "按期" } }, cadre.token)).errors).toBeUndefined();
  const sequenceBefore = (await rows(server, "SELECT value FROM board_sequence WHERE name = 'change'"))[0].value;
  const refused = await server.gql(CLAIM, { input: { taskId: c.id, pledge: "按期" } }, cadre.token);
  expect(refused.errors?.[0]?.extensions?.code).toBe("TASK_LIMIT_REACHED");
  expect(await workload(server, cadre.user.id)).toBe(2);
  expect((await rows(server, "SELECT status, claimant_id FROM board_task WHERE id = ?", [c.id]))[0]).toMatchObject({ status: "OPEN", claimant_id: null });
  expect(await rows(server, "SELECT id FROM board_task_event WHERE task_id = ? AND type = 'CLAIMED'", [c.id])).toEqual([]);
  expect(await rows(server, "SELECT id FROM audit_entry WHERE entity_id = ? AND action = 'boardTask.claimed'", [c.id])).toEqual([]);
  expect((await rows(server, "SELECT value FROM board_sequence WHERE name = 'change'"))[0].value).toBe(sequenceBefore);
});

test("200 claims at once on 200 OPEN tasks by 100 cadres: every task claimed once, each cadre holding exactly its limit, the workload counts true", async () => {
  const cadres = await Promise.all(Array.from({ length: 100 }, () => server.user("CADRE")));
  const tasks = [];
  for (let i = 0; i < 200; i++) tasks.push(await publishTask(server, admin.token));
  const answers = await Promise.all(tasks.map((task, i) => server.gql(CLAIM_SHORT, { input: { taskId: task.id, pledge: "按期" } }, cadres[i % 100].token)));
  expect(answers.filter((answer) => answer.errors)).toEqual([]);
  const held = await rows(server, `SELECT claimant_id, COUNT(*) AS n FROM board_task WHERE id IN (${tasks.map(() => "?").join(",")}) AND status = 'CLAIMED' GROUP BY claimant_id`, tasks.map((t) => t.id));
  expect(held).toHaveLength(100);
  expect(held.every((row) => Number(row.n) === 2)).toBe(true);
  for (const cadre of cadres.slice(0, 5)) expect(await workload(server, cadre.user.id)).toBe(2);
  const changes = await rows(server, `SELECT COUNT(DISTINCT sequence) AS n FROM board_change WHERE task_id IN (${tasks.map(() => "?").join(",")}) AND type = 'CLAIMED'`, tasks.map((t) => t.id));
  expect(Number(changes[0].n)).toBe(200);
});

test("a task read OPEN but changed before the one trip (claimed and released meanwhile, OPEN again) is not taken on that read: nothing written, and the ordinary path claims it", async () => {
  const [cadre, other] = [await server.user("CADRE"), await server.user("CADRE")];
  const task = await publishTask(server, admin.token);
  const repo = server.app.services.dataSource.getRepository(BoardTask);
  const staleRead = await repo.findOneByOrFail({ id: task.id });
  expect((await server.gql(CLAIM, { input: { taskId: task.id, pledge: "先认领" } }, other.token)).errors).toBeUndefined();
  expect((await server.gql(RELEASE, { input: { taskId: task.id, reason: "放弃" } }, other.token)).errors).toBeUndefined();

  const caller = await server.app.services.dataSource.getRepository(User).findOneByOrFail({ id: cadre.user.id });
  const ctx = RequestContext.create(server.app.services, { id: caller.id, username: caller.username, name: caller.name, role: caller.role, enterpriseId: null, departmentId: caller.departmentId }, "stale-read");
  expect(await claimInOneTrip(ctx, staleRead, caller, { taskId: task.id, pledge: "过时的读取" })).toBeNull();
  expect((await rows(server, "SELECT status, revision FROM board_task WHERE id = ?", [task.id]))[0]).toMatchObject({ status: "OPEN", revision: staleRead.revision + 2 });
  expect(await rows(server, "SELECT id FROM board_task_event WHERE task_id = ? AND note = '过时的读取'", [task.id])).toEqual([]);

  const claimed = await server.gql(CLAIM_SHORT, { input: { taskId: task.id, pledge: "重新认领" } }, cadre.token);
  expect(claimed.data.claimTask).toMatchObject({ status: "CLAIMED", revision: staleRead.revision + 3, claimant: { id: cadre.user.id } });
});
