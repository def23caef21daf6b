import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { InspectionFinding, JointInspection, SupervisionStandard } from "../../src/modules/supervision/supervision.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { enterpriseWithProject } from "./fixtures";

let server: TestServer;
let admin: string;
let cadre: string; // a cadre of a department that takes part in no inspection here (市场监管局)
let housingCadre: string;
let fireCadre: string;
let ecologyCadre: string;
const dept: Record<string, string> = {};
let standards: Array<{ id: string; code: string; phase: string }>;

const DUE = `{ inspectionsDue { project { id code riskLevel } riskLevel lastInspectedOn dueOn nextScheduledOn } }`;
const RISK = `mutation($input: SetRiskLevelInput!) { setProjectRiskLevel(input: $input) { id riskLevel } }`;
const SCHEDULE = `mutation($input: ScheduleJointInspectionInput!) { scheduleJointInspection(input: $input) { id status scheduledOn leadDepartment { code } departments { code name } } }`;
const FINDINGS = `mutation($input: RecordInspectionFindingsInput!) { recordInspectionFindings(input: $input) { id status findings { id standardId passed followUpStatus followUpDueOn } } }`;
const RESOLVE = `mutation($input: ResolveFindingInput!) { resolveInspectionFinding(input: $input) { id followUpStatus } }`;
const SWEEP = `mutation { runDeadlineSweep { overdueFindings creditRecords } }`;

const at = (date: string) => server.clock.set(new Date(`${date}T02:00:00.000Z`));

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
  for (const code of ["HOUSING_CONSTRUCTION", "FIRE_RESCUE", "ECOLOGY_ENVIRONMENT", "NATURAL_RESOURCES", "MARKET_REGULATION"] as const) dept[code] = (await server.department(code)).id;
  housingCadre = (await server.user("CADRE", { departmentId: dept.HOUSING_CONSTRUCTION })).token;
  fireCadre = (await server.user("CADRE", { departmentId: dept.FIRE_RESCUE })).token;
  ecologyCadre = (await server.user("CADRE", { departmentId: dept.ECOLOGY_ENVIRONMENT })).token;
  standards = (await server.gql(`{ supervisionStandards { id code phase } }`, {}, admin)).data.supervisionStandards;
});
afterAll(() => server?.stop());

test("the catalog holds the district's 26 standards across the three phases, ADMIN edits it", async () => {
  expect(standards).toHaveLength(26);
  expect(new Set(standards.map((s) => s.phase))).toEqual(new Set(["BEFORE", "DURING", "AFTER"]));
  const created = await server.gql(`mutation { createSupervisionStandard(input: {code: "S27", title: "新增标准", phase: AFTER}) { id code active } }`, {}, admin);
  expect(created.data.createSupervisionStandard).toMatchObject({ code: "S27", active: true });
  expect(codeOf(await server.gql(`mutation { createSupervisionStandard(input: {code: "S27", title: "重复", phase: AFTER}) { id } }`, {}, admin))).toBe("CONFLICT");
  expect(codeOf(await server.gql(`mutation { createSupervisionStandard(input: {code: "S28", title: "x", phase: AFTER}) { id } }`, {}, cadre))).toBe("FORBIDDEN");
  const id = created.data.createSupervisionStandard.id;
  // an explicit null leaves the title alone (the column is NOT NULL), as omitting it does
  const UPDATE = `mutation($input: UpdateSupervisionStandardInput!) { updateSupervisionStandard(input: $input) { id title phase active } }`;
  const titleOf = async () => (await server.app.services.dataSource.getRepository(SupervisionStandard).findOneByOrFail({ id })).title;
  const keep = await server.gql(UPDATE, { input: { standardId: id, title: null } }, admin);
  expect(keep.errors).toBeUndefined();
  expect(keep.data.updateSupervisionStandard).toEqual({ id, title: "新增标准", phase: "AFTER", active: true });
  expect(await titleOf()).toBe("新增标准");
  const renamed = await server.gql(UPDATE, { input: { standardId: id, title: "新增标准（修订）" } }, admin);
  expect(renamed.errors).toBeUndefined();
  expect(renamed.data.updateSupervisionStandard).toEqual({ id, title: "新增标准（修订）", phase: "AFTER", active: true });
  expect(await titleOf()).toBe("新增标准（修订）");
  const deactivated = await server.gql(`mutation($id: ID!) { updateSupervisionStandard(input: {standardId: $id, active: false}) { id active } }`, { id }, admin);
  expect(deactivated.errors).toBeUndefined();
  expect(deactivated.data.updateSupervisionStandard).toEqual({ id, active: false });
  expect((await server.gql(`{ supervisionStandards { id } }`, {}, admin)).data.supervisionStandards).toHaveLength(26);
});

