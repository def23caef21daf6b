import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { BuildingAcceptance } from "../../src/modules/instep/building.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let cadre: string;

beforeAll(async () => {
  server = await startTestServer();
  cadre = (await server.user("CADRE")).token;
});
afterAll(() => server?.stop());

const ADD_BUILDING = `mutation($input: AddBuildingInput!) { addBuilding(input: $input) { id name partKind requiredForTrialProduction acceptedOn } }`;
const ACCEPT = `mutation($input: RecordBuildingAcceptanceInput!) { recordBuildingAcceptance(input: $input) { id name acceptedOn acceptances { inspectedOn passed note } } }`;
const DECIDE = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status approvedOn } }`;
const MILESTONE = `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id preAcceptanceOn trialProductionOn completionOn } }`;

async function ok(query: string, input: Record<string, unknown>, token = cadre) {
  const res = await server.gql(query, { input }, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

/** A project of its own (land contract 2025-06-02, construction start 2025-06-16), with its enterprise user's token. */
async function newProject() {
  const enterprise = await makeEnterprise(server, "共享产业园");
  const owner = (await server.user("ENTERPRISE", { enterpriseId: enterprise.id })).token;
  const projectId = (await makeProject(server, enterprise.id, { landContractOn: "2025-06-02", constructionStartOn: "2025-06-16" })).id;
  return { projectId, owner };
}

/** The project's TRIAL_PRODUCTION approval item, submitted on 2026-02-02. */
async function submittedTrialItem(projectId: string): Promise<string> {
  const id = (await ok(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { projectId, kind: "TRIAL_PRODUCTION" })).id;
  await ok(`mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id } }`, { itemId: id, on: "2026-02-02" });
  return id;
}

/** Three parts: two needed for trial production (a workshop, floors 1-3 of building 2), one not (the office building). */
async function addParts(projectId: string) {
  return {
    workshop: (await ok(ADD_BUILDING, { projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true })).id as string,
    floors: (await ok(ADD_BUILDING, { projectId, name: "2号楼 1-3层", partKind: "FLOOR", requiredForTrialProduction: true })).id as string,
    office: (await ok(ADD_BUILDING, { projectId, name: "综合楼", partKind: "BUILDING", requiredForTrialProduction: false })).id as string,
  };
}

test("trial production with no parts to accept yet is refused", async () => {
  const { projectId } = await newProject();
  const trialItem = await submittedTrialItem(projectId);
  const res = await server.gql(DECIDE, { input: { itemId: trialItem, decision: "APPROVED", on: "2026-02-03" } }, cadre);
  expect(codeOf(res)).toBe("DEPENDENCY_NOT_MET");
});

test("buildings and floors are added per project; ENTERPRISE cannot add; names are unique", async () => {
  const { projectId, owner } = await newProject();
  const parts = await addParts(projectId);
  expect(Object.values(parts).every(Boolean)).toBe(true);
  expect(codeOf(await server.gql(ADD_BUILDING, { input: { projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true } }, cadre))).toBe("CONFLICT");
  expect(codeOf(await server.gql(ADD_BUILDING, { input: { projectId, name: "仓库", partKind: "BUILDING", requiredForTrialProduction: false } }, owner))).toBe("FORBIDDEN");
  // The same name on another project is no conflict.
  const elsewhere = await newProject();
  expect(await ok(ADD_BUILDING, { projectId: elsewhere.projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true })).toMatchObject({ name: "1号厂房", acceptedOn: null });
});

test("parts are accepted one by one; trial production waits only for the parts it needs", async () => {
  const { projectId } = await newProject();
  const trialItem = await submittedTrialItem(projectId);
  const parts = await addParts(projectId);
  expect(await ok(ACCEPT, { buildingId: parts.workshop, passed: true, on: "2026-02-03" })).toMatchObject({ acceptedOn: "2026-02-03" });
  const failed = await ok(ACCEPT, { buildingId: parts.floors, passed: false, on: "2026-02-04", note: "消防通道未完工" });
  expect(failed).toMatchObject({ acceptedOn: null, acceptances: [{ inspectedOn: "2026-02-04", passed: false, note: "消防通道未完工" }] });

  const early = await server.gql(DECIDE, { input: { itemId: trialItem, decision: "APPROVED", on: "2026-02-05" } }, cadre);
  expect(codeOf(early)).toBe("DEPENDENCY_NOT_MET");
  expect(early.errors![0].extensions!.missingParts).toEqual(["2号楼 1-3层"]);
  const milestoneEarly = await server.gql(MILESTONE, { input: { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-05" } }, cadre);
  expect(codeOf(milestoneEarly)).toBe("DEPENDENCY_NOT_MET");

  const passed = await ok(ACCEPT, { buildingId: parts.floors, passed: true, on: "2026-02-10" });
  expect(passed.acceptances.map((a: any) => a.passed)).toEqual([false, true]);
  expect(codeOf(await server.gql(ACCEPT, { input: { buildingId: parts.floors, passed: true, on: "2026-02-11" } }, cadre))).toBe("CONFLICT");
  // Accepted on the 10th, so not yet on the 9th.
  expect(codeOf(await server.gql(DECIDE, { input: { itemId: trialItem, decision: "APPROVED", on: "2026-02-09" } }, cadre))).toBe("DEPENDENCY_NOT_MET");
  // The office building is still not accepted, and the project is not completed: trial production goes ahead.
  expect(await ok(DECIDE, { itemId: trialItem, decision: "APPROVED", on: "2026-02-10" })).toMatchObject({ status: "APPROVED", approvedOn: "2026-02-10" });
  await ok(MILESTONE, { projectId, milestone: "PRE_ACCEPTANCE", on: "2026-02-10" });
  expect(codeOf(await server.gql(MILESTONE, { input: { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-09" } }, cadre))).toBe("BAD_USER_INPUT");
  expect(await ok(MILESTONE, { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-12" })).toMatchObject({ preAcceptanceOn: "2026-02-10", trialProductionOn: "2026-02-12", completionOn: null });

  const { dataSource } = server.app.services;
  expect(await dataSource.getRepository(BuildingAcceptance).countBy({ buildingId: parts.floors })).toBe(2);
  expect(await dataSource.getRepository(AuditEntry).countBy({ entityId: parts.floors })).toBe(3);
  expect((await dataSource.getRepository(Project).findOneByOrFail({ id: projectId })).trialProductionOn).toBe("2026-02-12");
});

test("the trial production check: within target, and working days ahead of completion", async () => {
  // A project where the workshop was accepted on Feb 3 and the floors on Feb 10 (after failing on Feb 4),
  // trial production approved on Feb 10 (submitted Feb 2), pre-accepted Feb 10, in trial production Feb 12.
  const { projectId, owner } = await newProject();
  const trialItem = await submittedTrialItem(projectId);
  const parts = await addParts(projectId);
  await ok(ACCEPT, { buildingId: parts.workshop, passed: true, on: "2026-02-03" });
  await ok(ACCEPT, { buildingId: parts.floors, passed: false, on: "2026-02-04" });
  await ok(ACCEPT, { buildingId: parts.floors, passed: true, on: "2026-02-10" });
  await ok(DECIDE, { itemId: trialItem, decision: "APPROVED", on: "2026-02-10" });
  await ok(MILESTONE, { projectId, milestone: "PRE_ACCEPTANCE", on: "2026-02-10" });
  await ok(MILESTONE, { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-12" });

  await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-03-02" });
  const res = await server.gql(`query($id: ID!) { projectTimeline(projectId: $id) {
    checks { check workingDays met savedWorkingDays }
    buildings { name acceptedOn requiredForTrialProduction }
    production: criticalPath(phase: PRODUCTION) { items { kind } workingDays }
  } }`, { id: projectId }, owner);
  expect(res.errors).toBeUndefined();
  const t = res.data.projectTimeline;
  // Pre-acceptance Feb 10 -> trial production Feb 12: 2 working days (target 10).
  // Trial production Feb 12 -> completion Mar 2: Feb 13, Sat Feb 14 (make-up), Feb 24-27, Sat Feb 28 (make-up), Mar 2 = 8.
  expect(t.checks[2]).toEqual({ check: "TRIAL_PRODUCTION_ON_PRE_ACCEPTANCE", workingDays: 2, met: true, savedWorkingDays: 8 });
  expect(t.buildings).toEqual([
    { name: "1号厂房", acceptedOn: "2026-02-03", requiredForTrialProduction: true },
    { name: "2号楼 1-3层", acceptedOn: "2026-02-10", requiredForTrialProduction: true },
    { name: "综合楼", acceptedOn: null, requiredForTrialProduction: false },
  ]);
  // Submitted Feb 2, approved Feb 10: Feb 3-6, Feb 9-10 = 6.
  expect(t.production).toEqual({ items: [{ kind: "TRIAL_PRODUCTION" }], workingDays: 6 });
});
