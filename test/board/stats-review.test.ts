import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideFaultTolerance, FAULT_ASPECTS } from "../../src/modules/board/fault-tolerance.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { ALL_SIX, RELEASE, REVIEW, SUBMIT, VERIFY, WITHDRAW, claim, publishTask, rows } from "./board-helpers";

const FIGURES = "published claimed claimRate open inProgress fulfilled failed exemptedFailures fulfilmentRate overdue";
const STATS = `query($filter: BoardStatsFilter) { boardStats(filter: $filter) { ${FIGURES} byCategory { category ${FIGURES} } } }`;
const RECORD = `query($id: ID!) { cadreRecord(cadreId: $id) { cadreId cadre { id } claimed inProgress fulfilled failed mitigated exempted due fulfilmentRate } }`;

let server: TestServer;
let adminToken: string;

const assessments = (unfavourable: string[] = []) =>
  ALL_SIX.map((aspect) => ({ aspect, favourable: !unfavourable.includes(aspect), note: `${aspect} 说明` }));

/** The rule's suggestion for these unfavourable aspects. */
const suggestion = (unfavourable: string[] = []) =>
  decideFaultTolerance(Object.fromEntries(FAULT_ASPECTS.map((a) => [a, !unfavourable.includes(a)])) as Record<(typeof FAULT_ASPECTS)[number], boolean>);

/** A review input that decides what the rule suggests, with a written reason. */
const reviewInput = (taskId: string, unfavourable: string[] = [], fields: Record<string, unknown> = {}) =>
  ({ taskId, assessments: assessments(unfavourable), decision: suggestion(unfavourable), reason: "探索改革中的失误，出于公心", ...fields });

async function failedTask(cadreToken: string, category = "KEY_WORK") {
  const task = await publishTask(server, adminToken, { category });
  await claim(server, cadreToken, task.id);
  await server.gql(SUBMIT, { input: { taskId: task.id } }, cadreToken);
  await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: false } }, adminToken);
  return task.id;
}

beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

describe("the fault-tolerance rule (六看)", () => {
  test("MOTIVE or BASIS unfavourable -> NOT_EXEMPTED; all six favourable -> EXEMPTED; otherwise MITIGATED", () => {
    const all = Object.fromEntries(FAULT_ASPECTS.map((a) => [a, true])) as Record<(typeof FAULT_ASPECTS)[number], boolean>;
    expect(decideFaultTolerance(all)).toBe("EXEMPTED");
    expect(decideFaultTolerance({ ...all, MOTIVE: false })).toBe("NOT_EXEMPTED");
    expect(decideFaultTolerance({ ...all, BASIS: false, DUTY: false })).toBe("NOT_EXEMPTED");
    for (const aspect of ["NATURE", "DUTY", "PROCEDURE", "ATTITUDE"] as const) expect(decideFaultTolerance({ ...all, [aspect]: false })).toBe("MITIGATED");
    expect(decideFaultTolerance({ ...all, NATURE: false, DUTY: false, PROCEDURE: false, ATTITUDE: false })).toBe("MITIGATED");
  });

  test("the schema states the rule", () => {
    const review = server.app.schema.getType("FaultToleranceReview")!;
    expect(review.description).toContain("MOTIVE or BASIS unfavourable -> NOT_EXEMPTED; all six favourable -> EXEMPTED; otherwise MITIGATED");
  });
});

