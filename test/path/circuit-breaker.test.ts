import { afterAll, beforeAll, expect, test } from "vitest";
import { CreditRecord } from "../../src/modules/credit/credit-record.entity";
import { CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { CircuitBreakerEvent, DelayCause } from "../../src/modules/supervision/circuit-breaker.entity";
import { BoardTaskEvent } from "../../src/modules/board/board-task.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { auditOf, createEnterprise, createProject } from "../projects/fixtures";
import { teamOf, type Caller } from "../instep/callers";
import { claim, PROGRESS, publishTask } from "../board/board-helpers";
import { upload } from "../support/uploads";

/**
 * 熔断 on the governed path, through GraphQL with the service clock: a project admitted on a letter
 * both parties signed, started on that commitment, watched CIRCUIT_BREAKER_MONTHS (6) after the
 * signature. The breaker reads the facts (an overdue deferred material, a recorded enterprise cause,
 * an approval pending past its promised working days), stops the work when it trips, and its
 * EXIT and REAPPLY decisions change the project, its letter and the enterprise's credit.
 */
let server: TestServer;
let admin: string;

const APPLY = `mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id fastTrackStatus } }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status } }`;
const MILESTONE = `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id constructionStartOn startedOnCommitment } }`;
const SWEEP = `mutation { runDeadlineSweep { overdueDeferredItems suspendedProjects awaitingDecision creditRecords } }`;
const CAUSE = `mutation($input: RecordDelayCauseInput!) { recordDelayCause(input: $input) { id attributedTo cause } }`;
const RECTIFY = `mutation($input: ConfirmRectificationInput!) { confirmRectification(input: $input) { state rectifiedAt } }`;
const DECIDE = `mutation($input: DecideAfterRectificationInput!) { decideAfterRectification(input: $input) { state decisionReason } }`;
const ADD_ITEM = `mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id promisedWorkingDays } }`;
const SUBMIT_ITEM = `mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status } }`;
const DECIDE_ITEM = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status } }`;
const PROJECT = `query($id: ID!) { project(id: $id) { id fastTrackStatus fastTrackAdmittedAt startedOnCommitment circuitBreaker { state stopWorkOrder rectificationDueOn } } }`;
const DASHBOARD = `{ supervisionDashboard {
  suspendedProjects { id } awaitingDecisionProjects { id } exitedProjects { id }
  circuitBreakers { suspended awaitingDecision exited reapply } } }`;

const at = (date: string) => server.clock.set(new Date(`${date}T02:00:00.000Z`));
const sweep = async () => {
  const res = await server.gql(SWEEP, {}, admin);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.runDeadlineSweep;
};

async function ok(query: string, variables: Record<string, unknown>, token: string) {
  const res = await server.gql(query, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

const project = async (id: string) => ok(PROJECT, { id }, admin);
const dashboard = async () => ok(DASHBOARD, {}, admin);
const events = async (projectId: string) =>
  (await server.app.services.dataSource.getRepository(CircuitBreakerEvent).find({ where: { projectId }, order: { at: "ASC", id: "ASC" } })).map((e) => `${e.fromState}->${e.toState}`);
const breakerCredit = (enterpriseId: string) => server.app.services.dataSource.getRepository(CreditRecord).findBy({ enterpriseId, sourceType: "CIRCUIT_BREAKER" });

interface Admitted {
  enterpriseId: string;
  projectId: string;
  letterId: string;
  owner: Caller;
  manager: Caller;
}

/**
 * On `date`: a project applies with ENVIRONMENTAL_IMPACT deferred until `promisedBy`, the letter is
 * drafted and signed by both parties (ADMITTED), and the enterprise files its construction start on
 * that commitment (no permit) the next day.
 */
async function admittedAndStarted(date: string, promisedBy: string): Promise<Admitted> {
  at(date);
  const enterprise = await createEnterprise(server, admin, `熔断企业 ${date}`);
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const created = await createProject(server, admin, enterprise.id);
  const { manager } = await teamOf(server, admin, created.id);
  expect((await ok(APPLY, { input: { projectId: created.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy }] } }, owner.token)).fastTrackStatus).toBe("APPLIED");
  const letter = await ok(DRAFT, { input: { projectId: created.id } }, admin);
  await ok(SIGN, { input: { letterId: letter.id } }, owner.token);
  expect((await ok(SIGN, { input: { letterId: letter.id } }, manager.token)).status).toBe("SIGNED");
  expect((await project(created.id)).fastTrackStatus).toBe("ADMITTED");
  server.clock.advance(86_400_000);
  const started = await ok(MILESTONE, { input: { projectId: created.id, milestone: "CONSTRUCTION_START" } }, owner.token);
  expect(started.startedOnCommitment).toBe(true);
  return { enterpriseId: enterprise.id, projectId: created.id, letterId: letter.id, owner, manager };
}

/** A board task of the project, claimed by a cadre: its progress reports are the project's work. */
async function claimedTask(projectId: string) {
  const cadre = await server.user("CADRE");
  const task = await publishTask(server, admin, { projectId });
  expect((await claim(server, cadre.token, task.id)).errors).toBeUndefined();
  return { taskId: task.id, cadre };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

test("started on commitment, an overdue material with nobody recording a cause: the breaker trips 6 months after signing and stops the work until rectified", async () => {
  const p = await admittedAndStarted("2026-01-05", "2026-02-01");
  const { taskId, cadre } = await claimedTask(p.projectId);
  at("2026-02-02");
  expect((await sweep()).overdueDeferredItems).toBeGreaterThanOrEqual(1);

  at("2026-07-04"); // the day before: not yet watched
  await sweep();
  expect((await project(p.projectId)).fastTrackStatus).toBe("ADMITTED");
  expect(await events(p.projectId)).toEqual([]);

  at("2026-07-05"); // 6 months after the letter was signed (district date 2026-01-05)
  await sweep();
  const stopped = await project(p.projectId);
  expect(stopped.fastTrackStatus).toBe("SUSPENDED");
  expect(stopped.circuitBreaker.state).toBe("SUSPENDED");
  expect(stopped.circuitBreaker.rectificationDueOn).toBe("2026-09-03");
  // the order says why, from the facts: started on commitment, no permit, the overdue material
  expect(stopped.circuitBreaker.stopWorkOrder).toContain("started on commitment");
  expect(stopped.circuitBreaker.stopWorkOrder).toContain("signed on 2026-01-05");
  expect(stopped.circuitBreaker.stopWorkOrder).toContain("ENVIRONMENTAL_IMPACT");
  expect(await server.app.services.dataSource.getRepository(DelayCause).countBy({ projectId: p.projectId })).toBe(0);
  expect(await events(p.projectId)).toEqual(["ACTIVE->SUSPENDED"]);
  await sweep();
  expect(await events(p.projectId)).toEqual(["ACTIVE->SUSPENDED"]);
  const board = await dashboard();
  expect(board.suspendedProjects.map((x: any) => x.id)).toContain(p.projectId);
  expect(board.circuitBreakers.suspended).toBeGreaterThanOrEqual(1);
  expect((await auditOf(server, admin, "Project", p.projectId)).map((a) => a.action)).toContain("project.stopWorkOrder");

  // 停工: progress on its board task and its milestones answer STOP_WORK_ORDER, writing nothing
  const timeline = () => server.app.services.dataSource.getRepository(BoardTaskEvent).countBy({ taskId });
  const before = await timeline();
  const progress = await server.gql(PROGRESS, { input: { taskId, note: "钢结构吊装" } }, cadre.token);
  expect(codeOf(progress)).toBe("STOP_WORK_ORDER");
  expect(progress.errors![0].extensions).toMatchObject({ projectId: p.projectId });
  expect(await timeline()).toBe(before);
  expect(codeOf(await server.gql(MILESTONE, { input: { projectId: p.projectId, milestone: "COMPLETION" } }, admin))).toBe("STOP_WORK_ORDER");

  // rectified in time: the breaker ACTIVE, the project ADMITTED, work goes on
  at("2026-08-01");
  expect((await ok(RECTIFY, { input: { projectId: p.projectId, note: "环评已补，复工" } }, p.manager.token)).state).toBe("ACTIVE");
  expect((await project(p.projectId)).fastTrackStatus).toBe("ADMITTED");
  expect((await server.gql(PROGRESS, { input: { taskId, note: "复工" } }, cadre.token)).errors).toBeUndefined();
  expect(await timeline()).toBe(before + 1);

  // the material overdue before the rectification does not trip it again; an enterprise cause recorded after it does
  at("2026-08-10");
  await sweep();
  expect((await project(p.projectId)).fastTrackStatus).toBe("ADMITTED");
  await ok(CAUSE, { input: { projectId: p.projectId, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE", note: "二期资金未到位" } }, p.manager.token);
  await sweep();
  const again = await project(p.projectId);
  expect(again.fastTrackStatus).toBe("SUSPENDED");
  expect(again.circuitBreaker.stopWorkOrder).toContain("FUNDS_NOT_IN_PLACE");
  expect(again.circuitBreaker.stopWorkOrder).not.toContain("ENVIRONMENTAL_IMPACT");
  expect(await events(p.projectId)).toEqual(["ACTIVE->SUSPENDED", "SUSPENDED->ACTIVE", "ACTIVE->SUSPENDED"]);
});

test("a real government cause (an approval pending past its promised working days) keeps the breaker from tripping; a typed GOVERNMENT cause without one does not", async () => {
  const protectedByFact = await admittedAndStarted("2026-02-02", "2026-03-01");
  const typedOnly = await admittedAndStarted("2026-02-02", "2026-03-01");
  at("2026-06-01");
  const filing = await ok(ADD_ITEM, { input: { projectId: protectedByFact.projectId, kind: "FILING" } }, admin);
  expect(filing.promisedWorkingDays).toBe(1);
  expect((await ok(SUBMIT_ITEM, { input: { itemId: filing.id, on: "2026-06-01" } }, admin)).status).toBe("SUBMITTED");
  await ok(CAUSE, { input: { projectId: typedOnly.projectId, attributedTo: "GOVERNMENT", cause: "APPROVAL_DELAY", note: "审批部门原因" } }, typedOnly.manager.token);

  at("2026-08-02");
  await sweep();
  expect((await project(protectedByFact.projectId)).fastTrackStatus).toBe("ADMITTED");
  expect(await events(protectedByFact.projectId)).toEqual([]);
  expect((await project(typedOnly.projectId)).fastTrackStatus).toBe("SUSPENDED");

  // the government's delay ends when the item is decided: from then on the overdue material trips it
  at("2026-08-03");
  expect((await ok(DECIDE_ITEM, { input: { itemId: filing.id, decision: "APPROVED", on: "2026-08-03", attachmentIds: [await upload(server, admin)] } }, admin)).status).toBe("APPROVED");
  await sweep();
  expect((await project(protectedByFact.projectId)).fastTrackStatus).toBe("SUSPENDED");
});

test("an item pending within its promised working days protects nothing", async () => {
  const p = await admittedAndStarted("2026-03-02", "2026-04-01");
  at("2026-08-31"); // a Monday; the permit is promised in 3 working days
  const permit = await ok(ADD_ITEM, { input: { projectId: p.projectId, kind: "CONSTRUCTION_PERMIT" } }, admin);
  await ok(SUBMIT_ITEM, { input: { itemId: permit.id, on: "2026-08-31" } }, admin);
  at("2026-09-02");
  await sweep();
  expect((await project(p.projectId)).fastTrackStatus).toBe("SUSPENDED");
});

test("not rectified by the deadline, EXIT: the project EXITED, its letter TERMINATED, a SERIOUS credit record citing the letter", async () => {
  const p = await admittedAndStarted("2026-04-01", "2026-05-01");
  at("2026-10-01");
  await sweep();
  expect((await project(p.projectId)).fastTrackStatus).toBe("SUSPENDED");
  at("2026-12-01"); // 2026-10-01 + 60 days = 2026-11-30, the last day to rectify
  await sweep();
  const waiting = await project(p.projectId);
  expect(waiting.circuitBreaker.state).toBe("AWAITING_DECISION");
  expect(waiting.fastTrackStatus).toBe("SUSPENDED"); // the stop-work order stays until the decision
  expect(await breakerCredit(p.enterpriseId)).toEqual([]); // the record follows the decision, not the deadline
  expect((await dashboard()).awaitingDecisionProjects.map((x: any) => x.id)).toContain(p.projectId);

  // only the reform office decides; a refusal writes nothing
  const refused = await server.gql(DECIDE, { input: { projectId: p.projectId, outcome: "EXIT", reason: "整改不到位" } }, p.manager.token);
  expect(codeOf(refused)).toBe("FORBIDDEN");
  expect((await project(p.projectId)).circuitBreaker.state).toBe("AWAITING_DECISION");

  server.clock.advance(3_600_000);
  expect(await ok(DECIDE, { input: { projectId: p.projectId, outcome: "EXIT", reason: "整改不到位，退出" } }, admin)).toEqual({ state: "EXITED", decisionReason: "整改不到位，退出" });
  expect((await project(p.projectId)).fastTrackStatus).toBe("EXITED");
  const letter = await server.app.services.dataSource.getRepository(CommitmentLetter).findOneByOrFail({ id: p.letterId });
  expect(letter.status).toBe("TERMINATED");
  const records = await breakerCredit(p.enterpriseId);
  expect(records.map((r) => r.severity)).toEqual(["SERIOUS"]);
  expect(records[0].reason).toContain(p.letterId);
  expect(records[0].reason).toContain("完成环境影响评价"); // the breached enterprise clause of the letter
  const board = await dashboard();
  expect(board.exitedProjects.map((x: any) => x.id)).toContain(p.projectId);
  expect(board.suspendedProjects.map((x: any) => x.id)).not.toContain(p.projectId);
  expect(board.circuitBreakers.exited).toBeGreaterThanOrEqual(1);
  const audit = (await auditOf(server, admin, "Project", p.projectId)).map((a) => a.action);
  expect(audit).toContain("project.exitFastTrack");
  expect(codeOf(await server.gql(DECIDE, { input: { projectId: p.projectId, outcome: "REAPPLY", reason: "x" } }, admin))).toBe("INVALID_TRANSITION");
  // EXITED is the end of the fast track: it does not apply again
  expect(codeOf(await server.gql(APPLY, { input: { projectId: p.projectId, deferredItems: [] } }, p.owner.token))).toBe("CONFLICT");
});

test("REAPPLY: the letter TERMINATED, the project NOT_APPLIED, it applies again, and the breaker watches the new admission", async () => {
  const p = await admittedAndStarted("2026-01-12", "2026-02-01");
  at("2026-07-12");
  await sweep();
  at("2026-09-11");
  await sweep();
  expect((await project(p.projectId)).circuitBreaker.state).toBe("AWAITING_DECISION");
  server.clock.advance(3_600_000);
  expect(await ok(DECIDE, { input: { projectId: p.projectId, outcome: "REAPPLY", reason: "重新申请承诺制" } }, admin)).toEqual({ state: "REAPPLY", decisionReason: "重新申请承诺制" });
  // no longer admitted: the admission (who, when) is cleared with it
  expect(await project(p.projectId)).toMatchObject({ fastTrackStatus: "NOT_APPLIED", fastTrackAdmittedAt: null });
  expect((await server.app.services.dataSource.getRepository(CommitmentLetter).findOneByOrFail({ id: p.letterId })).status).toBe("TERMINATED");
  expect(await breakerCredit(p.enterpriseId)).toEqual([]);
  expect((await auditOf(server, admin, "Project", p.projectId)).map((a) => a.action)).toContain("project.reapplyFastTrack");
  expect((await dashboard()).circuitBreakers.reapply).toBeGreaterThanOrEqual(1);

  // applies again, a new letter, admitted again; a sweep now changes nothing (the old facts are gone)
  at("2026-09-14");
  expect((await ok(APPLY, { input: { projectId: p.projectId, deferredItems: [{ itemCode: "FIRE_DESIGN_REVIEW", promisedBy: "2026-10-01" }] } }, p.owner.token)).fastTrackStatus).toBe("APPLIED");
  const letter = await ok(DRAFT, { input: { projectId: p.projectId } }, admin);
  await ok(SIGN, { input: { letterId: letter.id } }, p.owner.token);
  await ok(SIGN, { input: { letterId: letter.id } }, admin);
  expect((await project(p.projectId)).fastTrackStatus).toBe("ADMITTED");
  await sweep();
  expect((await project(p.projectId)).fastTrackStatus).toBe("ADMITTED");

  // 6 months after the new letter, with its new material overdue: it trips again
  at("2027-03-13");
  await sweep();
  expect((await project(p.projectId)).fastTrackStatus).toBe("ADMITTED");
  at("2027-03-14");
  await sweep();
  const again = await project(p.projectId);
  expect(again.fastTrackStatus).toBe("SUSPENDED");
  expect(again.circuitBreaker.stopWorkOrder).toContain("FIRE_DESIGN_REVIEW");
  expect(again.circuitBreaker.stopWorkOrder).toContain("v2");
  expect(await events(p.projectId)).toEqual(["ACTIVE->SUSPENDED", "SUSPENDED->AWAITING_DECISION", "AWAITING_DECISION->REAPPLY", "REAPPLY->SUSPENDED"]);
});
