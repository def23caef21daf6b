import { afterAll, beforeAll, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";

// Remits that are data: the front desk named by configuration, and "the responsible department"
// named by the departments' duties, which ADMIN edits.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { FRONT_DESK_DEPARTMENT: "DEVELOPMENT_REFORM" } });
});
afterAll(() => server?.stop());

const cadreOf = async (code: Parameters<TestServer["department"]>[0]) => server.user("CADRE", { departmentId: (await server.department(code)).id });

test("FRONT_DESK_DEPARTMENT names the front desk: its cadres route applications, the default front desk's no longer do", async () => {
  const { token: admin } = await server.user("ADMIN");
  const project = await makeProject(server, (await makeEnterprise(server)).id);
  const submitted = await server.gql(
    `mutation($p: ID!) { submitApplication(input: { projectId: $p, applicationClass: FILING, title: "备案" }) { id status } }`,
    { p: project.id },
    admin,
  );
  const applicationId = submitted.data.submitApplication.id;
  const route = `mutation($a: ID!) { routeApplication(input: { applicationId: $a }) { status department { code } } }`;

  const { token: usualDesk } = await cadreOf("GOV_SERVICES_DATA");
  const refused = await server.gql(route, { a: applicationId }, usualDesk);
  expect(codeOf(refused)).toBe("FORBIDDEN");
  expect(refused.errors![0].message).toContain("区发展和改革局");

  const { token: desk } = await cadreOf("DEVELOPMENT_REFORM");
  const routed = await server.gql(route, { a: applicationId }, desk);
  expect(routed.errors).toBeUndefined();
  expect(routed.data.routeApplication).toEqual({ status: "ROUTED", department: { code: "DEVELOPMENT_REFORM" } });
});

test("a FRONT_DESK_DEPARTMENT that is not a department code stops the start", () => {
  expect(() => loadConfig({ FRONT_DESK_DEPARTMENT: "政务服务" })).toThrow(ConfigError);
});

test("building acceptance belongs to the departments holding the duty: ADMIN moves it, and the remit moves with it", async () => {
  const { token: admin } = await server.user("ADMIN");
  const project = await makeProject(server, (await makeEnterprise(server)).id);
  const added = await server.gql(
    `mutation($p: ID!) { addBuilding(input: { projectId: $p, name: "1号厂房", partKind: BUILDING, requiredForTrialProduction: true }) { id } }`,
    { p: project.id },
    admin,
  );
  const buildingId = added.data.addBuilding.id;
  const accept = `mutation($b: ID!) { recordBuildingAcceptance(input: { buildingId: $b, passed: false, note: "整改" }) { id } }`;
  const { token: housing } = await cadreOf("HOUSING_CONSTRUCTION");
  const { token: fire } = await cadreOf("FIRE_RESCUE");

  expect(codeOf(await server.gql(accept, { b: buildingId }, fire))).toBe("FORBIDDEN");
  expect((await server.gql(accept, { b: buildingId }, housing)).errors).toBeUndefined();

  const [housingDept, fireDept] = [await server.department("HOUSING_CONSTRUCTION"), await server.department("FIRE_RESCUE")];
  const setDuties = `mutation($id: ID!, $duties: [DepartmentDuty!]) { updateDepartment(input: { id: $id, duties: $duties }) { code duties } }`;
  expect((await server.gql(setDuties, { id: fireDept.id, duties: ["BUILDING_ACCEPTANCE"] }, admin)).data.updateDepartment).toEqual({ code: "FIRE_RESCUE", duties: ["BUILDING_ACCEPTANCE"] });
  expect((await server.gql(setDuties, { id: housingDept.id, duties: [] }, admin)).data.updateDepartment.duties).toEqual([]);

  const refused = await server.gql(accept, { b: buildingId }, housing);
  expect(codeOf(refused)).toBe("FORBIDDEN");
  expect(refused.errors![0].message).toContain("区消防救援大队");
  expect((await server.gql(accept, { b: buildingId }, fire)).errors).toBeUndefined();
});
