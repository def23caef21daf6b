import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { SurveyResult } from "../../src/modules/instep/survey.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject, signedLetter } from "../support/fixtures";
import { cadreOf, teamOf, type Caller } from "./callers";
import { upload } from "../support/uploads";

let server: TestServer;
/** A cadre of a department that handles none of these items, on no team: may look, not act. */
let cadre: Caller;
/** Cadres of the handling departments (APPROVAL_KINDS) and of the survey department. */
let devReform: Caller;
let natural: Caller;
let housing: Caller;
let realEstate: Caller;
let industry: Caller;
let admin: string;
let owner: string;
let stranger: string;
let enterpriseId: string;

beforeAll(async () => {
  server = await startTestServer();
  cadre = await server.user("CADRE");
  devReform = await cadreOf(server, "DEVELOPMENT_REFORM");
  natural = await cadreOf(server, "NATURAL_RESOURCES");
  housing = await cadreOf(server, "HOUSING_CONSTRUCTION");
  realEstate = await cadreOf(server, "REAL_ESTATE_REGISTRATION");
  industry = await cadreOf(server, "INDUSTRY_IT");
  admin = (await server.user("ADMIN")).token;
  const enterprise = await makeEnterprise(server, "聚芯源");
  const other = await makeEnterprise(server, "另一家");
  owner = (await server.user("ENTERPRISE", { enterpriseId: enterprise.id })).token;
  stranger = (await server.user("ENTERPRISE", { enterpriseId: other.id })).token;
  enterpriseId = enterprise.id;
});
afterAll(() => server?.stop());

const ADD = `mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id kind departmentId department { id code name } status phase } }`;
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

