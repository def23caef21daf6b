import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { Attachment } from "../../src/modules/files/attachment.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { deferredItem, makeEnterprise, makeProject, signedLetter } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { ofd, zip } from "../support/file-store";
import { originOf, pdfBytes, pngBytes, upload } from "../support/uploads";
import { departmentId, makeProjectWithTeam } from "../tickets/fixtures";

/**
 * 附件 where the domain has documents (issue 18, item 3): the material a deferred item is supplied
 * with, the document an approval issues, a finding's photos, a ticket's and a comment's files,
 * the scan of a signed letter's paper original. Each is attached inside its mutation's
 * transaction, and downloads follow the record's visibility.
 */
let server: TestServer;
let admin: { token: string; user: { id: string } };
let team: Awaited<ReturnType<typeof makeProjectWithTeam>>;
let other: Awaited<ReturnType<typeof makeProjectWithTeam>>;

const ATTACHMENT = "id name contentType size sha256 uploadedBy { id } uploadedAt downloadUrl";
const SUPPLY = `mutation($input: RecordDeferredItemSuppliedInput!) { recordDeferredItemSupplied(input: $input) { id status attachments { ${ATTACHMENT} } } }`;
const DEFERRED = `query($id: ID!) { deferredItem(id: $id) { id status attachments { id } } }`;
const ADD_ITEM = `mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`;
const SUBMIT_ITEM = `mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status } }`;
const DECIDE_ITEM = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status attachments { id name contentType } } }`;
const ITEMS = `query($projectId: ID!) { approvalItems(projectId: $projectId) { edges { node { id kind status attachments { id } } } } }`;
const SUBMIT_APPLICATION = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id status } }`;
const ROUTE = `mutation($input: ApplicationStepInput!) { routeApplication(input: $input) { id status } }`;
const DECIDE_APPLICATION = `mutation($input: DecideApplicationInput!) { decideApplication(input: $input) { id status approvalItem { id status attachments { id } } } }`;
const SCHEDULE = `mutation($input: ScheduleJointInspectionInput!) { scheduleJointInspection(input: $input) { id status } }`;
const FINDINGS = `mutation($input: RecordInspectionFindingsInput!) { recordInspectionFindings(input: $input) { id status findings { id standardId passed attachments { id contentType } } } }`;
const OPEN = `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { id attachments { id name } timeline { edges { node { type attachments { id } } } } } }`;
const COMMENT = `mutation($input: CommentOnTicketInput!) { commentOnTicket(input: $input) { id timeline { edges { node { id type body attachments { id } } } } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { id attachments { id } timeline { edges { node { id type attachments { id } } } } } }`;
const SCAN = `mutation($input: AttachLetterScanInput!) { attachLetterScan(input: $input) { id version status scans { ${ATTACHMENT} } } }`;
const LETTER = `query($id: ID!) { commitmentLetter(id: $id) { id version status scans { id } } }`;
const AMEND = `mutation($input: AmendCommitmentLetterInput!) { amendCommitmentLetter(input: $input) { id version status scans { id } } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status } }`;

const repo = () => server.app.services.dataSource.getRepository(Attachment);
const ownerOf = async (id: string) => {
  const row = await repo().findOneByOrFail({ id });
  return { ownerType: row.ownerType, ownerId: row.ownerId };
};
const UNATTACHED = { ownerType: null, ownerId: null };

