import type { RequestContext } from "../../core/context";
import { districtDate } from "../../core/dates";
import { loaderById } from "../../core/loaders";
import { valueLabel } from "../../core/labels";
import type { Connection } from "../../core/pagination";
import { Enterprise } from "../enterprises/enterprise.entity";
import { boardLoaders } from "../board/board.loaders";
import { boardQueryService } from "../board/board-query.service";
import type { BoardTask } from "../board/board-task.entity";
import type { TaskBoardFilter, TaskBoardOrder } from "../board/board.inputs";
import type { BoardFigures } from "../board/board.types";
import { CommitmentLetter } from "../commitments/commitment.entity";
import { DeferrableItem } from "../fast-track/deferrable-item.entity";
import { figuresService } from "../instep/figures.service";
import type { DistrictFigures, DurationFigures, ProjectCohort } from "../instep/figures.types";
import { Project } from "../projects/project.entity";
import type { ProjectFilter } from "../projects/project.inputs";
import { projectService } from "../projects/project.service";
import { dashboardService } from "../supervision/dashboard.service";
import { JointInspection, SupervisionStandard } from "../supervision/supervision.entity";
import { districtTimeText, Typed, type LedgerColumn, type LedgerSheet } from "./ledger-workbook";
import { LEDGER_PATHS, type LedgerExport } from "./exports.types";

/** A ledger ready to stream: its sheets (rows may still be read page by page). */
export interface Ledger {
  /** Rows the ledger lists (of the paged sheet), and whether EXPORT_MAX_ROWS cut it. */
  rows: number;
  truncated: boolean;
  sheets: LedgerSheet[];
}

/**
 * The query's connection, page after page by its keyset cursor (EXPORT_PAGE_SIZE rows a page), up
 * to EXPORT_MAX_ROWS rows: no page asks for more than the rows left under the cap. The first page
 * is read before anything is sent, so that the query's own refusals (NOT_FOUND, a bad cursor)
 * answer as JSON; the count tells whether the cap cuts the ledger.
 */
async function pagedRows<T>(ctx: RequestContext, load: (after: string | undefined, first: number) => Promise<Connection<T>>) {
  const { exportMaxRows: cap, exportPageSize: pageSize } = ctx.app.config;
  const first = await load(undefined, Math.min(pageSize, cap));
  const total = await first.totalCount;
  async function* rows(): AsyncGenerator<T> {
    let page = first;
    let n = 0;
    for (;;) {
      for (const edge of page.edges) yield edge.node;
      n += page.edges.length;
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor || n >= cap) return;
      page = await load(page.pageInfo.endCursor, Math.min(pageSize, cap - n));
    }
  }
  return { total, listed: Math.min(total, cap), truncated: total > cap, rows: rows() };
}

async function* mapRows<T>(rows: AsyncIterable<T>, toRow: (row: T, index: number) => unknown[] | Promise<unknown[]>): AsyncGenerator<unknown[]> {
  let index = 0;
  for await (const row of rows) yield await toRow(row, index++);
}

/** The notes under a sheet's title: the filter, when it was made, how many rows, and the cap when it cut the ledger. */
function notes(ctx: RequestContext, filter: string, paged?: { total: number; listed: number; truncated: boolean }): string[] {
  const lines = [filter, `生成时间：${districtTimeText(ctx.clock.now())}；时间均为北京时间（UTC+8）`];
  if (paged) lines.push(`共 ${paged.total} 条${paged.truncated ? `，超过导出上限 ${ctx.app.config.exportMaxRows} 条：本表只列前 ${paged.listed} 条，请缩小筛选范围后分批导出` : ""}`);
  return lines;
}

const label = (enumName: string, value: string | null | undefined) => (value ? valueLabel(enumName, value, "zh-CN") : null);