async function ok(query: string, input: Record<string, unknown>, token: string) {
  const res = await server.gql(query, { input }, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

/**
 * The story these tests tell, one project of 聚芯源 each with its own team (a manager and a member),
 * brought up to the point a test starts from, step by step as the tests before it in the story did,
 * each step by the caller whose job it is:
 * - "added": FILING, PLANNING_PERMIT and CONSTRUCTION_PERMIT added by the manager, the three completion items by ADMIN;
 * - "submitted": the three start items submitted on Jan 6 by the manager (代办);
 * - "started": FILING approved Jan 8 (发改局), PLANNING_PERMIT Jan 14 (自然资源局), CONSTRUCTION_PERMIT Jan 15 (住建局);
 * - "completed": the completion survey (commissioned by the manager, result Feb 6 recorded by 自然资源局) cited by the
 *   completion items; joint acceptance Feb 9-13, completion filing Feb 9-24 (住建局), property registration rejected
 *   Feb 13 and approved Feb 27 (不动产登记中心);
 * - "milestones": land contract Jan 5 (manager), construction start Jan 16 (the enterprise's 开工报备),
 *   completion Feb 6 (ADMIN), certificate Feb 27 (team member).
 */
const STEPS = ["added", "submitted", "started", "completed", "milestones"] as const;
type Step = (typeof STEPS)[number];

async function projectAt(upTo: Step | null): Promise<{ projectId: string; ids: Record<string, string>; surveyResultId?: string; manager: Caller; member: Caller }> {
  const projectId = (await makeProject(server, enterpriseId, { name: "聚芯源二期" })).id;
  const { manager, member } = await teamOf(server, admin, projectId);
  const ids: Record<string, string> = {};
  let surveyResultId: string | undefined;
  for (const step of upTo ? STEPS.slice(0, STEPS.indexOf(upTo) + 1) : []) {
    if (step === "added") {
      for (const kind of ["FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT"]) ids[kind] = (await ok(ADD, { projectId, kind }, manager.token)).id;
      for (const kind of ["JOINT_ACCEPTANCE", "COMPLETION_FILING", "PROPERTY_REGISTRATION"]) ids[kind] = (await ok(ADD, { projectId, kind }, admin)).id;
    }
    if (step === "submitted") for (const kind of ["FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT"]) await ok(SUBMIT, { itemId: ids[kind], on: "2026-01-06" }, manager.token);
    if (step === "started") {
      await ok(DECIDE, { itemId: ids.FILING, decision: "APPROVED", on: "2026-01-08", attachmentIds: [await upload(server, devReform.token)] }, devReform.token);
      await ok(DECIDE, { itemId: ids.PLANNING_PERMIT, decision: "APPROVED", on: "2026-01-14", attachmentIds: [await upload(server, natural.token)] }, natural.token);
      await ok(DECIDE, { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-15", attachmentIds: [await upload(server, housing.token)] }, housing.token);
    }
    if (step === "completed") {
      const commission = await ok(COMMISSION, { projectId, stage: "COMPLETION", surveyor: "河源市测绘院", on: "2026-02-02" }, manager.token);
      surveyResultId = (await ok(RECORD_RESULT, { commissionId: commission.id, reference: "HY-2026-018", summary: "竣工测量 + 房产测绘", on: "2026-02-06" }, natural.token)).id;
      await ok(SUBMIT, { itemId: ids.JOINT_ACCEPTANCE, on: "2026-02-09", surveyResultId }, housing.token);
      await ok(SUBMIT, { itemId: ids.COMPLETION_FILING, on: "2026-02-09" }, manager.token);
      await ok(CITE, { itemId: ids.COMPLETION_FILING, surveyResultId }, manager.token);
      await ok(DECIDE, { itemId: ids.JOINT_ACCEPTANCE, decision: "APPROVED", on: "2026-02-13", attachmentIds: [await upload(server, housing.token)] }, housing.token);
      await ok(DECIDE, { itemId: ids.COMPLETION_FILING, decision: "APPROVED", on: "2026-02-24", attachmentIds: [await upload(server, housing.token)] }, housing.token);
      await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-12" }, realEstate.token);
      await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "REJECTED", on: "2026-02-13", note: "缺少测绘成果" }, realEstate.token);
      await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-24", surveyResultId }, realEstate.token);
      await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "APPROVED", on: "2026-02-27", attachmentIds: [await upload(server, realEstate.token)] }, realEstate.token);
    }
    if (step === "milestones") {
      await ok(MILESTONE, { projectId, milestone: "LAND_CONTRACT", on: "2026-01-05" }, manager.token);
      await ok(MILESTONE, { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" }, owner);
      await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-02-06" }, admin);
      await ok(MILESTONE, { projectId, milestone: "CERTIFICATE", on: "2026-02-27" }, member.token);
    }
  }
  return { projectId, ids, surveyResultId, manager, member };
}

const repo = () => server.app.services.dataSource.getRepository(ApprovalItem);
const audits = () => server.app.services.dataSource.getRepository(AuditEntry);

describe("approvals side by side", () => {
  test("the manager or ADMIN add items, with the kind's usual department unless another is named; nobody else; one item per kind", async () => {
    const { projectId, manager, member } = await projectAt(null);
    const ids: Record<string, string> = {};
    for (const kind of ["FILING", "PLANNING_PERMIT", "CONSTRUCTION_PERMIT"]) {
      const item = await ok(ADD, { projectId, kind }, manager.token);
      expect(item).toMatchObject({ kind, status: "NOT_STARTED", phase: "START" });
      ids[kind] = item.id;
    }
    const natural = await server.department("NATURAL_RESOURCES");
    const planning = (await server.gql(`query($id: ID!) { approvalItems(projectId: $id) { edges { node { id departmentId department { code name } } } } }`, { id: projectId }, owner)).data.approvalItems.edges
      .map((e: any) => e.node).find((n: any) => n.id === ids.PLANNING_PERMIT);
    expect(planning).toEqual({ id: ids.PLANNING_PERMIT, departmentId: natural.id, department: { code: "NATURAL_RESOURCES", name: "区自然资源局" } });
    expect((await repo().findOneByOrFail({ id: ids.PLANNING_PERMIT })).departmentId).toBe(natural.id);
    for (const kind of ["JOINT_ACCEPTANCE", "COMPLETION_FILING", "PROPERTY_REGISTRATION"]) ids[kind] = (await ok(ADD, { projectId, kind }, admin)).id;
    expect(codeOf(await server.gql(ADD, { input: { projectId, kind: "FILING" } }, manager.token))).toBe("CONFLICT");
    // Neither the enterprise, nor a team member, nor a cadre of the kind's department plans the project's approvals.
    const environment = await cadreOf(server, "ECOLOGY_ENVIRONMENT");
    for (const token of [owner, member.token, cadre.token, environment.token]) {
      expect(codeOf(await server.gql(ADD, { input: { projectId, kind: "ENVIRONMENTAL_IMPACT" } }, token))).toBe("FORBIDDEN");
    }
    expect(await repo().countBy({ projectId, kind: "ENVIRONMENTAL_IMPACT" })).toBe(0);

    // Another department named by id; an id that is no department is BAD_USER_INPUT and writes nothing.
    const housingDept = await server.department("HOUSING_CONSTRUCTION");
    const named = await ok(ADD, { projectId, kind: "ENVIRONMENTAL_IMPACT", departmentId: housingDept.id }, manager.token);
    expect(named).toMatchObject({ departmentId: housingDept.id, department: { code: "HOUSING_CONSTRUCTION" } });
    const unknown = await server.gql(ADD, { input: { projectId, kind: "FIRE_DESIGN_REVIEW", departmentId: crypto.randomUUID() } }, manager.token);
    expect(codeOf(unknown)).toBe("BAD_USER_INPUT");
    expect(unknown.errors![0].extensions!.field).toBe("departmentId");
    // The deprecated free-text field is the department's exact name.
    const byName = await ok(ADD, { projectId, kind: "FIRE_DESIGN_REVIEW", department: "区消防救援大队" }, admin);
    expect(byName.department).toMatchObject({ code: "FIRE_RESCUE", name: "区消防救援大队" });
    const noSuchName = await server.gql(ADD, { input: { projectId, kind: "CONSTRUCTION_DRAWING_REVIEW", department: "区住建局" } }, admin);
    expect(codeOf(noSuchName)).toBe("BAD_USER_INPUT");
    expect(noSuchName.errors![0].extensions!.field).toBe("department");
    expect(await repo().countBy({ projectId })).toBe(8);
    const fields = (await server.gql(`{ __type(name: "AddApprovalItemInput") { inputFields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`, {}, admin)).data.__type.inputFields;
    expect(fields.find((f: any) => f.name === "department")).toMatchObject({ isDeprecated: true, deprecationReason: expect.stringContaining("Use departmentId") });
    expect(fields.find((f: any) => f.name === "departmentId")).toMatchObject({ isDeprecated: false });
  });

  test("all three start items are submitted the same day, by the team or the handling department; none waits on another", async () => {
    const { ids, manager, member } = await projectAt("added");
    expect(await ok(SUBMIT, { itemId: ids.FILING, on: "2026-01-06" }, manager.token)).toMatchObject({ status: "SUBMITTED", submittedOn: "2026-01-06" });
    expect(await ok(SUBMIT, { itemId: ids.PLANNING_PERMIT, on: "2026-01-06" }, member.token)).toMatchObject({ status: "SUBMITTED", submittedOn: "2026-01-06" });
    // A cadre of another department, or off the team, takes nothing in.
    for (const token of [natural.token, cadre.token, owner]) expect(codeOf(await server.gql(SUBMIT, { input: { itemId: ids.CONSTRUCTION_PERMIT, on: "2026-01-06" } }, token))).toBe("FORBIDDEN");
    expect(await ok(SUBMIT, { itemId: ids.CONSTRUCTION_PERMIT, on: "2026-01-06" }, housing.token)).toMatchObject({ status: "SUBMITTED", submittedOn: "2026-01-06" });
    expect(codeOf(await server.gql(SUBMIT, { input: { itemId: ids.FILING, on: "2026-01-07" } }, manager.token))).toBe("INVALID_TRANSITION");
    expect(codeOf(await server.gql(SUBMIT, { input: { itemId: ids.JOINT_ACCEPTANCE, on: "2026-03-03" } }, manager.token))).toBe("BAD_USER_INPUT");
  });

  test("a real dependency is data: the construction permit is approved only on or after the planning permit", async () => {
    const { ids } = await projectAt("submitted");
    const filing = await ok(DECIDE, { itemId: ids.FILING, decision: "APPROVED", on: "2026-01-08", attachmentIds: [await upload(server, devReform.token)] }, devReform.token);
    expect(filing).toMatchObject({ status: "APPROVED", approvedOn: "2026-01-08", workingDays: 2, handledBy: { id: devReform.user.id } });
    const early = await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-12", attachmentIds: [await upload(server, housing.token)] } }, housing.token);
    expect(codeOf(early)).toBe("DEPENDENCY_NOT_MET");
    expect(early.errors![0].extensions!.requires).toEqual(["PLANNING_PERMIT"]);
    await ok(DECIDE, { itemId: ids.PLANNING_PERMIT, decision: "APPROVED", on: "2026-01-14", attachmentIds: [await upload(server, natural.token)] }, natural.token);
    // Approved by then? Not on the 13th: the planning permit came on the 14th.
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-13", attachmentIds: [await upload(server, housing.token)] } }, housing.token))).toBe("DEPENDENCY_NOT_MET");
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-05", attachmentIds: [await upload(server, housing.token)] } }, housing.token))).toBe("BAD_USER_INPUT");
    const permit = await ok(DECIDE, { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-15", attachmentIds: [await upload(server, housing.token)] }, housing.token);
    expect(permit).toMatchObject({ status: "APPROVED", workingDays: 7, handledBy: { id: housing.user.id } });
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "REJECTED" } }, housing.token))).toBe("INVALID_TRANSITION");
    const audit = await audits().findBy({ entityId: ids.CONSTRUCTION_PERMIT });
    expect(audit.map((a) => a.action).sort()).toEqual(["approval.add", "approval.approve", "approval.submit"]);
  });

  test("only a cadre of the handling department, or ADMIN, decides an item: another department is FORBIDDEN, named, and writes nothing", async () => {
    const { projectId, ids, manager } = await projectAt("submitted");
    // The construction permit submitted, not yet decided; the planning permit it waits on approved.
    await ok(DECIDE, { itemId: ids.PLANNING_PERMIT, decision: "APPROVED", on: "2026-01-14", attachmentIds: [await upload(server, natural.token)] }, natural.token);
    const before = await repo().findOneByOrFail({ id: ids.CONSTRUCTION_PERMIT });
    const auditsBefore = await audits().countBy({ entityId: ids.CONSTRUCTION_PERMIT });
    for (const caller of [natural, devReform, manager, cadre]) {
      const refused = await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-16", attachmentIds: [await upload(server, caller.token)] } }, caller.token);
      expect(codeOf(refused)).toBe("FORBIDDEN");
      expect(refused.errors![0].message).toContain("区住房和城乡建设局");
      expect(refused.errors![0].message).toMatch(/may decide this item/);
    }
    // Whatever the state: a NOT_STARTED item is refused too, before its transition is looked at.
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.JOINT_ACCEPTANCE, decision: "APPROVED", attachmentIds: [await upload(server, natural.token)] } }, natural.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.JOINT_ACCEPTANCE, decision: "APPROVED", attachmentIds: [await upload(server, housing.token)] } }, housing.token))).toBe("INVALID_TRANSITION");
    expect(await repo().findOneByOrFail({ id: ids.CONSTRUCTION_PERMIT })).toEqual(before);
    expect(await audits().countBy({ entityId: ids.CONSTRUCTION_PERMIT })).toBe(auditsBefore);
    // No enterprise decides (refused by role before the item is looked up).
    for (const token of [owner, stranger]) expect(codeOf(await server.gql(DECIDE, { input: { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-16", attachmentIds: [await upload(server, token)] } }, token))).toBe("FORBIDDEN");
    expect(await ok(DECIDE, { itemId: ids.CONSTRUCTION_PERMIT, decision: "APPROVED", on: "2026-01-16", attachmentIds: [await upload(server, housing.token)] }, housing.token)).toMatchObject({ status: "APPROVED", handledBy: { id: housing.user.id } });

    // The item's own department decides, not the kind's usual one: an environmental review handed to 住建局.
    const housingDept = await server.department("HOUSING_CONSTRUCTION");
    const review = await ok(ADD, { projectId, kind: "ENVIRONMENTAL_IMPACT", departmentId: housingDept.id }, manager.token);
    await ok(SUBMIT, { itemId: review.id, on: "2026-01-06" }, manager.token);
    const environment = await cadreOf(server, "ECOLOGY_ENVIRONMENT");
    expect(codeOf(await server.gql(DECIDE, { input: { itemId: review.id, decision: "APPROVED", on: "2026-01-07", attachmentIds: [await upload(server, environment.token)] } }, environment.token))).toBe("FORBIDDEN");
    expect(await ok(DECIDE, { itemId: review.id, decision: "REJECTED", on: "2026-01-07", note: "补充材料" }, housing.token)).toMatchObject({ status: "REJECTED" });
    // ADMIN (the reform office) may decide any department's item.
    await ok(SUBMIT, { itemId: ids.JOINT_ACCEPTANCE, on: "2026-02-09" }, housing.token);
    expect(await ok(DECIDE, { itemId: ids.JOINT_ACCEPTANCE, decision: "REJECTED", on: "2026-02-10", note: "缺少测绘成果" }, admin)).toMatchObject({ status: "REJECTED" });
  });

  test("多测合一: one completion survey, its result cited by every completion item", async () => {
    const { projectId, ids, manager, member } = await projectAt("started");
    // The survey department or the project's manager commissions; a team member or another department does not.
    for (const token of [member.token, housing.token, owner]) {
      expect(codeOf(await server.gql(COMMISSION, { input: { projectId, stage: "COMPLETION", surveyor: "河源市测绘院", on: "2026-02-02" } }, token))).toBe("FORBIDDEN");
    }
    const commission = await ok(COMMISSION, { projectId, stage: "COMPLETION", surveyor: "河源市测绘院", on: "2026-02-02" }, manager.token);
    const second = await server.gql(COMMISSION, { input: { projectId, stage: "COMPLETION", surveyor: "另一家", on: "2026-02-03" } }, natural.token);
    expect(codeOf(second)).toBe("CONFLICT");
    // The result is recorded by 自然资源局 (duty SURVEY), not by another department nor the manager; a refusal writes nothing.
    for (const token of [housing.token, manager.token]) {
      const refused = await server.gql(RECORD_RESULT, { input: { commissionId: commission.id, reference: "X", summary: "x", on: "2026-02-06" } }, token);
      expect(codeOf(refused)).toBe("FORBIDDEN");
      expect(refused.errors![0].message).toContain("区自然资源局");
    }
    expect(await server.app.services.dataSource.getRepository(SurveyResult).countBy({ commissionId: commission.id })).toBe(0);
    const result = await ok(RECORD_RESULT, { commissionId: commission.id, reference: "HY-2026-018", summary: "竣工测量 + 房产测绘", on: "2026-02-06" }, natural.token);
    expect(result).toMatchObject({ stage: "COMPLETION", deliveredOn: "2026-02-06" });
    // An approved item cites nothing any more; a planning-stage item cannot cite the completion survey.
    expect(codeOf(await server.gql(CITE, { input: { itemId: ids.PLANNING_PERMIT, surveyResultId: result.id } }, manager.token))).toBe("INVALID_TRANSITION");
    const otherProject = await makeProject(server, (await makeEnterprise(server, "特区建工")).id);
    const landUse = await ok(ADD, { projectId: otherProject.id, kind: "LAND_USE_PLANNING_PERMIT" }, admin);
    const wrong = await server.gql(CITE, { input: { itemId: landUse.id, surveyResultId: result.id } }, natural.token);
    expect(codeOf(wrong)).toBe("BAD_USER_INPUT");
    expect(wrong.errors![0].extensions!.field).toBe("surveyResultId");
    const otherPlanning = await ok(COMMISSION, { projectId: otherProject.id, stage: "PLANNING", surveyor: "河源市测绘院", on: "2026-02-02" }, natural.token);
    expect(otherPlanning.id).toBeTruthy();

    expect((await ok(SUBMIT, { itemId: ids.JOINT_ACCEPTANCE, on: "2026-02-09", surveyResultId: result.id }, housing.token)).surveyResult.id).toBe(result.id);
    await ok(SUBMIT, { itemId: ids.COMPLETION_FILING, on: "2026-02-09" }, member.token);
    // Citing is the handling department's or the manager's: not a team member's, not another department's.
    for (const token of [member.token, realEstate.token]) expect(codeOf(await server.gql(CITE, { input: { itemId: ids.COMPLETION_FILING, surveyResultId: result.id } }, token))).toBe("FORBIDDEN");
    expect((await ok(CITE, { itemId: ids.COMPLETION_FILING, surveyResultId: result.id }, housing.token)).surveyResult).toEqual({ id: result.id, stage: "COMPLETION" });
    await ok(DECIDE, { itemId: ids.JOINT_ACCEPTANCE, decision: "APPROVED", on: "2026-02-13", attachmentIds: [await upload(server, housing.token)] }, housing.token);
    await ok(DECIDE, { itemId: ids.COMPLETION_FILING, decision: "APPROVED", on: "2026-02-24", attachmentIds: [await upload(server, admin)] }, admin);
    // Rejected once, submitted again citing the shared result, approved.
    await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-12" }, realEstate.token);
    expect(await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "REJECTED", on: "2026-02-13", note: "缺少测绘成果" }, realEstate.token)).toMatchObject({ status: "REJECTED", rejectedOn: "2026-02-13" });
    const early = await server.gql(SUBMIT, { input: { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-12" } }, realEstate.token);
    expect(codeOf(early)).toBe("BAD_USER_INPUT"); // a resubmission before the rejection it answers
    expect(early.errors![0].extensions!.field).toBe("on");
    await ok(SUBMIT, { itemId: ids.PROPERTY_REGISTRATION, on: "2026-02-24", surveyResultId: result.id }, manager.token);
    await ok(DECIDE, { itemId: ids.PROPERTY_REGISTRATION, decision: "APPROVED", on: "2026-02-27", attachmentIds: [await upload(server, realEstate.token)] }, realEstate.token);
    const rows = await repo().findBy({ projectId, surveyResultId: result.id });
    expect(rows.map((r) => r.kind).sort()).toEqual(["COMPLETION_FILING", "JOINT_ACCEPTANCE", "PROPERTY_REGISTRATION"]);
  });

  test("milestones: the team or ADMIN record them in order; the enterprise files its own construction start (开工报备), nothing else", async () => {
    const { projectId, manager, member } = await projectAt(null);
    const project = () => server.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: projectId });
    const milestoneAudits = () => audits().countBy({ entityId: projectId, action: "project.milestone" });
    // A cadre off the team, even of a department with remits elsewhere, records none: FORBIDDEN and nothing written.
    for (const caller of [cadre, housing]) {
      for (const milestone of ["LAND_CONTRACT", "CONSTRUCTION_START"]) {
        const refused = await server.gql(MILESTONE, { input: { projectId, milestone, on: "2026-01-05" } }, caller.token);
        expect(codeOf(refused)).toBe("FORBIDDEN");
      }
    }
    expect(codeOf(await server.gql(MILESTONE, { input: { projectId, milestone: "LAND_CONTRACT", on: "2026-01-05" } }, owner))).toBe("FORBIDDEN");
    expect((await project()).landContractOn).toBeNull();
    expect(await milestoneAudits()).toBe(0);

    await ok(MILESTONE, { projectId, milestone: "LAND_CONTRACT", on: "2026-01-05" }, manager.token);
    // 承诺即开工: this project starts on its signed commitment letter (no permit in this story)
    await signedLetter(server, projectId, new Date("2026-01-08T02:00:00.000Z"));
    const bad = await server.gql(MILESTONE, { input: { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-02" } }, owner);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(bad.errors![0].extensions!.field).toBe("on");
    // Another enterprise does not see the project at all.
    expect(codeOf(await server.gql(MILESTONE, { input: { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" } }, stranger))).toBe("NOT_FOUND");
    expect(await ok(MILESTONE, { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" }, owner)).toMatchObject({ landContractOn: "2026-01-05", constructionStartOn: "2026-01-16" });
    const completion = await server.gql(MILESTONE, { input: { projectId, milestone: "COMPLETION", on: "2026-02-06" } }, owner);
    expect(codeOf(completion)).toBe("FORBIDDEN");
    expect((await project()).completionOn).toBeNull();
    await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-02-06" }, admin);
    await ok(MILESTONE, { projectId, milestone: "CERTIFICATE", on: "2026-02-27" }, member.token);
    expect(await milestoneAudits()).toBe(4);
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
    const { projectId, manager } = await projectAt("milestones");
    const item = await ok(ADD, { projectId, kind: "TRIAL_PRODUCTION" }, manager.token);
    await ok(SUBMIT, { itemId: item.id, on: "2026-02-26" }, industry.token);
    const res = await server.gql(`query($id: ID!) { projectTimeline(projectId: $id) { items { kind status workingDays } criticalPath { items { kind } end workingDays } } }`, { id: projectId }, cadre.token);
    // Today is 2026-03-02 in China: Feb 27, Sat Feb 28 (make-up), Mon Mar 2.
    expect(res.data.projectTimeline.items.at(-1)).toEqual({ kind: "TRIAL_PRODUCTION", status: "SUBMITTED", workingDays: 3 });
    expect(res.data.projectTimeline.criticalPath).toEqual({ items: [{ kind: "TRIAL_PRODUCTION" }], end: "2026-03-02", workingDays: 3 });
  });
});
