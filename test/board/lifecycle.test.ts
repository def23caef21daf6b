import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { CLAIM, PROGRESS, RELEASE, SEND_BACK, SUBMIT, TASK, VERIFY, WITHDRAW, claim, publishTask, rows, workload } from "./board-helpers";

let server: TestServer;
let admin: { token: string; id: string };
let cadre: { token: string; id: string; name: string };
let other: { token: string; id: string; name: string };
let enterprise: { token: string };

beforeAll(async () => {
  server = await startTestServer();
  const a = await server.user("ADMIN");
  admin = { token: a.token, id: a.user.id };
  const c = await server.user("CADRE", { name: "张伟" });
  cadre = { token: c.token, id: c.user.id, name: c.user.name };
  const o = await server.user("CADRE", { name: "李娜" });
  other = { token: o.token, id: o.user.id, name: o.user.name };
  enterprise = { token: (await server.user("ENTERPRISE")).token };
});
afterAll(() => server?.stop());


describe("the whole lifecycle", () => {
  test("publish, claim, progress, submit, send back, resubmit, verify: each step on the timeline with who and when", async () => {
    const task = await publishTask(server, admin.token, { title: "聚芯源二期 水电保障", category: "MAJOR_PROJECT" });
    expect(task).toMatchObject({ status: "OPEN", claimant: null, pledge: null, revision: 1, publishedBy: { id: admin.id }, overdue: false });
    expect(task.timeline).toEqual([expect.objectContaining({ seq: 1, type: "PUBLISHED", fromStatus: null, toStatus: "OPEN", actor: { id: admin.id, name: expect.any(String) } })]);

    server.clock.advance(60_000);
    const claimed = await claim(server, cadre.token, task.id, "3天内完成水电接入");
    expect(claimed.errors).toBeUndefined();
    expect(claimed.data.claimTask).toMatchObject({ status: "CLAIMED", pledge: "3天内完成水电接入", claimant: { id: cadre.id, name: "张伟" } });
    expect(claimed.data.claimTask.claimedAt).toBe(server.clock.now().toISOString());
    expect(await workload(server, cadre.id)).toBe(1);

    server.clock.advance(60_000);
    const progress = await server.gql(PROGRESS, { input: { taskId: task.id, note: "已协调供电局" } }, cadre.token);
    expect(progress.data.reportTaskProgress.status).toBe("CLAIMED");

    server.clock.advance(60_000);
    const submitted = await server.gql(SUBMIT, { input: { taskId: task.id, note: "水电已通" } }, cadre.token);
    expect(submitted.data.submitTask).toMatchObject({ status: "SUBMITTED" });

    const sentBack = await server.gql(SEND_BACK, { input: { taskId: task.id, comment: "缺少验收单" } }, admin.token);
    expect(sentBack.data.sendBackTask).toMatchObject({ status: "CLAIMED", verificationComment: "缺少验收单", submittedAt: null, claimant: { id: cadre.id } });
    expect(await workload(server, cadre.id)).toBe(1);

    await server.gql(SUBMIT, { input: { taskId: task.id } }, cadre.token);
    server.clock.advance(60_000);
    const verified = await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: true, comment: "兑现" } }, admin.token);
    expect(verified.errors).toBeUndefined();
    expect(verified.data.verifyTask).toMatchObject({ status: "FULFILLED", verificationComment: "兑现", claimant: { id: cadre.id } });
    expect(verified.data.verifyTask.verifiedAt).toBe(server.clock.now().toISOString());
    expect(await workload(server, cadre.id)).toBe(0);

    const read = await server.gql(TASK, { id: task.id }, enterprise.token);
    const timeline = read.data.task.timeline;
    expect(timeline.map((e: any) => [e.seq, e.type, e.fromStatus, e.toStatus, e.actor.id, e.note])).toEqual([
      [1, "PUBLISHED", null, "OPEN", admin.id, null],
      [2, "CLAIMED", "OPEN", "CLAIMED", cadre.id, "3天内完成水电接入"],
      [3, "PROGRESS", null, null, cadre.id, "已协调供电局"],
      [4, "SUBMITTED", "CLAIMED", "SUBMITTED", cadre.id, "水电已通"],
      [5, "SENT_BACK", "SUBMITTED", "CLAIMED", admin.id, "缺少验收单"],
      [6, "SUBMITTED", "CLAIMED", "SUBMITTED", cadre.id, null],
      [7, "FULFILLED", "SUBMITTED", "FULFILLED", admin.id, "兑现"],
    ]);
    expect(new Date(timeline[6].at).getTime()).toBe(server.clock.now().getTime());
    const audits = await rows(server, "SELECT action FROM audit_entry WHERE entity_id = ? ORDER BY at, action", [task.id]);
    expect(audits.map((a) => a.action).sort()).toEqual(
      ["boardTask.published", "boardTask.claimed", "boardTask.progress", "boardTask.submitted", "boardTask.sent_back", "boardTask.submitted", "boardTask.fulfilled"].sort(),
    );
  });

  test("release returns the task to OPEN with the reason; another cadre may then claim it", async () => {
    const task = await publishTask(server, admin.token);
    await claim(server, cadre.token, task.id);
    const released = await server.gql(RELEASE, { input: { taskId: task.id, reason: "人手不足" } }, cadre.token);
    expect(released.data.releaseTask).toMatchObject({ status: "OPEN", claimant: null, pledge: null });
    expect(released.data.releaseTask.timeline.at(-1)).toMatchObject({ type: "RELEASED", fromStatus: "CLAIMED", toStatus: "OPEN", note: "人手不足" });
    expect(await workload(server, cadre.id)).toBe(0);
    const again = await claim(server, other.token, task.id);
    expect(again.data.claimTask.claimant.id).toBe(other.id);
  });

  test("verification as FAILED frees the claimant's slot; withdraw takes an OPEN task off", async () => {
    const task = await publishTask(server, admin.token);
    const before = await workload(server, other.id);
    expect((await claim(server, other.token, task.id)).errors).toBeUndefined();
    expect(await workload(server, other.id)).toBe(before + 1);
    expect((await server.gql(SUBMIT, { input: { taskId: task.id } }, other.token)).errors).toBeUndefined();
    expect(await workload(server, other.id)).toBe(before + 1); // a submitted task still holds the slot until verified
    const failed = await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: false, comment: "未按期" } }, admin.token);
    expect(failed.errors).toBeUndefined();
    expect(failed.data.verifyTask.status).toBe("FAILED");
    expect(await workload(server, other.id)).toBe(before);
    const open = await publishTask(server, admin.token);
    const withdrawn = await server.gql(WITHDRAW, { input: { taskId: open.id, reason: "已合并" } }, admin.token);
    expect(withdrawn.data.withdrawTask).toMatchObject({ status: "WITHDRAWN" });
    expect(withdrawn.data.withdrawTask.timeline.at(-1)).toMatchObject({ type: "WITHDRAWN", fromStatus: "OPEN", toStatus: "WITHDRAWN", note: "已合并" });
  });

  test("a pledge of only spaces is refused on its field and claims nothing", async () => {
    const task = await publishTask(server, admin.token);
    const held = await workload(server, cadre.id);
    const blank = await claim(server, cadre.token, task.id, " \t ");
    expect(codeOf(blank)).toBe("BAD_USER_INPUT");
    expect(blank.errors![0].extensions!.field).toBe("pledge");
    const [row] = await rows(server, "SELECT status, claimant_id, revision FROM board_task WHERE id = ?", [task.id]);
    expect({ ...row, revision: Number(row.revision) }).toEqual({ status: "OPEN", claimant_id: null, revision: 1 });
    expect(await workload(server, cadre.id)).toBe(held);
  });

  test("the same cadre claiming again gets the task back unchanged, with no new timeline entry", async () => {
    const task = await publishTask(server, admin.token);
    const first = await claim(server, cadre.token, task.id, "first pledge");
    server.clock.advance(1000);
    const second = await claim(server, cadre.token, task.id, "second pledge");
    expect(second.errors).toBeUndefined();
    expect(second.data.claimTask).toEqual(first.data.claimTask);
    expect(await workload(server, cadre.id)).toBe(1);
    await server.gql(RELEASE, { input: { taskId: task.id, reason: "test cleanup" } }, cadre.token);
  });

  test("another cadre claiming a held task gets TASK_ALREADY_CLAIMED with who holds it", async () => {
    const task = await publishTask(server, admin.token);
    await claim(server, cadre.token, task.id);
    const refused = await claim(server, other.token, task.id);
    expect(codeOf(refused)).toBe("TASK_ALREADY_CLAIMED");
    expect(refused.errors![0].extensions).toMatchObject({ claimantId: cadre.id, claimantName: "张伟" });
    expect((await server.gql(SUBMIT, { input: { taskId: task.id } }, cadre.token)).errors).toBeUndefined();
    // once submitted the task is still held: a fresh claim is refused, naming the holder again
    const refusedAgain = await claim(server, other.token, task.id);
    expect(codeOf(refusedAgain)).toBe("TASK_ALREADY_CLAIMED");
    expect(refusedAgain.errors![0].extensions).toMatchObject({ claimantId: cadre.id, claimantName: "张伟" });
    expect(refusedAgain.data).toBeNull();
    await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: true } }, admin.token);
  });
});

