import { IsNull } from "typeorm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { ProjectManagerAssignment } from "../../src/modules/teams/project-manager-assignment.entity";
import { TeamMember } from "../../src/modules/teams/team-member.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { departmentId } from "./fixtures";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

const ASSIGN = `mutation($input: AssignProjectManagerInput!) {
  assignProjectManager(input: $input) {
    id startedAt endedAt cadre { id } startedBy { id }
    project { id manager { id } managerHistory { cadre { id } startedAt endedAt startedBy { id } endedBy { id } } }
  }
}`;
const ADD = `mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { id role createdAt removedAt user { id } department { code name } addedBy { id } } }`;
const REMOVE = `mutation($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { id removedAt removedBy { id } } }`;
const MANAGED = `{ managedProjects { totalCount edges { node { id name manager { id } team { projectId manager { id } members { role user { id } department { code } } } managerHistory { cadre { id } endedAt } } } } }`;

describe("departments", () => {
  test("the district's departments are seeded by the migration; ADMIN adds more, codes unique", async () => {
    const cadre = await server.user("CADRE");
    const list = await server.gql(`{ departments { code name } }`, {}, cadre.token);
    const names = list.data.departments.map((d: { name: string }) => d.name);
    for (const name of ["区发展和改革局", "区自然资源局", "区住房和城乡建设局", "市生态环境局源城分局", "区消防救援大队", "区市场监督管理局"]) expect(names).toContain(name);
    const created = await server.gql(`mutation { createDepartment(input: { code: "TAXATION", name: "税务局" }) { code name } }`, {}, admin);
    expect(created.data.createDepartment).toEqual({ code: "TAXATION", name: "税务局" });
    expect(codeOf(await server.gql(`mutation { createDepartment(input: { code: "TAXATION", name: "税务局" }) { code } }`, {}, admin))).toBe("CONFLICT");
    expect(codeOf(await server.gql(`mutation { createDepartment(input: { code: "X2", name: "x" }) { code } }`, {}, cadre.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(`{ departments { code } }`))).toBe("UNAUTHENTICATED");
  });
});

describe("updateDepartment", () => {
  const UPDATE = `mutation($input: UpdateDepartmentInput!) { updateDepartment(input: $input) { id code name sortOrder duties } }`;
  const ACCEPT = `mutation($input: RecordBuildingAcceptanceInput!) { recordBuildingAcceptance(input: $input) { id acceptedOn } }`;
  const dutyRows = (departmentId: string) =>
    server.app.services.dataSource.query("SELECT duty FROM department_duty WHERE department_id = ? ORDER BY duty", [departmentId]).then((rows: Array<{ duty: string }>) => rows.map((r) => r.duty));

  test("ADMIN edits a department's name and duties; a field left out stays; the change is audited", async () => {
    const transport = await server.department("TRANSPORT");
    const res = await server.gql(UPDATE, { input: { id: transport.id, name: "区交通运输局（改）", duties: ["SURVEY", "BUILDING_ACCEPTANCE"] } }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data.updateDepartment).toEqual({ id: transport.id, code: "TRANSPORT", name: "区交通运输局（改）", sortOrder: transport.sortOrder, duties: ["BUILDING_ACCEPTANCE", "SURVEY"] });
    expect(await dutyRows(transport.id)).toEqual(["BUILDING_ACCEPTANCE", "SURVEY"]);

    // null and omitted leave fields alone; given duties replace the ones it had
    const again = await server.gql(UPDATE, { input: { id: transport.id, name: null, sortOrder: 5, duties: ["SURVEY"] } }, admin);
    expect(again.data.updateDepartment).toMatchObject({ name: "区交通运输局（改）", sortOrder: 5, duties: ["SURVEY"] });
    expect(await dutyRows(transport.id)).toEqual(["SURVEY"]);
    const kept = await server.gql(UPDATE, { input: { id: transport.id } }, admin);
    expect(kept.data.updateDepartment).toMatchObject({ name: "区交通运输局（改）", sortOrder: 5, duties: ["SURVEY"] });
    const cleared = await server.gql(UPDATE, { input: { id: transport.id, name: transport.name, sortOrder: transport.sortOrder, duties: [] } }, admin);
    expect(cleared.data.updateDepartment).toMatchObject({ name: transport.name, sortOrder: transport.sortOrder, duties: [] });
    expect(await dutyRows(transport.id)).toEqual([]);

    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityId: transport.id, action: "department.update" });
    expect(audit).toHaveLength(4);

    const listed = await server.gql(`{ departments { code duties } }`, {}, admin);
    expect(listed.data.departments).toEqual(expect.arrayContaining([{ code: "HOUSING_CONSTRUCTION", duties: ["BUILDING_ACCEPTANCE"] }, { code: "NATURAL_RESOURCES", duties: ["SURVEY"] }]));
  });

  test("a CADRE may not edit departments (FORBIDDEN, nothing written); an unknown id is NOT_FOUND; a blank name BAD_USER_INPUT", async () => {
    const housing = await server.department("HOUSING_CONSTRUCTION");
    const cadre = await server.user("CADRE", { departmentId: housing.id });
    const audits = () => server.app.services.dataSource.getRepository(AuditEntry).countBy({ action: "department.update" });
    const before = await audits();
    const refused = await server.gql(UPDATE, { input: { id: housing.id, name: "x", duties: [] } }, cadre.token);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(await server.department("HOUSING_CONSTRUCTION")).toMatchObject({ name: housing.name });
    expect(await dutyRows(housing.id)).toEqual(["BUILDING_ACCEPTANCE"]);
    expect(await audits()).toBe(before);
    expect(codeOf(await server.gql(UPDATE, { input: { id: "00000000-0000-4000-8000-000000000000", name: "x" } }, admin))).toBe("NOT_FOUND");
    const blank = await server.gql(UPDATE, { input: { id: housing.id, name: " " } }, admin);
    expect(codeOf(blank)).toBe("BAD_USER_INPUT");
    expect(blank.errors![0].extensions!.field).toBe("name");
  });

  test("the duties decide who records building acceptances (分栋验收): moving the duty moves the remit", async () => {
    const housing = await server.department("HOUSING_CONSTRUCTION");
    const water = await server.department("WATER_AFFAIRS");
    const housingCadre = await server.user("CADRE", { departmentId: housing.id });
    const waterCadre = await server.user("CADRE", { departmentId: water.id });
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id, { landContractOn: "2025-06-02", constructionStartOn: "2025-06-16" });
    const added = await server.gql(`mutation($input: AddBuildingInput!) { addBuilding(input: $input) { id } }`, { input: { projectId: project.id, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true } }, admin);
    expect(added.errors).toBeUndefined();
    const input = { buildingId: added.data.addBuilding.id, passed: false, on: "2026-02-05" };

    const byWater = await server.gql(ACCEPT, { input }, waterCadre.token);
    expect(codeOf(byWater)).toBe("FORBIDDEN");
    expect(byWater.errors![0].message).toContain("区住房和城乡建设局");
    expect((await server.gql(ACCEPT, { input }, housingCadre.token)).errors).toBeUndefined();

    expect((await server.gql(UPDATE, { input: { id: water.id, duties: ["BUILDING_ACCEPTANCE"] } }, admin)).errors).toBeUndefined();
    expect((await server.gql(UPDATE, { input: { id: housing.id, duties: [] } }, admin)).errors).toBeUndefined();
    const byHousing = await server.gql(ACCEPT, { input }, housingCadre.token);
    expect(codeOf(byHousing)).toBe("FORBIDDEN");
    expect(byHousing.errors![0].message).toContain("区水务局");
    expect((await server.gql(ACCEPT, { input }, waterCadre.token)).errors).toBeUndefined();

    expect((await server.gql(UPDATE, { input: { id: housing.id, duties: ["BUILDING_ACCEPTANCE"] } }, admin)).errors).toBeUndefined();
    expect((await server.gql(UPDATE, { input: { id: water.id, duties: [] } }, admin)).errors).toBeUndefined();
  });
});

