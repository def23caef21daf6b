import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { CommitmentClause } from "../../src/modules/commitments/commitment.entity";
import { User } from "../../src/modules/accounts/user.entity";
import { cadreOf, type Caller } from "../instep/callers";
import { deferredItem, makeEnterprise, makeProject, signedLetter } from "../support/fixtures";
import { codeOf, startTestServer, type GraphQLResponse, type TestServer } from "../support/server";
import { ALL_SIX, SUBMIT, VERIFY, claim, publishTask, rows } from "./board-helpers";
import { upload } from "../support/uploads";

/**
 * 容错 as the seed describes it (issue 16, item 4): reviews of a FAILED board task and of an
 * approval decision made under 容缺 that the enterprise later broke; the rule suggests, the
 * reviewer decides with a written reason and says why when departing; a review may order a
 * correction (纠错), followed ORDERED -> SUBMITTED -> COMPLETED.
 */

const REVIEW_FIELDS = `id subjectKind taskId approvalItemId suggestedDecision decision reason departureReason reviewedAt
  task { id status } approvalItem { id kind status } cadre { id } reviewer { id }
  correction { id status description dueOn owner { id } overdue }`;
const REVIEW = `mutation($input: ReviewFaultToleranceInput!) { reviewFaultTolerance(input: $input) { ${REVIEW_FIELDS} } }`;
const CORRECTION_FIELDS = `id status description dueOn note comment submittedAt completedAt overdue createdAt
  owner { id } completedBy { id } review { id subjectKind }`;
const SUBMIT_CORRECTION = `mutation($input: SubmitFaultCorrectionInput!) { submitFaultCorrection(input: $input) { ${CORRECTION_FIELDS} } }`;
const VERIFY_CORRECTION = `mutation($input: VerifyFaultCorrectionInput!) { verifyFaultCorrection(input: $input) { ${CORRECTION_FIELDS} } }`;
const CORRECTIONS = `query($filter: FaultCorrectionFilter, $first: Int, $after: String) {
  faultCorrections(filter: $filter, first: $first, after: $after) { totalCount edges { node { id status overdue owner { id } } } pageInfo { hasNextPage endCursor } } }`;
