import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { creditCodeCheckCharacter, isValidCreditCode } from "../../src/modules/enterprises/credit-code";
import { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { RequestContext } from "../../src/core/context";
import { enterpriseService } from "../../src/modules/enterprises/enterprise.service";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { auditOf, createEnterprise, createProject, creditCode, ENTERPRISE_FIELDS, PROJECT_FIELDS } from "./fixtures";

let server: TestServer;
let admin: string;
let cadre: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
});
afterAll(() => server?.stop());

const CREATE_ENTERPRISE = `mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { ${ENTERPRISE_FIELDS} } }`;
const CREATE_PROJECT = `mutation($input: CreateProjectInput!) { createProject(input: $input) { ${PROJECT_FIELDS} } }`;

describe("enterprise credit code (GB 32100-2015)", () => {
  test("known valid codes pass the check; changing any one character fails it", () => {
    expect(creditCodeCheckCharacter("91350100M000100Y4")).toBe("3");
    for (const code of ["91350100M000100Y43", "91441602MA4W1TQJ1W", "91441602MA4W2CRB21", "91441602MA4W3LCT3B", "91441602MA4W4JXY4C", "91441602MA4W5GXC56"]) {
      expect(isValidCreditCode(code)).toBe(true);
      for (let i = 0; i < 18; i++) {
        const changed = code.slice(0, i) + (code[i] === "1" ? "2" : "1") + code.slice(i + 1);
        expect(isValidCreditCode(changed)).toBe(false);
      }
    }
  });

  test("a valid code is accepted and stored; one changed character answers BAD_USER_INPUT on creditCode and writes nothing", async () => {
    const good = "91350100M000100Y43";
    const ok = await server.gql(CREATE_ENTERPRISE, { input: { name: "福建某企业", creditCode: good, legalRepresentative: "林某", contact: "0591-1" } }, admin);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createEnterprise.creditCode).toBe(good);

    const before = await server.app.services.dataSource.getRepository(Enterprise).count();
    for (const bad of ["91350100M000100Y44", "91350100M000100Y53", "91350100M00010Y43", "91350100M000100I43"]) {
      const res = await server.gql(CREATE_ENTERPRISE, { input: { name: "错码企业", creditCode: bad, legalRepresentative: "林某", contact: "1" } }, admin);
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
      expect(res.errors![0].extensions!.field).toBe("creditCode");
    }
    expect(await server.app.services.dataSource.getRepository(Enterprise).count()).toBe(before);
  });

  test("a registered code answers CONFLICT; only ADMIN creates enterprises", async () => {
    const registered = creditCode();
    expect((await server.gql(CREATE_ENTERPRISE, { input: { name: "先登记", creditCode: registered, legalRepresentative: "林", contact: "1" } }, admin)).errors).toBeUndefined();
    const res = await server.gql(CREATE_ENTERPRISE, { input: { name: "重复", creditCode: registered, legalRepresentative: "林", contact: "1" } }, admin);
    expect(codeOf(res)).toBe("CONFLICT");
    expect(await server.app.services.dataSource.getRepository(Enterprise).countBy({ creditCode: registered })).toBe(1);
    const byCadre = await server.gql(CREATE_ENTERPRISE, { input: { name: "x", creditCode: creditCode(), legalRepresentative: "x", contact: "1" } }, cadre);
    expect(codeOf(byCadre)).toBe("FORBIDDEN");
  });

  test("updateEnterprise edits fields, checks the code, and audits before/after", async () => {
    const e = await createEnterprise(server, admin, "改名前");
    server.clock.advance(1000);
    const bad = await server.gql(`mutation($input: UpdateEnterpriseInput!) { updateEnterprise(input: $input) { id } }`, { input: { id: e.id, creditCode: e.creditCode.slice(0, 17) + (e.creditCode[17] === "0" ? "1" : "0") } }, admin);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    const res = await server.gql(`mutation($input: UpdateEnterpriseInput!) { updateEnterprise(input: $input) { ${ENTERPRISE_FIELDS} } }`, { input: { id: e.id, name: "改名后", contact: "0762-7654321" } }, admin);
    expect(res.data.updateEnterprise).toMatchObject({ name: "改名后", contact: "0762-7654321", creditCode: e.creditCode });
    const audit = await auditOf(server, admin, "Enterprise", e.id);
    expect(audit.map((a) => a.action)).toEqual(["enterprise.create", "enterprise.update"]);
    expect(audit[1].before.name).toBe("改名前");
    expect(audit[1].after.name).toBe("改名后");
  });
});