describe("project managers", () => {
  test("assigning, then reassigning, keeps one active manager and the history (who, from, to, by whom)", async () => {
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const first = await server.user("CADRE");
    const second = await server.user("CADRE");
    const adminUser = await server.user("ADMIN");

    const t0 = server.clock.now().toISOString();
    const a = await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: first.user.id } }, adminUser.token);
    expect(a.errors).toBeUndefined();
    expect(a.data.assignProjectManager).toMatchObject({ startedAt: t0, endedAt: null, cadre: { id: first.user.id }, startedBy: { id: adminUser.user.id } });
    expect(a.data.assignProjectManager.project.manager.id).toBe(first.user.id);

    server.clock.advance(3_600_000);
    const t1 = server.clock.now().toISOString();
    const b = await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: second.user.id } }, adminUser.token);
    expect(b.errors).toBeUndefined();
    const p = b.data.assignProjectManager.project;
    expect(p.manager.id).toBe(second.user.id);
    expect(p.managerHistory).toEqual([
      { cadre: { id: second.user.id }, startedAt: t1, endedAt: null, startedBy: { id: adminUser.user.id }, endedBy: null },
      { cadre: { id: first.user.id }, startedAt: t0, endedAt: t1, startedBy: { id: adminUser.user.id }, endedBy: { id: adminUser.user.id } },
    ]);

    // The same cadre again changes nothing.
    const again = await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: second.user.id } }, adminUser.token);
    expect(again.data.assignProjectManager.id).toBe(b.data.assignProjectManager.id);

    const rows = await server.app.services.dataSource.getRepository(ProjectManagerAssignment).findBy({ projectId: project.id });
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.activeProjectId !== null)).toHaveLength(1);
    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityType: "ProjectManagerAssignment" });
    expect(audit.map((e) => e.action).sort()).toEqual(expect.arrayContaining(["project.manager.assign", "project.manager.end"]));

    // managedProjects: the current manager sees it with its team, the former does not.
    const managed = await server.gql(MANAGED, {}, second.token);
    expect(managed.data.managedProjects.totalCount).toBe(1);
    expect(managed.data.managedProjects.edges[0].node).toMatchObject({ id: project.id, manager: { id: second.user.id }, team: { projectId: project.id, manager: { id: second.user.id }, members: [] } });
    expect((await server.gql(MANAGED, {}, first.token)).data.managedProjects.totalCount).toBe(0);
  });

  test("the database keeps one active manager when assignments race (concurrent HTTP requests)", async () => {
    const enterprise = await makeEnterprise(server);
    for (let round = 0; round < 3; round++) {
      const project = await makeProject(server, enterprise.id);
      // Rounds 1 and 2 start with a manager in place, so the racers also race to end that assignment.
      const initial = round > 0 ? 1 : 0;
      if (initial) expect((await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: (await server.user("CADRE")).user.id } }, admin)).errors).toBeUndefined();
      const cadres = await Promise.all(Array.from({ length: 6 }, () => server.user("CADRE")));
      const responses = await Promise.all(cadres.map((c) => server.gql(ASSIGN, { input: { projectId: project.id, cadreId: c.user.id } }, admin)));
      const ok = responses.filter((r) => !r.errors);
      const losers = responses.filter((r) => r.errors);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      // The loser of a race answers CONFLICT, never an internal error.
      for (const r of losers) expect(codeOf(r)).toBe("CONFLICT");
      const rows = await server.app.services.dataSource.getRepository(ProjectManagerAssignment).findBy({ projectId: project.id });
      const active = rows.filter((r) => r.activeProjectId !== null);
      expect(active).toHaveLength(1);
      expect(rows).toHaveLength(ok.length + initial);
      expect(rows.filter((r) => r.endedAt === null)).toHaveLength(1);
    }
  });

  test("only ADMIN assigns; the manager must be an active CADRE; another enterprise's project is NOT_FOUND", async () => {
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const cadre = await server.user("CADRE");
    const ent = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    expect(codeOf(await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: cadre.user.id } }, cadre.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: cadre.user.id } }, ent.token))).toBe("FORBIDDEN");
    const notCadre = await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: ent.user.id } }, admin);
    expect(codeOf(notCadre)).toBe("BAD_USER_INPUT");
    expect(notCadre.errors![0].extensions!.field).toBe("cadreId");
    const badId = await server.gql(ASSIGN, { input: { projectId: "nope", cadreId: cadre.user.id } }, admin);
    expect(codeOf(badId)).toBe("BAD_USER_INPUT");
    expect(codeOf(await server.gql(ASSIGN, { input: { projectId: "00000000-0000-4000-8000-000000000000", cadreId: cadre.user.id } }, admin))).toBe("NOT_FOUND");
    expect(await server.app.services.dataSource.getRepository(ProjectManagerAssignment).countBy({ projectId: project.id })).toBe(0);
  });
});