/** GET /files/:id with a bearer: the status and the bytes. */
async function download(id: string, token?: string): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(`${originOf(server)}/files/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

/** The file is the project's: its people get the same bytes back, the other enterprise 404. */
async function expectVisibleTo(id: string, content: Buffer, own: string[], refused: string[]) {
  for (const token of own) {
    const got = await download(id, token);
    expect(got.status).toBe(200);
    expect(got.body.equals(content)).toBe(true);
  }
  for (const token of refused) expect((await download(id, token)).status).toBe(404);
}

const must = async (query: string, variables: Record<string, unknown>, token: string) => {
  const res = await server.gql(query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
};

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.user("ADMIN");
  team = await makeProjectWithTeam(server, admin.token);
  other = await makeProjectWithTeam(server, admin.token);
});
afterAll(() => server?.stop());

describe("先办后补: supplying a deferred item requires its material", () => {
  test("the supply attaches the caller's uploads; without one, or with another's, it is refused and nothing changes", async () => {
    const item = await deferredItem(server, team.project.id, "ENVIRONMENTAL_IMPACT", "2026-04-01");
    const content = pdfBytes("环评报告");
    const material = await upload(server, team.manager.token, { name: "环评报告.pdf", content });

    const none = await server.gql(SUPPLY, { input: { deferredItemId: item.id, attachmentIds: [] } }, team.manager.token);
    expect(codeOf(none)).toBe("BAD_USER_INPUT");
    expect(none.errors![0].extensions!.field).toBe("attachmentIds");
    const missing = await server.gql(SUPPLY, { input: { deferredItemId: item.id } }, team.manager.token);
    expect(missing.errors).toBeDefined();

    // an upload of someone else's: refused, and the supply (already written in the transaction) rolls back
    const theirs = await upload(server, team.member.token);
    const mixed = await server.gql(SUPPLY, { input: { deferredItemId: item.id, attachmentIds: [material, theirs] } }, team.manager.token);
    expect(codeOf(mixed)).toBe("BAD_USER_INPUT");
    expect(mixed.errors![0].extensions!.field).toBe("attachmentIds");
    expect((await must(DEFERRED, { id: item.id }, admin.token)).deferredItem).toEqual({ id: item.id, status: "PENDING", attachments: [] });
    expect(await ownerOf(material)).toEqual(UNATTACHED);
    expect(await ownerOf(theirs)).toEqual(UNATTACHED);

    // a caller without the remit: refused, the upload stays the caller's to use
    const ownerUpload = await upload(server, team.owner.token);
    expect(codeOf(await server.gql(SUPPLY, { input: { deferredItemId: item.id, attachmentIds: [ownerUpload] } }, team.owner.token))).toBe("FORBIDDEN");
    expect(await ownerOf(ownerUpload)).toEqual(UNATTACHED);

    const supplied = (await must(SUPPLY, { input: { deferredItemId: item.id, attachmentIds: [material] } }, team.manager.token)).recordDeferredItemSupplied;
    expect(supplied.status).toBe("SUPPLIED");
    expect(supplied.attachments).toEqual([
      expect.objectContaining({ id: material, name: "环评报告.pdf", contentType: "application/pdf", size: content.length, uploadedBy: { id: team.manager.user.id } }),
    ]);
    expect(supplied.attachments[0].downloadUrl).toMatch(new RegExp(`/files/${material}\\?`));
    expect(await ownerOf(material)).toEqual({ ownerType: "DEFERRED_ITEM", ownerId: item.id });
    // the enterprise sees its material; another enterprise neither the item nor the file
    expect((await must(DEFERRED, { id: item.id }, team.owner.token)).deferredItem.attachments).toEqual([{ id: material }]);
    expect(codeOf(await server.gql(DEFERRED, { id: item.id }, other.owner.token))).toBe("NOT_FOUND");
    await expectVisibleTo(material, content, [team.owner.token, team.manager.token, admin.token], [other.owner.token]);
    // the material is attached once: a second record cannot take it
    const second = await deferredItem(server, team.project.id, "DESIGN_PLAN_REVIEW", "2026-04-01");
    const again = await server.gql(SUPPLY, { input: { deferredItemId: second.id, attachmentIds: [material] } }, team.manager.token);
    expect(again.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
  });
});

describe("approval items carry the issued document", () => {
  let filingOfficer: { token: string; user: { id: string } };
  beforeAll(async () => {
    filingOfficer = await server.user("CADRE", { departmentId: await departmentId(server, "DEVELOPMENT_REFORM") });
  });

  async function submitted(projectId: string, kind = "FILING"): Promise<string> {
    const id = (await must(ADD_ITEM, { input: { projectId, kind } }, admin.token)).addApprovalItem.id;
    await must(SUBMIT_ITEM, { input: { itemId: id, on: "2026-03-02" } }, admin.token);
    return id;
  }

  test("approving needs the document (BAD_USER_INPUT, nothing written); with it the item is APPROVED and carries it", async () => {
    const itemId = await submitted(team.project.id);
    const without = await server.gql(DECIDE_ITEM, { input: { itemId, decision: "APPROVED" } }, filingOfficer.token);
    expect(without.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    const empty = await server.gql(DECIDE_ITEM, { input: { itemId, decision: "APPROVED", attachmentIds: [] } }, filingOfficer.token);
    expect(empty.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    // a bad upload after the status change: the decision rolls back with it
    const content = pdfBytes("备案证明");
    const notice = await upload(server, filingOfficer.token, { name: "备案证明.pdf", content });
    const foreign = await upload(server, admin.token);
    const mixed = await server.gql(DECIDE_ITEM, { input: { itemId, decision: "APPROVED", attachmentIds: [notice, foreign] } }, filingOfficer.token);
    expect(mixed.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    const stored = (await must(ITEMS, { projectId: team.project.id }, admin.token)).approvalItems.edges.map((e: any) => e.node).find((n: any) => n.id === itemId);
    expect(stored).toMatchObject({ status: "SUBMITTED", attachments: [] });
    expect(await ownerOf(notice)).toEqual(UNATTACHED);

    const approved = (await must(DECIDE_ITEM, { input: { itemId, decision: "APPROVED", attachmentIds: [notice] } }, filingOfficer.token)).decideApprovalItem;
    expect(approved).toEqual({ id: itemId, status: "APPROVED", attachments: [{ id: notice, name: "备案证明.pdf", contentType: "application/pdf" }] });
    await expectVisibleTo(notice, content, [team.owner.token, filingOfficer.token, admin.token], [other.owner.token]);
  });

  test("a rejection needs no document and may carry one", async () => {
    const plain = await submitted(team.project.id, "LAND_USE_PLANNING_PERMIT");
    expect((await must(DECIDE_ITEM, { input: { itemId: plain, decision: "REJECTED", note: "图纸不全" } }, admin.token)).decideApprovalItem).toMatchObject({ status: "REJECTED", attachments: [] });
    const withPaper = await submitted(other.project.id, "LAND_USE_PLANNING_PERMIT");
    const refusal = await upload(server, admin.token);
    expect((await must(DECIDE_ITEM, { input: { itemId: withPaper, decision: "REJECTED", attachmentIds: [refusal] } }, admin.token)).decideApprovalItem).toMatchObject({ status: "REJECTED", attachments: [{ id: refusal }] });
  });

  test("through the one window: approving the application needs the document, attached to its approval item", async () => {
    const project = await makeProject(server, team.enterprise.id);
    const applicationId = (await must(SUBMIT_APPLICATION, { input: { projectId: project.id, applicationClass: "FILING", title: "项目备案申请" } }, admin.token)).submitApplication.id;
    await must(ROUTE, { input: { applicationId } }, admin.token);
    const without = await server.gql(DECIDE_APPLICATION, { input: { applicationId, approved: true } }, filingOfficer.token);
    expect(without.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    const notice = await upload(server, filingOfficer.token);
    const decided = (await must(DECIDE_APPLICATION, { input: { applicationId, approved: true, attachmentIds: [notice] } }, filingOfficer.token)).decideApplication;
    expect(decided).toMatchObject({ status: "APPROVED", approvalItem: { status: "APPROVED", attachments: [{ id: notice }] } });
  });
});

describe("inspection findings carry photos", () => {
  test("images only (BAD_USER_INPUT naming the result, nothing recorded); photos follow the finding, for the government's eyes", async () => {
    const housing = (await server.department("HOUSING_CONSTRUCTION")).id;
    const fire = (await server.department("FIRE_RESCUE")).id;
    const inspector = await server.user("CADRE", { departmentId: housing });
    const standards = (await must(`{ supervisionStandards { id } }`, {}, admin.token)).supervisionStandards;
    const inspectionId = (await must(SCHEDULE, { input: { projectId: team.project.id, scheduledOn: "2026-03-02", leadDepartmentId: housing, departmentIds: [fire] } }, admin.token)).scheduleJointInspection.id;
    const photo = pngBytes(40);
    const photoId = await upload(server, inspector.token, { name: "现场照片.png", content: photo });
    const passPhoto = await upload(server, inspector.token, { name: "合格照片.png", content: pngBytes(41) });
    const report = await upload(server, inspector.token, { name: "报告.pdf" });
    // six results, so that rows mixed up on insert (see insertRows) would show
    const results = (ids: string[]) => standards.slice(0, 6).map((s: { id: string }, i: number) =>
      i === 1 ? { standardId: s.id, passed: false, note: "脚手架未设防护网", followUpDueOn: "2026-03-20", attachmentIds: ids }
        : i === 4 ? { standardId: s.id, passed: true, attachmentIds: [passPhoto] }
          : { standardId: s.id, passed: true });
    const refused = await server.gql(FINDINGS, { input: { inspectionId, results: results([photoId, report]) } }, inspector.token);
    expect(refused.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "results.1.attachmentIds" });
    expect(await ownerOf(photoId)).toEqual(UNATTACHED);
    expect(await ownerOf(passPhoto)).toEqual(UNATTACHED);
    const recorded = (await must(FINDINGS, { input: { inspectionId, results: results([photoId]) } }, inspector.token)).recordInspectionFindings;
    expect(recorded.status).toBe("COMPLETED");
    // each result's photos are on its own finding
    const photosByStandard = Object.fromEntries(recorded.findings.map((f: any) => [f.standardId, f.attachments]));
    expect(photosByStandard).toEqual(Object.fromEntries(standards.slice(0, 6).map((s: { id: string }, i: number) =>
      [s.id, i === 1 ? [{ id: photoId, contentType: "image/png" }] : i === 4 ? [{ id: passPhoto, contentType: "image/png" }] : []])));
    expect(recorded.findings.find((f: any) => f.standardId === standards[1].id).passed).toBe(false);
    // the audit entry names the findings as stored: each standard's finding by its id
    const audit = await server.app.services.dataSource.getRepository(AuditEntry).findOneByOrFail({ entityId: inspectionId, action: "inspection.findings" });
    const idsByStandard = (findings: Array<{ id: string; standardId: string }>) => Object.fromEntries(findings.map((f) => [f.standardId, f.id]));
    expect(idsByStandard(JSON.parse(audit.after!).findings)).toEqual(idsByStandard(recorded.findings));
    // inspections are the government's: the project's own enterprise does not download their photos either
    await expectVisibleTo(photoId, photo, [inspector.token, admin.token, team.manager.token], [team.owner.token, other.owner.token]);
  });
});

describe("tickets and comments carry attachments", () => {
  test("opening and commenting attach the caller's files; keyed retries attach nothing twice", async () => {
    const content = pdfBytes("用地红线图");
    const plan = await upload(server, team.owner.token, { name: "用地红线图.pdf", content });
    const input = { projectId: team.project.id, stage: "GUIDANCE", title: "用地咨询", description: "请看红线图", attachmentIds: [plan], idempotencyKey: `open-${plan}` };
    const opened = (await must(OPEN, { input }, team.owner.token)).openServiceTicket;
    expect(opened.attachments).toEqual([{ id: plan, name: "用地红线图.pdf" }]);
    // the opening entry has no files of its own: the ticket's are on the ticket
    expect(opened.timeline.edges.map((e: any) => e.node)).toEqual([{ type: "OPENED", attachments: [] }]);
    const retried = (await must(OPEN, { input }, team.owner.token)).openServiceTicket;
    expect(retried.id).toBe(opened.id);
    expect(retried.attachments).toEqual([{ id: plan, name: "用地红线图.pdf" }]);

    const photo = pngBytes(200);
    const photoId = await upload(server, team.manager.token, { name: "现场.png", content: photo });
    const comment = { ticketId: opened.id, body: "现场照片见附件", attachmentIds: [photoId], idempotencyKey: `comment-${photoId}` };
    const commented = (await must(COMMENT, { input: comment }, team.manager.token)).commentOnTicket;
    const entries = commented.timeline.edges.map((e: any) => e.node);
    expect(entries.map((e: any) => [e.type, e.attachments])).toEqual([["OPENED", []], ["COMMENTED", [{ id: photoId }]]]);
    expect((await must(COMMENT, { input: comment }, team.manager.token)).commentOnTicket.timeline.edges).toHaveLength(2);
    expect(await repo().countBy({ ownerType: "TICKET_EVENT", ownerId: entries[1].id })).toBe(1);
    expect(await ownerOf(photoId)).toEqual({ ownerType: "TICKET_EVENT", ownerId: entries[1].id });

    // a refused comment (another's upload among them) writes no entry and attaches nothing
    const mine = await upload(server, team.member.token);
    const bad = await server.gql(COMMENT, { input: { ticketId: opened.id, body: "再补一张", attachmentIds: [mine, plan] } }, team.member.token);
    expect(bad.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    expect(await ownerOf(mine)).toEqual(UNATTACHED);
    expect((await must(TICKET, { id: opened.id }, team.owner.token)).ticket.timeline.edges).toHaveLength(2);

    const outsider = await server.user("CADRE");
    await expectVisibleTo(plan, content, [team.owner.token, team.manager.token, admin.token], [other.owner.token, outsider.token]);
    await expectVisibleTo(photoId, photo, [team.owner.token, team.member.token, admin.token], [other.owner.token, outsider.token]);
    expect(codeOf(await server.gql(TICKET, { id: opened.id }, other.owner.token))).toBe("NOT_FOUND");
  });

  test("a page of 20 tickets with their files (and who uploaded them) costs as many statements as a page of 2", async () => {
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    for (let i = 0; i < 20; i++) {
      const ticket = (await must(OPEN, { input: { projectId: project.id, stage: "GUIDANCE", title: `工单 ${i}`, description: "附件", attachmentIds: [await upload(server, owner.token)] } }, owner.token)).openServiceTicket;
      expect(ticket.attachments).toHaveLength(1);
    }
    const page = `query($n: Int!, $projectId: ID!) { serviceTickets(first: $n, filter: { projectId: $projectId }) { edges { node { id attachments { id name uploadedBy { id } downloadUrl } } } } }`;
    const count = async (n: number) => {
      const { result, statements } = await countStatements(server, () => server.gql(page, { n, projectId: project.id }, owner.token));
      expect(result.errors).toBeUndefined();
      expect(result.data.serviceTickets.edges).toHaveLength(n);
      for (const edge of result.data.serviceTickets.edges) {
        expect(edge.node.attachments).toEqual([expect.objectContaining({ uploadedBy: { id: owner.user.id } })]);
      }
      return statements.length;
    };
    const two = await count(2);
    expect(await count(20)).toBe(two);
  });
});

describe("a signed letter carries the scan of its paper original", () => {
  test("on a SIGNED version only, by its signers; an amendment keeps v1's scan on v1", async () => {
    const letter = await signedLetter(server, team.project.id);
    const scan = pdfBytes("承诺书原件扫描");
    const scanId = await upload(server, team.owner.token, { name: "承诺书扫描件.pdf", content: scan });
    const attached = (await must(SCAN, { input: { letterId: letter.id, attachmentIds: [scanId] } }, team.owner.token)).attachLetterScan;
    expect(attached).toMatchObject({ id: letter.id, version: 1, status: "SIGNED", scans: [{ id: scanId, name: "承诺书扫描件.pdf", contentType: "application/pdf", uploadedBy: { id: team.owner.user.id } }] });
    await expectVisibleTo(scanId, scan, [team.owner.token, team.manager.token, admin.token], [other.owner.token]);
    // the other enterprise's user cannot reach the letter; a cadre off the project may not attach
    const theirs = await upload(server, other.owner.token);
    expect(codeOf(await server.gql(SCAN, { input: { letterId: letter.id, attachmentIds: [theirs] } }, other.owner.token))).toBe("NOT_FOUND");
    const outsider = await server.user("CADRE");
    expect(codeOf(await server.gql(SCAN, { input: { letterId: letter.id, attachmentIds: [await upload(server, outsider.token)] } }, outsider.token))).toBe("FORBIDDEN");
    // a scan is a PDF, OFD or image
    const png = await upload(server, team.manager.token, { name: "scan.png", content: pngBytes(1) });
    const zipId = await upload(server, team.manager.token, { name: "扫描.zip", content: zip({ "a.txt": "hello" }) });
    const wrongType = await server.gql(SCAN, { input: { letterId: letter.id, attachmentIds: [png, zipId] } }, team.manager.token);
    expect(wrongType.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "attachmentIds" });
    expect(await ownerOf(png)).toEqual(UNATTACHED);
    expect(await ownerOf(zipId)).toEqual(UNATTACHED);

    // amended: v2 is a new DRAFT without a scan, and a draft has no paper original to scan
    const v2 = (await must(AMEND, { input: { letterId: letter.id } }, admin.token)).amendCommitmentLetter;
    expect(v2).toMatchObject({ version: 2, status: "DRAFT", scans: [] });
    const early = await server.gql(SCAN, { input: { letterId: v2.id, attachmentIds: [png] } }, team.manager.token);
    expect(codeOf(early)).toBe("CONFLICT");
    expect(await ownerOf(png)).toEqual(UNATTACHED);
    await must(SIGN, { input: { letterId: v2.id, party: "ENTERPRISE" } }, team.owner.token);
    await must(SIGN, { input: { letterId: v2.id, party: "GOVERNMENT" } }, admin.token);
    // an image and an OFD (the national format for e-documents) are scans too
    const v2Scan = await upload(server, admin.token, { name: "第二版扫描件.png", content: pngBytes(99) });
    server.clock.advance(1000); // uploaded a second later: listed after the image
    const v2Ofd = await upload(server, admin.token, { name: "第二版扫描件.ofd", content: ofd("第二版") });
    expect((await must(SCAN, { input: { letterId: v2.id, attachmentIds: [v2Scan, v2Ofd] } }, admin.token)).attachLetterScan.scans).toEqual([
      expect.objectContaining({ id: v2Scan, contentType: "image/png" }),
      expect.objectContaining({ id: v2Ofd, contentType: "application/ofd" }),
    ]);
    // v1 still lists (and serves) its own scan
    expect((await must(LETTER, { id: letter.id }, team.owner.token)).commitmentLetter).toEqual({ id: letter.id, version: 1, status: "SIGNED", scans: [{ id: scanId }] });
    expect((await must(LETTER, { id: v2.id }, team.owner.token)).commitmentLetter.scans).toEqual([{ id: v2Scan }, { id: v2Ofd }]);
    await expectVisibleTo(scanId, scan, [team.owner.token], [other.owner.token]);
  });
});

describe("downloads follow the record, for every owner type", () => {
  test("an enterprise never downloads another enterprise's file; an unknown id is 404 too", async () => {
    // each owner type was shown above with its own callers; here the same rule across projects of two enterprises
    const project = await server.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: other.project.id });
    const item = await deferredItem(server, project.id, "ENVIRONMENTAL_IMPACT", "2026-04-01");
    const content = pdfBytes("另一企业的材料");
    const material = await upload(server, other.manager.token, { content });
    await must(SUPPLY, { input: { deferredItemId: item.id, attachmentIds: [material] } }, other.manager.token);
    await expectVisibleTo(material, content, [other.owner.token, other.manager.token], [team.owner.token]);
    expect((await download("00000000-0000-4000-8000-000000000000", team.owner.token)).status).toBe(404);
  });
});
