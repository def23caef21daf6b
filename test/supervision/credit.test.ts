import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { CreditRecord } from "../../src/modules/credit/credit-record.entity";
import { InspectionFinding } from "../../src/modules/supervision/supervision.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { enterpriseWithProject } from "./fixtures";

let server: TestServer;
let admin: string;
let cadre: string;
let inspector: string;

const STANDARDS = `{ supervisionStandards { id code phase } }`;
const SCHEDULE = `mutation($input: ScheduleJointInspectionInput!) { scheduleJointInspection(input: $input) { id status departments { id } } }`;
const FINDINGS = `mutation($input: RecordInspectionFindingsInput!) { recordInspectionFindings(input: $input) { id status findings { id passed followUpStatus followUpDueOn } } }`;
const SWEEP = `mutation { runDeadlineSweep { overdueFindings creditRecords } }`;
const DASHBOARD = `{ supervisionDashboard { overdueFindings { id } enterprisesByMeasure { measure enterprises { id name
  creditStatus { measure activePoints activeRecords facilitationRestricted }
  creditRecords(first: 50) { totalCount edges { node { id severity sourceType reason liftedAt liftReason } } } } } } }`;

beforeAll(async () => {
  // the clock moves by months here: the harness's default tokens outlive it
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
  inspector = (await server.user("CADRE", { departmentId: (await server.department("FIRE_RESCUE")).id })).token;
});
afterAll(() => server?.stop());

const day = (n: number) => new Date(Date.UTC(2026, 2, 2 + n, 2)).toISOString().slice(0, 10); // 2026-03-02 + n, China date
const setDay = (n: number) => server.clock.set(new Date(Date.UTC(2026, 2, 2 + n, 2)));

async function statusOf(enterpriseId: string) {
  const res = await server.gql(DASHBOARD, {}, admin);
  expect(res.errors).toBeUndefined();
  const group = res.data.supervisionDashboard.enterprisesByMeasure.find((g: any) => g.enterprises.some((e: any) => e.id === enterpriseId));
  return group ? group.enterprises.find((e: any) => e.id === enterpriseId) : null;
}

/** An inspection of the project with `count` findings due on days 1..count. */
async function inspectionWithFindings(projectId: string, count: number, start = 0) {
  const standards = (await server.gql(STANDARDS, {}, admin)).data.supervisionStandards;
  expect(standards).toHaveLength(26);
  const inspection = await server.gql(SCHEDULE, { input: { projectId, scheduledOn: day(start), leadDepartmentId: (await server.department("HOUSING_CONSTRUCTION")).id, departmentIds: [(await server.department("FIRE_RESCUE")).id] } }, admin);
  expect(inspection.errors).toBeUndefined();
  const results = standards.map((s: any, i: number) => (i < count ? { standardId: s.id, passed: false, note: `finding ${i}`, followUpDueOn: day(start + i + 1) } : { standardId: s.id, passed: true }));
  const recorded = await server.gql(FINDINGS, { input: { inspectionId: inspection.data.scheduleJointInspection.id, results } }, inspector);
  expect(recorded.errors).toBeUndefined();
  return recorded.data.recordInspectionFindings;
}