test("inspections fall due by risk level: HIGH every 30 days, MEDIUM 90, LOW 180", async () => {
  at("2026-04-01");
  const high = await enterpriseWithProject(server, { fastTrackAdmittedAt: new Date("2026-04-01T02:00:00Z") });
  const medium = await enterpriseWithProject(server, { fastTrackAdmittedAt: new Date("2026-04-01T02:00:00Z") });
  const low = await enterpriseWithProject(server, { fastTrackAdmittedAt: new Date("2026-04-01T02:00:00Z") });
  const notFastTrack = await enterpriseWithProject(server, { fastTrackStatus: "NOT_APPLIED", fastTrackAdmittedAt: null });
  void notFastTrack;
  expect((await server.gql(RISK, { input: { projectId: high.project.id, riskLevel: "HIGH" } }, admin)).data.setProjectRiskLevel.riskLevel).toBe("HIGH");
  await server.gql(RISK, { input: { projectId: low.project.id, riskLevel: "LOW" } }, admin);
  expect(codeOf(await server.gql(RISK, { input: { projectId: low.project.id, riskLevel: "HIGH" } }, cadre))).toBe("FORBIDDEN");

  const dueIds = async () => (await server.gql(DUE, {}, cadre)).data.inspectionsDue.map((d: any) => d.project.id);
  at("2026-04-30");
  expect(await dueIds()).toEqual([]);
  at("2026-05-01");
  expect(await dueIds()).toEqual([high.project.id]);
  at("2026-06-30");
  expect(await dueIds()).toEqual([high.project.id, medium.project.id]);
  at("2026-09-28");
  expect(await dueIds()).toEqual([high.project.id, medium.project.id, low.project.id]);

  // an inspection of the HIGH project resets its interval from the inspection day
  const scheduled = await server.gql(SCHEDULE, { input: { projectId: high.project.id, scheduledOn: "2026-09-28", leadDepartmentId: dept.HOUSING_CONSTRUCTION, departmentIds: [dept.FIRE_RESCUE] } }, housingCadre);
  expect(scheduled.data.scheduleJointInspection.status).toBe("SCHEDULED");
  const due = (await server.gql(DUE, {}, cadre)).data.inspectionsDue.find((d: any) => d.project.id === high.project.id);
  expect(due).toMatchObject({ riskLevel: "HIGH", lastInspectedOn: null, nextScheduledOn: "2026-09-28", dueOn: "2026-05-01" });
  expect(scheduled.data.scheduleJointInspection.departments.map((d: any) => d.code)).toEqual(["HOUSING_CONSTRUCTION", "FIRE_RESCUE"]);
  expect((await server.gql(FINDINGS, { input: { inspectionId: scheduled.data.scheduleJointInspection.id, results: [{ standardId: standards[0].id, passed: true }] } }, fireCadre)).errors).toBeUndefined();
  expect(await dueIds()).toEqual([medium.project.id, low.project.id]);
  at("2026-10-28");
  const again = (await server.gql(DUE, {}, cadre)).data.inspectionsDue.find((d: any) => d.project.id === high.project.id);
  expect(again).toMatchObject({ lastInspectedOn: "2026-09-28", dueOn: "2026-10-28", nextScheduledOn: null });
});