const TASK_COLUMNS: LedgerColumn[] = [
  { header: "序号", width: 6, kind: "count" },
  { header: "任务名称", width: 36 },
  { header: "类别", width: 10 },
  { header: "状态", width: 10 },
  { header: "是否逾期", width: 9, kind: "yesNo" },
  { header: "完成期限", width: 17, kind: "datetime" },
  { header: "发布时间", width: 17, kind: "datetime" },
  { header: "认领人", width: 12 },
  { header: "认领时间", width: 17, kind: "datetime" },
  { header: "认领承诺", width: 36 },
  { header: "服务项目", width: 28 },
  { header: "项目代码", width: 26 },
  { header: "提交时间", width: 17, kind: "datetime" },
  { header: "核验时间", width: 17, kind: "datetime" },
  { header: "核验意见", width: 30 },
  { header: "任务编号", width: 38 },
];

const PROJECT_COLUMNS: LedgerColumn[] = [
  { header: "序号", width: 6, kind: "count" },
  { header: "投资项目统一代码", width: 26 },
  { header: "项目名称", width: 32 },
  { header: "企业", width: 30 },
  { header: "行业代码", width: 10 },
  { header: "总投资（元）", width: 20, kind: "money" },
  { header: "地块编号", width: 14 },
  { header: "项目阶段", width: 12 },
  { header: "快速通道状态", width: 14 },
  { header: "承诺即开工", width: 11, kind: "yesNo" },
  { header: "签约日期", width: 12, kind: "date" },
  { header: "拿地日期", width: 12, kind: "date" },
  { header: "开工日期", width: 12, kind: "date" },
  { header: "竣工日期", width: 12, kind: "date" },
  { header: "发证日期", width: 12, kind: "date" },
  { header: "试产日期", width: 12, kind: "date" },
  { header: "准入时间", width: 17, kind: "datetime" },
  { header: "登记时间", width: 17, kind: "datetime" },
  { header: "项目编号", width: 38 },
];

/** Builds the Excel ledgers (台账) from what the queries answer: the same service calls, the same filters, the same visibility. */
export class ExportsService {
  /** 任务看板台账: taskBoard with its filter and order, every page. */
  async taskBoard(ctx: RequestContext, filter: TaskBoardFilter, orderBy: TaskBoardOrder, filterText: string): Promise<Ledger> {
    const paged = await pagedRows(ctx, (after, first) => boardQueryService.taskBoard(ctx, { first, after }, filter, orderBy));
    const rows = mapRows(paged.rows, async (task: BoardTask, i) => {
      const [claimant, project] = await Promise.all([boardLoaders.claimant(ctx, task), boardLoaders.project(ctx, task)]);
      return [
        i + 1, task.title, label("TaskCategory", task.category), label("TaskStatus", task.status), boardQueryService.isOverdue(ctx, task),
        task.dueAt, task.publishedAt, claimant?.name ?? null, task.claimedAt, task.pledge, project?.name ?? null, project?.code ?? null,
        task.submittedAt, task.verifiedAt, task.verificationComment, task.id,
      ];
    });
    return {
      rows: paged.listed,
      truncated: paged.truncated,
      sheets: [{ name: "任务榜", title: "一榜双令 任务榜台账", notes: notes(ctx, filterText, paged), columns: TASK_COLUMNS, rows }],
    };
  }

  /** 项目台账: projects with its filter (an ENTERPRISE user's own enterprise's only, as the query), newest first, every page. */
  async projects(ctx: RequestContext, filter: ProjectFilter, filterText: string): Promise<Ledger> {
    const paged = await pagedRows(ctx, (after, first) => projectService.list(ctx, { first, after }, filter));
    const rows = mapRows(paged.rows, async (p: Project, i) => {
      const enterprise = await loaderById(ctx, Enterprise).load(p.enterpriseId);
      return [
        i + 1, p.code, p.name, enterprise?.name ?? null, p.industry, p.totalInvestment, p.landParcel, label("ProjectStage", p.stage),
        label("FastTrackStatus", p.fastTrackStatus), p.startedOnCommitment, p.signedOn, p.landContractOn, p.constructionStartOn, p.completionOn,
        p.certificateOn, p.trialProductionOn, p.fastTrackAdmittedAt, p.createdAt, p.id,
      ];
    });
    return {
      rows: paged.listed,
      truncated: paged.truncated,
      sheets: [{ name: "项目", title: "产业投资项目台账", notes: notes(ctx, filterText, paged), columns: PROJECT_COLUMNS, rows }],
    };
  }