const RECORD = `query($id: ID!) { cadreRecord(cadreId: $id) { failed mitigated exempted } }`;
const ADD_ITEM = `mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`;
const SUBMIT_ITEM = `mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status } }`;
const DECIDE_ITEM = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status approvedOn handledBy { id } } }`;
const SUPPLY = `mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id status } }`;
const SWEEP = `mutation { runDeadlineSweep { overdueDeferredItems } }`;

const DAY = 86_400_000;
const REASON = "探索改革中的失误，出于公心，非明知故犯、非谋取私利";

const assessments = (unfavourable: string[] = []) => ALL_SIX.map((aspect) => ({ aspect, favourable: !unfavourable.includes(aspect), note: `${aspect} 说明` }));

function ok<T = any>(response: GraphQLResponse): T {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return Object.values(response.data)[0] as T;
}

function refused(response: GraphQLResponse, code: string) {
  expect(codeOf(response), JSON.stringify(response.errors)).toBe(code);
  expect(Object.values(response.data ?? {}).every((v) => v === null)).toBe(true);
  return response.errors![0];
}

const auditCount = (server: TestServer, entityType: string) => server.app.services.dataSource.getRepository(AuditEntry).countBy({ entityType });

/** A task published by ADMIN, claimed, submitted and verified FAILED; claimed by `cadre`. */
async function failedTask(server: TestServer, admin: string, cadre: string): Promise<string> {
  const task = await publishTask(server, admin);
  ok(await claim(server, cadre, task.id));
  ok(await server.gql(SUBMIT, { input: { taskId: task.id, note: "已提交" } }, cadre));
  ok(await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: false, comment: "未兑现" } }, admin));
  return task.id;
}

describe("a board task's review: the rule suggests, the reviewer decides", () => {
  let server: TestServer;
  let admin: Caller;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.user("ADMIN");
  });
  afterAll(() => server?.stop());

  test("a decision equal to the suggestion: suggestion, decision and reason stored and exposed; the claimant judged", async () => {
    const cadre = await server.user("CADRE");
    const taskId = await failedTask(server, admin.token, cadre.token);
    const review = ok(await server.gql(REVIEW, { input: { taskId, assessments: assessments(["DUTY"]), decision: "MITIGATED", reason: REASON } }, admin.token));
    expect(review).toMatchObject({
      subjectKind: "BOARD_TASK", taskId, approvalItemId: null, task: { id: taskId, status: "FAILED" }, approvalItem: null,
      suggestedDecision: "MITIGATED", decision: "MITIGATED", reason: REASON, departureReason: null, correction: null,
      cadre: { id: cadre.user.id }, reviewer: { id: admin.user.id },
    });
    expect(await rows(server, "SELECT suggested_decision, decision, reason, departure_reason, approval_item_id FROM fault_tolerance_review WHERE task_id = ?", [taskId])).toEqual([
      { suggested_decision: "MITIGATED", decision: "MITIGATED", reason: REASON, departure_reason: null, approval_item_id: null },
    ]);
    const again = refused(await server.gql(REVIEW, { input: { taskId, assessments: assessments(), decision: "EXEMPTED", reason: REASON } }, admin.token), "CONFLICT");
    expect(again.extensions!.field).toBe("taskId");
  });

  test("a departure without departureReason is refused and writes nothing; with one, both decisions are exposed and the reviewer's counts", async () => {
    const cadre = await server.user("CADRE");
    const taskId = await failedTask(server, admin.token, cadre.token);
    const audits = await auditCount(server, "FaultToleranceReview");
    const base = { taskId, assessments: assessments(["MOTIVE"]), decision: "MITIGATED", reason: REASON };
    for (const departureReason of [undefined, null, "   "]) {
      const error = refused(await server.gql(REVIEW, { input: { ...base, departureReason } }, admin.token), "BAD_USER_INPUT");
      expect(error.extensions!.field).toBe("departureReason");
    }
    // the written reason is required, and not blank
    expect(refused(await server.gql(REVIEW, { input: { ...base, departureReason: "x", reason: " \u200b " } }, admin.token), "BAD_USER_INPUT").extensions!.field).toBe("reason");
    // following the suggestion, there is no departure to explain
    const following = { ...base, decision: "NOT_EXEMPTED", departureReason: "无" };
    expect(refused(await server.gql(REVIEW, { input: following }, admin.token), "BAD_USER_INPUT").extensions!.field).toBe("departureReason");
    expect(await rows(server, "SELECT id FROM fault_tolerance_review WHERE task_id = ?", [taskId])).toEqual([]);
    expect(await auditCount(server, "FaultToleranceReview")).toBe(audits);

    const departureReason = "动机一项系误判：经查为执行区委改革办书面部署，非谋私";
    const review = ok(await server.gql(REVIEW, { input: { ...base, departureReason } }, admin.token));
    expect(review).toMatchObject({ suggestedDecision: "NOT_EXEMPTED", decision: "MITIGATED", reason: REASON, departureReason });
    const read = await server.gql(`query($id: ID!) { task(id: $id) { faultToleranceReview { suggestedDecision decision departureReason } timeline { type note } } }`, { id: taskId }, cadre.token);
    expect(read.data.task.faultToleranceReview).toEqual({ suggestedDecision: "NOT_EXEMPTED", decision: "MITIGATED", departureReason });
    expect(read.data.task.timeline.at(-1)).toEqual({ type: "REVIEWED", note: "MITIGATED" });
    // the board's figures read the reviewer's decision
    expect(ok(await server.gql(RECORD, { id: cadre.user.id }, admin.token))).toMatchObject({ mitigated: 1, exempted: 0 });
  });

  test("exactly one subject: neither or both answer BAD_USER_INPUT", async () => {
    const cadre = await server.user("CADRE");
    const taskId = await failedTask(server, admin.token, cadre.token);
    const base = { assessments: assessments(), decision: "EXEMPTED", reason: REASON };
    expect(refused(await server.gql(REVIEW, { input: base }, admin.token), "BAD_USER_INPUT").extensions!.field).toBe("taskId");
    const both = { ...base, taskId, approvalItemId: "00000000-0000-4000-8000-000000000000" };
    expect(refused(await server.gql(REVIEW, { input: both }, admin.token), "BAD_USER_INPUT").extensions!.field).toBe("taskId");
    expect(await rows(server, "SELECT id FROM fault_tolerance_review WHERE task_id = ?", [taskId])).toEqual([]);
  });
});

describe("an approval decision made under 容缺 that the enterprise broke", () => {
  let server: TestServer;
  let admin: Caller;
  /** 发改局: handles FILING, which no deferred material of these tests stands in for. */
  let devReform: Caller;
  const input = (approvalItemId: string, fields: Record<string, unknown> = {}) => ({ approvalItemId, assessments: assessments(), decision: "EXEMPTED", reason: REASON, ...fields });

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.user("ADMIN");
    devReform = await cadreOf(server, "DEVELOPMENT_REFORM");
  });
  afterAll(() => server?.stop());

  async function project() {
    const enterprise = await makeEnterprise(server);
    return (await makeProject(server, enterprise.id, { signedOn: "2026-02-20", landContractOn: "2026-02-25" })).id;
  }

  /** The project's FILING item, submitted and APPROVED on `on` by `by` (发改局 unless told). */
  async function approvedFiling(projectId: string, on: string, by = devReform.token): Promise<string> {
    const itemId = ok(await server.gql(ADD_ITEM, { input: { projectId, kind: "FILING" } }, admin.token)).id;
    ok(await server.gql(SUBMIT_ITEM, { input: { itemId, on } }, admin.token));
    expect(ok(await server.gql(DECIDE_ITEM, { input: { itemId, decision: "APPROVED", on, attachmentIds: [await upload(server, by)] } }, by))).toMatchObject({ status: "APPROVED", approvedOn: on });
    return itemId;
  }

  // The story, each project on 2026-03-02 (the clock's start) unless told:
  let qualifying: string; // EIA deferred (promised 3-20), FILING approved 3-02 by 发改局; the EIA goes OVERDUE
  let byClause: string; // EIA deferred and supplied on time, FILING approved meanwhile; an enterprise clause BREACHED
  let keptWord: string; // EIA deferred, FILING approved meanwhile, EIA supplied on time
  let nothingOwed: string; // FILING approved 3-01, before the EIA was deferred (3-02); the EIA goes OVERDUE
  let byAdmin: string; // as qualifying, but approved by ADMIN
  let pending: string; // FILING submitted, not decided
  beforeAll(async () => {
    const p1 = await project();
    const eia1 = await deferredItem(server, p1, "ENVIRONMENTAL_IMPACT", "2026-03-20");
    qualifying = await approvedFiling(p1, "2026-03-02");
    void eia1;

    const p2 = await project();
    const eia2 = await deferredItem(server, p2, "ENVIRONMENTAL_IMPACT", "2026-03-20");
    byClause = await approvedFiling(p2, "2026-03-02");
    const letter = await signedLetter(server, p2);
    const clauses = server.app.services.dataSource.getRepository(CommitmentClause);
    await clauses.insert(clauses.create({
      letterId: letter.id, party: "ENTERPRISE", templateCode: "ENTERPRISE_FUNDS", title: "资金到位", text: "企业承诺按期资金到位", dueOn: "2026-03-10",
      deferredItemId: null, fulfilmentStatus: "BREACHED", fulfilledOn: null, sortOrder: 0,
    }));

    const p3 = await project();
    const eia3 = await deferredItem(server, p3, "ENVIRONMENTAL_IMPACT", "2026-03-20");
    keptWord = await approvedFiling(p3, "2026-03-02");

    const p4 = await project();
    nothingOwed = await approvedFiling(p4, "2026-03-01");
    await deferredItem(server, p4, "ENVIRONMENTAL_IMPACT", "2026-03-20");

    const p5 = await project();
    await deferredItem(server, p5, "ENVIRONMENTAL_IMPACT", "2026-03-20");
    byAdmin = await approvedFiling(p5, "2026-03-02", admin.token);

    const p6 = await project();
    await deferredItem(server, p6, "ENVIRONMENTAL_IMPACT", "2026-03-20");
    pending = ok(await server.gql(ADD_ITEM, { input: { projectId: p6, kind: "FILING" } }, admin.token)).id;
    ok(await server.gql(SUBMIT_ITEM, { input: { itemId: pending, on: "2026-03-02" } }, admin.token));

    server.clock.set("2026-03-10T02:00:00.000Z");
    ok(await server.gql(SUPPLY, { input: { deferredItemId: eia2.id, suppliedOn: "2026-03-10", attachmentIds: [await upload(server, admin.token)] } }, admin.token));
    ok(await server.gql(SUPPLY, { input: { deferredItemId: eia3.id, suppliedOn: "2026-03-10", attachmentIds: [await upload(server, admin.token)] } }, admin.token));
  });

  test("before the enterprise breaks its word the decision is not reviewed: CONFLICT, missing COMMITMENT_BROKEN", async () => {
    const error = refused(await server.gql(REVIEW, { input: input(qualifying) }, admin.token), "CONFLICT");
    expect(error.extensions).toMatchObject({ approvalItemId: qualifying, missing: ["COMMITMENT_BROKEN"] });
  });

  test("once the sweep finds the deferred material OVERDUE, the review judges the cadre who approved it; a second review CONFLICT", async () => {
    server.clock.set("2026-03-25T02:00:00.000Z");
    expect(ok(await server.gql(SWEEP, {}, admin.token)).overdueDeferredItems).toBeGreaterThanOrEqual(1);
    const review = ok(await server.gql(REVIEW, { input: input(qualifying) }, admin.token));
    expect(review).toMatchObject({
      subjectKind: "APPROVAL_DECISION", taskId: null, task: null, approvalItemId: qualifying, approvalItem: { id: qualifying, kind: "FILING", status: "APPROVED" },
      cadre: { id: devReform.user.id }, reviewer: { id: admin.user.id }, suggestedDecision: "EXEMPTED", decision: "EXEMPTED", reason: REASON,
    });
    expect(await rows(server, "SELECT task_id, cadre_id, decision FROM fault_tolerance_review WHERE approval_item_id = ?", [qualifying])).toEqual([
      { task_id: null, cadre_id: devReform.user.id, decision: "EXEMPTED" },
    ]);
    const again = refused(await server.gql(REVIEW, { input: input(qualifying, { decision: "NOT_EXEMPTED", departureReason: "复核" }) }, admin.token), "CONFLICT");
    expect(again.extensions!.field).toBe("approvalItemId");
    expect(await rows(server, "SELECT decision FROM fault_tolerance_review WHERE approval_item_id = ?", [qualifying])).toEqual([{ decision: "EXEMPTED" }]);
  });

  test("an enterprise clause BREACHED is a broken commitment too", async () => {
    expect(ok(await server.gql(REVIEW, { input: input(byClause) }, admin.token))).toMatchObject({ subjectKind: "APPROVAL_DECISION", cadre: { id: devReform.user.id } });
  });

  test("an item that does not qualify answers CONFLICT naming what is missing, and writes nothing", async () => {
    const cases: Array<[string, string[]]> = [
      [keptWord, ["COMMITMENT_BROKEN"]],
      [nothingOwed, ["DEFERRED_AT_APPROVAL"]],
      [byAdmin, ["DECIDED_BY_CADRE"]],
      [pending, ["APPROVED"]],
    ];
    for (const [itemId, missing] of cases) {
      const error = refused(await server.gql(REVIEW, { input: input(itemId) }, admin.token), "CONFLICT");
      expect(error.extensions, itemId).toMatchObject({ approvalItemId: itemId, missing });
    }
    expect(await rows(server, `SELECT id FROM fault_tolerance_review WHERE approval_item_id IN (?, ?, ?, ?)`, cases.map(([id]) => id))).toEqual([]);
    refused(await server.gql(REVIEW, { input: input("00000000-0000-4000-8000-000000000000") }, admin.token), "NOT_FOUND");
  });
});

describe("纠错: a correction ordered by a review, followed to completion", () => {
  let server: TestServer;
  let admin: Caller;
  let owner: Caller;
  let other: Caller;
  const today = () => new Date(server.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const inDays = (days: number) => new Date(server.clock.now().getTime() + 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10);

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.user("ADMIN");
    owner = await server.user("CADRE");
    other = await server.user("CADRE");
  });
  afterAll(() => server?.stop());

  async function reviewWithCorrection(correction: Record<string, unknown>) {
    const claimant = await server.user("CADRE");
    const taskId = await failedTask(server, admin.token, claimant.token);
    const response = await server.gql(REVIEW, { input: { taskId, assessments: assessments(["DUTY"]), decision: "MITIGATED", reason: REASON, correction } }, admin.token);
    return { taskId, response };
  }

  test("ordered, submitted by its owner, sent back, resubmitted and verified COMPLETED; a cadre other than the owner cannot submit it", async () => {
    const { taskId, response } = await reviewWithCorrection({ ownerId: owner.user.id, description: "补齐项目台账并公开说明", dueOn: inDays(14) });
    const ordered = ok(response).correction;
    expect(ordered).toMatchObject({ status: "ORDERED", description: "补齐项目台账并公开说明", dueOn: inDays(14), owner: { id: owner.user.id }, overdue: false });
    const id = ordered.id;

    // visible to ADMIN and the owner only
    const seen = (token: string) => server.gql(`query($id: ID!) { task(id: $id) { faultToleranceReview { correction { id } } } }`, { id: taskId }, token);
    expect((await seen(owner.token)).data.task.faultToleranceReview.correction).toEqual({ id });
    expect((await seen(other.token)).data.task.faultToleranceReview.correction).toBeNull();
    expect(ok(await server.gql(CORRECTIONS, {}, owner.token)).edges.map((e: any) => e.node.id)).toEqual([id]);
    expect(ok(await server.gql(CORRECTIONS, {}, other.token)).totalCount).toBe(0);
    expect(ok(await server.gql(CORRECTIONS, { filter: { ownerId: owner.user.id, status: "ORDERED" } }, admin.token)).edges.map((e: any) => e.node.id)).toEqual([id]);
    refused(await server.gql(CORRECTIONS, { filter: { ownerId: owner.user.id } }, other.token), "FORBIDDEN");
    refused(await server.gql(CORRECTIONS, {}, (await server.user("ENTERPRISE")).token), "FORBIDDEN");

    // another cadre may not report it done; nothing changes
    const forbidden = refused(await server.gql(SUBMIT_CORRECTION, { input: { id, note: "代为整改" } }, other.token), "FORBIDDEN");
    expect(forbidden.message).toMatch(/^Only .+ may /);
    refused(await server.gql(SUBMIT_CORRECTION, { input: { id, note: "代为整改" } }, admin.token), "FORBIDDEN");
    expect(await rows(server, "SELECT status, note FROM fault_correction WHERE id = ?", [id])).toEqual([{ status: "ORDERED", note: null }]);
    // nothing to verify yet
    expect(refused(await server.gql(VERIFY_CORRECTION, { input: { id, accepted: true, comment: "好" } }, admin.token), "INVALID_TRANSITION").extensions).toMatchObject({ from: "ORDERED", to: "COMPLETED" });

    server.clock.advance(DAY);
    const submittedAt = server.clock.now().toISOString();
    expect(ok(await server.gql(SUBMIT_CORRECTION, { input: { id, note: "台账已补齐" } }, owner.token))).toMatchObject({ status: "SUBMITTED", note: "台账已补齐", submittedAt });
    expect(refused(await server.gql(SUBMIT_CORRECTION, { input: { id, note: "再报" } }, owner.token), "INVALID_TRANSITION").extensions).toMatchObject({ from: "SUBMITTED", to: "SUBMITTED" });

    server.clock.advance(3_600_000);
    const back = ok(await server.gql(VERIFY_CORRECTION, { input: { id, accepted: false, comment: "公开说明未附" } }, admin.token));
    expect(back).toMatchObject({ status: "ORDERED", comment: "公开说明未附", completedAt: null, completedBy: null });

    server.clock.advance(DAY);
    ok(await server.gql(SUBMIT_CORRECTION, { input: { id, note: "已附公开说明" } }, owner.token));
    server.clock.advance(DAY);
    const completedAt = server.clock.now().toISOString();
    const done = ok(await server.gql(VERIFY_CORRECTION, { input: { id, accepted: true, comment: "整改到位" } }, admin.token));
    expect(done).toMatchObject({ status: "COMPLETED", completedAt, completedBy: { id: admin.user.id }, note: "已附公开说明", comment: "整改到位", overdue: false, review: { subjectKind: "BOARD_TASK" } });
    refused(await server.gql(SUBMIT_CORRECTION, { input: { id, note: "又一次" } }, owner.token), "INVALID_TRANSITION");
    refused(await server.gql(VERIFY_CORRECTION, { input: { id, accepted: false, comment: "撤回" } }, admin.token), "INVALID_TRANSITION");

    const audits = await server.app.services.dataSource.getRepository(AuditEntry).find({ where: { entityType: "FaultCorrection", entityId: id }, order: { at: "ASC" } });
    expect(audits.map((a) => [a.action, a.actorId])).toEqual([
      ["faultCorrection.order", admin.user.id],
      ["faultCorrection.submit", owner.user.id],
      ["faultCorrection.sendBack", admin.user.id],
      ["faultCorrection.submit", owner.user.id],
      ["faultCorrection.complete", admin.user.id],
    ]);
  });

  test("overdue: not COMPLETED and past its due date by the district date", async () => {
    const due = ok((await reviewWithCorrection({ ownerId: owner.user.id, description: "限期整改", dueOn: today() })).response).correction;
    expect(due.overdue).toBe(false);
    server.clock.advance(DAY);
    const page = ok(await server.gql(CORRECTIONS, { filter: { status: "ORDERED" } }, owner.token));
    expect(page.edges.find((e: any) => e.node.id === due.id).node.overdue).toBe(true);
  });

  test("the owner must be an active cadre and the due date not past (BAD_USER_INPUT); nothing is written", async () => {
    const inactive = await server.user("CADRE");
    await server.app.services.dataSource.getRepository(User).update({ id: inactive.user.id }, { active: false });
    const enterprise = await server.user("ENTERPRISE");
    const before = (await rows(server, "SELECT COUNT(*) AS n FROM fault_tolerance_review"))[0].n;
    for (const [correction, field] of [
      [{ ownerId: enterprise.user.id, description: "整改", dueOn: inDays(5) }, "correction.ownerId"],
      [{ ownerId: inactive.user.id, description: "整改", dueOn: inDays(5) }, "correction.ownerId"],
      [{ ownerId: admin.user.id, description: "整改", dueOn: inDays(5) }, "correction.ownerId"],
      [{ ownerId: owner.user.id, description: "整改", dueOn: inDays(-1) }, "correction.dueOn"],
    ] as const) {
      const error = refused((await reviewWithCorrection(correction)).response, "BAD_USER_INPUT");
      expect(error.extensions!.field).toBe(field);
    }
    expect((await rows(server, "SELECT COUNT(*) AS n FROM fault_tolerance_review"))[0].n).toEqual(before);
  });

  test("two verifications at once do one thing", async () => {
    const { id } = ok((await reviewWithCorrection({ ownerId: other.user.id, description: "并发", dueOn: inDays(3) })).response).correction;
    ok(await server.gql(SUBMIT_CORRECTION, { input: { id, note: "完成" } }, other.token));
    const results = await Promise.all([
      server.gql(VERIFY_CORRECTION, { input: { id, accepted: true, comment: "一" } }, admin.token),
      server.gql(VERIFY_CORRECTION, { input: { id, accepted: false, comment: "二" } }, admin.token),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === "INVALID_TRANSITION")).toHaveLength(1);
    const changes = await server.app.services.dataSource.getRepository(AuditEntry).countBy({ entityType: "FaultCorrection", entityId: id });
    expect(changes).toBe(3); // ordered, submitted, one verification
  });
});
