import fs from "node:fs";
import PDFDocument from "pdfkit";
import { In, IsNull, LessThanOrEqual, MoreThan } from "typeorm";
import type { RequestContext } from "../../core/context";
import { districtDate, districtMinute } from "../../core/dates";
import { conflict, unauthenticated, zhLabel } from "../../core/errors";
import { signedLink } from "../../core/links";
import { User } from "../accounts/user.entity";
import { Department } from "../departments/department.entity";
import { Enterprise } from "../enterprises/enterprise.entity";
import { Project } from "../projects/project.entity";
import { ProjectManagerAssignment } from "../teams/project-manager-assignment.entity";
import { TeamMember } from "../teams/team-member.entity";
import { CommitmentClause, CommitmentLetter, type LetterStatus } from "./commitment.entity";
import { commitmentService } from "./commitment.service";

/** Where a letter's printed copy is served (letter-pdf.route.ts); pdfUrl signs exactly this path. */
export const letterPdfPath = (letterId: string) => `/letters/${encodeURIComponent(letterId)}.pdf`;

/**
 * 打印: which letters print. A SIGNED one prints clean; a DRAFT prints marked 草稿 across every page
 * (for both sides to read before signing), a TERMINATED one marked 已终止 (it bound both once and
 * stays on record); a WITHDRAWN one never bound anyone and does not print (pdfUrl null, the route
 * CONFLICT).
 */
export const PRINT_WATERMARK: Record<LetterStatus, string | null | undefined> = {
  SIGNED: null,
  DRAFT: "草稿",
  TERMINATED: "已终止",
  WITHDRAWN: undefined,
};
export const isPrintable = (letter: Pick<CommitmentLetter, "status">) => PRINT_WATERMARK[letter.status] !== undefined;

/** CommitmentLetter.pdfUrl: a signed link to the printed letter for the caller (as signedLink makes it for any download), or null for a letter that does not print. */
export async function letterPdfUrl(ctx: RequestContext, letter: CommitmentLetter): Promise<string | null> {
  return isPrintable(letter) ? signedLink(ctx, letterPdfPath(letter.id)) : null;
}

/** A signer as printed: name, and the department for the government side. */
export interface PrintedSigner {
  name: string;
  department: string | null;
  at: Date;
}

/** Everything the printed letter says, read in one transaction. */
export interface LetterPrintout {
  letter: CommitmentLetter;
  project: Project;
  enterprise: Enterprise;
  clauses: CommitmentClause[];
  /** The signed version this one amends (and supersedes once signed). */
  amends: CommitmentLetter | null;
  /** 区委改革办 as the departments table names it: the government side's lead. */
  reformOffice: string;
  /** 项目经理人 serving when the letter was signed (now, for an unsigned one). */
  manager: { name: string; department: string | null } | null;
  /** The departments of the service team (一项目一专班) serving then, in their order. */
  teamDepartments: string[];
  enterpriseSigner: PrintedSigner | null;
  governmentSigner: PrintedSigner | null;
}

/**
 * The letter to print, as the caller may see it: signed in (UNAUTHENTICATED), the same visibility
 * as the commitmentLetter query (another enterprise's letter is NOT_FOUND), and printable (a
 * WITHDRAWN letter is CONFLICT). The government side is the reform office, with the project
 * manager and the team's departments serving at the signing.
 */
