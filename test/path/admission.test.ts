import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { In } from "typeorm";
import { AuditEntry } from "../../src/core/audit";
import { CommitmentClause, CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { DeferredItem } from "../../src/modules/fast-track/deferred-item.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { auditOf, createEnterprise, createProject } from "../projects/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { upload } from "../support/uploads";

/**
 * 承诺准入, admission by commitment, the first gate of the governed path: applyFastTrack checks the
 * negative list and credit (承诺前审核) and leaves the project APPLIED; the letter is drafted from the
 * clause templates; the second signature admits the project (ADMITTED, who and when). An application
 * withdrawn by the enterprise or refused by the reform office returns the project to NOT_APPLIED
 * (the draft WITHDRAWN, the materials not yet supplied dropped), and it may apply again.
 */
let server: TestServer;
let admin: string;
let adminId: string;
beforeAll(async () => {
  server = await startTestServer();
  const a = await server.user("ADMIN");
  admin = a.token;
  adminId = a.user.id;
});
afterAll(() => server?.stop());
beforeEach(() => server.clock.set("2026-03-02T01:00:00.000Z"));

const PROJECT = `id fastTrackStatus fastTrackAdmittedAt fastTrackAdmittedBy { id } deferredItems { id status item { code } }
  commitmentLetters { id version status amendsId } commitmentLetter { id version }`;
const APPLY = `mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { ${PROJECT} } }`;
const WITHDRAW = `mutation($input: WithdrawFastTrackApplicationInput!) { withdrawFastTrackApplication(input: $input) { ${PROJECT} } }`;
const REFUSE = `mutation($input: RefuseFastTrackApplicationInput!) { refuseFastTrackApplication(input: $input) { ${PROJECT} } }`;
const READ = `query($id: ID!) { project(id: $id) { ${PROJECT} } }`;
const LETTER = `id version status amendsId signedAt clauses { templateCode fulfilmentStatus deferredItem { id } }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { ${LETTER} } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { ${LETTER} } }`;
const SUPPLIED = `mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id status } }`;
const START = `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id constructionStartOn startedOnCommitment } }`;

/** A project of a fresh enterprise, registered by ADMIN (NOT_APPLIED), with a user of that enterprise. */
async function newProject() {
  const enterprise = await createEnterprise(server, admin);
  const { user, token } = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const project = await createProject(server, admin, enterprise.id, { name: "承诺准入项目" });
  return { enterprise, user, token, project };
}

/** Applies as the enterprise with two deferred materials (each has a clause template). */
async function apply(projectId: string, token: string) {
  const res = await server.gql(APPLY, { input: { projectId, deferredItems: [
    { itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-04-30" },
    { itemCode: "FIRE_DESIGN_REVIEW", promisedBy: "2026-05-31" },
  ] } }, token);
  expect(res.errors).toBeUndefined();
  return res.data.applyFastTrack;
}

async function must(query: string, variables: Record<string, unknown>, token: string) {
  const res = await server.gql(query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

/**
 * The rows a step of this gate may touch: the project, its letters and their clauses, its deferred
 * items, and the whole audit trail's size. A refusal leaves them exactly as they were.
 */
async function rowsOf(projectId: string): Promise<string> {
  const { dataSource } = server.app.services;
  const letters = await dataSource.getRepository(CommitmentLetter).find({ where: { projectId }, order: { version: "ASC" } });
  const clauses = letters.length ? await dataSource.getRepository(CommitmentClause).find({ where: { letterId: In(letters.map((l) => l.id)) }, order: { id: "ASC" } }) : [];
  return JSON.stringify({
    project: await dataSource.getRepository(Project).findOneByOrFail({ id: projectId }),
    letters,
    clauses,
    deferred: await dataSource.getRepository(DeferredItem).find({ where: { projectId }, order: { id: "ASC" } }),
    audit: await dataSource.getRepository(AuditEntry).count(),
  });
}

/** Calls `query` expecting `code`, and that nothing of the project changed. */
async function refused(projectId: string, query: string, variables: Record<string, unknown>, token: string, code: string) {
  server.clock.advance(1000); // a write stamped now would differ from the rows before
  const before = await rowsOf(projectId);
  const res = await server.gql(query, variables, token);
  expect(codeOf(res)).toBe(code);
  expect(await rowsOf(projectId)).toEqual(before);
  return res.errors![0];
}

const fastTrack = async (projectId: string) => server.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: projectId });

describe("承诺准入: admitted only when both parties have signed", () => {
  test("apply -> APPLIED (not admitted, no start on commitment); draft; the enterprise signs (still APPLIED); the government signs -> ADMITTED, by whom and when", async () => {
    const { user, token, project } = await newProject();
    const applied = await apply(project.id, token);
    expect(applied).toMatchObject({ fastTrackStatus: "APPLIED", fastTrackAdmittedAt: null, fastTrackAdmittedBy: null, commitmentLetters: [], commitmentLetter: null });
    expect(applied.deferredItems.map((d: any) => [d.item.code, d.status])).toEqual([["ENVIRONMENTAL_IMPACT", "PENDING"], ["FIRE_DESIGN_REVIEW", "PENDING"]]);
    const application = (await auditOf(server, admin, "Project", project.id)).find((a) => a.action === "project.applyFastTrack")!;
    expect(application).toMatchObject({ actor: { id: user.id }, before: { fastTrackStatus: "NOT_APPLIED" }, after: { fastTrackStatus: "APPLIED" } });

    // an application is not an admission: construction cannot start on it
    const notYet = await refused(project.id, START, { input: { projectId: project.id, milestone: "CONSTRUCTION_START" } }, token, "START_NOT_PERMITTED");
    expect(notYet.extensions!.commitment).toContain("FAST_TRACK_ADMISSION");

    const letter = (await must(DRAFT, { input: { projectId: project.id } }, admin)).draftCommitmentLetter;
    expect(letter).toMatchObject({ version: 1, status: "DRAFT", amendsId: null });

    server.clock.set("2026-03-03T02:00:00.000Z");
    const half = (await must(SIGN, { input: { letterId: letter.id } }, token)).signCommitmentLetter;
    expect(half.status).toBe("DRAFT");
    expect(await fastTrack(project.id)).toMatchObject({ fastTrackStatus: "APPLIED", fastTrackAdmittedAt: null, fastTrackAdmittedById: null });
    await refused(project.id, START, { input: { projectId: project.id, milestone: "CONSTRUCTION_START" } }, token, "START_NOT_PERMITTED");

    server.clock.set("2026-03-04T03:00:00.000Z");
    const signed = (await must(SIGN, { input: { letterId: letter.id } }, admin)).signCommitmentLetter;
    expect(signed).toMatchObject({ status: "SIGNED", signedAt: "2026-03-04T03:00:00.000Z" });
    const admitted = (await must(READ, { id: project.id }, token)).project;
    expect(admitted).toMatchObject({
      fastTrackStatus: "ADMITTED", fastTrackAdmittedAt: "2026-03-04T03:00:00.000Z", fastTrackAdmittedBy: { id: adminId },
      commitmentLetter: { id: letter.id, version: 1 },
    });
    const admission = (await auditOf(server, admin, "Project", project.id)).filter((a) => a.action === "project.admitFastTrack");
    expect(admission).toHaveLength(1);
    expect(admission[0]).toMatchObject({ actor: { id: adminId }, at: "2026-03-04T03:00:00.000Z", before: { fastTrackStatus: "APPLIED" }, after: { fastTrackStatus: "ADMITTED", letterId: letter.id } });

    // admitted with the letter signed: construction may start on commitment
    const started = (await must(START, { input: { projectId: project.id, milestone: "CONSTRUCTION_START" } }, token)).recordProjectMilestone;
    expect(started).toMatchObject({ constructionStartOn: "2026-03-04", startedOnCommitment: true });

    // an admitted project neither applies again nor withdraws
    expect((await refused(project.id, APPLY, { input: { projectId: project.id } }, token, "CONFLICT")).extensions!.status).toBe("ADMITTED");
    const late = await refused(project.id, WITHDRAW, { input: { projectId: project.id, reason: "改变主意" } }, token, "INVALID_TRANSITION");
    expect(late.extensions).toMatchObject({ from: "ADMITTED", to: "NOT_APPLIED" });
  });

  test("refusals write nothing: a draft for a project that has not applied, a second application, a second draft", async () => {
    const { token, project } = await newProject();
    const draftFirst = await refused(project.id, DRAFT, { input: { projectId: project.id } }, admin, "CONFLICT");
    expect(draftFirst.message).toContain("NOT_APPLIED, not APPLIED");
    expect(draftFirst.extensions!.status).toBe("NOT_APPLIED");

    await apply(project.id, token);
    const twice = await refused(project.id, APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "ENERGY_REVIEW", promisedBy: "2026-04-01" }] } }, token, "CONFLICT");
    expect(twice.message).toContain("has already applied");
    expect(twice.extensions!.status).toBe("APPLIED");

    await must(DRAFT, { input: { projectId: project.id } }, admin);
    await refused(project.id, DRAFT, { input: { projectId: project.id } }, admin, "CONFLICT");
    // withdrawing or refusing what was never applied for
    const other = await newProject();
    await refused(other.project.id, WITHDRAW, { input: { projectId: other.project.id, reason: "x" } }, other.token, "INVALID_TRANSITION");
    await refused(other.project.id, REFUSE, { input: { projectId: other.project.id, reason: "x" } }, admin, "INVALID_TRANSITION");
  });

  test("the enterprise withdraws: back to NOT_APPLIED, the half-signed draft WITHDRAWN (and unsignable), pending materials gone, supplied ones kept; applying again works", async () => {
    const { token, project } = await newProject();
    const applied = await apply(project.id, token);
    const eia = applied.deferredItems.find((d: any) => d.item.code === "ENVIRONMENTAL_IMPACT");
    const fire = applied.deferredItems.find((d: any) => d.item.code === "FIRE_DESIGN_REVIEW");
    await must(SUPPLIED, { input: { deferredItemId: fire.id, attachmentIds: [await upload(server, admin)] } }, admin);
    const v1 = (await must(DRAFT, { input: { projectId: project.id } }, admin)).draftCommitmentLetter;
    await must(SIGN, { input: { letterId: v1.id } }, token);

    // another enterprise's user does not learn of the project; nothing written
    const stranger = await server.user("ENTERPRISE", { enterpriseId: (await createEnterprise(server, admin)).id });
    await refused(project.id, WITHDRAW, { input: { projectId: project.id, reason: "x" } }, stranger.token, "NOT_FOUND");

    server.clock.advance(1000);
    const withdrawn = (await must(WITHDRAW, { input: { projectId: project.id, reason: "企业决定按常规流程办理" } }, token)).withdrawFastTrackApplication;
    expect(withdrawn).toMatchObject({ fastTrackStatus: "NOT_APPLIED", fastTrackAdmittedAt: null, commitmentLetter: null, commitmentLetters: [{ id: v1.id, status: "WITHDRAWN" }] });
    expect(withdrawn.deferredItems).toEqual([{ id: fire.id, status: "SUPPLIED", item: { code: "FIRE_DESIGN_REVIEW" } }]);
    expect(await server.app.services.dataSource.getRepository(DeferredItem).existsBy({ id: eia.id })).toBe(false);
    const projectAudit = (await auditOf(server, admin, "Project", project.id)).find((a) => a.action === "project.withdrawFastTrack")!;
    expect(projectAudit).toMatchObject({ before: { fastTrackStatus: "APPLIED" }, after: { fastTrackStatus: "NOT_APPLIED", reason: "企业决定按常规流程办理" } });
    expect((await auditOf(server, admin, "DeferredItem", eia.id)).map((a) => [a.action, a.before?.status ?? null])).toEqual([["deferredItem.create", null], ["deferredItem.delete", "PENDING"]]);
    expect((await auditOf(server, admin, "CommitmentLetter", v1.id)).at(-1)).toMatchObject({ action: "commitmentLetter.withdraw", before: { status: "DRAFT" }, after: { status: "WITHDRAWN" } });

    // the withdrawn letter binds nobody: signing it is refused, as is withdrawing twice
    const sign = await refused(project.id, SIGN, { input: { letterId: v1.id } }, admin, "CONFLICT");
    expect(sign.message).toContain("WITHDRAWN");
    await refused(project.id, WITHDRAW, { input: { projectId: project.id, reason: "again" } }, token, "INVALID_TRANSITION");

    // a new application: the dropped material may be declared again, the supplied one not
    const resupplied = await refused(project.id, APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "FIRE_DESIGN_REVIEW", promisedBy: "2026-05-31" }] } }, token, "BAD_USER_INPUT");
    expect(resupplied.extensions!.field).toBe("deferredItems.0.itemCode");
    const again = (await must(APPLY, { input: { projectId: project.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-05-15" }] } }, token)).applyFastTrack;
    expect(again.fastTrackStatus).toBe("APPLIED");
    expect(again.deferredItems.map((d: any) => [d.item.code, d.status]).sort()).toEqual([["ENVIRONMENTAL_IMPACT", "PENDING"], ["FIRE_DESIGN_REVIEW", "SUPPLIED"]]);
    const v2 = (await must(DRAFT, { input: { projectId: project.id } }, admin)).draftCommitmentLetter;
    expect(v2).toMatchObject({ version: 2, status: "DRAFT", amendsId: null });
    const byTemplate = Object.fromEntries(v2.clauses.map((c: any) => [c.templateCode, c]));
    expect(byTemplate.ENT_FIRE_DESIGN).toMatchObject({ fulfilmentStatus: "FULFILLED", deferredItem: { id: fire.id } });
    expect(byTemplate.ENT_EIA.fulfilmentStatus).toBe("PENDING");
    await must(SIGN, { input: { letterId: v2.id } }, token);
    await must(SIGN, { input: { letterId: v2.id } }, admin);
    const read = (await must(READ, { id: project.id }, token)).project;
    expect(read.fastTrackStatus).toBe("ADMITTED");
    expect(read.commitmentLetters.map((l: any) => [l.version, l.status])).toEqual([[1, "WITHDRAWN"], [2, "SIGNED"]]);
    expect(read.commitmentLetter.version).toBe(2);
  });

  test("the reform office refuses: back to NOT_APPLIED, the draft WITHDRAWN, pending materials gone; the enterprise may not refuse; applying again works", async () => {
    const { token, project } = await newProject();
    const applied = await apply(project.id, token);
    const v1 = (await must(DRAFT, { input: { projectId: project.id } }, admin)).draftCommitmentLetter;
    await refused(project.id, REFUSE, { input: { projectId: project.id, reason: "x" } }, token, "FORBIDDEN");

    server.clock.advance(1000);
    const res = (await must(REFUSE, { input: { projectId: project.id, reason: "承诺前审核未通过：材料不实" } }, admin)).refuseFastTrackApplication;
    expect(res).toMatchObject({ fastTrackStatus: "NOT_APPLIED", deferredItems: [], commitmentLetters: [{ id: v1.id, status: "WITHDRAWN" }] });
    const { dataSource } = server.app.services;
    expect(await dataSource.getRepository(DeferredItem).countBy({ id: In(applied.deferredItems.map((d: any) => d.id)) })).toBe(0);
    // the withdrawn draft keeps its clauses' text; they no longer point at the dropped materials
    const clauses = await dataSource.getRepository(CommitmentClause).findBy({ letterId: v1.id });
    expect(clauses.length).toBeGreaterThan(0);
    expect(clauses.every((c) => c.deferredItemId === null)).toBe(true);
    const audit = (await auditOf(server, admin, "Project", project.id)).find((a) => a.action === "project.refuseFastTrack")!;
    expect(audit).toMatchObject({ actor: { id: adminId }, after: { fastTrackStatus: "NOT_APPLIED", reason: "承诺前审核未通过：材料不实" } });
    await refused(project.id, REFUSE, { input: { projectId: project.id, reason: "again" } }, admin, "INVALID_TRANSITION");

    const again = await apply(project.id, token);
    expect(again.deferredItems.map((d: any) => d.status)).toEqual(["PENDING", "PENDING"]);
    const v2 = (await must(DRAFT, { input: { projectId: project.id } }, admin)).draftCommitmentLetter;
    expect(v2).toMatchObject({ version: 2, amendsId: null });
    expect(v2.clauses.filter((c: any) => c.deferredItem).map((c: any) => c.deferredItem.id).sort()).toEqual(again.deferredItems.map((d: any) => d.id).sort());
  });

  test("a withdrawal racing the government's signature: one wins, and the project and its letter agree", async () => {
    const { token, project } = await newProject();
    await apply(project.id, token);
    const letter = (await must(DRAFT, { input: { projectId: project.id } }, admin)).draftCommitmentLetter;
    await must(SIGN, { input: { letterId: letter.id } }, token);
    const [withdraw, sign] = await Promise.all([
      server.gql(WITHDRAW, { input: { projectId: project.id, reason: "撤回" } }, token),
      server.gql(SIGN, { input: { letterId: letter.id } }, admin),
    ]);
    expect([withdraw, sign].map((r) => (r.errors ? codeOf(r) : "OK")).sort()).toEqual(["CONFLICT", "OK"]);
    const row = await fastTrack(project.id);
    const status = (await server.app.services.dataSource.getRepository(CommitmentLetter).findOneByOrFail({ id: letter.id })).status;
    expect([row.fastTrackStatus, status]).toEqual(withdraw.errors ? ["ADMITTED", "SIGNED"] : ["NOT_APPLIED", "WITHDRAWN"]);
  });
});