  /** 监管看板台账: what supervisionDashboard answers, a sheet per list and one of counts. */
  async supervisionDashboard(ctx: RequestContext): Promise<Ledger> {
    const d = await dashboardService.dashboard(ctx);
    const project = (id: string) => loaderById(ctx, Project).load(id);
    const projectCells = async (id: string) => {
      const p = await project(id);
      return [p?.code ?? null, p?.name ?? null, p ? ((await loaderById(ctx, Enterprise).load(p.enterpriseId))?.name ?? null) : null];
    };
    const PROJECT: LedgerColumn[] = [
      { header: "项目代码", width: 26 },
      { header: "项目名称", width: 30 },
      { header: "企业", width: 30 },
    ];
    const note = notes(ctx, "筛选条件：无（监管看板的全部内容）");
    const deferred = await Promise.all(d.overdueDeferredItems.map(async (item, i) => [
      i + 1, ...(await projectCells(item.projectId)), (await loaderById(ctx, DeferrableItem).load(item.deferrableItemId))?.name ?? null,
      item.promisedBy, label("DeferredItemStatus", item.status), item.overdueAt,
    ]));
    const clauses = await Promise.all(d.breachedClauses.map(async (clause, i) => {
      const letter = await loaderById(ctx, CommitmentLetter).load(clause.letterId);
      return [i + 1, ...(letter ? await projectCells(letter.projectId) : [null, null, null]), letter?.version ?? null, label("Party", clause.party), clause.title, clause.dueOn, label("FulfilmentStatus", clause.fulfilmentStatus)];
    }));
    const findings = await Promise.all(d.overdueFindings.map(async (finding, i) => {
      const inspection = await loaderById(ctx, JointInspection).load(finding.inspectionId);
      const standard = await loaderById(ctx, SupervisionStandard).load(finding.standardId);
      return [i + 1, ...(inspection ? await projectCells(inspection.projectId) : [null, null, null]), inspection?.scheduledOn ?? null, standard?.code ?? null, standard?.title ?? null, finding.note, finding.followUpDueOn, label("FollowUpStatus", finding.followUpStatus)];
    }));
    const due = await Promise.all(d.inspectionsDue.map(async (row, i) => [i + 1, ...(await projectCells(row.project.id)), label("RiskLevel", row.riskLevel), row.lastInspectedOn, row.dueOn, row.nextScheduledOn]));
    const breakerLists: Array<[string, Project[]]> = [["停工整改", d.suspendedProjects], ["整改期满待决定", d.awaitingDecisionProjects], ["已退出快速通道", d.exitedProjects]];
    const breakers: unknown[][] = [];
    for (const [kind, list] of breakerLists) for (const p of list) breakers.push([breakers.length + 1, kind, ...(await projectCells(p.id)), label("FastTrackStatus", p.fastTrackStatus)]);
    const measures: unknown[][] = [];
    for (const group of d.enterprisesByMeasure) for (const e of group.enterprises) measures.push([measures.length + 1, label("CreditMeasure", group.measure), e.name, e.creditCode, e.legalRepresentative]);
    const c = d.circuitBreakers;
    const summary: unknown[][] = [
      ["逾期未补容缺材料", d.overdueDeferredItems.length],
      ["违约承诺条款", d.breachedClauses.length],
      ["整改逾期的检查问题", d.overdueFindings.length],
      ["到期应检查项目", d.inspectionsDue.length],
      ["熔断：停工整改中", c.suspended],
      ["熔断：整改期满待决定", c.awaitingDecision],
      ["熔断：已退出", c.exited],
      ["熔断：重新申报", c.reapply],
      ...d.enterprisesByMeasure.map((g) => [`信用惩戒：${label("CreditMeasure", g.measure)}（企业数）`, g.enterprises.length]),
    ];
    const seq: LedgerColumn = { header: "序号", width: 6, kind: "count" };
    const sheet = (name: string, title: string, columns: LedgerColumn[], rows: unknown[][]): LedgerSheet => ({ name, title, notes: note, columns, rows });
    return {
      rows: deferred.length + clauses.length + findings.length + due.length + breakers.length + measures.length,
      truncated: false,
      sheets: [
        sheet("概况", "周期监管看板：概况", [{ header: "事项", width: 36 }, { header: "数量", width: 10, kind: "count" }], summary),
        sheet("逾期容缺材料", "容缺材料逾期未补（按承诺补交日期先后）", [seq, ...PROJECT, { header: "容缺材料", width: 20 }, { header: "承诺补交日期", width: 13, kind: "date" }, { header: "状态", width: 10 }, { header: "认定逾期时间", width: 17, kind: "datetime" }], deferred),
        sheet("违约承诺条款", "双向承诺书违约条款（按到期日先后）", [seq, ...PROJECT, { header: "承诺书版本", width: 10, kind: "count" }, { header: "承诺方", width: 8 }, { header: "条款", width: 30 }, { header: "到期日", width: 12, kind: "date" }, { header: "履约状态", width: 10 }], clauses),
        sheet("整改逾期", "检查问题整改逾期（按整改期限先后）", [seq, ...PROJECT, { header: "检查日期", width: 12, kind: "date" }, { header: "标准编码", width: 10 }, { header: "监管标准", width: 30 }, { header: "问题", width: 30 }, { header: "整改期限", width: 12, kind: "date" }, { header: "整改状态", width: 10 }], findings),
        sheet("到期检查", "风险等级差异化监管：到期应检查项目", [seq, ...PROJECT, { header: "风险等级", width: 10 }, { header: "上次检查", width: 12, kind: "date" }, { header: "应检查日期", width: 12, kind: "date" }, { header: "已排检查", width: 12, kind: "date" }], due),
        sheet("熔断项目", "熔断：停工整改、待决定与已退出的项目", [seq, { header: "情形", width: 16 }, ...PROJECT, { header: "快速通道状态", width: 14 }], breakers),
        sheet("信用惩戒企业", "阶梯式惩戒：各措施下的企业", [seq, { header: "惩戒措施", width: 18 }, { header: "企业", width: 30 }, { header: "统一社会信用代码", width: 22 }, { header: "法定代表人", width: 12 }], measures),
      ],
    };
  }