describe("reviewFaultTolerance", () => {
  test("records the six assessments and the decision the rule gives, on the timeline too", async () => {
    const reviewer = await server.user("ADMIN");
    const { token } = await server.user("CADRE");
    const taskId = await failedTask(token);
    const response = await server.gql(REVIEW, { input: reviewInput(taskId, ["DUTY"]) }, reviewer.token);
    expect(response.errors).toBeUndefined();
    expect(response.data.reviewFaultTolerance).toMatchObject({ taskId, decision: "MITIGATED", reviewer: { id: reviewer.user.id } });
    expect(response.data.reviewFaultTolerance.assessments).toEqual(assessments(["DUTY"]));
    const read = await server.gql(`query($id: ID!) { task(id: $id) { status faultToleranceReview { decision } timeline { type note } } }`, { id: taskId }, token);
    expect(read.data.task.faultToleranceReview).toEqual({ decision: "MITIGATED" });
    expect(read.data.task.timeline.at(-1)).toEqual({ type: "REVIEWED", note: "MITIGATED" });
    expect(read.data.task.status).toBe("FAILED");
  });

  test("NOT_EXEMPTED suggested for an unfavourable motive; deciding otherwise needs a departureReason", async () => {
    const { token } = await server.user("CADRE");
    const taskId = await failedTask(token);
    const wrong = await server.gql(REVIEW, { input: reviewInput(taskId, ["MOTIVE"], { decision: "EXEMPTED" }) }, adminToken);
    expect(codeOf(wrong)).toBe("BAD_USER_INPUT");
    expect(wrong.errors![0].extensions!.field).toBe("departureReason");
    const right = await server.gql(REVIEW, { input: reviewInput(taskId, ["MOTIVE"]) }, adminToken);
    expect(right.data.reviewFaultTolerance.decision).toBe("NOT_EXEMPTED");
    const again = await server.gql(REVIEW, { input: reviewInput(taskId) }, adminToken);
    expect(codeOf(again)).toBe("CONFLICT");
    expect(await rows(server, "SELECT decision FROM fault_tolerance_review WHERE task_id = ?", [taskId])).toEqual([{ decision: "NOT_EXEMPTED" }]);
  });

  test("each aspect exactly once; only a FAILED task; ADMIN only; nothing written when refused", async () => {
    const { token } = await server.user("CADRE");
    const taskId = await failedTask(token);
    const twice = assessments();
    twice[5] = { ...twice[0] };
    expect(codeOf(await server.gql(REVIEW, { input: reviewInput(taskId, [], { assessments: twice }) }, adminToken))).toBe("BAD_USER_INPUT");
    expect(codeOf(await server.gql(REVIEW, { input: reviewInput(taskId, [], { assessments: assessments().slice(0, 5) }) }, adminToken))).toBe("BAD_USER_INPUT");
    expect(codeOf(await server.gql(REVIEW, { input: reviewInput(taskId) }, token))).toBe("FORBIDDEN");
    const open = await publishTask(server, adminToken);
    const notFailed = await server.gql(REVIEW, { input: reviewInput(open.id) }, adminToken);
    expect(codeOf(notFailed)).toBe("CONFLICT");
    expect(notFailed.errors![0].extensions!.status).toBe("OPEN");
    expect(await rows(server, "SELECT id FROM fault_tolerance_review WHERE task_id IN (?, ?)", [taskId, open.id])).toEqual([]);
  });
});