test("each step of the credit ladder, lifting a record, and lapsing with time", async () => {
  setDay(0);
  const { enterprise, project } = await enterpriseWithProject(server);
  await inspectionWithFindings(project.id, 12);
  expect(await statusOf(enterprise.id)).toBeNull();
  // a finding due on day k is overdue from day k+1: with MINOR = 1 point, k overdue findings = k points
  // default thresholds [1, 3, 5, 8, 12]; 0 points is NONE (the enterprise is in no group, checked above)
  const ladder: Record<number, string> = {
    1: "KEY_ATTENTION", 2: "KEY_ATTENTION",
    3: "WARNING_INTERVIEW", 4: "WARNING_INTERVIEW",
    5: "PUBLIC_NOTICE", 6: "PUBLIC_NOTICE", 7: "PUBLIC_NOTICE",
    8: "FACILITATION_RESTRICTED", 9: "FACILITATION_RESTRICTED", 10: "FACILITATION_RESTRICTED", 11: "FACILITATION_RESTRICTED",
    12: "MARKET_BAN",
  };
  for (let k = 1; k <= 12; k++) {
    setDay(k + 1);
    const sweep = await server.gql(SWEEP, {}, admin);
    expect(sweep.data.runDeadlineSweep).toEqual({ overdueFindings: 1, creditRecords: 1 });
    const status = (await statusOf(enterprise.id)).creditStatus;
    expect(status.activePoints).toBe(k);
    expect(status.measure).toBe(ladder[k]);
    expect(status.facilitationRestricted).toBe(k >= 8);
  }
  // a second sweep the same day finds nothing more to do
  expect((await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep).toEqual({ overdueFindings: 0, creditRecords: 0 });

  const records = (await statusOf(enterprise.id)).creditRecords;
  expect(records.totalCount).toBe(12);
  expect(records.edges.every((e: any) => e.node.severity === "MINOR" && e.node.sourceType === "INSPECTION_FINDING")).toBe(true);

  const LIFT = `mutation($input: LiftCreditRecordInput!) { liftCreditRecord(input: $input) { id liftedAt liftReason } }`;
  const recordId = records.edges[0].node.id;
  expect(codeOf(await server.gql(LIFT, { input: { recordId, reason: "整改到位" } }, cadre))).toBe("FORBIDDEN");
  expect(codeOf(await server.gql(LIFT, { input: { recordId, reason: "" } }, admin))).toBe("BAD_USER_INPUT");
  const lifted = await server.gql(LIFT, { input: { recordId, reason: "整改到位，信用修复" } }, admin);
  expect(lifted.data.liftCreditRecord.liftReason).toBe("整改到位，信用修复");
  expect(codeOf(await server.gql(LIFT, { input: { recordId, reason: "again" } }, admin))).toBe("CONFLICT");
  const after = await statusOf(enterprise.id);
  expect(after.creditStatus).toMatchObject({ activePoints: 11, measure: "FACILITATION_RESTRICTED" });
  expect(after.creditRecords.totalCount).toBe(12); // history kept
  const audits = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityId: recordId });
  expect(audits.map((a) => a.action).sort()).toEqual(["credit.lift", "credit.record"]);

  // MINOR records lapse after 180 days: the measure goes, the records stay readable
  setDay(14 + 181);
  expect(await statusOf(enterprise.id)).toBeNull();
  expect(await server.app.services.dataSource.getRepository(CreditRecord).countBy({ enterpriseId: enterprise.id })).toBe(12);
});

test("two sweeps at the same moment produce each effect exactly once", async () => {
  setDay(300);
  const { project } = await enterpriseWithProject(server);
  const inspection = await inspectionWithFindings(project.id, 6, 300);
  setDay(310);
  const [a, b, c] = await Promise.all([server.gql(SWEEP, {}, admin), server.gql(SWEEP, {}, admin), server.gql(SWEEP, {}, admin)]);
  const reports = [a, b, c].map((r) => r.data.runDeadlineSweep);
  expect(reports.reduce((sum, r) => sum + r.overdueFindings, 0)).toBe(6);
  expect(reports.reduce((sum, r) => sum + r.creditRecords, 0)).toBe(6);
  const { dataSource } = server.app.services;
  expect(await dataSource.getRepository(CreditRecord).countBy({ enterpriseId: project.enterpriseId })).toBe(6);
  expect(await dataSource.getRepository(InspectionFinding).countBy({ inspectionId: inspection.id, followUpStatus: "OVERDUE" })).toBe(6);
});

test("an enterprise user reads its own credit only; supervision is for ADMIN and CADRE", async () => {
  const { enterprise } = await enterpriseWithProject(server);
  const { token } = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  expect(codeOf(await server.gql(DASHBOARD, {}, token))).toBe("FORBIDDEN");
  expect(codeOf(await server.gql(SWEEP, {}, cadre))).toBe("FORBIDDEN");
});
