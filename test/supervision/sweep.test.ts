import { afterAll, beforeAll, expect, onTestFinished, test } from "vitest";
import { CreditRecord } from "../../src/modules/credit/credit-record.entity";
import { DeferredItem } from "../../src/modules/fast-track/deferred-item.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { createEnterprise, createProject } from "../projects/fixtures";

let server: TestServer;
let admin: string;

const APPLY = `mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id fastTrackStatus } }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id clauses { id party templateCode dueOn fulfilmentStatus } } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status } }`;
const SWEEP = `mutation { runDeadlineSweep { overdueDeferredItems breachedClauses keptClauses creditRecords } }`;
const CREDIT = `query($id: ID!) { enterprise(id: $id) { creditStatus { measure activePoints facilitationRestricted } creditRecords(first: 20) { edges { node { id severity sourceType } } } } }`;
const DASHBOARD = `{ supervisionDashboard { overdueDeferredItems { id status } breachedClauses { id party fulfilmentStatus letter { id project { id } } } } }`;

const at = (date: string) => server.clock.set(new Date(`${date}T02:00:00.000Z`));
const ITEMS = ["ENVIRONMENTAL_IMPACT", "DESIGN_PLAN_REVIEW", "FIRE_DESIGN_REVIEW", "CONSTRUCTION_DRAWING_REVIEW"];

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

/** A new enterprise, its ENTERPRISE user and a project signed on 2026-04-01, applied for the fast track with nothing deferred (admitted once both sign its letter). */
async function admittedProject(name: string) {
  at("2026-04-01");
  const enterprise = await createEnterprise(server, admin, name);
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const project = await createProject(server, admin, enterprise.id, { signedOn: "2026-04-01" });
  await server.gql(APPLY, { input: { projectId: project.id, deferredItems: [] } }, owner.token);
  return { enterprise, owner, project };
}

/** The project's commitment letter, drafted by ADMIN and signed by both sides: the project is ADMITTED. */
async function signedLetter(projectId: string, ownerToken: string) {
  const letter = (await server.gql(DRAFT, { input: { projectId } }, admin)).data.draftCommitmentLetter;
  expect((await server.gql(SIGN, { input: { letterId: letter.id } }, ownerToken)).errors).toBeUndefined();
  expect((await server.gql(SIGN, { input: { letterId: letter.id } }, admin)).data.signCommitmentLetter.status).toBe("SIGNED");
  const project = await server.gql(`query($id: ID!) { project(id: $id) { fastTrackStatus } }`, { id: projectId }, admin);
  expect(project.data.project.fastTrackStatus).toBe("ADMITTED");
  return letter;
}

