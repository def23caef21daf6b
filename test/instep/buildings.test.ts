import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { Building, BuildingAcceptance } from "../../src/modules/instep/building.entity";
import { DepartmentDutyRow } from "../../src/modules/departments/department.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { cadreOf, teamOf } from "./callers";
import { upload } from "../support/uploads";

let server: TestServer;
let admin: string;
/** A cadre of 住建局, the department with duty BUILDING_ACCEPTANCE: adds parts and records their acceptance. */
let cadre: string;
/** A cadre of 工信局, which handles TRIAL_PRODUCTION items. */
let industry: string;
/** A cadre of another department (自然资源局), on no team. */
let otherDepartment: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await cadreOf(server, "HOUSING_CONSTRUCTION")).token;
  industry = (await cadreOf(server, "INDUSTRY_IT")).token;
  otherDepartment = (await cadreOf(server, "NATURAL_RESOURCES")).token;
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

/**
 * A project of its own (land contract 2025-06-02, construction start 2025-06-16), with its enterprise
 * user's token and its team (the manager records the milestones).
 */
async function newProject() {
  const enterprise = await makeEnterprise(server, "共享产业园");
  const owner = (await server.user("ENTERPRISE", { enterpriseId: enterprise.id })).token;
  const projectId = (await makeProject(server, enterprise.id, { landContractOn: "2025-06-02", constructionStartOn: "2025-06-16" })).id;
  const { manager, member } = await teamOf(server, admin, projectId);
  return { projectId, owner, manager: manager.token, member: member.token };
}

/** The project's TRIAL_PRODUCTION approval item, added by ADMIN and taken in by 工信局 on 2026-02-02. */
async function submittedTrialItem(projectId: string): Promise<string> {
  const id = (await ok(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { projectId, kind: "TRIAL_PRODUCTION" }, admin)).id;
  await ok(`mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id } }`, { itemId: id, on: "2026-02-02" }, industry);
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
  const res = await server.gql(DECIDE, { input: { itemId: trialItem, decision: "APPROVED", on: "2026-02-03", attachmentIds: [await upload(server, industry)] } }, industry);
  expect(codeOf(res)).toBe("DEPENDENCY_NOT_MET");
});

test("buildings and floors are added per project by the acceptance department or the team; nobody else; names are unique", async () => {
  const { projectId, owner, member } = await newProject();
  const parts = await addParts(projectId);
  expect(Object.values(parts).every(Boolean)).toBe(true);
  expect(codeOf(await server.gql(ADD_BUILDING, { input: { projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true } }, cadre))).toBe("CONFLICT");
  for (const token of [owner, otherDepartment, industry]) {
    expect(codeOf(await server.gql(ADD_BUILDING, { input: { projectId, name: "仓库", partKind: "BUILDING", requiredForTrialProduction: false } }, token))).toBe("FORBIDDEN");
  }
  expect(await server.app.services.dataSource.getRepository(Building).countBy({ projectId, name: "仓库" })).toBe(0);
  expect(await ok(ADD_BUILDING, { projectId, name: "仓库", partKind: "BUILDING", requiredForTrialProduction: false }, member)).toMatchObject({ name: "仓库" });
  // The same name on another project is no conflict.
  const elsewhere = await newProject();
  expect(await ok(ADD_BUILDING, { projectId: elsewhere.projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true })).toMatchObject({ name: "1号厂房", acceptedOn: null });
});