describe("every illegal transition answers INVALID_TRANSITION naming both states and writes nothing", () => {
  /** A task in the given state, claimed (when it has been) by a fresh cadre whose token is returned. */
  async function taskIn(status: string): Promise<{ id: string; token: string }> {
    const task = await publishTask(server, admin.token);
    const { token } = await server.user("CADRE");
    if (status === "OPEN") return { id: task.id, token };
    if (status === "WITHDRAWN") {
      await server.gql(WITHDRAW, { input: { taskId: task.id } }, admin.token);
      return { id: task.id, token };
    }
    expect((await claim(server, token, task.id)).errors).toBeUndefined();
    if (status === "CLAIMED") return { id: task.id, token };
    await server.gql(SUBMIT, { input: { taskId: task.id } }, token);
    if (status === "SUBMITTED") return { id: task.id, token };
    await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: status === "FULFILLED" } }, admin.token);
    return { id: task.id, token };
  }

  const cases: Array<[string, string, string, (id: string) => [string, Record<string, unknown>, "admin" | "other"]]> = [
    ["OPEN", "SUBMITTED", "submit", (id) => [SUBMIT, { input: { taskId: id } }, "other"]],
    ["OPEN", "OPEN", "release", (id) => [RELEASE, { input: { taskId: id, reason: "x" } }, "other"]],
    ["OPEN", "FULFILLED", "verify", (id) => [VERIFY, { input: { taskId: id, fulfilled: true } }, "admin"]],
    ["OPEN", "CLAIMED", "send back", (id) => [SEND_BACK, { input: { taskId: id, comment: "x" } }, "admin"]],
    ["CLAIMED", "WITHDRAWN", "withdraw", (id) => [WITHDRAW, { input: { taskId: id } }, "admin"]],
    ["CLAIMED", "FAILED", "verify", (id) => [VERIFY, { input: { taskId: id, fulfilled: false } }, "admin"]],
    ["CLAIMED", "CLAIMED", "send back", (id) => [SEND_BACK, { input: { taskId: id, comment: "x" } }, "admin"]],
    ["SUBMITTED", "SUBMITTED", "submit", (id) => [SUBMIT, { input: { taskId: id } }, "other"]],
    ["SUBMITTED", "OPEN", "release", (id) => [RELEASE, { input: { taskId: id, reason: "x" } }, "other"]],
    ["SUBMITTED", "CLAIMED", "progress", (id) => [PROGRESS, { input: { taskId: id, note: "x" } }, "other"]],
    ["SUBMITTED", "WITHDRAWN", "withdraw", (id) => [WITHDRAW, { input: { taskId: id } }, "admin"]],
    ["SUBMITTED", "CLAIMED", "claim", (id) => [CLAIM, { input: { taskId: id, pledge: "x" } }, "admin"]],
    ["FULFILLED", "CLAIMED", "claim", (id) => [CLAIM, { input: { taskId: id, pledge: "x" } }, "other"]],
    ["FULFILLED", "FAILED", "verify", (id) => [VERIFY, { input: { taskId: id, fulfilled: false } }, "admin"]],
    ["FULFILLED", "SUBMITTED", "submit", (id) => [SUBMIT, { input: { taskId: id } }, "other"]],
    ["FAILED", "FULFILLED", "verify", (id) => [VERIFY, { input: { taskId: id, fulfilled: true } }, "admin"]],
    ["FAILED", "OPEN", "release", (id) => [RELEASE, { input: { taskId: id, reason: "x" } }, "other"]],
    ["FAILED", "CLAIMED", "send back", (id) => [SEND_BACK, { input: { taskId: id, comment: "x" } }, "admin"]],
    ["WITHDRAWN", "CLAIMED", "claim", (id) => [CLAIM, { input: { taskId: id, pledge: "x" } }, "other"]],
    ["WITHDRAWN", "WITHDRAWN", "withdraw", (id) => [WITHDRAW, { input: { taskId: id } }, "admin"]],
    ["WITHDRAWN", "CLAIMED", "progress", (id) => [PROGRESS, { input: { taskId: id, note: "x" } }, "other"]],
  ];

  for (const [from, to, action, make] of cases) {
    if (action === "claim" && from === "SUBMITTED") continue; // covered as a role rule (ADMIN cannot claim)
    test(`${action} on a ${from} task: ${from} -> ${to}`, async () => {
      const { id, token } = await taskIn(from);
      const before = await rows(server, "SELECT status, revision, claimant_id FROM board_task WHERE id = ?", [id]);
      const events = await rows(server, "SELECT COUNT(*) AS n FROM board_task_event WHERE task_id = ?", [id]);
      const audits = await rows(server, "SELECT COUNT(*) AS n FROM audit_entry WHERE entity_id = ?", [id]);
      const [query, variables, who] = make(id);
      const response = await server.gql(query, variables, who === "admin" ? admin.token : action === "claim" ? other.token : token);
      expect(codeOf(response)).toBe("INVALID_TRANSITION");
      expect(response.errors![0].extensions).toMatchObject({ from, to });
      expect(response.data).toBeNull();
      expect(await rows(server, "SELECT status, revision, claimant_id FROM board_task WHERE id = ?", [id])).toEqual(before);
      expect(await rows(server, "SELECT COUNT(*) AS n FROM board_task_event WHERE task_id = ?", [id])).toEqual(events);
      expect(await rows(server, "SELECT COUNT(*) AS n FROM audit_entry WHERE entity_id = ?", [id])).toEqual(audits);
    });
  }
});