test("scheduling and recording refuse bad input and write nothing", async () => {
  at("2026-11-02");
  const { project } = await enterpriseWithProject(server);
  const count = () => server.app.services.dataSource.getRepository(JointInspection).countBy({ projectId: project.id });
  const schedule = (input: object, token = housingCadre) => server.gql(SCHEDULE, { input: { projectId: project.id, scheduledOn: "2026-11-10", ...input } }, token);
  const oneDept = await schedule({ leadDepartmentId: dept.HOUSING_CONSTRUCTION, departmentIds: [dept.HOUSING_CONSTRUCTION] });
  expect(codeOf(oneDept)).toBe("BAD_USER_INPUT");
  expect(oneDept.errors![0].extensions!.field).toBe("departmentIds");
  expect(codeOf(await schedule({ leadDepartmentId: dept.HOUSING_CONSTRUCTION, departmentIds: [dept.FIRE_RESCUE], scheduledOn: "2026-11-01" }))).toBe("BAD_USER_INPUT");
  const unknown = await schedule({ leadDepartmentId: dept.HOUSING_CONSTRUCTION, departmentIds: ["00000000-0000-4000-8000-000000000000"] });
  expect(codeOf(unknown)).toBe("BAD_USER_INPUT");
  expect(unknown.errors![0].extensions!.field).toBe("departmentIds");
  expect(codeOf(await schedule({ departmentIds: [dept.HOUSING_CONSTRUCTION, dept.FIRE_RESCUE] }))).toBe("BAD_USER_INPUT");
  expect(codeOf(await server.gql(SCHEDULE, { input: { projectId: "00000000-0000-4000-8000-000000000000", scheduledOn: "2026-11-10", leadDepartmentId: dept.HOUSING_CONSTRUCTION, departmentIds: [dept.FIRE_RESCUE] } }, housingCadre))).toBe("NOT_FOUND");
  // the deprecated names still work, when they are records' names: 住建局 alone is not one
  const oldNames = await schedule({ departments: ["住建局", "区消防救援大队"] });
  expect(codeOf(oldNames)).toBe("BAD_USER_INPUT");
  expect(oldNames.errors![0].extensions!.field).toBe("departments");
  expect(await count()).toBe(0);

  const inspection = (await schedule({ departments: ["区住房和城乡建设局", "区消防救援大队"] })).data.scheduleJointInspection;
  expect(inspection).toMatchObject({ leadDepartment: { code: "HOUSING_CONSTRUCTION" }, departments: [{ code: "HOUSING_CONSTRUCTION" }, { code: "FIRE_RESCUE" }] });
  const noDeadline = await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: false, note: "安全网缺失" }] } }, housingCadre);
  expect(codeOf(noDeadline)).toBe("BAD_USER_INPUT");
  expect(noDeadline.errors![0].extensions!.field).toBe("results.0.followUpDueOn");
  expect(codeOf(await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: false, followUpDueOn: "2026-11-02" }] } }, housingCadre))).toBe("BAD_USER_INPUT");
  expect(codeOf(await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: true }, { standardId: standards[8].id, passed: true }] } }, housingCadre))).toBe("BAD_USER_INPUT");
  const { dataSource } = server.app.services;
  const stored = await dataSource.getRepository(JointInspection).findOneByOrFail({ id: inspection.id });
  expect(stored.status).toBe("SCHEDULED");
  expect(await dataSource.getRepository(InspectionFinding).countBy({ inspectionId: inspection.id })).toBe(0);
  expect((await dataSource.getRepository(AuditEntry).findBy({ entityId: inspection.id })).map((a) => a.action)).toEqual(["inspection.schedule"]);

  const done = await server.gql(FINDINGS, {
    input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: false, note: "安全网缺失", followUpDueOn: "2026-11-20" }, { standardId: standards[9].id, passed: true }] },
  }, housingCadre);
  expect(done.data.recordInspectionFindings.status).toBe("COMPLETED");
  expect(done.data.recordInspectionFindings.findings.map((f: any) => f.followUpStatus).sort()).toEqual(["NONE", "OPEN"]);
  const again = await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[10].id, passed: true }] } }, housingCadre);
  expect(codeOf(again)).toBe("INVALID_TRANSITION");
  expect(again.errors![0].extensions).toMatchObject({ from: "COMPLETED", to: "COMPLETED" });
});

