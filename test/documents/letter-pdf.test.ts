import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { CommitmentClause, CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { TeamMember } from "../../src/modules/teams/team-member.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { createEnterprise, createProject } from "../projects/fixtures";

let server: TestServer;
let admin: string;
let origin: string;
let work: string;
/** How many times the letter fonts (about 15 MB each) were read from disk since this file began. */
let fontReads: () => number;
beforeAll(async () => {
  const readFile = vi.spyOn(fs.promises, "readFile");
  fontReads = () => readFile.mock.calls.filter(([file]) => /NotoSerifSC_\d+\w+\.ttf$/.test(String(file))).length;
  server = await startTestServer();
  admin = (await server.user("ADMIN", { name: "赵改革", departmentId: (await server.department("REFORM_OFFICE")).id })).token;
  origin = new URL(server.url).origin;
  work = fs.mkdtempSync(path.join(os.tmpdir(), "letter-pdf-"));
});
afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const LETTER = `id version status pdfUrl clauses { party title text dueOn }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { ${LETTER} } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { ${LETTER} } }`;
const AMEND = `mutation($input: AmendCommitmentLetterInput!) { amendCommitmentLetter(input: $input) { ${LETTER} } }`;
const READ = `query($id: ID!) { commitmentLetter(id: $id) { ${LETTER} } }`;

function ok<T>(res: { data?: T; errors?: unknown }): T {
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

/** A project of a fresh enterprise that applied for the fast track, with its manager and one team member, and its drafted letter. */
async function drafted(enterpriseName: string) {
  server.clock.set("2026-03-02T01:00:00.000Z");
  const enterprise = await createEnterprise(server, admin, enterpriseName);
  const staff = await server.user("ENTERPRISE", { enterpriseId: enterprise.id, name: "李承诺" });
  const project = await createProject(server, admin, enterprise.id, { name: "聚芯源二期", landParcel: "源城区高新区 A-07 地块" });
  ok(await server.gql(`mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id } }`, {
    input: { projectId: project.id, deferredItems: [
      { itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-04-30" },
      { itemCode: "FIRE_DESIGN_REVIEW", promisedBy: "2026-05-31" },
    ] },
  }, staff.token));
  const housing = await server.department("HOUSING_CONSTRUCTION");
  const manager = await server.user("CADRE", { name: "王专班", departmentId: housing.id });
  ok(await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId: project.id, cadreId: manager.user.id } }, admin));
  const fire = await server.department("FIRE_RESCUE");
  const member = await server.user("CADRE", { name: "陈消防", departmentId: fire.id });
  const added = ok(await server.gql<any>(`mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { id } }`, { input: { projectId: project.id, userId: member.user.id, departmentId: fire.id, role: "联络员" } }, admin)).addTeamMember;
  // a member's createdAt is the wall clock's (BaseEntity), not the test clock's: date it on the test clock, before the signing
  await server.app.services.dataSource.getRepository(TeamMember).update({ id: added.id }, { createdAt: server.clock.now() });
  server.clock.advance(60_000);
  const letter = ok(await server.gql<any>(DRAFT, { input: { projectId: project.id } }, admin)).draftCommitmentLetter;
  return { enterprise, staff, project, letter, housing, fire };
}

/** The same, signed by the enterprise (2026-03-03 10:00 district time) and the reform office (2026-03-04 11:00). */
async function signed(enterpriseName = "聚芯源科技有限公司") {
  const made = await drafted(enterpriseName);
  server.clock.set("2026-03-03T02:00:00.000Z");
  ok(await server.gql(SIGN, { input: { letterId: made.letter.id } }, made.staff.token));
  server.clock.set("2026-03-04T03:00:00.000Z");
  const letter = ok(await server.gql<any>(SIGN, { input: { letterId: made.letter.id } }, admin)).signCommitmentLetter;
  expect(letter.status).toBe("SIGNED");
  return { ...made, letter };
}