describe("input checks", () => {
  test("a due date in the past, an empty title or a missing task answer BAD_USER_INPUT / NOT_FOUND and write nothing", async () => {
    const before = await rows(server, "SELECT COUNT(*) AS n FROM board_task");
    const past = await server.gql(
      `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`,
      { input: { title: "t", description: "d", category: "KEY_WORK", dueAt: new Date(server.clock.now().getTime() - 1000).toISOString() } },
      admin.token,
    );
    expect(codeOf(past)).toBe("BAD_USER_INPUT");
    expect(past.errors![0].extensions!.field).toBe("dueAt");
    const empty = await server.gql(
      `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`,
      { input: { title: "", description: "d", category: "KEY_WORK", dueAt: "2030-01-01T00:00:00Z" } },
      admin.token,
    );
    expect(codeOf(empty)).toBe("BAD_USER_INPUT");
    expect(empty.errors![0].extensions!.field).toBe("title");
    const noPledge = await server.gql(CLAIM, { input: { taskId: "x", pledge: "" } }, cadre.token);
    expect(codeOf(noPledge)).toBe("BAD_USER_INPUT");
    const missing = await claim(server, cadre.token, "00000000-0000-0000-0000-000000000000");
    expect(codeOf(missing)).toBe("NOT_FOUND");
    const unknownProject = await server.gql(
      `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`,
      { input: { title: "t", description: "d", category: "KEY_WORK", dueAt: "2030-01-01T00:00:00Z", projectId: "00000000-0000-0000-0000-000000000000" } },
      admin.token,
    );
    expect(codeOf(unknownProject)).toBe("NOT_FOUND");
    expect(await rows(server, "SELECT COUNT(*) AS n FROM board_task")).toEqual(before);
  });
});
