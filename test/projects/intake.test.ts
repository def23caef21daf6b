import { afterAll, beforeAll, expect, test } from "vitest";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { auditOf, createEnterprise, createProject } from "./fixtures";
import { Application } from "../../src/modules/intake/application.entity";
import type { DepartmentCode } from "../../src/modules/departments/department.entity";
import { upload } from "../support/uploads";

/** A CADRE of the department with this code. */
const cadreOf = async (code: DepartmentCode) => server.user("CADRE", { departmentId: (await server.department(code)).id });

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

const FIELDS = `id applicationClass title status department { id code name } decisionNote receivedAt routedAt decidedAt issuedAt
  receivedBy { id } routedBy { id } decidedBy { id } issuedBy { id } project { id }`;
const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { ${FIELDS} } }`;
const ROUTE = `mutation($input: ApplicationStepInput!) { routeApplication(input: $input) { ${FIELDS} } }`;
const DECIDE = `mutation($input: DecideApplicationInput!) { decideApplication(input: $input) { ${FIELDS} } }`;
const ISSUE = `mutation($input: ApplicationStepInput!) { issueApplicationResult(input: $input) { ${FIELDS} } }`;

test("one window: front desk intake -> routed by class -> back-office decision -> issued, with who handled each step", async () => {
  const enterprise = await createEnterprise(server, admin);
  const project = await createProject(server, admin, enterprise.id);
  // the front desk (FRONT_DESK_DEPARTMENT, 政务服务数据管理局 by default) and the back office for construction permits
  const desk = await server.user("CADRE", { name: "前台 窗口", departmentId: (await server.department("GOV_SERVICES_DATA")).id });
  const back = await server.user("CADRE", { name: "住建局 审批", departmentId: (await server.department("HOUSING_CONSTRUCTION")).id });

  server.clock.set("2026-03-02T01:00:00.000Z");
  const submitted = (await server.gql(SUBMIT, { input: { projectId: project.id, applicationClass: "CONSTRUCTION_PERMIT", title: "施工许可申请" } }, desk.token)).data.submitApplication;
  expect(submitted).toMatchObject({ status: "RECEIVED", department: null, receivedBy: { id: desk.user.id }, receivedAt: "2026-03-02T01:00:00.000Z", routedBy: null });
  // Not yet routed: no department handles it, so its back office has no say yet; ADMIN learns it is not its step.
  expect(codeOf(await server.gql(DECIDE, { input: { applicationId: submitted.id, approved: true, attachmentIds: [await upload(server, back.token)] } }, back.token))).toBe("FORBIDDEN");
  expect(codeOf(await server.gql(DECIDE, { input: { applicationId: submitted.id, approved: true, attachmentIds: [await upload(server, admin)] } }, admin))).toBe("INVALID_TRANSITION");
  expect(codeOf(await server.gql(ISSUE, { input: { applicationId: submitted.id } }, desk.token))).toBe("INVALID_TRANSITION");

  server.clock.set("2026-03-02T02:00:00.000Z");
  const routed = (await server.gql(ROUTE, { input: { applicationId: submitted.id } }, desk.token)).data.routeApplication;
  const housing = await server.department("HOUSING_CONSTRUCTION");
  expect(routed).toMatchObject({ status: "ROUTED", department: { id: housing.id, code: "HOUSING_CONSTRUCTION", name: "区住房和城乡建设局" }, routedBy: { id: desk.user.id }, routedAt: "2026-03-02T02:00:00.000Z" });
  expect(codeOf(await server.gql(ROUTE, { input: { applicationId: submitted.id } }, desk.token))).toBe("INVALID_TRANSITION");

  server.clock.set("2026-03-03T02:00:00.000Z");
  const decided = (await server.gql(DECIDE, { input: { applicationId: submitted.id, approved: true, note: "材料齐全，准予许可", attachmentIds: [await upload(server, back.token)] } }, back.token)).data.decideApplication;
  expect(decided).toMatchObject({ status: "APPROVED", decidedBy: { id: back.user.id }, decisionNote: "材料齐全，准予许可" });

  server.clock.set("2026-03-03T06:00:00.000Z");
  const issued = (await server.gql(ISSUE, { input: { applicationId: submitted.id } }, desk.token)).data.issueApplicationResult;
  expect(issued).toMatchObject({ status: "ISSUED", issuedBy: { id: desk.user.id }, issuedAt: "2026-03-03T06:00:00.000Z", receivedBy: { id: desk.user.id }, routedBy: { id: desk.user.id }, decidedBy: { id: back.user.id } });
  expect(codeOf(await server.gql(ISSUE, { input: { applicationId: submitted.id } }, desk.token))).toBe("INVALID_TRANSITION");

  const audit = await auditOf(server, admin, "Application", submitted.id);
  expect(audit.map((a) => [a.action, a.actor!.id])).toEqual([
    ["application.submit", desk.user.id],
    ["application.route", desk.user.id],
    ["application.decide", back.user.id],
    ["application.issue", desk.user.id],
  ]);
});

test("each class goes to its own back office; a rejection needs a reason and is issued too", async () => {
  const enterprise = await createEnterprise(server, admin);
  const project = await createProject(server, admin, enterprise.id);
  const expected: Record<string, string> = { FILING: "区发展和改革局", PLANNING_PERMIT: "区自然资源局", ENVIRONMENTAL_IMPACT: "市生态环境局源城分局", PROPERTY_REGISTRATION: "区不动产登记中心" };
  for (const [applicationClass, department] of Object.entries(expected)) {
    const a = (await server.gql(SUBMIT, { input: { projectId: project.id, applicationClass, title: applicationClass } }, admin)).data.submitApplication;
    const routed = (await server.gql(ROUTE, { input: { applicationId: a.id } }, admin)).data.routeApplication;
    expect(routed.department.name).toBe(department);
    expect((await server.app.services.dataSource.getRepository(Application).findOneByOrFail({ id: a.id })).departmentId).toBe(routed.department.id);
  }
  const a = (await server.gql(SUBMIT, { input: { projectId: project.id, applicationClass: "FIRE_DESIGN_REVIEW", title: "消防设计审查" } }, admin)).data.submitApplication;
  await server.gql(ROUTE, { input: { applicationId: a.id } }, admin);
  const noReason = await server.gql(DECIDE, { input: { applicationId: a.id, approved: false } }, admin);
  expect(codeOf(noReason)).toBe("BAD_USER_INPUT");
  expect(noReason.errors![0].extensions!.field).toBe("note");
  const blankReason = await server.gql(DECIDE, { input: { applicationId: a.id, approved: false, note: "   " } }, admin);
  expect(codeOf(blankReason)).toBe("BAD_USER_INPUT");
  expect(blankReason.errors![0].message).toBe("Invalid note: note must not be blank");
  expect((await auditOf(server, admin, "Application", a.id)).map((e) => e.action).sort()).toEqual(["application.route", "application.submit"]);
  const rejected = (await server.gql(DECIDE, { input: { applicationId: a.id, approved: false, note: "图纸缺消防分区" } }, admin)).data.decideApplication;
  expect(rejected.status).toBe("REJECTED");
  expect((await server.gql(ISSUE, { input: { applicationId: a.id } }, admin)).data.issueApplicationResult.status).toBe("ISSUED");
  const bad = await server.gql(SUBMIT, { input: { projectId: project.id, applicationClass: "NOT_A_CLASS", title: "x" } }, admin);
  expect(codeOf(bad)).toBe("BAD_USER_INPUT");
});

test("an enterprise submits online for its own project only, sees its own applications only, and cannot route", async () => {
  const mine = await createEnterprise(server, admin);
  const other = await createEnterprise(server, admin);
  const myProject = await createProject(server, admin, mine.id);
  const otherProject = await createProject(server, admin, other.id);
  const { user, token } = await server.user("ENTERPRISE", { enterpriseId: mine.id });
  const own = await server.gql(SUBMIT, { input: { projectId: myProject.id, applicationClass: "FILING", title: "项目备案" } }, token);
  expect(own.data.submitApplication.receivedBy.id).toBe(user.id);
  expect(codeOf(await server.gql(SUBMIT, { input: { projectId: otherProject.id, applicationClass: "FILING", title: "x" } }, token))).toBe("NOT_FOUND");
  const theirs = (await server.gql(SUBMIT, { input: { projectId: otherProject.id, applicationClass: "FILING", title: "他企业备案" } }, admin)).data.submitApplication;
  expect(codeOf(await server.gql(ROUTE, { input: { applicationId: own.data.submitApplication.id } }, token))).toBe("FORBIDDEN");
  expect(codeOf(await server.gql(`query($id: ID!) { application(id: $id) { id } }`, { id: theirs.id }, token))).toBe("NOT_FOUND");
  const list = await server.gql(`{ applications(first: 100) { totalCount edges { node { id project { id } } } } }`, {}, token);
  expect(list.data.applications.totalCount).toBe(1);
  expect(list.data.applications.edges[0].node.id).toBe(own.data.submitApplication.id);
  const nested = await server.gql(`query($id: ID!) { project(id: $id) { applications { id status } } }`, { id: myProject.id }, token);
  expect(nested.data.project.applications).toEqual([{ id: own.data.submitApplication.id, status: "RECEIVED" }]);
  const all = await server.gql(`query($f: ApplicationFilter) { applications(filter: $f) { totalCount } }`, { f: { projectId: otherProject.id, status: "RECEIVED" } }, admin);
  expect(all.data.applications.totalCount).toBe(1);
});

test("who may act at each step: the front desk routes, the routed department decides, either issues; others are FORBIDDEN and write nothing", async () => {
  const enterprise = await createEnterprise(server, admin);
  const project = await createProject(server, admin, enterprise.id);
  const desk = await cadreOf("GOV_SERVICES_DATA");
  const housing = await cadreOf("HOUSING_CONSTRUCTION");
  const planning = await cadreOf("NATURAL_RESOURCES");
  const elsewhere = await server.user("CADRE"); // 市场监管局: no part in one-window work
  const repo = server.app.services.dataSource.getRepository(Application);

  // Taking in: the front desk (or the enterprise, or ADMIN), not any cadre.
  expect(codeOf(await server.gql(SUBMIT, { input: { projectId: project.id, applicationClass: "CONSTRUCTION_PERMIT", title: "x" } }, housing.token))).toBe("FORBIDDEN");
  expect(await repo.countBy({ projectId: project.id })).toBe(0);
  const a = (await server.gql(SUBMIT, { input: { projectId: project.id, applicationClass: "CONSTRUCTION_PERMIT", title: "施工许可申请" } }, desk.token)).data.submitApplication;

  // Routing (前台综合受理): a cadre outside the front desk is refused, naming it; nothing changes.
  for (const caller of [housing, elsewhere]) {
    const refused = await server.gql(ROUTE, { input: { applicationId: a.id } }, caller.token);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0].message).toContain("区政务服务数据管理局");
  }
  expect(await repo.findOneByOrFail({ id: a.id })).toMatchObject({ status: "RECEIVED", departmentId: null, routedById: null });
  expect((await auditOf(server, admin, "Application", a.id)).map((e) => e.action)).toEqual(["application.submit"]);
  expect((await server.gql(ROUTE, { input: { applicationId: a.id } }, desk.token)).data.routeApplication).toMatchObject({ status: "ROUTED", department: { code: "HOUSING_CONSTRUCTION" } });

  // Deciding: a cadre of the routed department; another department, even the front desk, is refused by name.
  for (const caller of [planning, desk, elsewhere]) {
    const refused = await server.gql(DECIDE, { input: { applicationId: a.id, approved: true, attachmentIds: [await upload(server, caller.token)] } }, caller.token);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0].message).toContain("区住房和城乡建设局");
  }
  expect(await repo.findOneByOrFail({ id: a.id })).toMatchObject({ status: "ROUTED", decidedById: null });
  expect((await server.gql(DECIDE, { input: { applicationId: a.id, approved: true, note: "准予许可", attachmentIds: [await upload(server, housing.token)] } }, housing.token)).data.decideApplication).toMatchObject({ status: "APPROVED", decidedBy: { id: housing.user.id } });

  // Issuing (统一出件): the front desk or the handling department, not another department.
  expect(codeOf(await server.gql(ISSUE, { input: { applicationId: a.id } }, planning.token))).toBe("FORBIDDEN");
  expect(await repo.findOneByOrFail({ id: a.id })).toMatchObject({ status: "APPROVED", issuedById: null });
  expect((await server.gql(ISSUE, { input: { applicationId: a.id } }, housing.token)).data.issueApplicationResult).toMatchObject({ status: "ISSUED", issuedBy: { id: housing.user.id } });
  expect((await auditOf(server, admin, "Application", a.id)).map((e) => e.action).sort()).toEqual(["application.decide", "application.issue", "application.route", "application.submit"]);
});