  /** 区级指标台账: districtFigures(from, to, cohort), one row per figure. */
  async districtFigures(ctx: RequestContext, from: string, to: string, cohort: ProjectCohort, filterText: string): Promise<Ledger> {
    const f = await figuresService.districtFigures(ctx, from, to, cohort);
    const rows = figureRows(f);
    const byMode = f.tickets.byMode.map((m) => [label("TicketStage", m.mode), m.tickets, m.resolvedWithinSla]);
    return {
      rows: rows.length,
      truncated: false,
      sheets: [
        {
          name: "区级指标",
          title: `双容双诺三同步 区级指标（${from} 至 ${to}，${label("ProjectCohort", f.cohort)}）`,
          notes: notes(ctx, filterText),
          columns: [{ header: "板块", width: 20 }, { header: "指标", width: 30 }, { header: "数值", width: 14, kind: "number" }, { header: "字段", width: 36 }],
          rows,
        },
        {
          name: "服务工单",
          title: `服务工单（${from} 至 ${to}）：按服务模式`,
          notes: notes(ctx, filterText),
          columns: [{ header: "服务模式", width: 12 }, { header: "工单数", width: 10, kind: "count" }, { header: "时限内办结", width: 12, kind: "count" }],
          rows: byMode,
        },
      ],
    };
  }
}

const DURATION: Array<[keyof DurationFigures, string, "count" | "number" | "label"]> = [
  ["projects", "项目数", "count"],
  ["averageWorkingDays", "平均用时（工作日）", "number"],
  ["baseline", "改革前基准（工作日）", "number"],
  ["baselineSource", "基准来源", "label"],
  ["baselineSampleSize", "基准样本项目数", "count"],
  ["averageWorkingDaysSaved", "平均节省（工作日）", "number"],
];

