import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { Building, BuildingAcceptance } from "../../src/modules/instep/building.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { cadreOf, teamOf, type Caller } from "../instep/callers";
import { deferredItem, makeEnterprise, makeProject, signedLetter } from "../support/fixtures";
import { codeOf, startTestServer, type GraphQLResponse, type TestServer } from "../support/server";
import { upload } from "../support/uploads";

/**
 * The gates of the path that guard a project's milestones and approvals, through GraphQL: 承诺即开工
 * (START_NOT_PERMITTED), 停工整改 (STOP_WORK_ORDER), 容而不缺 (DEFERRED_ITEMS_OUTSTANDING), and the
 * stage that follows the milestones. Each gate refuses before its condition, writing nothing, and
 * lets the same call through after it.
 */
let server: TestServer;
let admin: string;
let housing: Caller;
let ecology: Caller;
let enterpriseId: string;
let owner: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  housing = await cadreOf(server, "HOUSING_CONSTRUCTION");
  ecology = await cadreOf(server, "ECOLOGY_ENVIRONMENT");
  enterpriseId = (await makeEnterprise(server, "源城共享产业园")).id;
  owner = (await server.user("ENTERPRISE", { enterpriseId })).token;
});
afterAll(() => server?.stop());

const PROJECT_FIELDS = "id stage constructionStartOn completionOn startedOnCommitment fastTrackStatus";
const MILESTONE = `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { ${PROJECT_FIELDS} } }`;
const ADD_ITEM = `mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`;
const SUBMIT_ITEM = `mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status } }`;
const DECIDE_ITEM = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id kind status approvedOn } }`;
const SUPPLY = `mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id status } }`;

async function ok(query: string, input: Record<string, unknown>, token: string) {
  const res = await server.gql(query, { input }, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

const projects = () => server.app.services.dataSource.getRepository(Project);
const audits = () => server.app.services.dataSource.getRepository(AuditEntry);
const milestoneAudits = (projectId: string) => audits().countBy({ entityId: projectId, action: "project.milestone" });

/** A project with its land contract (2026-01-05) and its team; `fields` sets its fast-track status, start, … */
async function landedProject(fields: Partial<Project> = {}) {
  const project = await makeProject(server, enterpriseId, { signedOn: "2025-12-01", landContractOn: "2026-01-05", stage: "LAND_OBTAINED", ...fields });
  const team = await teamOf(server, admin, project.id);
  return { projectId: project.id, ...team };
}

/** An approval item of the project, added by ADMIN and submitted on `on`. */
async function submittedItem(projectId: string, kind: string, on = "2026-01-06"): Promise<string> {
  const id = (await ok(ADD_ITEM, { projectId, kind }, admin)).id;
  await ok(SUBMIT_ITEM, { itemId: id, on }, admin);
  return id;
}

function expectRefused(res: GraphQLResponse, code: string) {
  expect(codeOf(res), JSON.stringify(res.errors)).toBe(code);
  expect(res.data?.recordProjectMilestone ?? res.data?.decideApprovalItem ?? res.data?.recordBuildingAcceptance ?? null).toBeNull();
  return res.errors![0];
}

describe("承诺即开工: construction starts on an approved permit or on a signed commitment", () => {
  test("without a permit and without admission the start is refused, naming both grounds; with the permit approved by that day it is recorded, not on commitment", async () => {
    const { projectId } = await landedProject({ fastTrackStatus: "NOT_APPLIED" });
    const start = (on: string) => server.gql(MILESTONE, { input: { projectId, milestone: "CONSTRUCTION_START", on } }, owner);

    const refused = expectRefused(await start("2026-01-16"), "START_NOT_PERMITTED");
    expect(refused.extensions).toMatchObject({
      projectId,
      missing: ["CONSTRUCTION_PERMIT", "FAST_TRACK_ADMISSION", "SIGNED_COMMITMENT_LETTER"],
      permit: ["CONSTRUCTION_PERMIT"],
      commitment: ["FAST_TRACK_ADMISSION", "SIGNED_COMMITMENT_LETTER"],
      permitStatus: null,
      fastTrackStatus: "NOT_APPLIED",
    });
    expect(refused.message).toContain("construction permit");
    expect(await projects().findOneByOrFail({ id: projectId })).toMatchObject({ constructionStartOn: null, stage: "LAND_OBTAINED", startedOnCommitment: false });
    expect(await milestoneAudits(projectId)).toBe(0);

    // a permit under review is no ground; nor is one approved after the start day
    const permitId = await submittedItem(projectId, "CONSTRUCTION_PERMIT");
    expect(expectRefused(await start("2026-01-16"), "START_NOT_PERMITTED").extensions).toMatchObject({ permitStatus: "SUBMITTED" });
    await ok(DECIDE_ITEM, { itemId: permitId, decision: "APPROVED", on: "2026-01-15", attachmentIds: [await upload(server, housing.token)] }, housing.token);
    expect(expectRefused(await start("2026-01-14"), "START_NOT_PERMITTED").extensions).toMatchObject({ permitStatus: "APPROVED", missing: ["CONSTRUCTION_PERMIT", "FAST_TRACK_ADMISSION", "SIGNED_COMMITMENT_LETTER"] });
    expect(await milestoneAudits(projectId)).toBe(0);

    const started = (await start("2026-01-16")).data.recordProjectMilestone;
    expect(started).toMatchObject({ constructionStartOn: "2026-01-16", stage: "UNDER_CONSTRUCTION", startedOnCommitment: false });
    expect(await milestoneAudits(projectId)).toBe(1);
  });

  test("an admitted project starts on its commitment letter once both parties signed it (by the start day), and records that it started on commitment", async () => {
    const { projectId } = await landedProject({ fastTrackStatus: "ADMITTED" });
    const start = () => server.gql(MILESTONE, { input: { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" } }, owner);

    const refused = expectRefused(await start(), "START_NOT_PERMITTED");
    expect(refused.extensions).toMatchObject({ missing: ["CONSTRUCTION_PERMIT", "SIGNED_COMMITMENT_LETTER"], commitment: ["SIGNED_COMMITMENT_LETTER"], fastTrackStatus: "ADMITTED" });
    expect(refused.message).toContain("SIGNED_COMMITMENT_LETTER");
    // a letter signed after the start day does not cover it
    const late = await signedLetter(server, projectId, new Date("2026-01-20T02:00:00.000Z"));
    expect(expectRefused(await start(), "START_NOT_PERMITTED").extensions).toMatchObject({ commitment: ["SIGNED_COMMITMENT_LETTER"] });
    expect(await projects().findOneByOrFail({ id: projectId })).toMatchObject({ constructionStartOn: null, startedOnCommitment: false });
    expect(await milestoneAudits(projectId)).toBe(0);

    await server.app.services.dataSource.getRepository(CommitmentLetter).update({ id: late.id }, { signedAt: new Date("2026-01-10T02:00:00.000Z") });
    const started = (await start()).data.recordProjectMilestone;
    expect(started).toMatchObject({ constructionStartOn: "2026-01-16", stage: "UNDER_CONSTRUCTION", startedOnCommitment: true, fastTrackStatus: "ADMITTED" });
    const audit = await audits().findOneByOrFail({ entityId: projectId, action: "project.milestone" });
    expect(JSON.parse(audit.after!)).toMatchObject({ milestone: "CONSTRUCTION_START", on: "2026-01-16", startedOnCommitment: true, stage: "UNDER_CONSTRUCTION" });
  });

  test("a signed letter without admission (APPLIED) is no ground: the start names the admission", async () => {
    const { projectId } = await landedProject({ fastTrackStatus: "APPLIED" });
    await signedLetter(server, projectId, new Date("2026-01-10T02:00:00.000Z"));
    const refused = expectRefused(await server.gql(MILESTONE, { input: { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" } }, owner), "START_NOT_PERMITTED");
    expect(refused.extensions).toMatchObject({ missing: ["CONSTRUCTION_PERMIT", "FAST_TRACK_ADMISSION"], commitment: ["FAST_TRACK_ADMISSION"] });
  });
});

describe("停工整改: nothing is recorded on a project under a stop-work order", () => {
  test("while SUSPENDED, milestones and building acceptances answer STOP_WORK_ORDER and write nothing; once lifted they are recorded", async () => {
    const { projectId, manager } = await landedProject({ fastTrackStatus: "ADMITTED", constructionStartOn: "2026-01-16", stage: "UNDER_CONSTRUCTION", startedOnCommitment: true });
    await signedLetter(server, projectId, new Date("2026-01-10T02:00:00.000Z"));
    const building = (await ok(`mutation($input: AddBuildingInput!) { addBuilding(input: $input) { id } }`, { projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true }, housing.token)).id;
    await projects().update({ id: projectId }, { fastTrackStatus: "SUSPENDED" });

    for (const [milestone, token] of [["PRE_ACCEPTANCE", manager.token], ["CONSTRUCTION_START", owner]] as const) {
      const refused = expectRefused(await server.gql(MILESTONE, { input: { projectId, milestone, on: "2026-02-02" } }, token), "STOP_WORK_ORDER");
      expect(refused.extensions).toMatchObject({ projectId });
    }
    const ACCEPT = `mutation($input: RecordBuildingAcceptanceInput!) { recordBuildingAcceptance(input: $input) { id acceptedOn } }`;
    expectRefused(await server.gql(ACCEPT, { input: { buildingId: building, passed: true, on: "2026-02-02" } }, housing.token), "STOP_WORK_ORDER");
    expectRefused(await server.gql(ACCEPT, { input: { buildingId: building, passed: false, on: "2026-02-02", note: "未整改" } }, housing.token), "STOP_WORK_ORDER");
    expect(await projects().findOneByOrFail({ id: projectId })).toMatchObject({ preAcceptanceOn: null, constructionStartOn: "2026-01-16" });
    expect((await server.app.services.dataSource.getRepository(Building).findOneByOrFail({ id: building })).acceptedOn).toBeNull();
    expect(await server.app.services.dataSource.getRepository(BuildingAcceptance).countBy({ buildingId: building })).toBe(0);
    expect(await milestoneAudits(projectId)).toBe(0);

    await projects().update({ id: projectId }, { fastTrackStatus: "ADMITTED" });
    expect((await ok(ACCEPT, { buildingId: building, passed: true, on: "2026-02-02" }, housing.token)).acceptedOn).toBe("2026-02-02");
    await ok(MILESTONE, { projectId, milestone: "PRE_ACCEPTANCE", on: "2026-02-03" }, manager.token);
  });
});

describe("容而不缺: an approval waits for the material deferred for it; completion for every deferred material", () => {
  test("an item bound to a deferred material is decided only once it is supplied; an item of another kind is not held", async () => {
    const { projectId } = await landedProject();
    const eia = await deferredItem(server, projectId, "ENVIRONMENTAL_IMPACT", "2026-03-31");
    await deferredItem(server, projectId, "FIRE_DESIGN_REVIEW", "2026-02-28", "OVERDUE");
    const eiaItem = await submittedItem(projectId, "ENVIRONMENTAL_IMPACT");
    const filing = await submittedItem(projectId, "FILING");

    for (const decision of ["APPROVED", "REJECTED"]) {
      const refused = expectRefused(await server.gql(DECIDE_ITEM, { input: { itemId: eiaItem, decision, on: "2026-02-02", note: "补正前" } }, ecology.token), "DEFERRED_ITEMS_OUTSTANDING");
      expect(refused.extensions!.items).toEqual([
        { itemCode: "ENVIRONMENTAL_IMPACT", name: "环境影响评价", status: "PENDING", promisedBy: "2026-03-31", approvalKind: "ENVIRONMENTAL_IMPACT", deferredItemId: eia.id },
      ]);
      expect(refused.message).toContain("环境影响评价");
    }
    expect(await server.app.services.dataSource.getRepository(ApprovalItem).findOneByOrFail({ id: eiaItem })).toMatchObject({ status: "SUBMITTED", approvedOn: null, rejectedOn: null });
    expect(await audits().countBy({ entityId: eiaItem, action: "approval.approve" })).toBe(0);
    expect(await audits().countBy({ entityId: eiaItem, action: "approval.reject" })).toBe(0);
    // FILING stands for no material owed (the overdue fire review gates only its own kind)
    expect((await ok(DECIDE_ITEM, { itemId: filing, decision: "APPROVED", on: "2026-02-02", attachmentIds: [await upload(server, admin)] }, admin)).status).toBe("APPROVED");

    await ok(SUPPLY, { deferredItemId: eia.id, suppliedOn: "2026-02-03", attachmentIds: [await upload(server, admin)] }, admin);
    expect(await ok(DECIDE_ITEM, { itemId: eiaItem, decision: "APPROVED", on: "2026-02-04", attachmentIds: [await upload(server, ecology.token)] }, ecology.token)).toMatchObject({ status: "APPROVED", approvedOn: "2026-02-04" });
  });

  test("COMPLETION and every completion-phase approval wait while any deferred material of the project is owed, and are recorded once all are supplied", async () => {
    const { projectId, manager } = await landedProject({ constructionStartOn: "2026-01-16", stage: "UNDER_CONSTRUCTION" });
    const fire = await deferredItem(server, projectId, "FIRE_DESIGN_REVIEW", "2026-02-28");
    const energy = await deferredItem(server, projectId, "ENERGY_REVIEW", "2026-02-20", "OVERDUE");
    const joint = await submittedItem(projectId, "JOINT_ACCEPTANCE", "2026-02-09");
    const filing = await submittedItem(projectId, "COMPLETION_FILING", "2026-02-09");
    const owed = [
      { itemCode: "ENERGY_REVIEW", name: "节能审查", status: "OVERDUE", promisedBy: "2026-02-20", approvalKind: "FILING", deferredItemId: energy.id },
      { itemCode: "FIRE_DESIGN_REVIEW", name: "消防设计审查", status: "PENDING", promisedBy: "2026-02-28", approvalKind: "FIRE_DESIGN_REVIEW", deferredItemId: fire.id },
    ];

    const completion = expectRefused(await server.gql(MILESTONE, { input: { projectId, milestone: "COMPLETION", on: "2026-02-10" } }, manager.token), "DEFERRED_ITEMS_OUTSTANDING");
    expect(completion.extensions).toMatchObject({ projectId, items: owed });
    for (const itemId of [joint, filing]) {
      const refused = expectRefused(await server.gql(DECIDE_ITEM, { input: { itemId, decision: "APPROVED", on: "2026-02-13", attachmentIds: [await upload(server, housing.token)] } }, housing.token), "DEFERRED_ITEMS_OUTSTANDING");
      expect(refused.extensions!.items).toEqual(owed);
    }
    expect(await projects().findOneByOrFail({ id: projectId })).toMatchObject({ completionOn: null, stage: "UNDER_CONSTRUCTION" });
    expect(await milestoneAudits(projectId)).toBe(0);
    expect((await server.app.services.dataSource.getRepository(ApprovalItem).findOneByOrFail({ id: joint })).status).toBe("SUBMITTED");

    // one supplied, one still owed: still refused, listing only what is owed
    await ok(SUPPLY, { deferredItemId: fire.id, suppliedOn: "2026-02-11", attachmentIds: [await upload(server, admin)] }, admin);
    const still = expectRefused(await server.gql(DECIDE_ITEM, { input: { itemId: joint, decision: "APPROVED", on: "2026-02-13", attachmentIds: [await upload(server, housing.token)] } }, housing.token), "DEFERRED_ITEMS_OUTSTANDING");
    expect(still.extensions!.items).toEqual([owed[0]]);

    await ok(SUPPLY, { deferredItemId: energy.id, suppliedOn: "2026-02-12", attachmentIds: [await upload(server, admin)] }, admin);
    expect(await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-02-12" }, manager.token)).toMatchObject({ completionOn: "2026-02-12", stage: "COMPLETED" });
    expect((await ok(DECIDE_ITEM, { itemId: joint, decision: "APPROVED", on: "2026-02-13", attachmentIds: [await upload(server, housing.token)] }, housing.token)).status).toBe("APPROVED");
    expect((await ok(DECIDE_ITEM, { itemId: filing, decision: "APPROVED", on: "2026-02-16", attachmentIds: [await upload(server, housing.token)] }, housing.token)).status).toBe("APPROVED");
  });
});

describe("the stage follows the milestones", () => {
  test("created, recorded and edited, the stage is the milestones' (projectStage); a typed stage is ignored", async () => {
    const CREATE = `mutation($input: CreateProjectInput!) { createProject(input: $input) { id stage } }`;
    const UPDATE = `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { stage completionOn } }`;
    const input = { name: "阶段项目", enterpriseId, industry: "C3971", totalInvestment: "1.00" };
    expect((await ok(CREATE, { ...input, code: "2026-441602-39-01-970001", stage: "IN_PRODUCTION" }, admin)).stage).toBe("PRE_LANDING");
    const created = await ok(CREATE, { ...input, code: "2026-441602-39-01-970002", stage: "PRE_LANDING", signedOn: "2025-12-01", landContractOn: "2026-01-05" }, admin);
    expect(created.stage).toBe("LAND_OBTAINED");
    const projectId = created.id;
    await projects().update({ id: projectId }, { fastTrackStatus: "ADMITTED" });
    await signedLetter(server, projectId, new Date("2026-01-10T02:00:00.000Z"));
    const { manager } = await teamOf(server, admin, projectId);

    expect((await ok(MILESTONE, { projectId, milestone: "CONSTRUCTION_START", on: "2026-01-16" }, owner)).stage).toBe("UNDER_CONSTRUCTION");
    expect((await ok(MILESTONE, { projectId, milestone: "PRE_ACCEPTANCE", on: "2026-02-02" }, manager.token)).stage).toBe("UNDER_CONSTRUCTION");
    expect((await ok(MILESTONE, { projectId, milestone: "COMPLETION", on: "2026-02-10" }, manager.token)).stage).toBe("COMPLETED");
    expect(await ok(UPDATE, { id: projectId, stage: "PRE_LANDING", name: "阶段项目(改)" }, admin)).toEqual({ stage: "COMPLETED", completionOn: "2026-02-10" });
    // clearing a wrongly recorded completion takes the stage back with it
    expect(await ok(UPDATE, { id: projectId, completionOn: null }, admin)).toEqual({ stage: "UNDER_CONSTRUCTION", completionOn: null });
    expect((await projects().findOneByOrFail({ id: projectId })).stage).toBe("UNDER_CONSTRUCTION");
  });
});