async function download(url: string, token?: string) {
  const res = await fetch(`${origin}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, json: () => JSON.parse(body.toString("utf8")) };
}

let fileSerial = 0;
function save(pdf: Buffer): string {
  const file = path.join(work, `letter-${++fileSerial}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8" });
/** The text poppler reads back in drawing order (-raw: a rotated watermark stays whole); squeeze takes out every space and line break (CJK lines wrap anywhere). */
const textOf = (file: string) => run("pdftotext", ["-raw", "-enc", "UTF-8", file, "-"]);
const squeeze = (s: string) => s.replace(/\s+/g, "");

describe("the printed commitment letter (GET /letters/:id.pdf)", () => {
  test("the fonts are read from disk on the first letter printed, once per process: not at start-up, not per request", async () => {
    expect(fontReads()).toBe(0);
    const { letter, staff } = await signed("字体示例有限公司");
    expect((await download(letter.pdfUrl)).status).toBe(200);
    expect(fontReads()).toBe(2); // the regular and the bold weight
    expect((await download(`/letters/${letter.id}.pdf`, staff.token)).status).toBe(200);
    expect((await download(`/letters/${letter.id}.pdf`, admin)).status).toBe(200);
    expect(fontReads()).toBe(2);
  });

  test("a signed letter prints every clause, both parties, its version and signers, on A4 pages numbered of the total, in an embedded CJK subset", async () => {
    const { letter, enterprise } = await signed();
    expect(letter.pdfUrl).toMatch(new RegExp(`^/letters/${letter.id}\\.pdf\\?access=`));
    const res = await download(letter.pdfUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("cache-control")).toContain("private");
    const disposition = res.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^inline; filename="commitment-letter-[0-9-]+-v1\.pdf"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).toBe("双向承诺书-聚芯源二期-第1版.pdf");
    expect(res.body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(res.body.length).toBeLessThan(400_000); // a subset: tens of KB, not the 15 MB font

    const file = save(res.body);
    const text = squeeze(textOf(file));
    expect(letter.clauses.length).toBeGreaterThanOrEqual(6);
    for (const clause of letter.clauses) {
      expect(text, clause.title).toContain(squeeze(clause.title));
      expect(text, clause.title).toContain(squeeze(clause.text));
      if (clause.dueOn) expect(text).toContain(`履约期限：${clause.dueOn}`);
    }
    expect(text).toContain("双向承诺书");
    expect(text).toContain("企业方：聚芯源科技有限公司");
    expect(text).toContain(`统一社会信用代码：${enterprise.creditCode}`);
    expect(text).toContain("政府方：区委改革办");
    expect(text).toContain("项目经理人：王专班（区住房和城乡建设局）");
    expect(text).toContain("专班成员单位：区消防救援大队");
    expect(text).toContain("第1版");
    expect(text).toContain("系统签署人：李承诺");
    expect(text).toContain("签署时间：2026-03-0310:00");
    expect(text).toContain("系统签署人：赵改革（区委改革办）");
    expect(text).toContain("签署时间：2026-03-0411:00");
    expect(text).toContain("法定代表人或授权代表（签字）");
    expect(text).toContain("（盖章）");
    expect(text).not.toContain("草稿");
    expect(text).not.toContain("尚未签署");

    const info = run("pdfinfo", [file]);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    for (let page = 1; page <= pages; page++) expect(text).toContain(`第${page}页共${pages}页`);
    expect(text).not.toContain(`第${pages + 1}页`);

    // every font is embedded, and as a subset of Noto Serif SC (ABCDEF+ prefix)
    const fonts = run("pdffonts", [file]).trim().split("\n").slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) {
      expect(line).toMatch(/^[A-Z]{6}\+NotoSerifSC-\S+\s.*\byes\s+yes\s+yes\b/);
    }

    // page 1 rendered is not blank: a share of dark pixels
    const prefix = path.join(work, `page-${fileSerial}`);
    execFileSync("pdftoppm", ["-r", "50", "-gray", "-f", "1", "-l", "1", file, prefix]);
    const pgm = fs.readFileSync(fs.readdirSync(work).map((f) => path.join(work, f)).find((f) => f.startsWith(prefix) && f.endsWith(".pgm"))!);
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 32).toString("latin1"))!;
    const [width, height] = [Number(header[1]), Number(header[2])];
    expect(Math.abs(width - 413.4)).toBeLessThan(1.5); // A4 at 50 dpi
    expect(Math.abs(height - 584.7)).toBeLessThan(1.5);
    const pixels = pgm.subarray(header[0].length);
    let dark = 0;
    for (const value of pixels) if (value < 128) dark += 1;
    expect(dark / pixels.length).toBeGreaterThan(0.003); // a blank page has none; this letter's first page about 0.8%
  });

  test("with a bearer token too, the same bytes (the PDF's dates and ids come from the letter)", async () => {
    const { letter, staff } = await signed("同创智造有限公司");
    const byLink = await download(letter.pdfUrl);
    const byBearer = await download(`/letters/${letter.id}.pdf`, staff.token);
    expect(byBearer.status).toBe(200);
    expect(byBearer.headers.get("content-type")).toBe("application/pdf");
    expect(byBearer.body.equals(byLink.body)).toBe(true);
    const byAdmin = await download(`/letters/${letter.id}.pdf`, admin);
    expect(byAdmin.status).toBe(200);
    expect(textOf(save(byAdmin.body))).toContain("同创智造有限公司");
  });

  test("another enterprise gets 404; nobody signed in 401; an expired link or one for another letter 401", async () => {
    const { letter } = await signed("源城精工有限公司");
    const other = await server.user("ENTERPRISE", { enterpriseId: (await createEnterprise(server, admin, "别家企业")).id });
    const stranger = await download(`/letters/${letter.id}.pdf`, other.token);
    expect(stranger.status).toBe(404);
    expect(stranger.json().errors[0].extensions.code).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(READ, { id: letter.id }, other.token))).toBe("NOT_FOUND");
    expect((await download(`/letters/00000000-0000-4000-8000-000000000000.pdf`, admin)).status).toBe(404);

    const anonymous = await download(`/letters/${letter.id}.pdf`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json().errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(anonymous.json().errors[0].message).toContain("signed link (pdfUrl)"); // the route's own refusal, before any lookup

    const { letter: second } = await signed("源城精工二厂");
    const access = new URL(letter.pdfUrl, origin).searchParams.get("access")!;
    expect((await download(`/letters/${second.id}.pdf?access=${encodeURIComponent(access)}`)).status).toBe(401);

    const fresh = ok(await server.gql<any>(READ, { id: letter.id }, admin)).commitmentLetter.pdfUrl;
    expect((await download(fresh)).status).toBe(200);
    server.clock.advance((server.config.linkTtlSeconds + 1) * 1000);
    const expired = await download(fresh);
    expect(expired.status).toBe(401);
    expect(expired.json().errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  test("a draft prints marked 草稿 with its unsigned sides; an amendment says which version it supersedes; a withdrawn letter does not print", async () => {
    const { letter: draft, staff } = await drafted("草稿示例有限公司");
    expect(draft.pdfUrl).toBeTruthy();
    const draftText = squeeze(textOf(save((await download(draft.pdfUrl)).body)));
    expect(draftText).toContain("草稿");
    expect(draftText).toContain("系统签署人：尚未签署");
    for (const clause of draft.clauses) expect(draftText).toContain(squeeze(clause.text));

    server.clock.set("2026-03-03T02:00:00.000Z");
    ok(await server.gql(SIGN, { input: { letterId: draft.id } }, staff.token));
    ok(await server.gql(SIGN, { input: { letterId: draft.id } }, admin));
    server.clock.set("2026-03-10T02:00:00.000Z");
    const v2 = ok(await server.gql<any>(AMEND, { input: { letterId: draft.id, dueDates: [{ templateCode: "ENT_FIRE_DESIGN", dueOn: "2026-07-15" }] } }, admin)).amendCommitmentLetter;
    expect(v2.version).toBe(2);
    const v2Res = await download(v2.pdfUrl);
    expect(decodeURIComponent(v2Res.headers.get("content-disposition")!.split("filename*=UTF-8''")[1])).toBe("双向承诺书-聚芯源二期-第2版.pdf");
    const v2Text = squeeze(textOf(save(v2Res.body)));
    expect(v2Text).toContain("本版为第2版，变更并取代第1版（2026-03-03签署）");
    expect(v2Text).toContain("履约期限：2026-07-15");
    expect(v2Text).toContain("草稿");

    const { letter: gone } = await drafted("撤回示例有限公司");
    const letters = server.app.services.dataSource.getRepository(CommitmentLetter);
    await letters.update({ id: gone.id }, { status: "TERMINATED" });
    const ended = await download(`/letters/${gone.id}.pdf`, admin);
    expect(ended.status).toBe(200);
    const endedText = squeeze(textOf(save(ended.body)));
    expect(endedText.split("已终止").length - 1).toBeGreaterThan(1); // the status line, and across every page
    expect(endedText).toContain("状态：已终止");
    await letters.update({ id: gone.id }, { status: "WITHDRAWN" });
    expect(ok(await server.gql<any>(READ, { id: gone.id }, admin)).commitmentLetter.pdfUrl).toBeNull();
    const refused = await download(`/letters/${gone.id}.pdf`, admin);
    expect(refused.status).toBe(409);
    expect(refused.json().errors[0].extensions.code).toBe("CONFLICT");
  });

  test("a clause that runs over a page break goes on in its own type on the next page, under the draft's watermark", async () => {
    const { letter } = await drafted("跨页示例有限公司");
    const long = "本条跨页排版测试：企业方承诺在约定期限内补齐全部容缺材料并对所提交材料的真实性负责；".repeat(40);
    const clauses = server.app.services.dataSource.getRepository(CommitmentClause);
    const [first] = await clauses.find({ where: { letterId: letter.id }, order: { sortOrder: "ASC" } });
    await clauses.update({ id: first.id }, { text: long });
    const file = save((await download(`/letters/${letter.id}.pdf`, admin)).body);
    // poppler's words with their boxes, page by page: the clause's lines are the words that are pieces of it
    const bbox = run("pdftotext", ["-bbox", "-enc", "UTF-8", file, "-"]);
    const lines = bbox.split("<page ").slice(1).flatMap((page, i) =>
      [...page.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<\/word>/g)]
        .filter(([, , , word]) => word.length > 8 && long.includes(word))
        .map(([, yMin, yMax]) => ({ page: i + 1, top: Number(yMin), bottom: Number(yMax), height: Math.round((Number(yMax) - Number(yMin)) * 10) / 10 })));
    expect(new Set(lines.map((l) => l.page)).size).toBeGreaterThan(1);
    expect(lines.length).toBeGreaterThan(20);
    expect(new Set(lines.map((l) => l.height))).toEqual(new Set([lines[0].height]));
    // and in its ink: the first line on the next page, rendered at 72 dpi (a pixel a point), is dark, not the watermark's grey
    const next = lines.find((l) => l.page > lines[0].page)!;
    const prefix = path.join(work, `continued-${fileSerial}`);
    execFileSync("pdftoppm", ["-r", "72", "-gray", "-f", String(next.page), "-l", String(next.page), file, prefix]);
    const pgm = fs.readFileSync(fs.readdirSync(work).map((f) => path.join(work, f)).find((f) => f.startsWith(prefix) && f.endsWith(".pgm"))!);
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 32).toString("latin1"))!;
    const width = Number(header[1]);
    const band = pgm.subarray(header[0].length + Math.floor(next.top) * width, header[0].length + Math.ceil(next.bottom) * width);
    let dark = 0;
    for (const value of band) if (value < 128) dark += 1;
    expect(dark / band.length).toBeGreaterThan(0.02);
  });
});
