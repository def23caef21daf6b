import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { CommitmentClause, CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { In } from "typeorm";
import { Project } from "../../src/modules/projects/project.entity";
import { makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { auditOf, createEnterprise, createProject } from "./fixtures";
import { upload } from "../support/uploads";

let server: TestServer;
let admin: string;
let adminId: string;
let cadre: string;
beforeAll(async () => {
  server = await startTestServer();
  const a = await server.user("ADMIN");
  admin = a.token;
  adminId = a.user.id;
  cadre = (await server.user("CADRE")).token;
});
afterAll(() => server?.stop());

const LETTER = `id version status amendsId enterpriseSignedAt governmentSignedAt signedAt
  draftedBy { id } enterpriseSignedBy { id } governmentSignedBy { id }
  clauses { id party templateCode title text dueOn fulfilmentStatus fulfilledOn deferredItem { id item { code } } }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { ${LETTER} } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { ${LETTER} } }`;
const AMEND = `mutation($input: AmendCommitmentLetterInput!) { amendCommitmentLetter(input: $input) { ${LETTER} } }`;
const UPDATE_CLAUSE = `mutation($input: UpdateCommitmentClauseInput!) { updateCommitmentClause(input: $input) { id dueOn text } }`;

/** A project that applied for the fast track (APPLIED: its letter is drafted next, and both signatures admit it). */
async function applied() {
  server.clock.set("2026-03-02T01:00:00.000Z");
  const enterprise = await createEnterprise(server, admin);
  const { user, token } = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const project = await createProject(server, admin, enterprise.id, { name: "聚芯源二期" });
  const res = await server.gql(`mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { deferredItems { id promisedBy item { code } } } }`, {
    input: { projectId: project.id, deferredItems: [
      { itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-04-30" },
      { itemCode: "FIRE_DESIGN_REVIEW", promisedBy: "2026-05-31" },
      { itemCode: "CONSTRUCTION_PERMIT", promisedBy: "2026-06-30" },
    ] },
  }, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  server.clock.advance(1000);
  return { enterprise, user, token, project, deferred: res.data.applyFastTrack.deferredItems as Array<{ id: string; item: { code: string } }> };
}

describe("two-way commitment letter", () => {
  test("drafting builds enterprise clauses from the deferred items (their promised dates) and government clauses with dates", async () => {
    const { project, deferred } = await applied();
    const res = await server.gql(DRAFT, { input: { projectId: project.id, dueDates: [{ templateCode: "GOV_SERVICE_TEAM", dueOn: "2026-03-05" }] } }, admin);
    expect(res.errors).toBeUndefined();
    const letter = res.data.draftCommitmentLetter;
    expect(letter).toMatchObject({ version: 1, status: "DRAFT", amendsId: null, draftedBy: { id: adminId }, signedAt: null });
    const enterprise = letter.clauses.filter((c: any) => c.party === "ENTERPRISE");
    expect(enterprise.map((c: any) => [c.templateCode, c.dueOn, c.deferredItem.item.code, c.fulfilmentStatus])).toEqual([
      ["ENT_EIA", "2026-04-30", "ENVIRONMENTAL_IMPACT", "PENDING"],
      ["ENT_FIRE_DESIGN", "2026-05-31", "FIRE_DESIGN_REVIEW", "PENDING"],
      ["ENT_CONSTRUCTION_PERMIT", "2026-06-30", "CONSTRUCTION_PERMIT", "PENDING"],
    ]);
    expect(enterprise[0].deferredItem.id).toBe(deferred.find((d) => d.item.code === "ENVIRONMENTAL_IMPACT")!.id);
    expect(enterprise[0].text).toContain("2026-04-30");
    expect(enterprise[0].text).toContain("聚芯源二期");
    const government = letter.clauses.filter((c: any) => c.party === "GOVERNMENT");
    expect(government.map((c: any) => [c.templateCode, c.dueOn])).toEqual([
      ["GOV_SERVICE_TEAM", "2026-03-05"],
      ["GOV_EMERGENCY_RESPONSE", "2027-03-02"],
      ["GOV_PARALLEL_APPROVAL", "2026-04-01"],
      ["GOV_NO_ADDED_ITEMS", "2027-03-02"],
    ]);
    expect(government[1].text).toContain("急诊");

    const again = await server.gql(DRAFT, { input: { projectId: project.id } }, admin);
    expect(codeOf(again)).toBe("CONFLICT");
    const audit = await auditOf(server, admin, "CommitmentLetter", letter.id);
    expect(audit.map((a) => a.action)).toEqual(["commitmentLetter.draft"]);
    expect(audit[0].after.clauses).toHaveLength(7);
    // the entry names each clause by its stored id
    const byId = (clauses: any[]) => clauses.map((c) => [c.id, c.templateCode]).sort();
    expect(byId(audit[0].after.clauses)).toEqual(byId(letter.clauses));
  });

  test("a project that has not applied gets no letter, nor one already admitted; an override for a missing clause is BAD_USER_INPUT", async () => {
    const enterprise = await createEnterprise(server, admin);
    const project = await createProject(server, admin, enterprise.id);
    const notApplied = await server.gql(DRAFT, { input: { projectId: project.id } }, admin);
    expect(codeOf(notApplied)).toBe("CONFLICT");
    expect(notApplied.errors![0].message).toContain("not APPLIED");
    const admittedWithoutLetter = await makeProject(server, enterprise.id, { fastTrackStatus: "ADMITTED" });
    expect(codeOf(await server.gql(DRAFT, { input: { projectId: admittedWithoutLetter.id } }, admin))).toBe("CONFLICT");
    expect(await server.app.services.dataSource.getRepository(CommitmentLetter).countBy({ projectId: In([project.id, admittedWithoutLetter.id]) })).toBe(0);
    const { project: p2 } = await applied();
    const bad = await server.gql(DRAFT, { input: { projectId: p2.id, dueDates: [{ templateCode: "ENT_ENERGY_REVIEW", dueOn: "2026-04-01" }] } }, admin);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(bad.errors![0].extensions!.field).toBe("dueDates.0.templateCode");
    expect(await server.app.services.dataSource.getRepository(CommitmentLetter).countBy({ projectId: p2.id })).toBe(0);
    expect(codeOf(await server.gql(DRAFT, { input: { projectId: p2.id } }, cadre))).toBe("FORBIDDEN");
  });

  test("the project's manager (项目经理人) may sign the government side; another cadre may not", async () => {
    const { project } = await applied();
    const letter = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin)).data.draftCommitmentLetter;
    const manager = await server.user("CADRE");
    const assigned = await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId: project.id, cadreId: manager.user.id } }, admin);
    expect(assigned.errors).toBeUndefined();
    const refused = await server.gql(SIGN, { input: { letterId: letter.id } }, cadre);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0].message).toContain("sign this letter for the government");
    expect(await server.app.services.dataSource.getRepository(CommitmentLetter).findOneByOrFail({ id: letter.id })).toMatchObject({ governmentSignedAt: null, governmentSignedById: null });
    expect((await auditOf(server, admin, "CommitmentLetter", letter.id)).map((a) => a.action)).toEqual(["commitmentLetter.draft"]);
    const signed = await server.gql(SIGN, { input: { letterId: letter.id } }, manager.token);
    expect(signed.errors).toBeUndefined();
    expect(signed.data.signCommitmentLetter.governmentSignedBy).toEqual({ id: manager.user.id });
  });

  test("both parties sign: the enterprise's user for its side, ADMIN for the government; who and when are recorded; the second signature admits the project", async () => {
    const { project, user, token } = await applied();
    const letter = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin)).data.draftCommitmentLetter;
    const stranger = await server.user("ENTERPRISE", { enterpriseId: (await createEnterprise(server, admin)).id });
    expect(codeOf(await server.gql(SIGN, { input: { letterId: letter.id } }, stranger.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(SIGN, { input: { letterId: letter.id } }, cadre))).toBe("FORBIDDEN");

    server.clock.set("2026-03-03T02:00:00.000Z");
    const first = await server.gql(SIGN, { input: { letterId: letter.id } }, token);
    expect(first.data.signCommitmentLetter).toMatchObject({
      status: "DRAFT", enterpriseSignedAt: "2026-03-03T02:00:00.000Z", enterpriseSignedBy: { id: user.id }, governmentSignedAt: null, signedAt: null,
    });
    expect(codeOf(await server.gql(SIGN, { input: { letterId: letter.id } }, token))).toBe("CONFLICT");
    const status = async () => server.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: project.id });
    expect(await status()).toMatchObject({ fastTrackStatus: "APPLIED", fastTrackAdmittedAt: null, fastTrackAdmittedById: null });

    server.clock.set("2026-03-04T03:00:00.000Z");
    const second = await server.gql(SIGN, { input: { letterId: letter.id } }, admin);
    expect(second.data.signCommitmentLetter).toMatchObject({
      status: "SIGNED", governmentSignedAt: "2026-03-04T03:00:00.000Z", governmentSignedBy: { id: adminId }, signedAt: "2026-03-04T03:00:00.000Z",
      enterpriseSignedBy: { id: user.id },
    });
    const audit = await auditOf(server, admin, "CommitmentLetter", letter.id);
    expect(audit.map((a) => a.action)).toEqual(["commitmentLetter.draft", "commitmentLetter.signEnterprise", "commitmentLetter.signGovernment"]);
    expect(audit[1].actor!.id).toBe(user.id);
    expect(audit[2].after.status).toBe("SIGNED");
    const current = await server.gql(`query($id: ID!) { project(id: $id) { commitmentLetter { id status } } }`, { id: project.id }, token);
    expect(current.data.project.commitmentLetter).toEqual({ id: letter.id, status: "SIGNED" });
    expect(await status()).toMatchObject({ fastTrackStatus: "ADMITTED", fastTrackAdmittedAt: new Date("2026-03-04T03:00:00.000Z"), fastTrackAdmittedById: adminId });
    const admission = (await auditOf(server, admin, "Project", project.id)).find((a) => a.action === "project.admitFastTrack")!;
    expect(admission).toMatchObject({ actor: { id: adminId }, before: { fastTrackStatus: "APPLIED" }, after: { fastTrackStatus: "ADMITTED", letterId: letter.id } });
  });

  test("both sides signing at the same moment leave one SIGNED letter with both signatures", async () => {
    const { project, token } = await applied();
    const letter = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin)).data.draftCommitmentLetter;
    const results = await Promise.all([server.gql(SIGN, { input: { letterId: letter.id } }, token), server.gql(SIGN, { input: { letterId: letter.id } }, admin)]);
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    const row = await server.app.services.dataSource.getRepository(CommitmentLetter).findOneByOrFail({ id: letter.id });
    expect(row.status).toBe("SIGNED");
    expect(row.enterpriseSignedAt).not.toBeNull();
    expect(row.governmentSignedAt).not.toBeNull();
    expect(row.signedAt).not.toBeNull();
    const admitted = await server.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: project.id });
    expect(admitted.fastTrackStatus).toBe("ADMITTED");
    expect([row.enterpriseSignedById, row.governmentSignedById]).toContain(admitted.fastTrackAdmittedById);
    expect((await auditOf(server, admin, "Project", project.id)).filter((a) => a.action === "project.admitFastTrack")).toHaveLength(1);
  });

  test("a draft is edited until someone signs; a signed letter is immutable (CONFLICT) and nothing is written", async () => {
    const { project, token } = await applied();
    const letter = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin)).data.draftCommitmentLetter;
    const clause = letter.clauses[0];
    const edit = await server.gql(UPDATE_CLAUSE, { input: { clauseId: clause.id, dueOn: "2026-04-20", text: "企业承诺于2026-04-20前取得环评批复。" } }, admin);
    expect(edit.data.updateCommitmentClause).toEqual({ id: clause.id, dueOn: "2026-04-20", text: "企业承诺于2026-04-20前取得环评批复。" });
    await server.gql(SIGN, { input: { letterId: letter.id } }, token);
    expect(codeOf(await server.gql(UPDATE_CLAUSE, { input: { clauseId: clause.id, dueOn: "2026-04-25" } }, admin))).toBe("CONFLICT");
    await server.gql(SIGN, { input: { letterId: letter.id } }, admin);
    const auditCount = (await auditOf(server, admin, "CommitmentClause", clause.id)).length;
    const refused = await server.gql(UPDATE_CLAUSE, { input: { clauseId: clause.id, text: "改写" } }, admin);
    expect(codeOf(refused)).toBe("CONFLICT");
    expect(codeOf(await server.gql(SIGN, { input: { letterId: letter.id } }, admin))).toBe("CONFLICT");
    const row = await server.app.services.dataSource.getRepository(CommitmentClause).findOneByOrFail({ id: clause.id });
    expect(row.dueOn).toBe("2026-04-20");
    expect(row.text).toBe("企业承诺于2026-04-20前取得环评批复。");
    expect((await auditOf(server, admin, "CommitmentClause", clause.id)).length).toBe(auditCount);
  });

  test("an amendment is a new version; the signed one stays readable and binding until the amendment is signed", async () => {
    const { project, token } = await applied();
    const v1 = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin)).data.draftCommitmentLetter;
    expect(codeOf(await server.gql(AMEND, { input: { letterId: v1.id } }, admin))).toBe("CONFLICT"); // a draft is edited, not amended
    await server.gql(SIGN, { input: { letterId: v1.id } }, token);
    await server.gql(SIGN, { input: { letterId: v1.id } }, admin);
    server.clock.advance(1000);
    const res = await server.gql(AMEND, { input: { letterId: v1.id, dueDates: [{ templateCode: "ENT_FIRE_DESIGN", dueOn: "2026-07-15" }] } }, admin);
    expect(res.errors).toBeUndefined();
    const v2 = res.data.amendCommitmentLetter;
    expect(v2).toMatchObject({ version: 2, status: "DRAFT", amendsId: v1.id, enterpriseSignedAt: null });
    const fire = v2.clauses.find((c: any) => c.templateCode === "ENT_FIRE_DESIGN");
    expect(fire.dueOn).toBe("2026-07-15");
    expect(fire.text).toContain("2026-07-15");
    expect(v2.clauses).toHaveLength(v1.clauses.length);

    const versions = await server.gql(`query($id: ID!) { project(id: $id) { commitmentLetters { version status clauses { templateCode dueOn } } commitmentLetter { version } } }`, { id: project.id }, token);
    const [old, amended] = versions.data.project.commitmentLetters;
    expect([old.version, old.status, amended.version, amended.status]).toEqual([1, "SIGNED", 2, "DRAFT"]);
    expect(old.clauses.find((c: any) => c.templateCode === "ENT_FIRE_DESIGN").dueOn).toBe("2026-05-31");
    expect(versions.data.project.commitmentLetter.version).toBe(1);
    expect(codeOf(await server.gql(AMEND, { input: { letterId: v1.id } }, admin))).toBe("CONFLICT"); // v1 is no longer the latest

    await server.gql(SIGN, { input: { letterId: v2.id } }, token);
    await server.gql(SIGN, { input: { letterId: v2.id } }, admin);
    const after = await server.gql(`query($id: ID!) { project(id: $id) { commitmentLetter { version } } commitmentLetter(id: "${v1.id}") { status version } }`, { id: project.id }, token);
    expect(after.data.project.commitmentLetter.version).toBe(2);
    expect(after.data.commitmentLetter).toEqual({ status: "SIGNED", version: 1 });
  });

  test("only the latest signed letter of an ADMITTED project is amended: a suspended project's or a terminated letter answers CONFLICT, writing nothing", async () => {
    const { project, token } = await applied();
    const v1 = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin)).data.draftCommitmentLetter;
    await server.gql(SIGN, { input: { letterId: v1.id } }, token);
    await server.gql(SIGN, { input: { letterId: v1.id } }, admin);
    const { dataSource } = server.app.services;
    const letters = () => dataSource.getRepository(CommitmentLetter).countBy({ projectId: project.id });
    await dataSource.getRepository(Project).update({ id: project.id }, { fastTrackStatus: "SUSPENDED" });
    const suspended = await server.gql(AMEND, { input: { letterId: v1.id } }, admin);
    expect(codeOf(suspended)).toBe("CONFLICT");
    expect(suspended.errors![0].message).toContain("SUSPENDED");
    await dataSource.getRepository(Project).update({ id: project.id }, { fastTrackStatus: "ADMITTED" });
    await dataSource.getRepository(CommitmentLetter).update({ id: v1.id }, { status: "TERMINATED" });
    const terminated = await server.gql(AMEND, { input: { letterId: v1.id } }, admin);
    expect(codeOf(terminated)).toBe("CONFLICT");
    expect(terminated.errors![0].message).toContain("TERMINATED");
    const signTerminated = await server.gql(SIGN, { input: { letterId: v1.id } }, admin);
    expect(codeOf(signTerminated)).toBe("CONFLICT");
    expect(await letters()).toBe(1);
    expect((await auditOf(server, admin, "CommitmentLetter", v1.id)).map((a) => a.action).sort()).toEqual(["commitmentLetter.draft", "commitmentLetter.signEnterprise", "commitmentLetter.signGovernment"]);
  });

  test("clause fulfilment: linked enterprise clauses follow their deferred item; others are recorded on a signed letter only", async () => {
    const { project, token, deferred } = await applied();
    const letter = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin)).data.draftCommitmentLetter;
    const permit = letter.clauses.find((c: any) => c.templateCode === "ENT_CONSTRUCTION_PERMIT");
    const FULFIL = `mutation($input: RecordClauseFulfilmentInput!) { recordClauseFulfilment(input: $input) { id fulfilmentStatus fulfilledOn } }`;
    expect(codeOf(await server.gql(FULFIL, { input: { clauseId: permit.id, fulfilled: true } }, admin))).toBe("CONFLICT");
    await server.gql(SIGN, { input: { letterId: letter.id } }, token);
    await server.gql(SIGN, { input: { letterId: letter.id } }, admin);
    const kept = await server.gql(FULFIL, { input: { clauseId: permit.id, fulfilled: true, fulfilledOn: "2026-03-02" } }, admin);
    expect(kept.data.recordClauseFulfilment).toEqual({ id: permit.id, fulfilmentStatus: "FULFILLED", fulfilledOn: "2026-03-02" });
    expect(codeOf(await server.gql(FULFIL, { input: { clauseId: permit.id, fulfilled: false } }, admin))).toBe("INVALID_TRANSITION");
    // the seeded government clauses are judged by their rules (test/supervision/government-clauses.test.ts)
    const gov = letter.clauses.find((c: any) => c.templateCode === "GOV_SERVICE_TEAM");
    const ruled = await server.gql(FULFIL, { input: { clauseId: gov.id, fulfilled: true, fulfilledOn: "2026-03-02" } }, admin);
    expect(ruled.errors![0].extensions).toMatchObject({ code: "CONFLICT", rule: "SERVICE_TEAM_IN_PLACE" });

    const eia = deferred.find((d) => d.item.code === "ENVIRONMENTAL_IMPACT")!;
    await server.gql(`mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id } }`, { input: { deferredItemId: eia.id, attachmentIds: [await upload(server, admin)] } }, admin);
    server.clock.set("2026-06-01T02:00:00.000Z"); // the fire design (due 2026-05-31) has passed unsupplied
    const fire = deferred.find((d) => d.item.code === "FIRE_DESIGN_REVIEW")!;
    await server.gql(`mutation($input: MarkDeferredItemOverdueInput!) { markDeferredItemOverdue(input: $input) { id } }`, { input: { deferredItemId: fire.id } }, admin);
    const read = await server.gql(`query($id: ID!) { commitmentLetter(id: $id) { clauses { templateCode fulfilmentStatus fulfilledOn } } }`, { id: letter.id }, token);
    const status = Object.fromEntries(read.data.commitmentLetter.clauses.map((c: any) => [c.templateCode, [c.fulfilmentStatus, c.fulfilledOn]]));
    expect(status.ENT_EIA).toEqual(["FULFILLED", "2026-03-02"]);
    expect(status.ENT_FIRE_DESIGN).toEqual(["BREACHED", null]);
    expect(status.ENT_CONSTRUCTION_PERMIT).toEqual(["FULFILLED", "2026-03-02"]);
    expect(status.GOV_SERVICE_TEAM).toEqual(["PENDING", null]);
  });

  test("enterprise isolation: another enterprise's letter answers NOT_FOUND, by id and nested", async () => {
    const mine = await applied();
    const theirs = await applied();
    const letter = (await server.gql(DRAFT, { input: { projectId: theirs.project.id } }, admin)).data.draftCommitmentLetter;
    expect(codeOf(await server.gql(`query($id: ID!) { commitmentLetter(id: $id) { id } }`, { id: letter.id }, mine.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(UPDATE_CLAUSE, { input: { clauseId: letter.clauses[0].id, text: "x" } }, mine.token))).toBe("FORBIDDEN");
    const own = await server.gql(`{ projects { edges { node { id commitmentLetters { id } } } } }`, {}, mine.token);
    expect(own.data.projects.edges).toEqual([{ node: { id: mine.project.id, commitmentLetters: [] } }]);
    const viaTheirs = await server.gql(`query($id: ID!) { project(id: $id) { commitmentLetters { id } } }`, { id: theirs.project.id }, mine.token);
    expect(codeOf(viaTheirs)).toBe("NOT_FOUND");
  });

  test("clause templates are ADMIN-managed", async () => {
    const res = await server.gql(`mutation($input: CreateClauseTemplateInput!) { createClauseTemplate(input: $input) { id code party dueDays active } }`,
      { input: { code: "GOV_WATER_POWER", party: "GOVERNMENT", title: "水电保障", body: "政府承诺于{dueOn}前保障{project}施工水电。", dueDays: 3 } }, admin);
    const { id, ...created } = res.data.createClauseTemplate;
    expect(created).toEqual({ code: "GOV_WATER_POWER", party: "GOVERNMENT", dueDays: 3, active: true });
    // An active template goes into every letter drafted from now on: the other tests here draft with the seeded ones.
    onTestFinished(async () => {
      const off = await server.gql(`mutation($input: UpdateClauseTemplateInput!) { updateClauseTemplate(input: $input) { active } }`, { input: { id, active: false } }, admin);
      expect(off.data.updateClauseTemplate).toEqual({ active: false });
    });
    const bad = await server.gql(`mutation($input: CreateClauseTemplateInput!) { createClauseTemplate(input: $input) { code } }`,
      { input: { code: "GOV_X", party: "GOVERNMENT", title: "x", body: "x", deferrableItemCode: "ENERGY_REVIEW" } }, admin);
    expect(bad.errors![0].extensions!.field).toBe("deferrableItemCode");
    expect(codeOf(await server.gql(`mutation($input: CreateClauseTemplateInput!) { createClauseTemplate(input: $input) { code } }`,
      { input: { code: "GOV_Y", party: "GOVERNMENT", title: "x", body: "x" } }, cadre))).toBe("FORBIDDEN");
    const list = await server.gql(`{ clauseTemplates { code party } }`, {}, cadre);
    expect(list.data.clauseTemplates.map((t: any) => t.code)).toContain("GOV_WATER_POWER");
  });
});