export async function letterPrintout(ctx: RequestContext, letterId: string): Promise<LetterPrintout> {
  if (!ctx.user) throw unauthenticated("Sign in, or open the letter's signed link (pdfUrl)", "请先登录，或使用承诺书的下载链接（pdfUrl）打开");
  return ctx.transaction(async (tx) => {
    const letter = await commitmentService.findVisible(tx, letterId);
    if (!isPrintable(letter)) {
      throw conflict(`A ${letter.status} letter never bound anyone and is not printed`, `“${zhLabel("CommitmentLetterStatus", letter.status)}”的承诺书未曾生效，不能打印`, { status: letter.status });
    }
    const project = await tx.repo(Project).findOneByOrFail({ id: letter.projectId });
    const enterprise = await tx.repo(Enterprise).findOneByOrFail({ id: project.enterpriseId });
    const clauses = await commitmentService.clauses(tx, letter.id);
    const amends = letter.amendsId ? await tx.repo(CommitmentLetter).findOneBy({ id: letter.amendsId }) : null;
    const at = letter.signedAt ?? tx.clock.now();
    const manager = await tx.repo(ProjectManagerAssignment).findOne({
      where: [
        { projectId: project.id, startedAt: LessThanOrEqual(at), endedAt: IsNull() },
        { projectId: project.id, startedAt: LessThanOrEqual(at), endedAt: MoreThan(at) },
      ],
      order: { startedAt: "DESC" },
    });
    const members = await tx.repo(TeamMember).find({
      where: [
        { projectId: project.id, createdAt: LessThanOrEqual(at), removedAt: IsNull() },
        { projectId: project.id, createdAt: LessThanOrEqual(at), removedAt: MoreThan(at) },
      ],
    });
    const userIds = [letter.enterpriseSignedById, letter.governmentSignedById, manager?.cadreId].filter((id): id is string => !!id);
    const users = new Map((userIds.length ? await tx.repo(User).findBy({ id: In(userIds) }) : []).map((u) => [u.id, u]));
    const departmentIds = [...users.values()].map((u) => u.departmentId).concat(members.map((m) => m.departmentId)).filter((id): id is string => !!id);
    const departments = departmentIds.length ? await tx.repo(Department).find({ where: { id: In(departmentIds) }, order: { sortOrder: "ASC", code: "ASC" } }) : [];
    const departmentName = new Map(departments.map((d) => [d.id, d.name]));
    const memberDepartments = new Set(members.map((m) => m.departmentId));
    const reformOffice = (await tx.repo(Department).findOneBy({ code: "REFORM_OFFICE" }))?.name ?? "区委改革办";
    const departmentOf = (user: User) => (user.departmentId ? departmentName.get(user.departmentId) ?? null : null);
    const signer = (id: string | null, when: Date | null): PrintedSigner | null => {
      const user = id ? users.get(id) : undefined;
      return user && when ? { name: user.name, department: departmentOf(user), at: when } : null;
    };
    const managerUser = manager ? users.get(manager.cadreId) : undefined;
    return {
      letter, project, enterprise, clauses, amends, reformOffice,
      manager: managerUser ? { name: managerUser.name, department: departmentOf(managerUser) } : null,
      teamDepartments: departments.filter((d) => memberDepartments.has(d.id)).map((d) => d.name),
      enterpriseSigner: signer(letter.enterpriseSignedById, letter.enterpriseSignedAt),
      governmentSigner: signer(letter.governmentSignedById, letter.governmentSignedAt),
    };
  });
}

/** The file name a browser saves the letter as: 双向承诺书-<project>-第N版.pdf, and an ASCII one for old clients. */
export function letterFileNames(printout: LetterPrintout): { unicode: string; ascii: string } {
  const { project, letter } = printout;
  const name = project.name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_");
  return { unicode: `双向承诺书-${name}-第${letter.version}版.pdf`, ascii: `commitment-letter-${project.code.replace(/[^A-Za-z0-9-]/g, "_")}-v${letter.version}.pdf` };
}

// --- the font: Noto Serif SC (OFL) as @expo-google-fonts/noto-serif-sc ships it, whole TTFs; pdfkit embeds a subset of the glyphs used

const FONT_FILES = {
  regular: "@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf",
  bold: "@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf",
} as const;
let fonts: Promise<Record<keyof typeof FONT_FILES, Buffer>> | undefined;

/** The two weights, read once per process (about 15 MB each) and kept for every letter after. */
export function letterFonts(): Promise<Record<keyof typeof FONT_FILES, Buffer>> {
  fonts ??= (async () => ({
    regular: await fs.promises.readFile(require.resolve(FONT_FILES.regular)),
    bold: await fs.promises.readFile(require.resolve(FONT_FILES.bold)),
  }))().catch((error) => {
    fonts = undefined;
    throw error;
  });
  return fonts;
}

// --- the layout: A4 portrait, in points

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 68, bottom: 76, left: 72, right: 72 };
const CONTENT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const INK = "#111111";
const MUTED = "#555555";

/** 50000000.00 -> 50,000,000.00 (the DECIMAL string as stored, never through a float). */
function groupDigits(amount: string): string {
  const [whole, fraction] = amount.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction !== undefined ? `${grouped}.${fraction}` : grouped;
}

/**
 * Writes the printed letter to `out`. The pages are laid out once and kept (a letter is a few
 * pages); the footer (第 X 页 共 Y 页) goes on each when the count is known, then the PDF streams
 * out. The output is the same bytes for the same letter: the PDF's dates are the letter's own
 * (signed, else last changed) and pdfkit's file id is made from them.
 */
export function writeLetterPdf(printout: LetterPrintout, fontData: Record<"regular" | "bold", Buffer>, out: NodeJS.WritableStream): PDFKit.PDFDocument {
  const { letter, project } = printout;
  const dated = letter.signedAt ?? letter.updatedAt ?? letter.createdAt;
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    autoFirstPage: false,
    bufferPages: true,
    lang: "zh-CN",
    displayTitle: true,
    info: {
      Title: `双向承诺书（${project.name}，第 ${letter.version} 版）`,
      Subject: `投资项目统一代码 ${project.code}`,
      Author: printout.reformOffice,
      Creator: "fast-approval-api",
      Producer: "fast-approval-api (pdfkit)",
      CreationDate: dated,
      ModDate: dated,
    },
  });
  doc.pipe(out);
  doc.registerFont("regular", fontData.regular);
  doc.registerFont("bold", fontData.bold);
  const watermark = PRINT_WATERMARK[letter.status] ?? null;
  if (watermark) doc.on("pageAdded", () => drawWatermark(doc, watermark));
  layOut(doc, printout);
  const { start, count } = doc.bufferedPageRange();
  for (let i = 0; i < count; i++) {
    doc.switchToPage(start + i);
    drawFooter(doc, printout, i + 1, count);
  }
  doc.end();
  return doc;
}

