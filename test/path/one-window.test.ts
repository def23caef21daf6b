import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { Application } from "../../src/modules/intake/application.entity";
import { cadreOf, type Caller } from "../instep/callers";
import { deferredItem, makeEnterprise, makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { upload } from "../support/uploads";

/**
 * One fact, recorded once: a one-window application is about the project's approval item of its
 * class; taking it in submits the item, and its decision decides the item, by the rules of
 * decideApprovalItem, in the same transaction. An item applied for through the window moves only
 * through its application (DECIDED_BY_APPLICATION); one without an application is decided directly.
 */
let server: TestServer;
let admin: string;
let desk: Caller;
let housing: Caller;
let planning: Caller;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  desk = await cadreOf(server, "GOV_SERVICES_DATA");
  housing = await cadreOf(server, "HOUSING_CONSTRUCTION");
  planning = await cadreOf(server, "NATURAL_RESOURCES");
});
afterAll(() => server?.stop());

const ITEM = "id kind status promisedWorkingDays submittedOn approvedOn rejectedOn note department { code } application { id status }";
const APPLICATION = `id status decidedAt approvalItem { ${ITEM} }`;
const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { ${APPLICATION} } }`;
const ROUTE = `mutation($input: ApplicationStepInput!) { routeApplication(input: $input) { ${APPLICATION} } }`;
const DECIDE = `mutation($input: DecideApplicationInput!) { decideApplication(input: $input) { ${APPLICATION} } }`;
const SUBMIT_ITEM = `mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status } }`;
const DECIDE_ITEM = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status } }`;
const ITEMS = `query($id: ID!) { approvalItems(projectId: $id) { edges { node { ${ITEM} } } } }`;