const BOARD: Array<[keyof BoardFigures, string, "count" | "percent"]> = [
  ["published", "发布任务", "count"], ["claimed", "已认领过", "count"], ["claimRate", "认领率", "percent"], ["open", "待揭榜", "count"],
  ["inProgress", "办理中", "count"], ["due", "应兑现", "count"], ["fulfilled", "已兑现", "count"], ["fulfilledOnTime", "按时兑现", "count"],
  ["fulfilledLate", "逾期兑现", "count"], ["failed", "未兑现", "count"], ["exemptedFailures", "容错免责", "count"], ["unfinished", "逾期未完成", "count"],
  ["overdue", "认领后逾期", "count"], ["fulfilmentRate", "兑现率", "percent"], ["onTimeRate", "按时兑现率", "percent"],
];

/** Every figure of districtFigures as (板块, 指标, 数值, 字段): the field path says which answer field the row is. */
function figureRows(f: DistrictFigures): unknown[][] {
  const rows: unknown[][] = [];
  const add = (section: string, name: string, value: unknown, field: string) => rows.push([section, name, value, field]);
  const duration = (section: string, key: "approvalTime" | "startPreparation" | "certificates" | "trialProduction", extra: Array<[string, string, "count" | "number" | "yesNo"]>) => {
    const figures = f[key] as unknown as Record<string, unknown>;
    for (const [field, name, kind] of DURATION) {
      const value = figures[field];
      add(section, name, kind === "label" ? new Typed("text", label("BaselineSource", value as string)) : new Typed(kind, value), `${key}.${field}`);
    }
    for (const [field, name, kind] of extra) add(section, name, new Typed(kind, figures[field]), `${key}.${field}`);
  };
  duration("全流程审批时间", "approvalTime", [["cutPercent", "压缩比例（%）", "number"], ["targetCutPercent", "目标压缩比例（%）", "count"], ["targetMet", "是否达标", "yesNo"]]);
  duration("交地同步开工", "startPreparation", [["targetWorkingDays", "目标（工作日）", "count"], ["startedOnLandHandover", "拿地即开工项目数", "count"]]);
  duration("竣工同步发证", "certificates", [["targetWorkingDays", "目标（工作日）", "count"], ["withinTarget", "目标内发证项目数", "count"]]);
  duration("预验同步试产", "trialProduction", [["beforeCompletion", "竣工前试产项目数", "count"]]);
  add("当月拿地当月开工", "当月拿地、当月开工项目数", new Typed("count", f.sameMonth.landAndStartSameMonth), "sameMonth.landAndStartSameMonth");
  add("当月拿地当月开工", "其中当年试产项目数", new Typed("count", f.sameMonth.withTrialProductionSameYear), "sameMonth.withTrialProductionSameYear");
  for (const [field, name, kind] of BOARD) add("一榜双令 任务榜", name, new Typed(kind, f.board[field]), `board.${field}`);
  add("服务工单", "工单数", new Typed("count", f.tickets.tickets), "tickets.tickets");
  add("服务工单", "时限内办结占比", new Typed("percent", f.tickets.shareResolvedWithinSla), "tickets.shareResolvedWithinSla");
  return rows;
}

/**
 * 任务看板台账-2026-03-02.xlsx: the ledger's name (its LedgerExport label) on the district's date,
 * and task-board-2026-03-02.xlsx (its path's) for old clients.
 */
export function ledgerFileNames(ctx: RequestContext, name: LedgerExport): { name: string; ascii: string } {
  const day = districtDate(ctx.clock.now());
  const slug = LEDGER_PATHS[name].replace(/^.*\/|\.xlsx$/g, "");
  return { name: `${valueLabel("LedgerExport", name, "zh-CN")}-${day}.xlsx`, ascii: `${slug}-${day}.xlsx` };
}

export const exportsService = new ExportsService();