function layOut(doc: PDFKit.PDFDocument, printout: LetterPrintout): void {
  const { letter, project, enterprise } = printout;
  doc.addPage();

  // title
  doc.font("bold").fontSize(22).fillColor(INK).text("双向承诺书", { align: "center", characterSpacing: 6 });
  doc.moveDown(0.3);
  doc.font("regular").fontSize(10.5).fillColor(MUTED)
    .text(`编号：${project.code}-V${letter.version}    第 ${letter.version} 版    状态：${zhLabel("CommitmentLetterStatus", letter.status)}`, { align: "center" });
  if (printout.amends) {
    const earlier = printout.amends;
    const signedOn = earlier.signedAt ? `（${districtDate(earlier.signedAt)} 签署）` : "";
    doc.moveDown(0.2).text(`本版为第 ${letter.version} 版，变更并取代第 ${earlier.version} 版${signedOn}；经双方签署后，以本版为准。`, { align: "center" });
  }
  doc.moveDown(1);

  // the parties
  heading(doc, "一、承诺双方");
  field(doc, "企业方", enterprise.name);
  field(doc, "统一社会信用代码", enterprise.creditCode);
  field(doc, "法定代表人", enterprise.legalRepresentative);
  field(doc, "联系方式", enterprise.contact);
  doc.moveDown(0.4);
  field(doc, "政府方", `${printout.reformOffice}（代表区人民政府及项目服务专班成员单位）`);
  if (printout.manager) field(doc, "项目经理人", printout.manager.department ? `${printout.manager.name}（${printout.manager.department}）` : printout.manager.name);
  if (printout.teamDepartments.length) field(doc, "专班成员单位", printout.teamDepartments.join("、"));
  doc.moveDown(0.8);

  // the project
  heading(doc, "二、项目");
  field(doc, "项目名称", project.name);
  field(doc, "投资项目统一代码", project.code);
  field(doc, "总投资", `${groupDigits(project.totalInvestment)} 元`);
  if (project.landParcel) field(doc, "用地地块", project.landParcel);
  doc.moveDown(0.6);
  paragraph(doc, `为落实“双容双诺三同步”快速审批服务模式，企业方与政府方就上述项目作出如下双向承诺，并对各自承诺的真实性、履约期限负责。`);
  doc.moveDown(0.8);

  // the clauses, each party's in order
  const sections: Array<[string, CommitmentClause[]]> = [
    ["三、企业方承诺", printout.clauses.filter((c) => c.party === "ENTERPRISE")],
    ["四、政府方承诺", printout.clauses.filter((c) => c.party === "GOVERNMENT")],
  ];
  for (const [title, clauses] of sections) {
    heading(doc, title);
    if (!clauses.length) paragraph(doc, "（无）");
    clauses.forEach((clause, i) => {
      keepTogether(doc, 60);
      doc.font("bold").fontSize(11).fillColor(INK).text(`${i + 1}. ${clause.title}`, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
      doc.moveDown(0.15);
      paragraph(doc, clause.text, 18);
      if (clause.dueOn) {
        doc.font("regular").fontSize(10).fillColor(MUTED).text(`履约期限：${clause.dueOn} 前`, MARGIN.left + 18, doc.y, { width: CONTENT_WIDTH - 18 });
      }
      doc.moveDown(0.6);
    });
    doc.moveDown(0.4);
  }

  // effect and signatures
  heading(doc, "五、效力");
  paragraph(doc, "本承诺书经企业方与政府方签署后生效，一式两份，双方各执一份，具有同等效力。承诺事项未按期履行的，按“阶梯式惩戒”和信用管理的有关规定处理。");
  if (printout.amends) paragraph(doc, `本版生效后，第 ${printout.amends.version} 版不再作为履约依据。`);
  doc.moveDown(0.8);
  signatures(doc, printout);
}

/** pdfkit's text state (not part of the PDF graphics state that save/restore keep). */
type TextState = { _font: unknown; _fontSize: number; _fillColor?: [PDFKit.Mixins.ColorValue, number] };

/**
 * The watermark, drawn as a page begins: under everything drawn after it. A page can begin inside
 * a paragraph (pdfkit breaks it and goes on): the font, size, colour and position it had are put back.
 */
function drawWatermark(doc: PDFKit.PDFDocument, watermark: string) {
  const state = doc as unknown as TextState;
  const { _font, _fontSize, _fillColor: [color, opacity] = [INK, 1] } = state;
  const { x, y } = doc;
  doc.save();
  doc.rotate(-35, { origin: [A4.width / 2, A4.height / 2] });
  doc.font("bold").fontSize(140).fillColor("#d9d9d9").fillOpacity(0.6)
    .text(watermark, 0, A4.height / 2 - 90, { width: A4.width, align: "center", lineBreak: false });
  doc.restore();
  state._font = _font;
  state._fontSize = _fontSize;
  doc.fillColor(color, opacity);
  doc.x = x;
  doc.y = y;
}

/** The footer of one page, in the bottom margin. */
function drawFooter(doc: PDFKit.PDFDocument, printout: LetterPrintout, page: number, pages: number) {
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0; // the footer sits in the margin: no page break for it
  doc.font("regular").fontSize(9).fillColor(MUTED).fillOpacity(1)
    .text(`${printout.project.code} · 双向承诺书第 ${printout.letter.version} 版 · 第 ${page} 页 共 ${pages} 页`, MARGIN.left, A4.height - 48, { width: CONTENT_WIDTH, align: "center", lineBreak: false });
  doc.page.margins.bottom = bottom;
}

function heading(doc: PDFKit.PDFDocument, text: string) {
  keepTogether(doc, 70);
  doc.font("bold").fontSize(13).fillColor(INK).text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.35);
}