describe("boardStats and cadreRecord after a scripted scenario (hand-computed)", () => {
  let scenario: TestServer;
  let admin: string;
  const who: Record<string, { id: string; token: string }> = {};

  beforeAll(async () => {
    scenario = await startTestServer();
    admin = (await scenario.user("ADMIN")).token;
    for (const key of ["A", "B", "C"]) {
      const { user, token } = await scenario.user("CADRE");
      who[key] = { id: user.id, token };
    }
    const day = 86_400_000;
    const soon = new Date(scenario.clock.now().getTime() + day).toISOString();
    const pub = (category: string, dueAt?: string) => publishTask(scenario, admin, { category, ...(dueAt ? { dueAt } : {}) });
    const submit = (token: string, id: string) => scenario.gql(SUBMIT, { input: { taskId: id } }, token);
    const verify = (id: string, fulfilled: boolean) => scenario.gql(VERIFY, { input: { taskId: id, fulfilled } }, admin);
    const review = (id: string, unfavourable: string[]) => scenario.gql(REVIEW, { input: reviewInput(id, unfavourable) }, admin);

    const [P1, P2, P3, P4] = [await pub("MAJOR_PROJECT"), await pub("MAJOR_PROJECT"), await pub("MAJOR_PROJECT", soon), await pub("MAJOR_PROJECT")];
    const [R1, R2, R3] = [await pub("KEY_REFORM"), await pub("KEY_REFORM"), await pub("KEY_REFORM")];
    const [W1, W2, W3] = [await pub("KEY_WORK", soon), await pub("KEY_WORK"), await pub("KEY_WORK", soon)];
    void P4; void W3;
    await claim(scenario, who.A.token, P1.id); await submit(who.A.token, P1.id); await verify(P1.id, true);
    await claim(scenario, who.A.token, P2.id); await submit(who.A.token, P2.id); await verify(P2.id, false); await review(P2.id, []);
    await claim(scenario, who.B.token, P3.id);
    await claim(scenario, who.B.token, R1.id); await scenario.gql(RELEASE, { input: { taskId: R1.id, reason: "调岗" } }, who.B.token);
    await claim(scenario, who.C.token, R2.id); await submit(who.C.token, R2.id); await verify(R2.id, false); await review(R2.id, ["DUTY"]);
    await scenario.gql(WITHDRAW, { input: { taskId: R3.id } }, admin);
    await claim(scenario, who.C.token, W1.id); await submit(who.C.token, W1.id);
    await claim(scenario, who.A.token, W2.id); await submit(who.A.token, W2.id); await verify(W2.id, true);
    scenario.clock.advance(2 * day);
  });
  afterAll(() => scenario?.stop());

  test("boardStats: totals and per category", async () => {
    const response = await scenario.gql(STATS, {}, who.B.token);
    expect(response.errors).toBeUndefined();
    const stats = response.data.boardStats;
    expect(stats).toMatchObject({ published: 9, claimed: 7, open: 3, inProgress: 2, fulfilled: 2, failed: 2, exemptedFailures: 1, overdue: 2 });
    // due: P1 P2 P3 R2 W1 W2 W3 (verified, or past the one-day due time); 2 fulfilled
    expect(stats.fulfilmentRate).toBeCloseTo(2 / 7, 10);
    expect(stats.claimRate).toBeCloseTo(7 / 9, 10);
    expect(stats.byCategory).toEqual([
      { category: "MAJOR_PROJECT", published: 4, claimed: 3, claimRate: 0.75, open: 1, inProgress: 1, fulfilled: 1, failed: 1, exemptedFailures: 1, fulfilmentRate: expect.closeTo(1 / 3, 10), overdue: 1 },
      { category: "KEY_REFORM", published: 2, claimed: 2, claimRate: 1, open: 1, inProgress: 0, fulfilled: 0, failed: 1, exemptedFailures: 0, fulfilmentRate: 0, overdue: 0 },
      { category: "KEY_WORK", published: 3, claimed: 2, claimRate: expect.closeTo(2 / 3, 10), open: 1, inProgress: 1, fulfilled: 1, failed: 0, exemptedFailures: 0, fulfilmentRate: expect.closeTo(1 / 3, 10), overdue: 1 },
    ]);
    const reform = await scenario.gql(STATS, { filter: { category: "KEY_REFORM" } }, who.B.token);
    expect(reform.data.boardStats).toMatchObject({ published: 2, claimed: 2, claimRate: 1, failed: 1, fulfilmentRate: 0 });
    expect(reform.data.boardStats.byCategory.map((c: any) => c.category)).toEqual(["KEY_REFORM"]);
  });

  test("rates are null when there is nothing to divide by", async () => {
    const empty = await startTestServer();
    try {
      const { token } = await empty.user("ENTERPRISE");
      const response = await empty.gql(STATS, {}, token);
      expect(response.data.boardStats).toMatchObject({ published: 0, claimRate: null, fulfilmentRate: null });
    } finally {
      await empty.stop();
    }
  });

  test("cadreRecord counts exempted failures apart; ADMIN reads anyone's, a CADRE only their own", async () => {
    const record = async (id: string, token = admin) => (await scenario.gql(RECORD, { id }, token)).data?.cadreRecord;
    expect(await record(who.A.id)).toEqual({ cadreId: who.A.id, cadre: { id: who.A.id }, claimed: 3, inProgress: 0, fulfilled: 2, failed: 0, mitigated: 0, exempted: 1, due: 2, fulfilmentRate: 1 });
    expect(await record(who.B.id)).toMatchObject({ claimed: 2, inProgress: 1, fulfilled: 0, failed: 0, exempted: 0 });
    expect(await record(who.C.id, who.C.token)).toMatchObject({ claimed: 2, inProgress: 1, fulfilled: 0, failed: 1, mitigated: 1, exempted: 0, due: 2, fulfilmentRate: 0 });
    expect(codeOf(await scenario.gql(RECORD, { id: who.A.id }, who.C.token))).toBe("FORBIDDEN");
    const enterprise = await scenario.user("ENTERPRISE");
    expect(codeOf(await scenario.gql(RECORD, { id: who.A.id }, enterprise.token))).toBe("FORBIDDEN");
    expect(codeOf(await scenario.gql(RECORD, { id: enterprise.user.id }, admin))).toBe("NOT_FOUND");
  });

  test("a task's overdue flag follows the clock", async () => {
    const overdue = await scenario.gql(`{ taskBoard(filter: { status: SUBMITTED }) { edges { node { overdue } } } }`, {}, admin);
    expect(overdue.data.taskBoard.edges.map((e: any) => e.node.overdue)).toEqual([true]);
  });
});