test("overdue materials write credit records, the measure blocks the fast track, credit repair opens it again", async () => {
  at("2026-03-02");
  const enterprise = await createEnterprise(server, admin, "失信测试企业");
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const first = await createProject(server, admin, enterprise.id, { signedOn: "2026-03-01" });
  const admitted = await server.gql(APPLY, { input: { projectId: first.id, deferredItems: ITEMS.map((itemCode) => ({ itemCode, promisedBy: "2026-03-10" })) } }, owner.token);
  expect(admitted.data.applyFastTrack.fastTrackStatus).toBe("APPLIED");
  const letter = await signedLetter(first.id, owner.token);

  at("2026-03-10"); // the promised day itself is still in time
  expect((await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep).toMatchObject({ overdueDeferredItems: 0, creditRecords: 0 });
  at("2026-03-11");
  const [a, b] = await Promise.all([server.gql(SWEEP, {}, admin), server.gql(SWEEP, {}, admin)]);
  const reports = [a.data.runDeadlineSweep, b.data.runDeadlineSweep];
  expect(reports.reduce((n, r) => n + r.overdueDeferredItems, 0)).toBe(4);
  expect(await server.app.services.dataSource.getRepository(CreditRecord).countBy({ enterpriseId: enterprise.id, sourceType: "DEFERRED_ITEM" })).toBe(4);

  const credit = (await server.gql(CREDIT, { id: enterprise.id }, owner.token)).data.enterprise;
  expect(credit.creditStatus).toEqual({ measure: "FACILITATION_RESTRICTED", activePoints: 8, facilitationRestricted: true });
  const dashboard = (await server.gql(DASHBOARD, {}, admin)).data.supervisionDashboard;
  const items = await server.app.services.dataSource.getRepository(DeferredItem).findBy({ projectId: first.id });
  // (other tests here leave overdue items and breached clauses of their own projects on the dashboard)
  const listed = new Set(dashboard.overdueDeferredItems.map((i: any) => i.id));
  expect(items.filter((i) => listed.has(i.id))).toHaveLength(4);
  // the enterprise clauses tied to those materials are breached with them, each row leading to its letter and project
  const enterpriseClauses = letter.clauses.filter((c: any) => c.party === "ENTERPRISE").map((c: any) => c.id);
  const breachedOfProject = dashboard.breachedClauses.filter((c: any) => c.party === "ENTERPRISE" && c.letter.project.id === first.id);
  expect(breachedOfProject.map((c: any) => c.id).sort()).toEqual(enterpriseClauses.sort());
  for (const clause of breachedOfProject) expect(clause.letter).toEqual({ id: letter.id, project: { id: first.id } });

  const second = await createProject(server, admin, enterprise.id);
  const refused = await server.gql(APPLY, { input: { projectId: second.id, deferredItems: [] } }, owner.token);
  expect(codeOf(refused)).toBe("CREDIT_RESTRICTED");
  expect(refused.errors![0].extensions!.measure).toBe("FACILITATION_RESTRICTED");

  const recordId = credit.creditRecords.edges[0].node.id;
  const lifted = await server.gql(`mutation($input: LiftCreditRecordInput!) { liftCreditRecord(input: $input) { id } }`, { input: { recordId, reason: "已补齐材料，信用修复" } }, admin);
  expect(lifted.errors).toBeUndefined();
  const after = (await server.gql(CREDIT, { id: enterprise.id }, owner.token)).data.enterprise.creditStatus;
  expect(after).toEqual({ measure: "PUBLIC_NOTICE", activePoints: 6, facilitationRestricted: false });
  expect((await server.gql(APPLY, { input: { projectId: second.id, deferredItems: [] } }, owner.token)).data.applyFastTrack.fastTrackStatus).toBe("APPLIED");
});

test("government clauses past their dates are judged by their rules, not the date: a breached one shows on the dashboard and writes no enterprise credit record", async () => {
  const { enterprise, owner, project } = await admittedProject("守信企业");
  const letter = await signedLetter(project.id, owner.token);
  const governmentClauses = letter.clauses.filter((c: any) => c.party === "GOVERNMENT");
  expect(governmentClauses.length).toBeGreaterThan(0);
  const latest = governmentClauses.map((c: any) => c.dueOn).sort().at(-1);
  server.clock.set(new Date(new Date(`${latest}T02:00:00.000Z`).getTime() + 86_400_000));
  const report = (await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep;
  expect(report.breachedClauses + report.keptClauses).toBeGreaterThanOrEqual(governmentClauses.length); // the first test's letter has government clauses too
  // nothing happened for the project: no manager was assigned (breached), and no 急诊 ticket, approval or inspection broke a promise (kept)
  const read = await server.gql(`query($id: ID!) { commitmentLetter(id: $id) { clauses { id templateCode party fulfilmentStatus judgement } } }`, { id: letter.id }, admin);
  const status = Object.fromEntries(read.data.commitmentLetter.clauses.filter((c: any) => c.party === "GOVERNMENT").map((c: any) => [c.templateCode, c.fulfilmentStatus]));
  expect(status).toEqual({ GOV_SERVICE_TEAM: "BREACHED", GOV_EMERGENCY_RESPONSE: "FULFILLED", GOV_PARALLEL_APPROVAL: "FULFILLED", GOV_NO_ADDED_ITEMS: "FULFILLED" });
  const breached = (await server.gql(DASHBOARD, {}, admin)).data.supervisionDashboard.breachedClauses.map((c: any) => c.id);
  const serviceTeam = read.data.commitmentLetter.clauses.find((c: any) => c.templateCode === "GOV_SERVICE_TEAM");
  expect(breached).toContain(serviceTeam.id);
  expect(serviceTeam.judgement).toMatch(/^no 项目经理人 by /);
  expect(await server.app.services.dataSource.getRepository(CreditRecord).countBy({ enterpriseId: enterprise.id })).toBe(0);
  expect((await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep).toMatchObject({ breachedClauses: 0, keptClauses: 0 });
});

test("a cadre recording an enterprise clause as not kept writes the same GENERAL breach the sweep would, once; a government clause writes none", async () => {
  const { enterprise, owner, project } = await admittedProject("违约企业");
  const CREATE = `mutation($input: CreateClauseTemplateInput!) { createClauseTemplate(input: $input) { id } }`;
  const template = await server.gql(CREATE, { input: { code: "START_ON_TIME", party: "ENTERPRISE", title: "按期开工", body: "{project}于{dueOn}前开工", dueDays: 90 } }, admin);
  expect(template.errors).toBeUndefined();
  // a government clause without a rule: ADMIN judges it, with a note
  const judged = await server.gql(CREATE, { input: { code: "GOV_WATER_POWER", party: "GOVERNMENT", title: "水电保障", body: "政府承诺于{dueOn}前保障{project}施工水电。", dueDays: 3 } }, admin);
  expect(judged.errors).toBeUndefined();
  // Active templates go into every letter drafted from now on, the other tests' too: retired when this test ends.
  onTestFinished(async () => {
    for (const id of [template.data.createClauseTemplate.id, judged.data.createClauseTemplate.id]) {
      const off = await server.gql(`mutation($input: UpdateClauseTemplateInput!) { updateClauseTemplate(input: $input) { active } }`, { input: { id, active: false } }, admin);
      expect(off.data.updateClauseTemplate).toEqual({ active: false });
    }
  });
  const letter = await signedLetter(project.id, owner.token);
  const enterpriseClause = letter.clauses.find((c: any) => c.party === "ENTERPRISE");
  const governmentClause = letter.clauses.find((c: any) => c.party === "GOVERNMENT" && c.templateCode === "GOV_WATER_POWER");
  expect(enterpriseClause && governmentClause).toBeTruthy();

  const RECORD = `mutation($input: RecordClauseFulfilmentInput!) { recordClauseFulfilment(input: $input) { id fulfilmentStatus } }`;
  const records = () => server.app.services.dataSource.getRepository(CreditRecord).findBy({ enterpriseId: enterprise.id });
  expect((await server.gql(RECORD, { input: { clauseId: governmentClause.id, fulfilled: false, note: "未按期保障施工水电" } }, admin)).data.recordClauseFulfilment.fulfilmentStatus).toBe("BREACHED");
  expect(await records()).toHaveLength(0);
  expect((await server.gql(RECORD, { input: { clauseId: enterpriseClause.id, fulfilled: false } }, admin)).data.recordClauseFulfilment.fulfilmentStatus).toBe("BREACHED");
  expect((await records()).map((r) => [r.severity, r.sourceType, r.sourceId])).toEqual([["GENERAL", "COMMITMENT_CLAUSE", enterpriseClause.id]]);

  expect((await records())[0].reason).toBe(`Commitment "按期开工" not kept by ${enterpriseClause.dueOn}`);

  // The same clause on another project, left to the sweep: the same record, the date read as a date on both databases.
  const other = await createProject(server, admin, enterprise.id, { signedOn: "2026-04-01" });
  await server.gql(APPLY, { input: { projectId: other.id, deferredItems: [] } }, owner.token);
  const otherClause = (await signedLetter(other.id, owner.token)).clauses.find((c: any) => c.party === "ENTERPRISE");

  // Kept late: FULFILLED, the breach stays on record; a later sweep adds nothing.
  expect((await server.gql(RECORD, { input: { clauseId: enterpriseClause.id, fulfilled: true } }, admin)).data.recordClauseFulfilment.fulfilmentStatus).toBe("FULFILLED");
  server.clock.set(new Date("2030-01-01T02:00:00.000Z"));
  await server.gql(SWEEP, {}, admin);
  expect((await records()).filter((r) => r.sourceId === enterpriseClause.id)).toHaveLength(1);
  const swept = (await records()).filter((r) => r.sourceId === otherClause.id);
  expect(swept.map((r) => [r.severity, r.sourceType, r.reason])).toEqual([["GENERAL", "COMMITMENT_CLAUSE", `Commitment "按期开工" not kept by ${otherClause.dueOn}`]]);
});

test("a server sweeps as soon as it starts (deadlines may have passed while it was down), not only after its first interval", async () => {
  const other = await startTestServer({ config: { sweepIntervalMs: 3_600_000 } });
  try {
    await expect.poll(() => other.metrics(), { timeout: 5_000, interval: 25 }).toMatch(/sweep_runs_total\{sweep="deadline",outcome="ok"\} 1\b/);
  } finally {
    await other.stop();
  }
});