function field(doc: PDFKit.PDFDocument, label: string, value: string) {
  const labelWidth = 112;
  const top = doc.y;
  doc.font("regular").fontSize(11).fillColor(MUTED).text(`${label}：`, MARGIN.left + 12, top, { width: labelWidth });
  const afterLabel = doc.y;
  doc.fillColor(INK).text(value, MARGIN.left + 12 + labelWidth, top, { width: CONTENT_WIDTH - 12 - labelWidth });
  doc.y = Math.max(doc.y, afterLabel);
  doc.moveDown(0.1);
}

function paragraph(doc: PDFKit.PDFDocument, text: string, indent = 0) {
  doc.font("regular").fontSize(11).fillColor(INK).text(text, MARGIN.left + indent, doc.y, { width: CONTENT_WIDTH - indent, lineGap: 3, align: "justify" });
}

/** A new page when fewer than `height` points are left on this one. */
function keepTogether(doc: PDFKit.PDFDocument, height: number) {
  if (doc.y + height > A4.height - MARGIN.bottom) doc.addPage();
}

/** Who signed in the service and when, for each side, and the blank lines for the paper original. */
function signatures(doc: PDFKit.PDFDocument, printout: LetterPrintout) {
  const gap = 24;
  const column = (CONTENT_WIDTH - gap) / 2;
  keepTogether(doc, 250);
  heading(doc, "六、签署");
  const top = doc.y;
  const sides: Array<{ title: string; name: string; signer: PrintedSigner | null; sign: string }> = [
    { title: "企业方", name: printout.enterprise.name, signer: printout.enterpriseSigner, sign: "法定代表人或授权代表（签字）" },
    { title: "政府方", name: printout.reformOffice, signer: printout.governmentSigner, sign: "负责人或授权代表（签字）" },
  ];
  let bottom = top;
  sides.forEach((side, i) => {
    const left = MARGIN.left + i * (column + gap);
    doc.font("bold").fontSize(11).fillColor(INK).text(`${side.title}：${side.name}`, left, top, { width: column });
    doc.moveDown(0.3);
    doc.font("regular").fontSize(10).fillColor(MUTED);
    if (side.signer) {
      const who = side.signer.department ? `${side.signer.name}（${side.signer.department}）` : side.signer.name;
      doc.text(`系统签署人：${who}`, left, doc.y, { width: column });
      doc.text(`签署时间：${districtMinute(side.signer.at)}（北京时间）`, left, doc.y, { width: column });
    } else {
      doc.text("系统签署人：尚未签署", left, doc.y, { width: column });
      doc.text("签署时间：—", left, doc.y, { width: column });
    }
    doc.moveDown(1.2);
    doc.fillColor(INK);
    for (const label of [`${side.sign}：`, "单位（盖章）："]) {
      doc.fontSize(10.5).text(label, left, doc.y, { width: column });
      const rule = doc.y + 22;
      doc.moveTo(left, rule).lineTo(left + column, rule).lineWidth(0.6).strokeColor(INK).stroke();
      doc.y = rule + 10;
    }
    doc.fontSize(10.5).text("日期：        年      月      日", left, doc.y + 4, { width: column });
    bottom = Math.max(bottom, doc.y);
  });
  doc.x = MARGIN.left;
  doc.y = bottom;
}