test("a finding's follow-up goes overdue when swept after its deadline; one resolved in time does not", async () => {
  at("2026-12-01");
  await server.gql(SWEEP, {}, admin); // earlier tests' open findings are swept first
  const { project } = await enterpriseWithProject(server);
  const inspection = (await server.gql(SCHEDULE, { input: { projectId: project.id, scheduledOn: "2026-12-01", leadDepartmentId: dept.ECOLOGY_ENVIRONMENT, departmentIds: [dept.NATURAL_RESOURCES] } }, admin)).data.scheduleJointInspection;
  const findings = (await server.gql(FINDINGS, {
    input: {
      inspectionId: inspection.id,
      results: [
        { standardId: standards[11].id, passed: false, note: "扬尘", followUpDueOn: "2026-12-10" },
        { standardId: standards[12].id, passed: false, note: "特种设备", followUpDueOn: "2026-12-10" },
      ],
    },
  }, ecologyCadre)).data.recordInspectionFindings.findings;
  const [late, onTime] = findings;
  expect((await server.gql(RESOLVE, { input: { findingId: onTime.id, note: "已整改" } }, ecologyCadre)).data.resolveInspectionFinding.followUpStatus).toBe("RESOLVED");
  at("2026-12-10");
  expect((await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep.overdueFindings).toBe(0);
  at("2026-12-11");
  expect((await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep).toEqual({ overdueFindings: 1, creditRecords: 1 });
  const dashboard = (await server.gql(`{ supervisionDashboard { overdueFindings { id followUpStatus inspection { id project { id } } } } }`, {}, admin)).data.supervisionDashboard;
  expect(dashboard.overdueFindings.map((f: any) => f.id)).toContain(late.id);
  // a dashboard row leads to its inspection and project
  expect(dashboard.overdueFindings.find((f: any) => f.id === late.id).inspection).toEqual({ id: inspection.id, project: { id: project.id } });
  expect(dashboard.overdueFindings.map((f: any) => f.id)).not.toContain(onTime.id);
  // put right late: resolved, and the credit record stays
  expect((await server.gql(RESOLVE, { input: { findingId: late.id } }, ecologyCadre)).data.resolveInspectionFinding.followUpStatus).toBe("RESOLVED");
  expect(codeOf(await server.gql(RESOLVE, { input: { findingId: late.id } }, ecologyCadre))).toBe("INVALID_TRANSITION");
});

test("综合查一次 by the departments' own people: the lead department or ADMIN schedules, a participating department's cadre records and follows up; a refusal names who may and writes nothing", async () => {
  at("2026-12-02");
  const { project } = await enterpriseWithProject(server);
  const { dataSource } = server.app.services;
  const fingerprint = async () => ({
    inspections: await dataSource.getRepository(JointInspection).countBy({ projectId: project.id }),
    findings: await dataSource.getRepository(InspectionFinding).count(),
    audit: await dataSource.getRepository(AuditEntry).count(),
  });
  const input = { projectId: project.id, scheduledOn: "2026-12-08", leadDepartmentId: dept.HOUSING_CONSTRUCTION, departmentIds: [dept.FIRE_RESCUE] };
  const before = await fingerprint();
  // a participating, not leading, department does not arrange the visit; nor does an outsider
  for (const token of [fireCadre, cadre]) {
    const refused = await server.gql(SCHEDULE, { input }, token);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0].message).toBe("Only a cadre of 区住房和城乡建设局 or the reform office (ADMIN) may schedule this joint inspection");
    expect(refused.errors![0].extensions!.remit).toBe("scheduleJointInspection");
  }
  expect(await fingerprint()).toEqual(before);
  const byAdmin = await server.gql(SCHEDULE, { input }, admin);
  expect(byAdmin.errors).toBeUndefined();
  const byLead = await server.gql(SCHEDULE, { input: { ...input, scheduledOn: "2026-12-09" } }, housingCadre);
  expect(byLead.errors).toBeUndefined();

  const inspectionId = byAdmin.data.scheduleJointInspection.id;
  const results = [{ standardId: standards[13].id, passed: false, note: "消防通道堵塞", followUpDueOn: "2026-12-20" }];
  const afterScheduling = await fingerprint();
  // the reform office supervises, it does not inspect; an outsider department neither
  // (ADMIN is refused by role before the inspection is read, so its message names the relation, not the departments)
  const byRole = await server.gql(FINDINGS, { input: { inspectionId, results } }, admin);
  expect(codeOf(byRole)).toBe("FORBIDDEN");
  expect(byRole.errors![0].message).toBe("Only a cadre of a participating department may record this inspection's findings");
  for (const token of [cadre, ecologyCadre]) {
    const refused = await server.gql(FINDINGS, { input: { inspectionId, results } }, token);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0].message).toBe("Only a cadre of 区住房和城乡建设局 or 区消防救援大队 may record this inspection's findings");
  }
  expect(await fingerprint()).toEqual(afterScheduling);
  expect((await dataSource.getRepository(JointInspection).findOneByOrFail({ id: inspectionId })).status).toBe("SCHEDULED");
  const recorded = await server.gql(FINDINGS, { input: { inspectionId, results } }, fireCadre);
  expect(recorded.errors).toBeUndefined();
  const findingId = recorded.data.recordInspectionFindings.findings[0].id;

  // following up: the participating departments, or ADMIN who verified it
  const refused = await server.gql(RESOLVE, { input: { findingId } }, cadre);
  expect(codeOf(refused)).toBe("FORBIDDEN");
  expect(refused.errors![0].message).toBe("Only a cadre of 区住房和城乡建设局 or 区消防救援大队 or the reform office (ADMIN) may confirm this finding put right");
  expect((await dataSource.getRepository(InspectionFinding).findOneByOrFail({ id: findingId })).followUpStatus).toBe("OPEN");
  expect((await server.gql(RESOLVE, { input: { findingId } }, housingCadre)).data.resolveInspectionFinding.followUpStatus).toBe("RESOLVED");
});