async function ok(query: string, input: Record<string, unknown>, token: string) {
  const res = await server.gql(query, { input }, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

const items = () => server.app.services.dataSource.getRepository(ApprovalItem);
const applications = () => server.app.services.dataSource.getRepository(Application);
const audits = () => server.app.services.dataSource.getRepository(AuditEntry);

async function newProject() {
  return (await makeProject(server, (await makeEnterprise(server, "华润怡宝")).id, { landContractOn: "2026-01-05" })).id;
}

test("the application submits the item it is about and its decision approves it; the item itself answers DECIDED_BY_APPLICATION", async () => {
  server.clock.set("2026-03-02T01:00:00.000Z");
  const projectId = await newProject();
  const submitted = await ok(SUBMIT, { projectId, applicationClass: "CONSTRUCTION_PERMIT", title: "施工许可申请" }, desk.token);
  // the project had no such item: it is added, handled by the kind's usual department, and taken in (受理) today
  // with the promised working days of its kind (施工许可: 3)
  expect(submitted.approvalItem).toMatchObject({ kind: "CONSTRUCTION_PERMIT", status: "SUBMITTED", promisedWorkingDays: 3, submittedOn: "2026-03-02", department: { code: "HOUSING_CONSTRUCTION" }, application: { id: submitted.id, status: "RECEIVED" } });
  const itemId = submitted.approvalItem.id;
  expect((await applications().findOneByOrFail({ id: submitted.id })).approvalItemId).toBe(itemId);

  // the item moves only through its application, even for its own department and ADMIN; nothing is written
  for (const token of [housing.token, admin]) {
    const decided = await server.gql(DECIDE_ITEM, { input: { itemId, decision: "APPROVED", attachmentIds: [await upload(server, token)] } }, token);
    expect(codeOf(decided)).toBe("DECIDED_BY_APPLICATION");
    expect(decided.errors![0].extensions).toMatchObject({ approvalItemId: itemId, applicationId: submitted.id, applicationStatus: "RECEIVED" });
  }
  expect(codeOf(await server.gql(SUBMIT_ITEM, { input: { itemId } }, housing.token))).toBe("DECIDED_BY_APPLICATION");
  expect(await items().findOneByOrFail({ id: itemId })).toMatchObject({ status: "SUBMITTED", approvedOn: null });
  expect(await audits().countBy({ entityId: itemId, action: "approval.approve" })).toBe(0);

  // one application at a time for one item
  const second = await server.gql(SUBMIT, { input: { projectId, applicationClass: "CONSTRUCTION_PERMIT", title: "重复申请" } }, desk.token);
  expect(codeOf(second)).toBe("CONFLICT");
  expect(second.errors![0].extensions).toMatchObject({ applicationId: submitted.id });
  expect(await applications().countBy({ projectId })).toBe(1);

  await ok(ROUTE, { applicationId: submitted.id }, desk.token);
  server.clock.set("2026-03-03T02:00:00.000Z");
  const decided = await ok(DECIDE, { applicationId: submitted.id, approved: true, note: "准予许可", attachmentIds: [await upload(server, housing.token)] }, housing.token);
  expect(decided).toMatchObject({ status: "APPROVED", approvalItem: { id: itemId, status: "APPROVED", approvedOn: "2026-03-03", note: "准予许可", application: { id: submitted.id, status: "APPROVED" } } });
  const listed = (await server.gql(ITEMS, { id: projectId }, admin)).data.approvalItems.edges.map((e: any) => e.node);
  expect(listed).toEqual([expect.objectContaining({ id: itemId, status: "APPROVED", application: { id: submitted.id, status: "APPROVED" } })]);
  const approve = await audits().findOneByOrFail({ entityId: itemId, action: "approval.approve" });
  expect(JSON.parse(approve.after!)).toMatchObject({ status: "APPROVED", applicationId: submitted.id });

  // nothing is left to apply for
  expect(codeOf(await server.gql(SUBMIT, { input: { projectId, applicationClass: "CONSTRUCTION_PERMIT", title: "再次申请" } }, desk.token))).toBe("CONFLICT");
  expect(await applications().countBy({ projectId })).toBe(1);
});

test("an item the project already has is the one applied for; the decision passes the item's rules (deferred material, dependency) or neither moves", async () => {
  server.clock.set("2026-03-02T01:00:00.000Z");
  const projectId = await newProject();
  const permit = await deferredItem(server, projectId, "CONSTRUCTION_PERMIT", "2026-03-31");
  const added = (await ok(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id status } }`, { projectId, kind: "CONSTRUCTION_PERMIT" }, admin));
  expect(added.status).toBe("NOT_STARTED");
  // the planning permit it really depends on is applied for directly: decided directly, as ever
  const planningId = (await ok(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { projectId, kind: "PLANNING_PERMIT" }, admin)).id;
  await ok(SUBMIT_ITEM, { itemId: planningId, on: "2026-03-02" }, planning.token);

  const application = await ok(SUBMIT, { projectId, applicationClass: "CONSTRUCTION_PERMIT", title: "施工许可申请" }, desk.token);
  expect(application.approvalItem).toMatchObject({ id: added.id, status: "SUBMITTED", submittedOn: "2026-03-02" });
  await ok(ROUTE, { applicationId: application.id }, desk.token);
  const decide = async () => server.gql(DECIDE, { input: { applicationId: application.id, approved: true, attachmentIds: [await upload(server, housing.token)] } }, housing.token);
  const unchanged = async () => {
    expect(await applications().findOneByOrFail({ id: application.id })).toMatchObject({ status: "ROUTED", decidedAt: null, decidedById: null });
    expect(await items().findOneByOrFail({ id: added.id })).toMatchObject({ status: "SUBMITTED", approvedOn: null });
    expect(await audits().countBy({ entityId: application.id, action: "application.decide" })).toBe(0);
  };

  const owed = await decide();
  expect(codeOf(owed)).toBe("DEFERRED_ITEMS_OUTSTANDING");
  expect(owed.errors![0].extensions!.items).toEqual([expect.objectContaining({ itemCode: "CONSTRUCTION_PERMIT", status: "PENDING", promisedBy: "2026-03-31" })]);
  await unchanged();
  await ok(`mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id } }`, { deferredItemId: permit.id, attachmentIds: [await upload(server, admin)] }, admin);

  const early = await decide();
  expect(codeOf(early)).toBe("DEPENDENCY_NOT_MET");
  expect(early.errors![0].extensions).toMatchObject({ requires: ["PLANNING_PERMIT"] });
  await unchanged();

  expect((await ok(DECIDE_ITEM, { itemId: planningId, decision: "APPROVED", attachmentIds: [await upload(server, planning.token)] }, planning.token)).status).toBe("APPROVED");
  expect(await ok(DECIDE, { applicationId: application.id, approved: true, attachmentIds: [await upload(server, housing.token)] }, housing.token)).toMatchObject({ status: "APPROVED", approvalItem: { id: added.id, status: "APPROVED", approvedOn: "2026-03-02" } });
});

test("a rejected application rejects its item; a new application submits it again and is the item's application from then on", async () => {
  server.clock.set("2026-03-02T01:00:00.000Z");
  const projectId = await newProject();
  const first = await ok(SUBMIT, { projectId, applicationClass: "FIRE_DESIGN_REVIEW", title: "消防设计审查" }, desk.token);
  await ok(ROUTE, { applicationId: first.id }, desk.token);
  const rejected = await ok(DECIDE, { applicationId: first.id, approved: false, note: "消防分区不满足规范" }, housing.token);
  expect(rejected).toMatchObject({ status: "REJECTED", approvalItem: { status: "REJECTED", rejectedOn: "2026-03-02", note: "消防分区不满足规范" } });
  const itemId = rejected.approvalItem.id;
  // resubmitting is the window's too
  expect(codeOf(await server.gql(SUBMIT_ITEM, { input: { itemId } }, housing.token))).toBe("DECIDED_BY_APPLICATION");

  server.clock.set("2026-03-04T01:00:00.000Z");
  const second = await ok(SUBMIT, { projectId, applicationClass: "FIRE_DESIGN_REVIEW", title: "消防设计审查(修改后)" }, desk.token);
  expect(second.approvalItem).toMatchObject({ id: itemId, status: "SUBMITTED", submittedOn: "2026-03-04", application: { id: second.id, status: "RECEIVED" } });
  await ok(ROUTE, { applicationId: second.id }, desk.token);
  expect((await ok(DECIDE, { applicationId: second.id, approved: true, attachmentIds: [await upload(server, housing.token)] }, housing.token)).approvalItem).toMatchObject({ id: itemId, status: "APPROVED", approvedOn: "2026-03-04" });
  expect(await items().countBy({ projectId, kind: "FIRE_DESIGN_REVIEW" })).toBe(1);
});

test("applications for one item are taken in one at a time: of five at once for an item already under review, one is RECEIVED and four answer CONFLICT", async () => {
  server.clock.set("2026-03-10T01:00:00.000Z");
  const projectId = await newProject();
  // submitted directly first, so taking an application in writes nothing to the item itself
  const item = await ok(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { projectId, kind: "PLANNING_PERMIT" }, admin);
  await ok(SUBMIT_ITEM, { itemId: item.id }, admin);
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) => server.gql(SUBMIT, { input: { projectId, applicationClass: "PLANNING_PERMIT", title: `规划许可申请 ${i}` } }, desk.token)),
  );
  expect(results.filter((r) => !r.errors)).toHaveLength(1);
  expect(results.filter((r) => r.errors).map(codeOf)).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "CONFLICT"]);
  expect(await applications().countBy({ approvalItemId: item.id })).toBe(1);
});
