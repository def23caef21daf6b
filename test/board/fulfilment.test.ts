import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { CLAIM, SUBMIT, VERIFY, WITHDRAW, publishTask } from "./board-helpers";

/**
 * 兑现率 counts what fell due. A hand-worked board, read on 2026-06-15 (tasks due 2026-05-31
 * unless said): a task is due once verified or past its due time, and 兑现率 = fulfilled / due.
 */
let server: TestServer;
let admin: string;
let zhang: { token: string; user: { id: string } };
let li: { token: string; user: { id: string } };

const FIGURES = "published claimed open inProgress due fulfilled fulfilledOnTime fulfilledLate failed unfinished overdue fulfilmentRate onTimeRate";
const MAY_31 = "2026-05-31T09:00:00.000Z";
const JULY_31 = "2026-07-31T09:00:00.000Z";
const at = (iso: string) => server.clock.set(new Date(iso));

async function ok(query: string, input: Record<string, unknown>, token: string) {
  const res = await server.gql(query, { input }, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  zhang = await server.user("CADRE");
  li = await server.user("CADRE");
  at("2026-05-01T02:00:00.000Z");
  const task = async (dueAt: string) => (await publishTask(server, admin, { dueAt })).id;
  const [onTime, late, failed, neverSubmitted, , notDue, early, withdrawn, awaitingVerification] = [
    await task(MAY_31), await task(MAY_31), await task(MAY_31), await task(MAY_31), await task(MAY_31) /* never claimed */, await task(JULY_31), await task(JULY_31), await task(MAY_31), await task(MAY_31),
  ];
  await ok(WITHDRAW, { taskId: withdrawn }, admin);
  for (const id of [onTime, late, failed, neverSubmitted]) await ok(CLAIM, { taskId: id, pledge: "按期完成" }, zhang.token);
  for (const id of [notDue, early, awaitingVerification]) await ok(CLAIM, { taskId: id, pledge: "按期完成" }, li.token);
  at("2026-05-20T02:00:00.000Z");
  for (const id of [onTime, failed]) await ok(SUBMIT, { taskId: id }, zhang.token);
  at("2026-05-30T02:00:00.000Z");
  await ok(SUBMIT, { taskId: awaitingVerification }, li.token);
  at("2026-06-05T02:00:00.000Z");
  await ok(SUBMIT, { taskId: late }, zhang.token); // after its due time
  await ok(VERIFY, { taskId: onTime, fulfilled: true }, admin);
  await ok(VERIFY, { taskId: failed, fulfilled: false }, admin);
  await ok(VERIFY, { taskId: late, fulfilled: true }, admin);
  at("2026-06-10T02:00:00.000Z");
  await ok(SUBMIT, { taskId: early }, li.token);
  await ok(VERIFY, { taskId: early, fulfilled: true }, admin); // due in July, settled now
  at("2026-06-15T02:00:00.000Z");
});
afterAll(() => server?.stop());

test("boardStats counts every task past its due time as due, so unsubmitted ones lower 兑现率", async () => {
  const res = await server.gql(`{ boardStats { ${FIGURES} } }`, {}, admin);
  expect(res.errors).toBeUndefined();
  // due: on time, late, failed, never submitted, never claimed, awaiting verification (past due), early (verified) = 7
  expect(res.data.boardStats).toEqual({
    published: 8, claimed: 7, open: 1, inProgress: 3, due: 7, fulfilled: 3, fulfilledOnTime: 2, fulfilledLate: 1, failed: 1,
    unfinished: 3, overdue: 2, fulfilmentRate: 3 / 7, onTimeRate: 2 / 7,
  });
});

test("districtFigures counts the same way over the tasks published in the window", async () => {
  const res = await server.gql(`query { districtFigures(from: "2026-05-01", to: "2026-06-30") { board { ${FIGURES} } } }`, {}, admin);
  expect(res.errors).toBeUndefined();
  expect(res.data.districtFigures.board).toMatchObject({ due: 7, fulfilled: 3, unfinished: 3, overdue: 2, fulfilmentRate: 3 / 7 });
});

test("a cadre's record counts what they held to its due time", async () => {
  const record = async (cadreId: string) => {
    const res = await server.gql(`query($id: ID!) { cadreRecord(cadreId: $id) { claimed inProgress due fulfilled fulfilledOnTime fulfilledLate failed overdue fulfilmentRate } }`, { id: cadreId }, admin);
    expect(res.errors).toBeUndefined();
    return res.data.cadreRecord;
  };
  // 张: on time, late, failed, and one never submitted (overdue): 2 of 4
  expect(await record(zhang.user.id)).toEqual({ claimed: 4, inProgress: 1, due: 4, fulfilled: 2, fulfilledOnTime: 1, fulfilledLate: 1, failed: 1, overdue: 1, fulfilmentRate: 0.5 });
  // 李: one fulfilled early, one submitted on time but unverified past due, one not due: 1 of 2
  expect(await record(li.user.id)).toEqual({ claimed: 3, inProgress: 2, due: 2, fulfilled: 1, fulfilledOnTime: 1, fulfilledLate: 0, failed: 0, overdue: 1, fulfilmentRate: 0.5 });
});