describe("service teams", () => {
  test("the manager (or ADMIN) adds and removes members with department and role; others may not", async () => {
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const manager = await server.user("CADRE");
    const member = await server.user("CADRE");
    const outsider = await server.user("CADRE");
    await server.gql(ASSIGN, { input: { projectId: project.id, cadreId: manager.user.id } }, admin);
    const fire = await departmentId(server, "FIRE_RESCUE");
    const input = { projectId: project.id, userId: member.user.id, departmentId: fire, role: "消防审查专员" };

    const audits = () => server.app.services.dataSource.getRepository(AuditEntry).countBy({ entityType: "TeamMember" });
    const auditsBefore = await audits();
    const refused = await server.gql(ADD, { input }, outsider.token);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0].message).toBe("Only the project's manager or the reform office (ADMIN) may change this project's team");
    expect(await audits()).toBe(auditsBefore);
    const bad = await server.gql(ADD, { input: { ...input, role: "" } }, manager.token);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(bad.errors![0].extensions!.field).toBe("role");
    expect(codeOf(await server.gql(ADD, { input: { ...input, departmentId: "00000000-0000-4000-8000-000000000000" } }, manager.token))).toBe("BAD_USER_INPUT");
    expect(await server.app.services.dataSource.getRepository(TeamMember).countBy({ projectId: project.id })).toBe(0);

    const added = await server.gql(ADD, { input }, manager.token);
    expect(added.errors).toBeUndefined();
    expect(added.data.addTeamMember).toMatchObject({ role: "消防审查专员", removedAt: null, user: { id: member.user.id }, department: { code: "FIRE_RESCUE", name: "区消防救援大队" }, addedBy: { id: manager.user.id } });
    expect(codeOf(await server.gql(ADD, { input }, admin))).toBe("CONFLICT");

    const team = (await server.gql(MANAGED, {}, manager.token)).data.managedProjects.edges[0].node.team;
    expect(team.members).toEqual([{ role: "消防审查专员", user: { id: member.user.id }, department: { code: "FIRE_RESCUE" } }]);

    const refusedRemoval = await server.gql(REMOVE, { input: { projectId: project.id, userId: member.user.id } }, outsider.token);
    expect(codeOf(refusedRemoval)).toBe("FORBIDDEN");
    expect(refusedRemoval.errors![0].message).toBe("Only the project's manager or the reform office (ADMIN) may change this project's team");
    expect(await server.app.services.dataSource.getRepository(TeamMember).countBy({ projectId: project.id, removedAt: IsNull() })).toBe(1);
    server.clock.advance(60_000);
    const removed = await server.gql(REMOVE, { input: { projectId: project.id, userId: member.user.id } }, manager.token);
    expect(removed.data.removeTeamMember).toMatchObject({ removedAt: server.clock.now().toISOString(), removedBy: { id: manager.user.id } });
    expect(codeOf(await server.gql(REMOVE, { input: { projectId: project.id, userId: member.user.id } }, manager.token))).toBe("NOT_FOUND");
    expect((await server.gql(MANAGED, {}, manager.token)).data.managedProjects.edges[0].node.team.members).toEqual([]);

    // Re-adding after removal works; the old row stays as history.
    expect((await server.gql(ADD, { input }, admin)).errors).toBeUndefined();
    expect(await server.app.services.dataSource.getRepository(TeamMember).countBy({ projectId: project.id })).toBe(2);
    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityType: "TeamMember" });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(["team.member.add", "team.member.remove"]));
  });
});