test("parts are accepted one by one; trial production waits only for the parts it needs", async () => {
  const { projectId, manager } = await newProject();
  const trialItem = await submittedTrialItem(projectId);
  const parts = await addParts(projectId);
  expect(await ok(ACCEPT, { buildingId: parts.workshop, passed: true, on: "2026-02-03" })).toMatchObject({ acceptedOn: "2026-02-03" });
  const failed = await ok(ACCEPT, { buildingId: parts.floors, passed: false, on: "2026-02-04", note: "消防通道未完工" });
  expect(failed).toMatchObject({ acceptedOn: null, acceptances: [{ inspectedOn: "2026-02-04", passed: false, note: "消防通道未完工" }] });

  const early = await server.gql(DECIDE, { input: { itemId: trialItem, decision: "APPROVED", on: "2026-02-05", attachmentIds: [await upload(server, industry)] } }, industry);
  expect(codeOf(early)).toBe("DEPENDENCY_NOT_MET");
  expect(early.errors![0].extensions!.missingParts).toEqual(["2号楼 1-3层"]);
  const milestoneEarly = await server.gql(MILESTONE, { input: { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-05" } }, manager);
  expect(codeOf(milestoneEarly)).toBe("DEPENDENCY_NOT_MET");

  const passed = await ok(ACCEPT, { buildingId: parts.floors, passed: true, on: "2026-02-10" });
  expect(passed.acceptances.map((a: any) => a.passed)).toEqual([false, true]);
  expect(codeOf(await server.gql(ACCEPT, { input: { buildingId: parts.floors, passed: true, on: "2026-02-11" } }, cadre))).toBe("CONFLICT");
  // Accepted on the 10th, so not yet on the 9th.
  expect(codeOf(await server.gql(DECIDE, { input: { itemId: trialItem, decision: "APPROVED", on: "2026-02-09", attachmentIds: [await upload(server, industry)] } }, industry))).toBe("DEPENDENCY_NOT_MET");
  // The office building is still not accepted, and the project is not completed: trial production goes ahead.
  expect(await ok(DECIDE, { itemId: trialItem, decision: "APPROVED", on: "2026-02-10", attachmentIds: [await upload(server, industry)] }, industry)).toMatchObject({ status: "APPROVED", approvedOn: "2026-02-10" });
  await ok(MILESTONE, { projectId, milestone: "PRE_ACCEPTANCE", on: "2026-02-10" }, manager);
  expect(codeOf(await server.gql(MILESTONE, { input: { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-09" } }, manager))).toBe("BAD_USER_INPUT");
  expect(await ok(MILESTONE, { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-12" }, manager)).toMatchObject({ preAcceptanceOn: "2026-02-10", trialProductionOn: "2026-02-12", completionOn: null });

  const { dataSource } = server.app.services;
  expect(await dataSource.getRepository(BuildingAcceptance).countBy({ buildingId: parts.floors })).toBe(2);
  expect(await dataSource.getRepository(AuditEntry).countBy({ entityId: parts.floors })).toBe(3);
  expect((await dataSource.getRepository(Project).findOneByOrFail({ id: projectId })).trialProductionOn).toBe("2026-02-12");
});

test("the trial production check: within target, and working days ahead of completion", async () => {
  // A project where the workshop was accepted on Feb 3 and the floors on Feb 10 (after failing on Feb 4),
  // trial production approved on Feb 10 (submitted Feb 2), pre-accepted Feb 10, in trial production Feb 12.
  const { projectId, owner, manager, member } = await newProject();
  const trialItem = await submittedTrialItem(projectId);
  const parts = await addParts(projectId);
  await ok(ACCEPT, { buildingId: parts.workshop, passed: true, on: "2026-02-03" });
  await ok(ACCEPT, { buildingId: parts.floors, passed: false, on: "2026-02-04" });
  await ok(ACCEPT, { buildingId: parts.floors, passed: true, on: "2026-02-10" }, admin);
  await ok(DECIDE, { itemId: trialItem, decision: "APPROVED", on: "2026-02-10", attachmentIds: [await upload(server, industry)] }, industry);
  await ok(MILESTONE, { projectId, milestone: "PRE_ACCEPTANCE", on: "2026-02-10" }, manager);
  await ok(MILESTONE, { projectId, milestone: "TRIAL_PRODUCTION", on: "2026-02-12" }, member);

  await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-03-02" }, admin);
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

test("acceptance is recorded by a cadre of the acceptance department (duty BUILDING_ACCEPTANCE) or ADMIN: another department, the team and the enterprise are FORBIDDEN and write nothing", async () => {
  const { projectId, owner, manager, member } = await newProject();
  const { workshop } = await addParts(projectId);
  const { dataSource } = server.app.services;
  const auditsBefore = await dataSource.getRepository(AuditEntry).countBy({ entityId: workshop });
  for (const token of [otherDepartment, industry, manager, member, owner]) {
    const refused = await server.gql(ACCEPT, { input: { buildingId: workshop, passed: true, on: "2026-02-03" } }, token);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    if (token !== owner) expect(refused.errors![0].message).toContain("区住房和城乡建设局");
  }
  expect(await dataSource.getRepository(BuildingAcceptance).countBy({ buildingId: workshop })).toBe(0);
  expect((await dataSource.getRepository(Building).findOneByOrFail({ id: workshop })).acceptedOn).toBeNull();
  expect(await dataSource.getRepository(AuditEntry).countBy({ entityId: workshop })).toBe(auditsBefore);
  expect(await ok(ACCEPT, { buildingId: workshop, passed: true, on: "2026-02-03" }, cadre)).toMatchObject({ acceptedOn: "2026-02-03" });

  // The responsible department is data: given the duty, 自然资源局's cadre may record too.
  const duties = dataSource.getRepository(DepartmentDutyRow);
  const row = duties.create({ departmentId: (await server.department("NATURAL_RESOURCES")).id, duty: "BUILDING_ACCEPTANCE" });
  await duties.insert(row);
  try {
    const { office } = { office: (await ok(ADD_BUILDING, { projectId, name: "仓库", partKind: "BUILDING", requiredForTrialProduction: false }, cadre)).id as string };
    expect(await ok(ACCEPT, { buildingId: office, passed: false, on: "2026-02-04", note: "未完工" }, otherDepartment)).toMatchObject({ acceptedOn: null });
  } finally {
    await duties.delete({ id: row.id });
  }
});