describe("projects", () => {
  test("project code format is checked: malformed answers BAD_USER_INPUT on code, a taken one CONFLICT", async () => {
    const e = await createEnterprise(server, admin);
    const count = await server.app.services.dataSource.getRepository(Project).count();
    for (const code of ["2026-441602-39-01-12345", "2026441602-39-01-123456", "26-441602-39-01-123456", "2026-44160A-39-01-123456", " 2026-441602-39-01-123456"]) {
      const res = await server.gql(CREATE_PROJECT, { input: { code, name: "p", enterpriseId: e.id, industry: "C3971", totalInvestment: "1.00" } }, admin);
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
      expect(res.errors![0].extensions!.field).toBe("code");
    }
    expect(await server.app.services.dataSource.getRepository(Project).count()).toBe(count);
    const p = await createProject(server, admin, e.id);
    expect(p.code).toMatch(/^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/);
    const dup = await server.gql(CREATE_PROJECT, { input: { code: p.code, name: "p2", enterpriseId: e.id, industry: "C3971", totalInvestment: "1.00" } }, admin);
    expect(codeOf(dup)).toBe("CONFLICT");
    expect(dup.errors![0].extensions!.field).toBe("code");
  });

  test("total investment is an exact decimal: 12345678901.23 round-trips through GraphQL and the database", async () => {
    const e = await createEnterprise(server, admin);
    const p = await createProject(server, admin, e.id, { totalInvestment: "12345678901.23" });
    expect(p.totalInvestment).toBe("12345678901.23");
    const read = await server.gql(`query($id: ID!) { project(id: $id) { totalInvestment } }`, { id: p.id }, admin);
    expect(read.data.project.totalInvestment).toBe("12345678901.23");
    const [row] = await server.app.services.dataSource.query("SELECT total_investment AS v FROM project WHERE id = ?", [p.id]);
    expect(String(row.v)).toBe("12345678901.23");
    const upd = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { totalInvestment } }`, { input: { id: p.id, totalInvestment: "0.1" } }, admin);
    expect(upd.data.updateProject.totalInvestment).toBe("0.10");
    for (const bad of ["1.234", "12345678901234567.00", "1e5", "-5.00"]) {
      const res = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { totalInvestment } }`, { input: { id: p.id, totalInvestment: bad } }, admin);
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
    }
    // 18 significant digits: exact on MariaDB's DECIMAL(18,2); refused (never rounded) on the embedded SQLite.
    const big = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { totalInvestment } }`, { input: { id: p.id, totalInvestment: "9999999999999999.99" } }, admin);
    if (server.app.services.dialect === "mariadb") {
      expect(big.data.updateProject.totalInvestment).toBe("9999999999999999.99");
      const [stored] = await server.app.services.dataSource.query("SELECT total_investment AS v FROM project WHERE id = ?", [p.id]);
      expect(String(stored.v)).toBe("9999999999999999.99");
    } else {
      expect(codeOf(big)).toBe("BAD_USER_INPUT");
      expect(big.errors![0].extensions!.field).toBe("totalInvestment");
    }
    const asNumber = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { totalInvestment } }`, { input: { id: p.id, totalInvestment: 100.5 } }, admin);
    expect(codeOf(asNumber)).toBe("BAD_USER_INPUT");
  });

  test("milestones keep their order on create and update, as recordProjectMilestone keeps them; nothing is written otherwise", async () => {
    const e = await createEnterprise(server, admin);
    const CREATE = `mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }`;
    const early = await server.gql(CREATE, { input: { code: "2026-441602-39-01-990001", name: "倒序项目", enterpriseId: e.id, industry: "C3971", totalInvestment: "1.00", signedOn: "2026-03-01", landContractOn: "2026-02-01" } }, admin);
    expect(codeOf(early)).toBe("BAD_USER_INPUT");
    expect(early.errors![0].extensions!.field).toBe("landContractOn");
    expect(early.errors![0].message).toContain("LAND_CONTRACT cannot come before SIGNED (2026-03-01)");

    const p = await createProject(server, admin, e.id, { signedOn: "2025-10-08", landContractOn: "2025-12-01" });
    const UPDATE = `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { certificateOn preAcceptanceOn landContractOn } }`;
    const before = await auditOf(server, admin, "Project", p.id);
    const moved = await server.gql(UPDATE, { input: { id: p.id, landContractOn: "2025-10-01" } }, admin);
    expect(codeOf(moved)).toBe("BAD_USER_INPUT");
    expect(moved.errors![0].extensions!.field).toBe("landContractOn"); // before signing
    // a stored construction start (recorded through its gate) keeps the land contract before it
    await server.app.services.dataSource.getRepository(Project).update({ id: p.id }, { constructionStartOn: "2025-12-03" });
    const late = await server.gql(UPDATE, { input: { id: p.id, landContractOn: "2025-12-05" } }, admin);
    expect(codeOf(late)).toBe("BAD_USER_INPUT");
    expect(late.errors![0].extensions!.field).toBe("constructionStartOn");
    expect(await auditOf(server, admin, "Project", p.id)).toHaveLength(before.length);
    const cleared = await server.gql(UPDATE, { input: { id: p.id, landContractOn: null, preAcceptanceOn: "2025-12-20" } }, admin);
    expect(cleared.data.updateProject).toEqual({ certificateOn: null, preAcceptanceOn: "2025-12-20", landContractOn: null });
  });

  test("construction start and completion cannot be written by createProject or updateProject (only cleared): they pass their gates in recordProjectMilestone", async () => {
    const e = await createEnterprise(server, admin);
    const p = await createProject(server, admin, e.id, { signedOn: "2025-10-08", landContractOn: "2025-12-01" });
    const before = await auditOf(server, admin, "Project", p.id);
    for (const field of ["constructionStartOn", "completionOn"]) {
      const update = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }`, { input: { id: p.id, [field]: "2026-02-01" } }, admin);
      expect(codeOf(update)).toBe("BAD_USER_INPUT");
      expect(update.errors![0].message).toContain(`${field} is recorded with recordProjectMilestone`);
      const create = await server.gql(
        `mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
        { input: { code: "2026-441602-39-01-990004", name: "绕行项目", enterpriseId: e.id, industry: "C3971", totalInvestment: "1.00", [field]: "2026-02-01" } },
        admin,
      );
      expect(codeOf(create)).toBe("BAD_USER_INPUT");
    }
    expect(await auditOf(server, admin, "Project", p.id)).toHaveLength(before.length);
    expect(await server.app.services.dataSource.getRepository(Project).countBy({ code: "2026-441602-39-01-990004" })).toBe(0);
    const stored = await server.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: p.id });
    expect(stored).toMatchObject({ constructionStartOn: null, completionOn: null, stage: "LAND_OBTAINED" });
    // the deprecated fields take null: a wrongly stored start is cleared, the stage and startedOnCommitment with it
    await server.app.services.dataSource.getRepository(Project).update({ id: p.id }, { constructionStartOn: "2025-12-03", stage: "UNDER_CONSTRUCTION", startedOnCommitment: true });
    const cleared = await server.gql(
      `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { constructionStartOn completionOn stage startedOnCommitment } }`,
      { input: { id: p.id, constructionStartOn: null, completionOn: null } },
      admin,
    );
    expect(cleared.data.updateProject).toEqual({ constructionStartOn: null, completionOn: null, stage: "LAND_OBTAINED", startedOnCommitment: false });
    const schema = await server.gql(`{ __type(name: "UpdateProjectInput") { inputFields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`, {}, admin);
    const fields = Object.fromEntries(schema.data.__type.inputFields.map((f: any) => [f.name, f]));
    for (const name of ["constructionStartOn", "completionOn", "trialProductionOn"]) expect(fields[name].deprecationReason).toContain("recordProjectMilestone");
    expect(fields.stage.deprecationReason).toContain("derived from the milestones");
  });

  test("trial production cannot be written by createProject or updateProject (only cleared), only recorded with its acceptance check", async () => {
    const e = await createEnterprise(server, admin);
    const p = await createProject(server, admin, e.id, { signedOn: "2025-10-08", landContractOn: "2025-12-01" });
    const before = await auditOf(server, admin, "Project", p.id);
    const update = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }`, { input: { id: p.id, trialProductionOn: "2026-02-01" } }, admin);
    expect(codeOf(update)).toBe("BAD_USER_INPUT");
    expect(update.errors![0].message).toContain("trialProductionOn");
    const create = await server.gql(
      `mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: { code: "2026-441602-39-01-990002", name: "试产项目", enterpriseId: e.id, industry: "C3971", totalInvestment: "1.00", trialProductionOn: "2026-02-01" } },
      admin,
    );
    expect(codeOf(create)).toBe("BAD_USER_INPUT");
    expect(await auditOf(server, admin, "Project", p.id)).toHaveLength(before.length);
    const stored = await server.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: p.id });
    expect(stored.trialProductionOn).toBeNull();
    expect(await server.app.services.dataSource.getRepository(Project).countBy({ code: "2026-441602-39-01-990002" })).toBe(0);
    // the deprecated field takes null: a form that sends every field still works, and a wrong date can be cleared
    await server.app.services.dataSource.getRepository(Project).update({ id: p.id }, { trialProductionOn: "2026-02-01" });
    const cleared = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { trialProductionOn } }`, { input: { id: p.id, trialProductionOn: null } }, admin);
    expect(cleared.data.updateProject).toEqual({ trialProductionOn: null });
    const createdWithNull = await server.gql(
      `mutation($input: CreateProjectInput!) { createProject(input: $input) { trialProductionOn } }`,
      { input: { code: "2026-441602-39-01-990003", name: "表单项目", enterpriseId: e.id, industry: "C3971", totalInvestment: "1.00", trialProductionOn: null } },
      admin,
    );
    expect(createdWithNull.data.createProject).toEqual({ trialProductionOn: null });
    // the one way in checks the parts trial production uses: none exist yet
    const recorded = await server.gql(
      `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id } }`,
      { input: { projectId: p.id, milestone: "PRE_ACCEPTANCE", on: "2026-01-20" } },
      admin,
    );
    expect(recorded.errors).toBeUndefined();
    const trial = await server.gql(
      `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id } }`,
      { input: { projectId: p.id, milestone: "TRIAL_PRODUCTION", on: "2026-02-01" } },
      admin,
    );
    expect(codeOf(trial)).toBe("DEPENDENCY_NOT_MET");
  });

  test("milestones, stage and details are edited by ADMIN and audited", async () => {
    const e = await createEnterprise(server, admin);
    const p = await createProject(server, admin, e.id, { signedOn: "2025-10-08" });
    expect(p.stage).toBe("PRE_LANDING");
    expect(p.signedOn).toBe("2025-10-08");
    server.clock.advance(1000);
    const res = await server.gql(
      `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { stage landContractOn constructionStartOn signedOn landParcel } }`,
      { input: { id: p.id, stage: "IN_PRODUCTION", landContractOn: "2025-12-01", landParcel: "HY-2025-017" } },
      admin,
    );
    // the typed stage is ignored: the land contract puts the project in LAND_OBTAINED
    expect(res.data.updateProject).toEqual({ stage: "LAND_OBTAINED", landContractOn: "2025-12-01", constructionStartOn: null, signedOn: "2025-10-08", landParcel: "HY-2025-017" });
    const byCadre = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }`, { input: { id: p.id, name: "x" } }, cadre);
    expect(codeOf(byCadre)).toBe("FORBIDDEN");
    const audit = await auditOf(server, admin, "Project", p.id);
    expect(audit.map((a) => a.action)).toEqual(["project.create", "project.update"]);
    expect(audit[1].before.stage).toBe("PRE_LANDING");
    expect(audit[1].after.stage).toBe("LAND_OBTAINED");
  });

  test("projects(filter) lists newest first with keyset cursors; search matches name or code", async () => {
    const e = await createEnterprise(server, admin, "筛选企业");
    const made = [];
    for (let i = 0; i < 5; i++) {
      server.clock.advance(60_000);
      made.push(await createProject(server, admin, e.id, { name: `筛选项目${i}`, ...(i % 2 ? { landContractOn: "2026-01-05" } : {}) }));
    }
    const page = (after?: string) =>
      server.gql(`query($after: String, $f: ProjectFilter) { projects(first: 2, after: $after, filter: $f) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }`, { after, f: { enterpriseId: e.id } }, cadre);
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await page(after);
      expect(res.data.projects.totalCount).toBe(5);
      names.push(...res.data.projects.edges.map((x: any) => x.node.name));
      if (!res.data.projects.pageInfo.hasNextPage) break;
      after = res.data.projects.pageInfo.endCursor;
    }
    expect(names).toEqual(["筛选项目4", "筛选项目3", "筛选项目2", "筛选项目1", "筛选项目0"]);

    const landed = await server.gql(`query($f: ProjectFilter) { projects(filter: $f) { edges { node { name } } } }`, { f: { enterpriseId: e.id, stage: "LAND_OBTAINED" } }, cadre);
    expect(landed.data.projects.edges.map((x: any) => x.node.name)).toEqual(["筛选项目3", "筛选项目1"]);
    const byName = await server.gql(`query($f: ProjectFilter) { projects(filter: $f) { edges { node { name } } } }`, { f: { search: "筛选项目2" } }, cadre);
    expect(byName.data.projects.edges.map((x: any) => x.node.name)).toEqual(["筛选项目2"]);
    const byCode = await server.gql(`query($f: ProjectFilter) { projects(filter: $f) { edges { node { id } } } }`, { f: { search: made[0].code.slice(-6) } }, cadre);
    expect(byCode.data.projects.edges.map((x: any) => x.node.id)).toEqual([made[0].id]);
    const wildcard = await server.gql(`query($f: ProjectFilter) { projects(filter: $f) { totalCount } }`, { f: { search: "%" } }, cadre);
    expect(wildcard.data.projects.totalCount).toBe(0);
    const notApplied = await server.gql(`query($f: ProjectFilter) { projects(filter: $f) { totalCount } }`, { f: { enterpriseId: e.id, fastTrackStatus: "ADMITTED" } }, cadre);
    expect(notApplied.data.projects.totalCount).toBe(0);
  });

  test("enterprise isolation: lists, by id and nested fields show only the caller's own enterprise", async () => {
    const mine = await createEnterprise(server, admin, "本企业");
    const other = await createEnterprise(server, admin, "他企业");
    const myProject = await createProject(server, admin, mine.id, { name: "本企业项目" });
    const otherProject = await createProject(server, admin, other.id, { name: "他企业项目" });
    const { token } = await server.user("ENTERPRISE", { enterpriseId: mine.id });

    const list = await server.gql(`{ projects(first: 100) { totalCount edges { node { id enterprise { id } } } } }`, {}, token);
    expect(list.data.projects.edges.map((x: any) => x.node.id)).toEqual([myProject.id]);
    expect(list.data.projects.totalCount).toBe(1);
    const filtered = await server.gql(`query($f: ProjectFilter) { projects(filter: $f) { totalCount } }`, { f: { enterpriseId: other.id } }, token);
    expect(filtered.data.projects.totalCount).toBe(0);

    expect(codeOf(await server.gql(`query($id: ID!) { project(id: $id) { id } }`, { id: otherProject.id }, token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(`query($id: ID!) { enterprise(id: $id) { id } }`, { id: other.id }, token))).toBe("NOT_FOUND");

    const nested = await server.gql(`query($id: ID!) { enterprise(id: $id) { name projects { edges { node { id enterprise { id } } } } } }`, { id: mine.id }, token);
    expect(nested.data.enterprise.projects.edges.map((x: any) => x.node.id)).toEqual([myProject.id]);
    const enterprises = await server.gql(`{ enterprises(first: 100) { totalCount edges { node { id } } } }`, {}, token);
    expect(enterprises.data.enterprises.edges.map((x: any) => x.node.id)).toEqual([mine.id]);

    const all = await server.gql(`query($id: ID!) { project(id: $id) { enterprise { name projects { totalCount } } } }`, { id: otherProject.id }, cadre);
    expect(all.data.project.enterprise).toEqual({ name: "他企业", projects: { totalCount: 1 } });
  });

  test("two concurrent registrations of one project code: one wins, the other answers CONFLICT", async () => {
    const e = await createEnterprise(server, admin);
    const code = "2026-441602-39-01-999999";
    const results = await Promise.all([0, 1].map((i) => server.gql(CREATE_PROJECT, { input: { code, name: `并发${i}`, enterpriseId: e.id, industry: "C3971", totalInvestment: "1.00" } }, admin)));
    expect(results.map((r) => (r.errors ? codeOf(r) : "OK")).sort()).toEqual(["CONFLICT", "OK"]);
    expect(await server.app.services.dataSource.getRepository(Project).countBy({ code })).toBe(1);
  });

  test("auditTrail pages oldest first with cursors and names the actor", async () => {
    const e = await createEnterprise(server, admin, "审计企业");
    for (const name of ["审计一", "审计二", "审计三"]) {
      server.clock.advance(1000);
      await server.gql(`mutation($input: UpdateEnterpriseInput!) { updateEnterprise(input: $input) { id } }`, { input: { id: e.id, name } }, admin);
    }
    const q = `query($id: ID!, $after: String) { auditTrail(entityType: "Enterprise", entityId: $id, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { action actor { role } after } } } }`;
    const first = await server.gql(q, { id: e.id }, admin);
    expect(first.data.auditTrail.totalCount).toBe(4);
    expect(first.data.auditTrail.pageInfo.hasNextPage).toBe(true);
    const second = await server.gql(q, { id: e.id, after: first.data.auditTrail.pageInfo.endCursor }, admin);
    const nodes = [...first.data.auditTrail.edges, ...second.data.auditTrail.edges].map((x: any) => x.node);
    expect(nodes.map((n: any) => n.after.name)).toEqual(["审计企业", "审计一", "审计二", "审计三"]);
    expect(nodes.every((n: any) => n.actor.role === "ADMIN")).toBe(true);
    expect(second.data.auditTrail.pageInfo.hasNextPage).toBe(false);
  });

  test("an edit leaves omitted fields, ignores null on required ones and clears nullable milestones with null", async () => {
    const e = await createEnterprise(server, admin);
    const p = await createProject(server, admin, e.id, { signedOn: "2025-10-08", landParcel: "HY-1" });
    const res = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { name code signedOn landParcel totalInvestment } }`,
      { input: { id: p.id, name: null, code: null, totalInvestment: null, signedOn: null, landParcel: null } }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data.updateProject).toEqual({ name: p.name, code: p.code, signedOn: null, landParcel: null, totalInvestment: "50000000.00" });
  });

  test("an enterprise lists its ENTERPRISE users", async () => {
    const e = await createEnterprise(server, admin);
    const { user, token } = await server.user("ENTERPRISE", { enterpriseId: e.id });
    for (const t of [admin, cadre, token]) {
      const res = await server.gql(`query($id: ID!) { enterprise(id: $id) { users { id role } } }`, { id: e.id }, t);
      expect(res.data.enterprise.users).toEqual([{ id: user.id, role: "ENTERPRISE" }]);
    }
  });

  test("me names the enterprise an ENTERPRISE user acts for; a cadre has none", async () => {
    const e = await createEnterprise(server, admin, "自知企业");
    const { token } = await server.user("ENTERPRISE", { enterpriseId: e.id });
    const ME = `{ me { role enterprise { id name } } }`;
    expect((await server.gql(ME, {}, token)).data.me).toEqual({ role: "ENTERPRISE", enterprise: { id: e.id, name: "自知企业" } });
    expect((await server.gql(ME, {}, cadre)).data.me).toEqual({ role: "CADRE", enterprise: null });
    // ADMIN sees the enterprise of any user
    const users = await server.gql(`query($id: ID!) { enterprise(id: $id) { users { enterprise { id } } } }`, { id: e.id }, admin);
    expect(users.data.enterprise.users).toEqual([{ enterprise: { id: e.id } }]);
    // no query leads an enterprise user to another enterprise's user; the rule still answers null for one
    const other = await createEnterprise(server, admin, "他知企业");
    const asEnterprise = RequestContext.create(server.app.services, { id: "x", username: "x", name: "x", role: "ENTERPRISE", enterpriseId: e.id, departmentId: null }, "test");
    expect(await enterpriseService.ofUser(asEnterprise, { enterpriseId: other.id })).toBeNull();
    expect((await enterpriseService.ofUser(asEnterprise, { enterpriseId: e.id }))?.id).toBe(e.id);
  });

  test("a rejected change writes no audit entry", async () => {
    const e = await createEnterprise(server, admin);
    const p = await createProject(server, admin, e.id);
    const other = await createProject(server, admin, e.id);
    const res = await server.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }`, { input: { id: p.id, code: other.code } }, admin);
    expect(codeOf(res)).toBe("CONFLICT");
    expect((await auditOf(server, admin, "Project", p.id)).map((a) => a.action)).toEqual(["project.create"]);
    expect(codeOf(await server.gql(`query { auditTrail(entityType: "Project", entityId: "x") { totalCount } }`, {}, cadre))).toBe("FORBIDDEN");
  });
});
