import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { InspectionFinding, JointInspection, SupervisionStandard } from "../../src/modules/supervision/supervision.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { enterpriseWithProject } from "./fixtures";

let server: TestServer;
let admin: string;
let cadre: string;
let standards: Array<{ id: string; code: string; phase: string }>;

const DUE = `{ inspectionsDue { project { id code riskLevel } riskLevel lastInspectedOn dueOn nextScheduledOn } }`;
const RISK = `mutation($input: SetRiskLevelInput!) { setProjectRiskLevel(input: $input) { id riskLevel } }`;
const SCHEDULE = `mutation($input: ScheduleJointInspectionInput!) { scheduleJointInspection(input: $input) { id status scheduledOn departments } }`;
const FINDINGS = `mutation($input: RecordInspectionFindingsInput!) { recordInspectionFindings(input: $input) { id status findings { id standardId passed followUpStatus followUpDueOn } } }`;
const RESOLVE = `mutation($input: ResolveFindingInput!) { resolveInspectionFinding(input: $input) { id followUpStatus } }`;
const SWEEP = `mutation { runDeadlineSweep { overdueFindings creditRecords } }`;

const at = (date: string) => server.clock.set(new Date(`${date}T02:00:00.000Z`));

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
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
  const scheduled = await server.gql(SCHEDULE, { input: { projectId: high.project.id, scheduledOn: "2026-09-28", departments: ["住建局", "消防救援大队"] } }, cadre);
  expect(scheduled.data.scheduleJointInspection.status).toBe("SCHEDULED");
  const due = (await server.gql(DUE, {}, cadre)).data.inspectionsDue.find((d: any) => d.project.id === high.project.id);
  expect(due).toMatchObject({ riskLevel: "HIGH", lastInspectedOn: null, nextScheduledOn: "2026-09-28", dueOn: "2026-05-01" });
  await server.gql(FINDINGS, { input: { inspectionId: scheduled.data.scheduleJointInspection.id, results: [{ standardId: standards[0].id, passed: true }] } }, cadre);
  expect(await dueIds()).toEqual([medium.project.id, low.project.id]);
  at("2026-10-28");
  const again = (await server.gql(DUE, {}, cadre)).data.inspectionsDue.find((d: any) => d.project.id === high.project.id);
  expect(again).toMatchObject({ lastInspectedOn: "2026-09-28", dueOn: "2026-10-28", nextScheduledOn: null });
});

test("scheduling and recording refuse bad input and write nothing", async () => {
  at("2026-11-02");
  const { project } = await enterpriseWithProject(server);
  const count = () => server.app.services.dataSource.getRepository(JointInspection).countBy({ projectId: project.id });
  const oneDept = await server.gql(SCHEDULE, { input: { projectId: project.id, scheduledOn: "2026-11-10", departments: ["住建局"] } }, cadre);
  expect(codeOf(oneDept)).toBe("BAD_USER_INPUT");
  expect(oneDept.errors![0].extensions!.field).toBe("departments");
  expect(codeOf(await server.gql(SCHEDULE, { input: { projectId: project.id, scheduledOn: "2026-11-10", departments: ["住建局", "住建局 "] } }, cadre))).toBe("BAD_USER_INPUT");
  expect(codeOf(await server.gql(SCHEDULE, { input: { projectId: project.id, scheduledOn: "2026-11-01", departments: ["住建局", "消防"] } }, cadre))).toBe("BAD_USER_INPUT");
  expect(codeOf(await server.gql(SCHEDULE, { input: { projectId: "00000000-0000-4000-8000-000000000000", scheduledOn: "2026-11-10", departments: ["住建局", "消防"] } }, cadre))).toBe("NOT_FOUND");
  expect(await count()).toBe(0);

  const inspection = (await server.gql(SCHEDULE, { input: { projectId: project.id, scheduledOn: "2026-11-10", departments: ["住建局", "消防救援大队"] } }, cadre)).data.scheduleJointInspection;
  const noDeadline = await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: false, note: "安全网缺失" }] } }, cadre);
  expect(codeOf(noDeadline)).toBe("BAD_USER_INPUT");
  expect(noDeadline.errors![0].extensions!.field).toBe("results.0.followUpDueOn");
  expect(codeOf(await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: false, followUpDueOn: "2026-11-02" }] } }, cadre))).toBe("BAD_USER_INPUT");
  expect(codeOf(await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: true }, { standardId: standards[8].id, passed: true }] } }, cadre))).toBe("BAD_USER_INPUT");
  const { dataSource } = server.app.services;
  const stored = await dataSource.getRepository(JointInspection).findOneByOrFail({ id: inspection.id });
  expect(stored.status).toBe("SCHEDULED");
  expect(await dataSource.getRepository(InspectionFinding).countBy({ inspectionId: inspection.id })).toBe(0);
  expect((await dataSource.getRepository(AuditEntry).findBy({ entityId: inspection.id })).map((a) => a.action)).toEqual(["inspection.schedule"]);

  const done = await server.gql(FINDINGS, {
    input: { inspectionId: inspection.id, results: [{ standardId: standards[8].id, passed: false, note: "安全网缺失", followUpDueOn: "2026-11-20" }, { standardId: standards[9].id, passed: true }] },
  }, cadre);
  expect(done.data.recordInspectionFindings.status).toBe("COMPLETED");
  expect(done.data.recordInspectionFindings.findings.map((f: any) => f.followUpStatus).sort()).toEqual(["NONE", "OPEN"]);
  const again = await server.gql(FINDINGS, { input: { inspectionId: inspection.id, results: [{ standardId: standards[10].id, passed: true }] } }, cadre);
  expect(codeOf(again)).toBe("INVALID_TRANSITION");
  expect(again.errors![0].extensions).toMatchObject({ from: "COMPLETED", to: "COMPLETED" });
});

test("a finding's follow-up goes overdue when swept after its deadline; one resolved in time does not", async () => {
  at("2026-12-01");
  await server.gql(SWEEP, {}, admin); // earlier tests' open findings are swept first
  const { project } = await enterpriseWithProject(server);
  const inspection = (await server.gql(SCHEDULE, { input: { projectId: project.id, scheduledOn: "2026-12-01", departments: ["生态环境分局", "自然资源局"] } }, cadre)).data.scheduleJointInspection;
  const findings = (await server.gql(FINDINGS, {
    input: {
      inspectionId: inspection.id,
      results: [
        { standardId: standards[11].id, passed: false, note: "扬尘", followUpDueOn: "2026-12-10" },
        { standardId: standards[12].id, passed: false, note: "特种设备", followUpDueOn: "2026-12-10" },
      ],
    },
  }, cadre)).data.recordInspectionFindings.findings;
  const [late, onTime] = findings;
  expect((await server.gql(RESOLVE, { input: { findingId: onTime.id, note: "已整改" } }, cadre)).data.resolveInspectionFinding.followUpStatus).toBe("RESOLVED");
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
  expect((await server.gql(RESOLVE, { input: { findingId: late.id } }, cadre)).data.resolveInspectionFinding.followUpStatus).toBe("RESOLVED");
  expect(codeOf(await server.gql(RESOLVE, { input: { findingId: late.id } }, cadre))).toBe("INVALID_TRANSITION");
});
