import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config";
import { AuditEntry } from "../../src/core/audit";
import { RequestContext } from "../../src/core/context";
import { DeferredItem } from "../../src/modules/fast-track/deferred-item.entity";
import { markOverdueDeferredItems } from "../../src/modules/fast-track/deferred-item.service";
import { Project } from "../../src/modules/projects/project.entity";
import { teamOf } from "../instep/callers";
import { makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { auditOf, createEnterprise, createProject } from "./fixtures";
import { upload } from "../support/uploads";

let server: TestServer;
let admin: string;
let cadre: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
});
afterAll(() => server?.stop());

const APPLY = `mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) {
  id fastTrackStatus fastTrackAdmittedAt fastTrackAdmittedBy { id }
  deferredItems { id status promisedBy suppliedOn item { code name } project { id } } } }`;
const SUPPLIED = `mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id status suppliedOn suppliedBy { id } } }`;
const OVERDUE = `mutation($input: MarkDeferredItemOverdueInput!) { markDeferredItemOverdue(input: $input) { id status overdueAt } }`;

async function enterpriseWithUser() {
  const enterprise = await createEnterprise(server, admin);
  const { user, token } = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  return { enterprise, user, token };
}

describe("negative list and admission", () => {
  test("the catalog holds the district's nine deferrable items", async () => {
    const res = await server.gql(`{ deferrableItems { code name active } }`, {}, cadre);
    expect(res.data.deferrableItems.map((i: any) => i.code)).toEqual([
      "ENVIRONMENTAL_IMPACT", "DESIGN_PLAN_REVIEW", "CONSTRUCTION_PERMIT", "FIRE_DESIGN_REVIEW", "CONSTRUCTION_DRAWING_REVIEW",
      "CONSTRUCTION_PLANNING_PERMIT", "ENERGY_REVIEW", "SOIL_WATER_CONSERVATION", "CIVIL_AIR_DEFENCE_REVIEW",
    ]);
    expect(res.data.deferrableItems[0].name).toBe("环境影响评价");
  });

  test("a project whose industry is on the list (by category prefix) is refused with NEGATIVE_LIST and the reason; nothing is written", async () => {
    const add = await server.gql(`mutation($input: NegativeListEntryInput!) { addNegativeListEntry(input: $input) { id industryCode reason } }`,
      { input: { industryCode: "C16", category: "烟草制品业", reason: "烟草制品业不适用承诺制准入" } }, admin);
    expect(add.errors).toBeUndefined();
    const dup = await server.gql(`mutation($input: NegativeListEntryInput!) { addNegativeListEntry(input: $input) { id } }`,
      { input: { industryCode: "C16", category: "x", reason: "y" } }, admin);
    expect(codeOf(dup)).toBe("CONFLICT");
    expect(codeOf(await server.gql(`mutation($input: NegativeListEntryInput!) { addNegativeListEntry(input: $input) { id } }`,
      { input: { industryCode: "C17", category: "x", reason: "y" } }, cadre))).toBe("FORBIDDEN");

    const { enterprise, token } = await enterpriseWithUser();
    const project = await createProject(server, admin, enterprise.id, { industry: "C1610" });
    const auditBefore = await server.app.services.dataSource.getRepository(AuditEntry).count();
    const res = await server.gql(APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-05-01" }] } }, token);
    expect(codeOf(res)).toBe("NEGATIVE_LIST");
    expect(res.errors![0].extensions!.reason).toBe("烟草制品业不适用承诺制准入");
    expect(res.errors![0].message).toContain("烟草制品业不适用承诺制准入");
    expect(await server.app.services.dataSource.getRepository(AuditEntry).count()).toBe(auditBefore);
    expect(await server.app.services.dataSource.getRepository(DeferredItem).countBy({ projectId: project.id })).toBe(0);
    const read = await server.gql(`query($id: ID!) { project(id: $id) { fastTrackStatus } }`, { id: project.id }, token);
    expect(read.data.project.fastTrackStatus).toBe("NOT_APPLIED");

    // 非禁即可: once the entry is removed the same project passes 承诺前审核 (APPLIED; admission follows the letter).
    const removed = await server.gql(`mutation($input: RemoveNegativeListEntryInput!) { removeNegativeListEntry(input: $input) { industryCode } }`, { input: { id: add.data.addNegativeListEntry.id } }, admin);
    expect(removed.data.removeNegativeListEntry.industryCode).toBe("C16");
    const again = await server.gql(APPLY, { input: { projectId: project.id } }, token);
    expect(again.data.applyFastTrack.fastTrackStatus).toBe("APPLIED");
    const entryAudit = await auditOf(server, admin, "NegativeListEntry", add.data.addNegativeListEntry.id);
    expect(entryAudit.map((a) => a.action).sort()).toEqual(["negativeList.add", "negativeList.remove"]);
  });

  test("an application leaves the project APPLIED, not admitted, creates PENDING deferred items, and is audited; a second application answers CONFLICT", async () => {
    // The credit seam (src/modules/credit/credit-gate.ts) returns no measure until the supervision
    // issue fills it: this is the normal path through it, not a test of CREDIT_RESTRICTED.
    const { enterprise, user, token } = await enterpriseWithUser();
    const project = await createProject(server, admin, enterprise.id);
    const res = await server.gql(APPLY, {
      input: { projectId: project.id, deferredItems: [
        { itemCode: "FIRE_DESIGN_REVIEW", promisedBy: "2026-06-30" },
        { itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-04-15" },
      ] },
    }, token);
    expect(res.errors).toBeUndefined();
    const applied = res.data.applyFastTrack;
    // an application is not an admission: that waits for both signatures on the letter
    expect(applied.fastTrackStatus).toBe("APPLIED");
    expect(applied.fastTrackAdmittedBy).toBeNull();
    expect(applied.fastTrackAdmittedAt).toBeNull();
    expect(applied.deferredItems.map((d: any) => [d.item.code, d.status, d.promisedBy])).toEqual([
      ["ENVIRONMENTAL_IMPACT", "PENDING", "2026-04-15"],
      ["FIRE_DESIGN_REVIEW", "PENDING", "2026-06-30"],
    ]);
    const audit = await auditOf(server, admin, "Project", project.id);
    expect(audit.map((a) => a.action).sort()).toEqual(["project.applyFastTrack", "project.create"]);
    const application = audit.find((a) => a.action === "project.applyFastTrack")!;
    expect(application.actor!.id).toBe(user.id);
    expect(application.before.fastTrackStatus).toBe("NOT_APPLIED");
    expect(application.after.fastTrackStatus).toBe("APPLIED");
    expect((await auditOf(server, admin, "DeferredItem", applied.deferredItems[0].id)).map((a) => a.action)).toEqual(["deferredItem.create"]);

    const second = await server.gql(APPLY, { input: { projectId: project.id } }, token);
    expect(codeOf(second)).toBe("CONFLICT");
    expect(second.errors![0].extensions!.status).toBe("APPLIED");
    const listed = await server.gql(`query($f: ProjectFilter) { projects(filter: $f) { edges { node { id } } } }`, { f: { fastTrackStatus: "APPLIED", enterpriseId: enterprise.id } }, cadre);
    expect(listed.data.projects.edges.map((e: any) => e.node.id)).toEqual([project.id]);
  });

  test("only a project that has not applied may apply: ADMITTED, SUSPENDED and EXITED answer CONFLICT saying why; nothing is written", async () => {
    const { enterprise, token } = await enterpriseWithUser();
    const { dataSource } = server.app.services;
    const why = { ADMITTED: /already admitted/, SUSPENDED: /stop-work order/, EXITED: /exited the fast track for good/ } as const;
    for (const [status, message] of Object.entries(why)) {
      const project = await makeProject(server, enterprise.id, { fastTrackStatus: status as Project["fastTrackStatus"] });
      const auditBefore = await dataSource.getRepository(AuditEntry).count();
      const res = await server.gql(APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-05-01" }] } }, token);
      expect({ status, code: codeOf(res) }).toEqual({ status, code: "CONFLICT" });
      expect(res.errors![0].message).toMatch(message);
      expect(res.errors![0].extensions!.status).toBe(status);
      expect((await dataSource.getRepository(Project).findOneByOrFail({ id: project.id })).fastTrackStatus).toBe(status);
      expect(await dataSource.getRepository(DeferredItem).countBy({ projectId: project.id })).toBe(0);
      expect(await dataSource.getRepository(AuditEntry).count()).toBe(auditBefore);
    }
  });

  test("two concurrent applications for one project: one application, one CONFLICT, deferred items created once", async () => {
    const { enterprise, token } = await enterpriseWithUser();
    const project = await createProject(server, admin, enterprise.id);
    const input = { projectId: project.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-05-01" }] };
    const results = await Promise.all([server.gql(APPLY, { input }, token), server.gql(APPLY, { input }, admin)]);
    expect(results.map((r) => (r.errors ? codeOf(r) : "OK")).sort()).toEqual(["CONFLICT", "OK"]);
    expect(await server.app.services.dataSource.getRepository(DeferredItem).countBy({ projectId: project.id })).toBe(1);
    expect((await auditOf(server, admin, "Project", project.id)).filter((a) => a.action === "project.applyFastTrack")).toHaveLength(1);
  });

  test("deferral input is checked: past dates, dates beyond DEFERRAL_MAX_DAYS, unknown, duplicate or inactive items; nothing written", async () => {
    const { enterprise, token } = await enterpriseWithUser();
    const project = await createProject(server, admin, enterprise.id);
    const cases: Array<[unknown[], string]> = [
      [[{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-03-01" }], "deferredItems.0.promisedBy"],
      [[{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-08-30" }], "deferredItems.0.promisedBy"], // 2026-03-02 + 180 = 2026-08-29
      [[{ itemCode: "NO_SUCH_ITEM", promisedBy: "2026-04-01" }], "deferredItems.0.itemCode"],
      [[{ itemCode: "ENERGY_REVIEW", promisedBy: "2026-04-01" }, { itemCode: "ENERGY_REVIEW", promisedBy: "2026-05-01" }], "deferredItems.1.itemCode"],
      [[{ itemCode: "bad code", promisedBy: "2026-04-01" }], "deferredItems.0.itemCode"],
    ];
    for (const [deferredItems, field] of cases) {
      const res = await server.gql(APPLY, { input: { projectId: project.id, deferredItems } }, token);
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
      expect(res.errors![0].extensions!.field).toBe(field);
    }
    const item = (await server.gql(`{ deferrableItems { id code } }`, {}, admin)).data.deferrableItems.find((i: any) => i.code === "SOIL_WATER_CONSERVATION");
    const off = await server.gql(`mutation($input: UpdateDeferrableItemInput!) { updateDeferrableItem(input: $input) { active } }`, { input: { id: item.id, active: false } }, admin);
    expect(off.data.updateDeferrableItem.active).toBe(false);
    const inactive = await server.gql(APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "SOIL_WATER_CONSERVATION", promisedBy: "2026-04-01" }] } }, token);
    expect(inactive.errors![0].extensions!.field).toBe("deferredItems.0.itemCode");
    expect((await server.gql(`query($id: ID!) { project(id: $id) { fastTrackStatus } }`, { id: project.id }, token)).data.project.fastTrackStatus).toBe("NOT_APPLIED");
    expect((await auditOf(server, admin, "Project", project.id)).map((a) => a.action)).toEqual(["project.create"]);
    await server.gql(`mutation($input: UpdateDeferrableItemInput!) { updateDeferrableItem(input: $input) { active } }`, { input: { id: item.id, active: true } }, admin);

    const atLimit = await server.gql(APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-08-29" }] } }, token);
    expect(atLimit.data.applyFastTrack.deferredItems[0].promisedBy).toBe("2026-08-29");
  });

  test("DEFERRAL_MAX_DAYS sets the limit (180 by default)", () => {
    expect(loadConfig({}).deferralMaxDays).toBe(180);
    expect(loadConfig({ DEFERRAL_MAX_DAYS: "90" }).deferralMaxDays).toBe(90);
    expect(() => loadConfig({ DEFERRAL_MAX_DAYS: "0" })).toThrow(/DEFERRAL_MAX_DAYS/);
    expect(server.config.deferralMaxDays).toBe(180);
  });

  test("the catalog is ADMIN-editable, with the approval kind each item stands in for", async () => {
    const res = await server.gql(`mutation($input: CreateDeferrableItemInput!) { createDeferrableItem(input: $input) { id code name active approvalKind } }`,
      { input: { code: "WATER_PERMIT", name: "取水许可", sortOrder: 99, approvalKind: "SOIL_WATER_CONSERVATION" } }, admin);
    const { id, ...created } = res.data.createDeferrableItem;
    expect(created).toEqual({ code: "WATER_PERMIT", name: "取水许可", active: true, approvalKind: "SOIL_WATER_CONSERVATION" });
    server.clock.advance(1000);
    const rebound = await server.gql(`mutation($input: UpdateDeferrableItemInput!) { updateDeferrableItem(input: $input) { approvalKind name } }`,
      { input: { id, approvalKind: "ENVIRONMENTAL_IMPACT" } }, admin);
    expect(rebound.data.updateDeferrableItem).toEqual({ approvalKind: "ENVIRONMENTAL_IMPACT", name: "取水许可" });
    server.clock.advance(1000);
    const unbound = await server.gql(`mutation($input: UpdateDeferrableItemInput!) { updateDeferrableItem(input: $input) { approvalKind } }`, { input: { id, approvalKind: null } }, admin);
    expect(unbound.data.updateDeferrableItem).toEqual({ approvalKind: null });
    const badKind = await server.gql(`mutation($input: UpdateDeferrableItemInput!) { updateDeferrableItem(input: $input) { approvalKind } }`, { input: { id, approvalKind: "NO_SUCH_KIND" } }, admin);
    expect(badKind.errors).toBeDefined();
    expect((await auditOf(server, admin, "DeferrableItem", id)).map((a) => [a.action, a.after.approvalKind])).toEqual([
      ["deferrableItem.create", "SOIL_WATER_CONSERVATION"], ["deferrableItem.update", "ENVIRONMENTAL_IMPACT"], ["deferrableItem.update", null],
    ]);
    expect(codeOf(await server.gql(`mutation($input: CreateDeferrableItemInput!) { createDeferrableItem(input: $input) { code } }`,
      { input: { code: "WATER_PERMIT2", name: "x" } }, cadre))).toBe("FORBIDDEN");
    const catalog = async () => (await server.gql(`{ deferrableItems { code } }`, {}, cadre)).data.deferrableItems.map((i: any) => i.code);
    expect(await catalog()).toContain("WATER_PERMIT");
    // Taken out of the catalog again (the catalog test here reads the district's nine).
    const off = await server.gql(`mutation($input: UpdateDeferrableItemInput!) { updateDeferrableItem(input: $input) { active } }`, { input: { id, active: false } }, admin);
    expect(off.data.updateDeferrableItem).toEqual({ active: false });
    expect(await catalog()).not.toContain("WATER_PERMIT");
  });

  test("only the project's own enterprise (or ADMIN) applies; another enterprise gets NOT_FOUND, a cadre FORBIDDEN", async () => {
    const a = await enterpriseWithUser();
    const b = await enterpriseWithUser();
    const project = await createProject(server, admin, a.enterprise.id);
    expect(codeOf(await server.gql(APPLY, { input: { projectId: project.id } }, b.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(APPLY, { input: { projectId: project.id } }, cadre))).toBe("FORBIDDEN");
    const byAdmin = await server.gql(APPLY, { input: { projectId: project.id } }, admin);
    expect(byAdmin.data.applyFastTrack.fastTrackStatus).toBe("APPLIED");
  });
});

describe("deferred-item lifecycle", () => {
  async function appliedProject(deferrals: Array<[string, string]>) {
    const { enterprise, token } = await enterpriseWithUser();
    const project = await createProject(server, admin, enterprise.id);
    const res = await server.gql(APPLY, { input: { projectId: project.id, deferredItems: deferrals.map(([itemCode, promisedBy]) => ({ itemCode, promisedBy })) } }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return { project, token, enterprise, items: res.data.applyFastTrack.deferredItems as Array<{ id: string; item: { code: string } }> };
  }

  test("PENDING -> SUPPLIED records the date and who recorded it; SUPPLIED is final", async () => {
    server.clock.set("2026-03-02T01:00:00.000Z");
    const { items, token, project } = await appliedProject([["ENVIRONMENTAL_IMPACT", "2026-04-01"]]);
    const { manager, member } = await teamOf(server, admin, project.id);
    const { user: officer, token: officerToken } = member;
    expect(codeOf(await server.gql(SUPPLIED, { input: { deferredItemId: items[0].id, attachmentIds: [await upload(server, token)] } }, token))).toBe("FORBIDDEN");
    // a cadre off the project's team: FORBIDDEN, nothing written
    const offTeam = await server.gql(SUPPLIED, { input: { deferredItemId: items[0].id, attachmentIds: [await upload(server, cadre)] } }, cadre);
    expect(codeOf(offTeam)).toBe("FORBIDDEN");
    expect(offTeam.errors![0].message).toContain("record this material as supplied");
    expect((await auditOf(server, admin, "DeferredItem", items[0].id)).map((a) => a.action)).toEqual(["deferredItem.create"]);
    expect(codeOf(await server.gql(SUPPLIED, { input: { deferredItemId: items[0].id, suppliedOn: "2026-03-03", attachmentIds: [await upload(server, officerToken)] } }, officerToken))).toBe("BAD_USER_INPUT");
    server.clock.advance(1000);
    const res = await server.gql(SUPPLIED, { input: { deferredItemId: items[0].id, suppliedOn: "2026-03-01", attachmentIds: [await upload(server, officerToken)] } }, officerToken);
    expect(res.data.recordDeferredItemSupplied).toEqual({ id: items[0].id, status: "SUPPLIED", suppliedOn: "2026-03-01", suppliedBy: { id: officer.id } });
    const again = await server.gql(SUPPLIED, { input: { deferredItemId: items[0].id, attachmentIds: [await upload(server, officerToken)] } }, officerToken);
    expect(codeOf(again)).toBe("INVALID_TRANSITION");
    // marking overdue by hand is the manager's (or ADMIN's), not a team member's
    expect(codeOf(await server.gql(OVERDUE, { input: { deferredItemId: items[0].id } }, officerToken))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(OVERDUE, { input: { deferredItemId: items[0].id } }, manager.token))).toBe("INVALID_TRANSITION");
    const audit = await auditOf(server, admin, "DeferredItem", items[0].id);
    expect(audit.map((a) => a.action)).toEqual(["deferredItem.create", "deferredItem.supplied"]);
    expect(audit[1].before.status).toBe("PENDING");
    expect(audit[1].after.status).toBe("SUPPLIED");
  });

  test("markDeferredItemOverdue: NOT_YET_DUE until the date passes, then OVERDUE once; a late supply is still recorded", async () => {
    server.clock.set("2026-03-02T01:00:00.000Z");
    const { items } = await appliedProject([["CONSTRUCTION_PERMIT", "2026-03-10"]]);
    const early = await server.gql(OVERDUE, { input: { deferredItemId: items[0].id } }, admin);
    expect(codeOf(early)).toBe("NOT_YET_DUE");
    server.clock.set("2026-03-10T15:00:00.000Z"); // 23:00 on the 10th in the district: still the promised day
    expect(codeOf(await server.gql(OVERDUE, { input: { deferredItemId: items[0].id } }, admin))).toBe("NOT_YET_DUE");
    server.clock.set("2026-03-10T16:30:00.000Z"); // 00:30 on the 11th in the district
    const res = await server.gql(OVERDUE, { input: { deferredItemId: items[0].id } }, admin);
    expect(res.data.markDeferredItemOverdue).toEqual({ id: items[0].id, status: "OVERDUE", overdueAt: "2026-03-10T16:30:00.000Z" });
    expect(codeOf(await server.gql(OVERDUE, { input: { deferredItemId: items[0].id } }, admin))).toBe("INVALID_TRANSITION");
    server.clock.advance(1000);
    const late = await server.gql(SUPPLIED, { input: { deferredItemId: items[0].id, attachmentIds: [await upload(server, admin)] } }, admin);
    expect(late.data.recordDeferredItemSupplied).toMatchObject({ status: "SUPPLIED", suppliedOn: "2026-03-11" });
    expect((await auditOf(server, admin, "DeferredItem", items[0].id)).map((a) => a.action)).toEqual(["deferredItem.create", "deferredItem.overdue", "deferredItem.supplied"]);
  });

  test("markOverdueDeferredItems (the sweep's entry) flips each passed PENDING item once, even when run twice at once", async () => {
    server.clock.set("2026-03-02T01:00:00.000Z");
    const { items } = await appliedProject([["ENERGY_REVIEW", "2026-03-05"], ["DESIGN_PLAN_REVIEW", "2026-03-20"], ["CIVIL_AIR_DEFENCE_REVIEW", "2026-03-06"]]);
    const supplied = items.find((i) => i.item.code === "CIVIL_AIR_DEFENCE_REVIEW")!;
    await server.gql(SUPPLIED, { input: { deferredItemId: supplied.id, attachmentIds: [await upload(server, admin)] } }, admin);
    const now = new Date("2026-03-08T02:00:00.000Z");
    const ctx = RequestContext.system(server.app.services);
    const [first, second] = await Promise.all([markOverdueDeferredItems(ctx, now), markOverdueDeferredItems(ctx, now)]);
    const flipped = [...first, ...second].filter((d) => items.some((i) => i.id === d.id));
    const energy = items.find((i) => i.item.code === "ENERGY_REVIEW")!;
    expect(flipped.map((d) => d.id)).toEqual([energy.id]);
    const rows = await server.app.services.dataSource.getRepository(DeferredItem).findBy({ projectId: flipped[0].projectId });
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [energy.id]: "OVERDUE",
      [items.find((i) => i.item.code === "DESIGN_PLAN_REVIEW")!.id]: "PENDING",
      [supplied.id]: "SUPPLIED",
    });
    const audit = await auditOf(server, admin, "DeferredItem", energy.id);
    expect(audit.filter((a) => a.action === "deferredItem.overdue")).toHaveLength(1);
    expect(audit.find((a) => a.action === "deferredItem.overdue")!.actor).toBeNull();
    expect(await markOverdueDeferredItems(ctx, now)).toEqual([]);
  });

  test("enterprise isolation: another enterprise's deferred item answers NOT_FOUND; nested items follow the project", async () => {
    server.clock.set("2026-03-02T01:00:00.000Z");
    const mine = await appliedProject([["ENVIRONMENTAL_IMPACT", "2026-04-01"]]);
    const theirs = await appliedProject([["ENVIRONMENTAL_IMPACT", "2026-04-01"]]);
    expect(codeOf(await server.gql(`query($id: ID!) { deferredItem(id: $id) { id } }`, { id: theirs.items[0].id }, mine.token))).toBe("NOT_FOUND");
    const own = await server.gql(`query($id: ID!) { deferredItem(id: $id) { id project { id enterprise { id } } } }`, { id: mine.items[0].id }, mine.token);
    expect(own.data.deferredItem.project.enterprise.id).toBe(mine.enterprise.id);
    const nested = await server.gql(`{ projects { edges { node { id deferredItems { id } } } } }`, {}, mine.token);
    expect(nested.data.projects.edges).toEqual([{ node: { id: mine.project.id, deferredItems: [{ id: mine.items[0].id }] } }]);
    const listed = await server.gql(`{ deferredItems(first: 100) { totalCount edges { node { id } } } }`, {}, mine.token);
    expect(listed.data.deferredItems.edges.map((e: any) => e.node.id)).toEqual([mine.items[0].id]);
  });

  test("deferredItems lists across projects by promised date, filtered by status and date, with cursors", async () => {
    server.clock.set("2026-03-02T01:00:00.000Z");
    const { project, items } = await appliedProject([["ENERGY_REVIEW", "2026-05-03"], ["DESIGN_PLAN_REVIEW", "2026-05-01"], ["CONSTRUCTION_PERMIT", "2026-05-02"], ["FIRE_DESIGN_REVIEW", "2026-07-01"]]);
    const q = `query($f: DeferredItemFilter, $after: String) { deferredItems(first: 2, after: $after, filter: $f) { totalCount pageInfo { hasNextPage endCursor } edges { node { promisedBy item { code } } } } }`;
    const f = { projectId: project.id, status: "PENDING", promisedBefore: "2026-06-01" };
    const first = await server.gql(q, { f }, cadre);
    expect(first.data.deferredItems.totalCount).toBe(3);
    const second = await server.gql(q, { f, after: first.data.deferredItems.pageInfo.endCursor }, cadre);
    const dates = [...first.data.deferredItems.edges, ...second.data.deferredItems.edges].map((e: any) => e.node.promisedBy);
    expect(dates).toEqual(["2026-05-01", "2026-05-02", "2026-05-03"]);
    expect(second.data.deferredItems.pageInfo.hasNextPage).toBe(false);
    await server.gql(SUPPLIED, { input: { deferredItemId: items.find((i) => i.item.code === "ENERGY_REVIEW")!.id, attachmentIds: [await upload(server, admin)] } }, admin);
    const supplied = await server.gql(q, { f: { projectId: project.id, status: "SUPPLIED" } }, cadre);
    expect(supplied.data.deferredItems.edges.map((e: any) => e.node.item.code)).toEqual(["ENERGY_REVIEW"]);
  });
});
