import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let cadre: { user: { id: string }; token: string };
let admin: string;
let owner: string;
let stranger: string;
let enterpriseId: string;

beforeAll(async () => {
  server = await startTestServer();
  cadre = await server.user("CADRE");
  admin = (await server.user("ADMIN")).token;
  const enterprise = await makeEnterprise(server, "聚芯源");
  const other = await makeEnterprise(server, "另一家");
  owner = (await server.user("ENTERPRISE", { enterpriseId: enterprise.id })).token;
  stranger = (await server.user("ENTERPRISE", { enterpriseId: other.id })).token;
  enterpriseId = enterprise.id;
});
afterAll(() => server?.stop());

const ADD = `mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id kind department status phase } }`;
const SUBMIT = `mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status submittedOn surveyResult { id } } }`;
const DECIDE = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status approvedOn rejectedOn workingDays handledBy { id } } }`;
const COMMISSION = `mutation($input: CommissionSurveyInput!) { commissionSurvey(input: $input) { id stage } }`;
const RECORD_RESULT = `mutation($input: RecordSurveyResultInput!) { recordSurveyResult(input: $input) { id stage deliveredOn } }`;
const CITE = `mutation($input: CiteSurveyResultInput!) { citeSurveyResult(input: $input) { id surveyResult { id stage } } }`;
const MILESTONE = `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id landContractOn constructionStartOn completionOn certificateOn } }`;
const TIMELINE = `query($id: ID!) { projectTimeline(projectId: $id) {
  project { id name }
  milestones { milestone on }
  items { kind status submittedOn approvedOn workingDays phase }
  overlaps { first { kind } second { kind } from to workingDays }
  approvalWorkingDays sequentialWorkingDays
  criticalPath { items { kind } start end workingDays }
  start: criticalPath(phase: START) { items { kind } start end workingDays }
  completion: criticalPath(phase: COMPLETION) { items { kind } start end workingDays }
  checks { check from to fromOn toOn workingDays targetWorkingDays met baselineWorkingDays savedWorkingDays }
  surveys { stage surveyor result { id reference } }
} }`;

async function ok(query: string, input: Record<string, unknown>, token = cadre.token) {
  const res = await server.gql(query, { input }, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

/**
 * The story these tests tell, one project of 聚芯源 each, brought up to the point a test starts
 * from, step by step as the tests before it in the story did:
 * - "added": FILING, PLANNING_PERMIT and CONSTRUCTION_PERMIT added by the cadre, the three completion items by ADMIN;
 * - "submitted": the three start items submitted on Jan 6;
 * - "started": FILING approved Jan 8, PLANNING_PERMIT Jan 14, CONSTRUCTION_PERMIT Jan 15;
 * - "completed": the completion survey (result Feb 6) cited by the completion items; joint acceptance
 *   Feb 9-13, completion filing Feb 9-24, property registration rejected Feb 13 and approved Feb 27;
 * - "milestones": land contract Jan 5, construction start Jan 16, completion Feb 6, certificate Feb 27.
 */
const STEPS = ["added", "submitted", "started", "completed", "milestones"] as const;
type Step = (typeof STEPS)[number];

async function projectAt(upTo: Step | null): Promise<{ projectId: string; ids: Record<string, string>; surveyResultId?: string }> {
  const projectId = (await makeProject(server, enterpriseId, { name: "聚芯源二期" })).id;
  const ids: Record<string, string> = {};
  let surveyResultId: string | undefined;
  for (const step of upTo ? STEPS.slice(0, STEPS.indexOf(upTo) + 1) : []) {
    if (step === "added") {
      for (const kind of ["FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT"]) ids[kind] = (await ok(ADD, { projectId, kind })).id;
      for (const kind of ["JOINT_ACCEPTANCE", "COMPLETION_FILING", "PROPERTY_REGISTRATION"]) ids[kind] = (await ok(ADD, { projectId, kind }, admin)).id;
    }
    if (step === "submitted") for (const kind of ["FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT"]) await ok(SUBMIT, { itemId: ids[kind], on: "2026-01-06" });
    if (step === "started") {
      await ok(DECIDE, { itemId: ids.FILING, decision: "APPROVED", on: "2026-01-08" });
      await ok(DECIDE, { itemId: ids.PLANNING_PERMIT, decision: "APPROVED", on: "2026-01-14" });
      await ok(DECIDE, { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-15" });
    }
    if (step === "completed") {
      const commission = await ok(COMMISSION, { projectId, stage: "COMPLETION", surveyor: "河源市测绘院", on: "2026-02-02" });
      surveyResultId = (await ok(RECORD_RESULT, { commissionId: commission.id, reference: "HY-2026-018", summary: "竣工测量 + 房产测绘", on: "2026-02-06" })).id;
      await ok(SUBMIT, { itemId: ids.JOINT_ACCEPTANCE, on: "2026-02-09", surveyResultId });
      await ok(SUBMIT, { itemId: ids.COMPLETION_FILING, on: "2026-02-09" });
      await ok(CITE, { itemId: ids.COMPLETION_FILING, surveyResultId });
      await ok(DECIDE, { itemId: ids.JOINT_ACCEPTANCE, decision: "APPROVED", on: "2026-02-13" });
      await ok(DECIDE, { itemId: ids.COMPLETION_FILING, decision: "APPROVED", on: "2026-02-24" });
      await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-12" });
      await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "REJECTED", on: "2026-02-13", note: "缺少测绘成果" });
      await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-24", surveyResultId });
      await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "APPROVED", on: "2026-02-27" });
    }
    if (step === "milestones") {
      await ok(MILESTONE, { projectId, milestone: "LAND_CONTRACT", on: "2026-01-05" });
      await ok(MILESTONE, { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" });
      await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-02-06" }, admin);
      await ok(MILESTONE, { projectId, milestone: "CERTIFICATE", on: "2026-02-27" });
    }
  }
  return { projectId, ids, surveyResultId };
}

describe("approvals side by side", () => {
  test("ADMIN or CADRE add items with their usual department; ENTERPRISE cannot; one item per kind", async () => {
    const { projectId } = await projectAt(null);
    const ids: Record<string, string> = {};
    for (const kind of ["FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT"]) {
      const item = await ok(ADD, { projectId, kind });
      expect(item).toMatchObject({ kind, status: "NOT_STARTED", phase: "START" });
      ids[kind] = item.id;
    }
    for (const kind of ["JOINT_ACCEPTANCE", "COMPLETION_FILING", "PROPERTY_REGISTRATION"]) ids[kind] = (await ok(ADD, { projectId, kind }, admin)).id;
    expect((await server.gql(ADD, { input: { projectId, kind: "FILING" } }, cadre.token)).errors![0].extensions!.code).toBe("CONFLICT");
    expect(codeOf(await server.gql(ADD, { input: { projectId, kind: "ENVIRONMENTAL_IMPACT" } }, owner))).toBe("FORBIDDEN");
    const planning = await server.app.services.dataSource.getRepository(ApprovalItem).findOneByOrFail({ id: ids.PLANNING_PERMIT });
    expect(planning.department).toBe("区自然资源局");
  });

  test("all three start items are submitted the same day; none waits on another", async () => {
    const { ids } = await projectAt("added");
    for (const kind of ["FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT"]) {
      expect(await ok(SUBMIT, { itemId: ids[kind], on: "2026-01-06" })).toMatchObject({ status: "SUBMITTED", submittedOn: "2026-01-06" });
    }
    expect(codeOf(await server.gql(SUBMIT, { input: { itemId: ids.FILING, on: "2026-01-07" } }, cadre.token))).toBe("INVALID_TRANSITION");
    expect(codeOf(await server.gql(SUBMIT, { input: { itemId: ids.JOINT_ACCEPTANCE, on: "2026-03-03" } }, cadre.token))).toBe("BAD_USER_INPUT");
  });

  test("a real dependency is data: the construction permit is approved only on or after the planning permit", async () => {
    const { ids } = await projectAt("submitted");
    const filing = await ok(DECIDE, { itemId: ids.FILING, decision: "APPROVED", on: "2026-01-08" });
    expect(filing).toMatchObject({ status: "APPROVED", approvedOn: "2026-01-08", workingDays: 2, handledBy: { id: cadre.user.id } });
    const early = await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-12" } }, cadre.token);
    expect(codeOf(early)).toBe("DEPENDENCY_NOT_MET");
    expect(early.errors![0].extensions!.requires).toEqual(["PLANNING_PERMIT"]);
    await ok(DECIDE, { itemId: ids.PLANNING_PERMIT, decision: "APPROVED", on: "2026-01-14" });
    // Approved by then? Not on the 13th: the planning permit came on the 14th.
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-13" } }, cadre.token))).toBe("DEPENDENCY_NOT_MET");
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-05" } }, cadre.token))).toBe("BAD_USER_INPUT");
    const permit = await ok(DECIDE, { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-15" });
    expect(permit).toMatchObject({ status: "APPROVED", workingDays: 7 });
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "REJECTED" } }, cadre.token))).toBe("INVALID_TRANSITION");
    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityId: ids.CONSTRUCTION_PERMIT });
    expect(audit.map((a) => a.action).sort()).toEqual(["approval.add", "approval.approve", "approval.submit"]);
  });

  test("多测合一: one completion survey, its result cited by every completion item", async () => {
    const { projectId, ids } = await projectAt("started");
    const commission = await ok(`mutation($input: CommissionSurveyInput!) { commissionSurvey(input: $input) { id stage } }`, { projectId, stage: "COMPLETION", surveyor: "河源市测绘院", on: "2026-02-02" });
    const second = await server.gql(`mutation($input: CommissionSurveyInput!) { commissionSurvey(input: $input) { id } }`, { input: { projectId, stage: "COMPLETION", surveyor: "另一家", on: "2026-02-03" } }, cadre.token);
    expect(codeOf(second)).toBe("CONFLICT");
    const result = await ok(`mutation($input: RecordSurveyResultInput!) { recordSurveyResult(input: $input) { id stage deliveredOn } }`, { commissionId: commission.id, reference: "HY-2026-018", summary: "竣工测量 + 房产测绘", on: "2026-02-06" });
    expect(result).toMatchObject({ stage: "COMPLETION", deliveredOn: "2026-02-06" });
    // An approved item cites nothing any more; a planning-stage item cannot cite the completion survey.
    expect(codeOf(await server.gql(CITE, { input: { itemId: ids.PLANNING_PERMIT, surveyResultId: result.id } }, cadre.token))).toBe("INVALID_TRANSITION");
    const otherProject = await makeProject(server, (await makeEnterprise(server, "特区建工")).id);
    const landUse = await ok(ADD, { projectId: otherProject.id, kind: "LAND_USE_PLANNING_PERMIT" });
    const wrong = await server.gql(CITE, { input: { itemId: landUse.id, surveyResultId: result.id } }, cadre.token);
    expect(codeOf(wrong)).toBe("BAD_USER_INPUT");
    expect(wrong.errors![0].extensions!.field).toBe("surveyResultId");
    const otherPlanning = await ok(`mutation($input: CommissionSurveyInput!) { commissionSurvey(input: $input) { id } }`, { projectId: otherProject.id, stage: "PLANNING", surveyor: "河源市测绘院", on: "2026-02-02" });
    expect(otherPlanning.id).toBeTruthy();

    expect((await ok(SUBMIT, { itemId: ids.JOINT_ACCEPTANCE, on: "2026-02-09", surveyResultId: result.id })).surveyResult.id).toBe(result.id);
    await ok(SUBMIT, { itemId: ids.COMPLETION_FILING, on: "2026-02-09" });
    expect((await ok(CITE, { itemId: ids.COMPLETION_FILING, surveyResultId: result.id })).surveyResult).toEqual({ id: result.id, stage: "COMPLETION" });
    await ok(DECIDE, { itemId: ids.JOINT_ACCEPTANCE, decision: "APPROVED", on: "2026-02-13" });
    await ok(DECIDE, { itemId: ids.COMPLETION_FILING, decision: "APPROVED", on: "2026-02-24" });
    // Rejected once, submitted again citing the shared result, approved.
    await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-12" });
    expect(await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "REJECTED", on: "2026-02-13", note: "缺少测绘成果" })).toMatchObject({ status: "REJECTED", rejectedOn: "2026-02-13" });
    const early = await server.gql(SUBMIT, { input: { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-12" } }, cadre.token);
    expect(codeOf(early)).toBe("BAD_USER_INPUT"); // a resubmission before the rejection it answers
    expect(early.errors![0].extensions!.field).toBe("on");
    await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-24", surveyResultId: result.id });
    await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "APPROVED", on: "2026-02-27" });
    const rows = await server.app.services.dataSource.getRepository(ApprovalItem).findBy({ projectId, surveyResultId: result.id });
    expect(rows.map((r) => r.kind).sort()).toEqual(["COMPLETION_FILING", "JOINT_ACCEPTANCE", "PROPERTY_REGISTRATION"]);
  });

  test("milestones keep their order and are audited", async () => {
    const { projectId } = await projectAt(null);
    await ok(MILESTONE, { projectId, milestone: "LAND_CONTRACT", on: "2026-01-05" });
    const bad = await server.gql(MILESTONE, { input: { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-02" } }, cadre.token);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(bad.errors![0].extensions!.field).toBe("on");
    expect(await ok(MILESTONE, { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" })).toMatchObject({ landContractOn: "2026-01-05", constructionStartOn: "2026-01-16" });
    await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-02-06" }, admin);
    await ok(MILESTONE, { projectId, milestone: "CERTIFICATE", on: "2026-02-27" });
    expect(codeOf(await server.gql(MILESTONE, { input: { projectId, milestone: "COMPLETION", on: "2026-02-06" } }, owner))).toBe("FORBIDDEN");
    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityId: projectId, action: "project.milestone" });
    expect(audit).toHaveLength(4);
  });

  test("projectTimeline: items, overlaps, approval days, critical paths and the in-step checks", async () => {
    const { projectId } = await projectAt("milestones");
    const res = await server.gql(TIMELINE, { id: projectId }, owner);
    expect(res.errors).toBeUndefined();
    const t = res.data.projectTimeline;
    expect(t.items.map((i: any) => [i.kind, i.workingDays])).toEqual([
      ["FILING", 2], ["PLANNING_PERMIT", 6], ["CONSTRUCTION_PERMIT", 7],
      ["JOINT_ACCEPTANCE", 4], ["COMPLETION_FILING", 6], ["PROPERTY_REGISTRATION", 3],
    ]);
    expect(t.overlaps).toEqual([
      { first: { kind: "FILING" }, second: { kind: "PLANNING_PERMIT" }, from: "2026-01-06", to: "2026-01-08", workingDays: 2 },
      { first: { kind: "FILING" }, second: { kind: "CONSTRUCTION_PERMIT" }, from: "2026-01-06", to: "2026-01-08", workingDays: 2 },
      { first: { kind: "PLANNING_PERMIT" }, second: { kind: "CONSTRUCTION_PERMIT" }, from: "2026-01-06", to: "2026-01-14", workingDays: 6 },
      // Feb 9 -> Feb 13: four working days both were under review.
      { first: { kind: "JOINT_ACCEPTANCE" }, second: { kind: "COMPLETION_FILING" }, from: "2026-02-09", to: "2026-02-13", workingDays: 4 },
    ]);
    // Union: (Jan 6, Jan 15] = 7, and (Feb 9, Feb 27] = Feb 10-13, Sat Feb 14 (make-up), Feb 24-27 = 9.
    expect(t.approvalWorkingDays).toBe(16);
    expect(t.sequentialWorkingDays).toBe(2 + 6 + 7 + 4 + 6 + 3);
    // The planning permit bound the construction permit: it was under review when the permit was submitted.
    expect(t.start).toEqual({ items: [{ kind: "PLANNING_PERMIT" }, { kind: "CONSTRUCTION_PERMIT" }], start: "2026-01-06", end: "2026-01-15", workingDays: 7 });
    // Joint acceptance ended (Feb 13) before registration was resubmitted (Feb 24): registration's own review set the end.
    expect(t.completion).toEqual({ items: [{ kind: "PROPERTY_REGISTRATION" }], start: "2026-02-24", end: "2026-02-27", workingDays: 3 });
    expect(t.criticalPath).toEqual(t.completion);
    expect(t.checks).toEqual([
      { check: "START_ON_LAND_HANDOVER", from: "LAND_CONTRACT", to: "CONSTRUCTION_START", fromOn: "2026-01-05", toOn: "2026-01-16", workingDays: 9, targetWorkingDays: 15, met: true, baselineWorkingDays: 60, savedWorkingDays: 51 },
      { check: "CERTIFICATE_ON_COMPLETION", from: "COMPLETION", to: "CERTIFICATE", fromOn: "2026-02-06", toOn: "2026-02-27", workingDays: 10, targetWorkingDays: 20, met: true, baselineWorkingDays: 30, savedWorkingDays: 20 },
      { check: "TRIAL_PRODUCTION_ON_PRE_ACCEPTANCE", from: "PRE_ACCEPTANCE", to: "TRIAL_PRODUCTION", fromOn: null, toOn: null, workingDays: null, targetWorkingDays: 10, met: null, baselineWorkingDays: null, savedWorkingDays: null },
    ]);
    expect(t.surveys).toEqual([{ stage: "COMPLETION", surveyor: "河源市测绘院", result: { id: expect.any(String), reference: "HY-2026-018" } }]);
    expect(t.milestones).toContainEqual({ milestone: "CERTIFICATE", on: "2026-02-27" });
  });

  test("another enterprise's project answers NOT_FOUND; its items cannot be listed", async () => {
    const { projectId } = await projectAt("added");
    expect(codeOf(await server.gql(TIMELINE, { id: projectId }, stranger))).toBe("NOT_FOUND");
    const list = `query($id: ID!) { approvalItems(projectId: $id, first: 2) { totalCount edges { node { kind } } pageInfo { hasNextPage endCursor } } }`;
    expect(codeOf(await server.gql(list, { id: projectId }, stranger))).toBe("NOT_FOUND");
    const page = await server.gql(list, { id: projectId }, owner);
    expect(page.data.approvalItems.totalCount).toBe(6);
    expect(page.data.approvalItems.pageInfo.hasNextPage).toBe(true);
  });

  test("a pending item runs until today in the timeline", async () => {
    const { projectId } = await projectAt("milestones");
    const item = await ok(ADD, { projectId, kind: "TRIAL_PRODUCTION" });
    await ok(SUBMIT, { itemId: item.id, on: "2026-02-26" });
    const res = await server.gql(`query($id: ID!) { projectTimeline(projectId: $id) { items { kind status workingDays } criticalPath { items { kind } end workingDays } } }`, { id: projectId }, cadre.token);
    // Today is 2026-03-02 in China: Feb 27, Sat Feb 28 (make-up), Mon Mar 2.
    expect(res.data.projectTimeline.items.at(-1)).toEqual({ kind: "TRIAL_PRODUCTION", status: "SUBMITTED", workingDays: 3 });
    expect(res.data.projectTimeline.criticalPath).toEqual({ items: [{ kind: "TRIAL_PRODUCTION" }], end: "2026-03-02", workingDays: 3 });
  });
});
