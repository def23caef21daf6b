import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import type { AppConfig } from "../../src/config";
import { valueLabel } from "../../src/core/labels";
import { createProject } from "../projects/fixtures";
import { claim, publishTask } from "../board/board-helpers";
import { startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";

let server: TestServer;
let admin: string;
let cadre: string;
/** An ENTERPRISE user of 聚芯源 (a demo enterprise), and the id of another demo enterprise's project. */
let owner: string;
let ownEnterpriseId: string;
let othersProjectId: string;
const origin = (on: TestServer) => on.url.replace(/\/graphql$/, "");

beforeAll(async () => {
  // the demo through its services (board stories, the breaker tripped, a follow-up overdue, figures), plus records made here through the API
  server = await startTestServer({ config: { seedDemo: true } });
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
  const projects = (await server.gql(`{ projects(first: 100) { edges { node { id name enterprise { id } } } } }`, {}, admin)).data.projects.edges.map((e: any) => e.node);
  const juxin = projects.find((p: any) => p.name === "聚芯源半导体二期");
  ownEnterpriseId = juxin.enterprise.id;
  othersProjectId = projects.find((p: any) => p.enterprise.id !== ownEnterpriseId).id;
  owner = (await server.user("ENTERPRISE", { enterpriseId: ownEnterpriseId })).token;
  await createProject(server, admin, ownEnterpriseId, { name: "聚芯源三期", totalInvestment: "88000000.50" });
  const task = await publishTask(server, admin, { title: "台账导出测试任务", category: "KEY_WORK" });
  expect((await claim(server, cadre, task.id, "一周内完成")).errors).toBeUndefined();
  await publishTask(server, admin, { title: "聚芯源专项", category: "MAJOR_PROJECT", projectId: juxin.id });
  await publishTask(server, admin, { title: "台账导出待揭榜任务", category: "KEY_WORK" });
});
afterAll(() => server?.stop());

/** A second server on this file's database with its own config (EXPORT_PAGE_SIZE, EXPORT_MAX_ROWS), stopped after the test. */
async function serverWith(config: Partial<AppConfig>): Promise<TestServer> {
  const other = await startTestServer({ share: server, config });
  onTestFinished(() => other.stop());
  return other;
}

async function download(path: string, token?: string, headers: Record<string, string> = {}, on = server) {
  const response = await fetch(`${origin(on)}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return response;
}

/** Each query answers 400 BAD_USER_INPUT, its message (in Chinese) matching and naming the parameter. */
async function expectBadInput(path: string, token: string, cases: Array<[query: string, field: string, message: RegExp]>) {
  for (const [query, field, message] of cases) {
    const response = await download(`${path}?${query}`, token, { "accept-language": "zh-CN" });
    expect(response.status, query).toBe(400);
    const { errors } = (await response.json()) as any;
    // the plain routes' JSON error (server.ts) carries the code and the parameter; the message names it too, in Chinese first
    expect(errors[0].extensions, query).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(errors[0].message, query).toMatch(message);
    expect(errors[0].message, query).toContain(field);
  }
}

/** A ledger read back with exceljs: each sheet's title, notes, header and rows (cell values). */
async function ledger(path: string, token?: string, on = server) {
  const response = await download(path, token, {}, on);
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
  const sheets = workbook.worksheets.map((sheet) => {
    const all: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, n) => (all[n - 1] = (row.values as unknown[]).slice(1)));
    const frozen = sheet.views[0] as { state?: string; ySplit?: number };
    const headerAt = frozen.ySplit!;
    return {
      name: sheet.name,
      sheet,
      frozen,
      title: all[0][0],
      notes: all.slice(1, headerAt - 1).map((r) => String(r[0])),
      header: all[headerAt - 1],
      rows: all.slice(headerAt).map((r) => Array.from({ length: all[headerAt - 1].length }, (_, i) => r?.[i] ?? null)),
    };
  });
  return { response, sheets, sheet: (name: string) => sheets.find((s) => s.name === name)! };
}

const DISTRICT_MS = 8 * 3600_000;
/** A datetime cell (district wall-clock time) as the instant's ISO string. */
const instant = (cell: unknown) => (cell instanceof Date ? new Date(cell.getTime() - DISTRICT_MS).toISOString() : cell);
/** A date cell as YYYY-MM-DD. */
const day = (cell: unknown) => (cell instanceof Date ? cell.toISOString().slice(0, 10) : cell);
const zh = (enumName: string, value: string | null) => (value ? valueLabel(enumName, value, "zh-CN") : null);

const TASKS = `query($filter: TaskBoardFilter, $orderBy: TaskBoardOrder, $after: String) { taskBoard(first: 100, after: $after, filter: $filter, orderBy: $orderBy) {
  pageInfo { hasNextPage endCursor } edges { node { id title category status overdue dueAt publishedAt claimedAt pledge submittedAt verifiedAt verificationComment
  claimant { name } project { name code } } } } }`;

async function boardAnswer(token: string, filter?: Record<string, unknown>, orderBy?: string) {
  const nodes: any[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await server.gql(TASKS, { filter, orderBy, after }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    nodes.push(...res.data.taskBoard.edges.map((e: any) => e.node));
    if (!res.data.taskBoard.pageInfo.hasNextPage) return nodes;
    after = res.data.taskBoard.pageInfo.endCursor;
  }
}

/** A task as its ledger row shows it (序号 first). */
const taskRow = (t: any, i: number) => [
  i + 1, t.title, zh("TaskCategory", t.category), zh("TaskStatus", t.status), t.overdue ? "是" : "否", t.dueAt, t.publishedAt, t.claimant?.name ?? null, t.claimedAt,
  t.pledge, t.project?.name ?? null, t.project?.code ?? null, t.submittedAt, t.verifiedAt, t.verificationComment, t.id,
];
/** The LIMIT of each task-board page the server read (a page's first + 1: one more row tells whether another page follows). */
const boardPages = (statements: string[]) =>
  statements.filter((q) => /\bboard_task\b/.test(q) && /\bORDER BY\b/.test(q)).map((q) => /\bLIMIT (\d+)\s*$/.exec(q)?.[1]);
const DATETIME_COLUMNS = [5, 6, 8, 12, 13];
const readTaskRow = (row: unknown[]) => row.map((cell, i) => (DATETIME_COLUMNS.includes(i) ? instant(cell) : cell));

describe("task-board.xlsx", () => {
  test("the whole board as taskBoard answers it: same rows, same order, the values, Chinese labels; a styled frozen header, widths, title and notes", async () => {
    const { response, sheets } = await ledger("/exports/task-board.xlsx", cadre);
    expect(response.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="task-board-2026-03-02.xlsx"; filename*=UTF-8''${encodeURIComponent("任务看板台账-2026-03-02.xlsx")}`,
    );
    expect(response.headers.get("cache-control")).toMatch(/^private\b/);
    const expected = await boardAnswer(cadre);
    expect(expected.length).toBeGreaterThan(60);
    const [sheet] = sheets;
    expect(sheet.name).toBe("任务榜");
    expect(sheet.title).toBe("一榜双令 任务榜台账");
    expect(sheet.notes).toEqual(["筛选条件：排序方式：按期限", "生成时间：2026-03-02 09:00（北京时间）；时间均为北京时间（UTC+8）", `共 ${expected.length} 条`]);
    expect(sheet.header).toEqual(["序号", "任务名称", "类别", "状态", "是否逾期", "完成期限", "发布时间", "认领人", "认领时间", "认领承诺", "服务项目", "项目代码", "提交时间", "核验时间", "核验意见", "任务编号"]);
    expect(sheet.frozen).toMatchObject({ state: "frozen", ySplit: 5 });
    expect(sheet.sheet.getColumn(2).width).toBe(36);
    const headerCell = sheet.sheet.getRow(5).getCell(1);
    expect(headerCell.font?.bold).toBe(true);
    expect(headerCell.fill).toMatchObject({ type: "pattern", fgColor: { argb: "FF1F4E79" } });
    expect(sheet.rows.map(readTaskRow)).toEqual(expected.map(taskRow));
    // labels, not codes; numbers as numbers; the district's time (UTC+8) in the cells
    expect(new Set(sheet.rows.map((r) => r[3]))).toEqual(new Set(expected.map((t) => zh("TaskStatus", t.status))));
    expect(sheet.rows.map((r) => r[3])).toContain("已兑现");
    expect(typeof sheet.rows[0][0]).toBe("number");
    expect(sheet.sheet.getRow(6).getCell(6).numFmt).toBe("yyyy-mm-dd hh:mm");
  });

  test("filtered like the query (statusIn, category, orderBy), page after page by the keyset cursor", async () => {
    const filter = { statusIn: ["OPEN", "CLAIMED"], category: "KEY_WORK" };
    const expected = await boardAnswer(cadre, filter, "PUBLISHED_AT_DESC");
    expect(expected.length).toBeGreaterThan(1);
    const pagePerRow = await serverWith({ exportPageSize: 1 }); // a page per row: every row reached through the cursor
    const { result: { sheets }, statements } = await countStatements(pagePerRow, () =>
      ledger("/exports/task-board.xlsx?statusIn=OPEN&statusIn=CLAIMED&category=KEY_WORK&orderBy=PUBLISHED_AT_DESC", cadre, pagePerRow));
    expect(sheets[0].rows.map(readTaskRow)).toEqual(expected.map(taskRow));
    expect(boardPages(statements)).toEqual(expected.map(() => "2"));
    expect(new Set(sheets[0].rows.map((r) => r[3]))).toEqual(new Set(["待揭榜", "已揭榜"]));
    expect(sheets[0].notes[0]).toBe("筛选条件：状态：待揭榜、已揭榜；类别：重点工作；排序方式：按发布时间");
    // comma-separated is the same list; status with statusIn keeps their intersection, as the query
    const comma = await ledger("/exports/task-board.xlsx?statusIn=OPEN,CLAIMED&category=KEY_WORK&orderBy=PUBLISHED_AT_DESC", cadre);
    expect(comma.sheets[0].rows).toEqual(sheets[0].rows);
    const both = await ledger("/exports/task-board.xlsx?status=OPEN&statusIn=CLAIMED", cadre);
    expect(both.sheets[0].rows).toEqual([]);
    const dueBefore = "2026-04-01T00:00:00+08:00";
    const before = await ledger(`/exports/task-board.xlsx?dueBefore=${encodeURIComponent(dueBefore)}&search=${encodeURIComponent("季度")}`, cadre);
    expect(before.sheets[0].rows.map(readTaskRow)).toEqual((await boardAnswer(cadre, { dueBefore, search: "季度" })).map(taskRow));
  });

  test("past EXPORT_MAX_ROWS the ledger lists the first rows and says so (a note and x-ledger-truncated)", async () => {
    const capped = await serverWith({ exportMaxRows: 5, exportPageSize: 2 });
    const { result: { response, sheets }, statements } = await countStatements(capped, () => ledger("/exports/task-board.xlsx", cadre, capped));
    // pages of EXPORT_PAGE_SIZE by the keyset cursor, the last asking only for the row left under the cap (LIMIT is first + 1)
    expect(boardPages(statements)).toEqual(["3", "3", "2"]);
    const expected = await boardAnswer(cadre);
    expect(response.headers.get("x-ledger-truncated")).toBe("true");
    expect(response.headers.get("x-ledger-rows")).toBe("5");
    expect(sheets[0].rows.map(readTaskRow)).toEqual(expected.slice(0, 5).map(taskRow));
    expect(sheets[0].notes[2]).toBe(`共 ${expected.length} 条，超过导出上限 5 条：本表只列前 5 条，请缩小筛选范围后分批导出`);
    // a cap under the page size: one page of the cap's rows
    const small = await serverWith({ exportMaxRows: 3 });
    const one = await countStatements(small, () => ledger("/exports/task-board.xlsx", cadre, small));
    expect(boardPages(one.statements)).toEqual(["4"]);
    expect(one.result.response.headers.get("x-ledger-rows")).toBe("3");
    expect(one.result.sheets[0].rows.map(readTaskRow)).toEqual(expected.slice(0, 3).map(taskRow));
  });

  test("an ENTERPRISE user: another enterprise's project stays blank as in the query; filtering by it answers 404 NOT_FOUND like the query", async () => {
    const expected = await boardAnswer(owner);
    const { sheets } = await ledger("/exports/task-board.xlsx", owner);
    expect(sheets[0].rows.map(readTaskRow)).toEqual(expected.map(taskRow));
    const projectNames = new Set(sheets[0].rows.map((r) => r[10]).filter(Boolean));
    expect(projectNames).toEqual(new Set(["聚芯源半导体二期"]));
    const query = await server.gql(TASKS, { filter: { projectId: othersProjectId } }, owner);
    expect(query.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const refused = await download(`/exports/task-board.xlsx?projectId=${othersProjectId}`, owner);
    expect(refused.status).toBe(404);
    expect((await refused.json() as any).errors[0].extensions.code).toBe("NOT_FOUND");
  });

  test("bad parameters answer 400 BAD_USER_INPUT naming the parameter, in Chinese", async () => {
    await expectBadInput("/exports/task-board.xlsx", cadre, [
      ["statusIn=OPEN,BOGUS", "statusIn", /^状态不是允许的值/],
      ["statusIn=OPEN,OPEN", "statusIn", /^状态不能有重复的项/],
      ["status=NOPE", "status", /^状态不是允许的值/],
      ["category=X", "category", /^类别不是允许的值/],
      ["projectId=not-an-id", "projectId", /^项目不是有效的编号/],
      ["dueBefore=tomorrow", "dueBefore", /^截止日期早于（dueBefore）不是有效的日期时间/],
      ["orderBy=TITLE", "orderBy", /^排序方式（orderBy）不是允许的值/],
      ["status=OPEN&status=CLAIMED", "status", /只能给一个值/],
      ["search=" + "长".repeat(101), "search", /^搜索关键词不能超过 100 个字符/],
      ["colour=red", "colour", /^不支持的参数「colour」/],
    ]);
  });
});

describe("projects.xlsx", () => {
  const PROJECTS = `query($filter: ProjectFilter, $after: String) { projects(first: 100, after: $after, filter: $filter) { pageInfo { hasNextPage endCursor }
    edges { node { id code name industry totalInvestment landParcel stage fastTrackStatus startedOnCommitment signedOn landContractOn constructionStartOn completionOn
    certificateOn trialProductionOn fastTrackAdmittedAt createdAt enterprise { id name } } } } }`;
  async function answer(token: string, filter?: Record<string, unknown>) {
    const res = await server.gql(PROJECTS, { filter }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    expect(res.data.projects.pageInfo.hasNextPage).toBe(false);
    return res.data.projects.edges.map((e: any) => e.node);
  }
  const projectRow = (p: any, i: number) => [
    i + 1, p.code, p.name, p.enterprise.name, p.industry, Number(p.totalInvestment), p.landParcel, zh("ProjectStage", p.stage), zh("FastTrackStatus", p.fastTrackStatus),
    p.startedOnCommitment ? "是" : "否", p.signedOn, p.landContractOn, p.constructionStartOn, p.completionOn, p.certificateOn, p.trialProductionOn, p.fastTrackAdmittedAt, p.createdAt, p.id,
  ];
  const readRow = (row: unknown[]) => row.map((cell, i) => (i >= 10 && i <= 15 ? day(cell) : i === 16 || i === 17 ? instant(cell) : cell));

  test("the list as projects answers it, newest first; amounts as numbers", async () => {
    const expected = await answer(admin);
    const { sheets, response } = await ledger("/exports/projects.xlsx", admin);
    expect(response.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent("项目台账-2026-03-02.xlsx")}`);
    expect(sheets[0].name).toBe("项目");
    expect(sheets[0].rows.map(readRow)).toEqual(expected.map(projectRow));
    expect(sheets[0].rows.find((r) => r[2] === "聚芯源半导体二期")![5]).toBe(12345678901.23);
    expect(sheets[0].rows.find((r) => r[2] === "聚芯源三期")![5]).toBe(88000000.5);
  });

  test("filtered like the query: fastTrackStatusIn and stage", async () => {
    const filter = { fastTrackStatusIn: ["ADMITTED", "SUSPENDED"], stage: "UNDER_CONSTRUCTION" };
    const expected = await answer(admin, filter);
    expect(expected.length).toBeGreaterThan(1);
    const { sheets } = await ledger("/exports/projects.xlsx?fastTrackStatusIn=ADMITTED,SUSPENDED&stage=UNDER_CONSTRUCTION", admin);
    expect(sheets[0].rows.map(readRow)).toEqual(expected.map(projectRow));
    expect(sheets[0].notes[0]).toBe("筛选条件：快速通道状态：承诺准入、停工整改；项目阶段：在建");
  });

  test("an ENTERPRISE user's ledger holds its own enterprise's projects only, exactly as the query", async () => {
    const expected = await answer(owner);
    expect(expected.length).toBe(2);
    const { sheets } = await ledger("/exports/projects.xlsx", owner);
    expect(sheets[0].rows.map(readRow)).toEqual(expected.map(projectRow));
    expect(new Set(expected.map((p: any) => p.enterprise.id))).toEqual(new Set([ownEnterpriseId]));
    // naming another enterprise narrows to nothing, as the query does
    const other = await ledger(`/exports/projects.xlsx?enterpriseId=${(await answer(admin)).find((p: any) => p.enterprise.id !== ownEnterpriseId).enterprise.id}`, owner);
    expect(other.sheets[0].rows).toEqual([]);
    const bad = await download("/exports/projects.xlsx?stage=SOMEWHERE", owner);
    expect(bad.status).toBe(400);
    const refusal = (await bad.json() as any).errors[0];
    expect(refusal.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(refusal.message).toContain("stage");
  });
});

describe("supervision-dashboard.xlsx", () => {
  const DASHBOARD = `{ supervisionDashboard {
    overdueDeferredItems { id promisedBy status overdueAt }
    breachedClauses { id party title dueOn fulfilmentStatus }
    overdueFindings { id note followUpDueOn followUpStatus }
    inspectionsDue { project { code name } riskLevel lastInspectedOn dueOn nextScheduledOn }
    suspendedProjects { code name fastTrackStatus } awaitingDecisionProjects { code name fastTrackStatus } exitedProjects { code name fastTrackStatus }
    circuitBreakers { suspended awaitingDecision exited reapply }
    enterprisesByMeasure { measure enterprises { name creditCode legalRepresentative } } } }`;

  test("what supervisionDashboard answers, a sheet per list and the counts", async () => {
    const res = await server.gql(DASHBOARD, {}, admin);
    expect(res.errors).toBeUndefined();
    const d = res.data.supervisionDashboard;
    const { sheet, sheets, response } = await ledger("/exports/supervision-dashboard.xlsx", cadre);
    expect(response.headers.get("content-disposition")).toContain(encodeURIComponent("监管看板台账-2026-03-02.xlsx"));
    expect(sheets.map((s) => s.name)).toEqual(["概况", "逾期容缺材料", "违约承诺条款", "整改逾期", "到期检查", "熔断项目", "信用惩戒企业"]);
    expect(Object.fromEntries(sheet("概况").rows)).toEqual({
      逾期未补容缺材料: d.overdueDeferredItems.length,
      违约承诺条款: d.breachedClauses.length,
      整改逾期的检查问题: d.overdueFindings.length,
      到期应检查项目: d.inspectionsDue.length,
      "熔断：停工整改中": d.circuitBreakers.suspended,
      "熔断：整改期满待决定": d.circuitBreakers.awaitingDecision,
      "熔断：已退出": d.circuitBreakers.exited,
      "熔断：重新申报": d.circuitBreakers.reapply,
      ...Object.fromEntries(d.enterprisesByMeasure.map((g: any) => [`信用惩戒：${zh("CreditMeasure", g.measure)}（企业数）`, g.enterprises.length])),
    });
    // the demo: 力升创投二期 stopped by the breaker, its fire design material overdue, a follow-up overdue, an enterprise on the key-attention list
    expect(d.overdueDeferredItems.length).toBeGreaterThan(0);
    expect(d.overdueFindings.length).toBeGreaterThan(0);
    expect(d.suspendedProjects.length).toBeGreaterThan(0);
    expect(d.enterprisesByMeasure.length).toBeGreaterThan(0);
    expect(sheet("逾期容缺材料").rows.map((r) => [r[0], day(r[5]), r[6], instant(r[7])])).toEqual(
      d.overdueDeferredItems.map((item: any, i: number) => [i + 1, item.promisedBy, zh("DeferredItemStatus", item.status), item.overdueAt]),
    );
    expect(sheet("违约承诺条款").rows.map((r) => [r[5], r[6], day(r[7]), r[8]])).toEqual(
      d.breachedClauses.map((c: any) => [zh("Party", c.party), c.title, c.dueOn, zh("FulfilmentStatus", c.fulfilmentStatus)]),
    );
    expect(sheet("整改逾期").rows.map((r) => [r[7], day(r[8]), r[9]])).toEqual(d.overdueFindings.map((f: any) => [f.note, f.followUpDueOn, zh("FollowUpStatus", f.followUpStatus)]));
    expect(sheet("到期检查").rows.map((r) => [r[1], r[2], r[4], day(r[5]), day(r[6]), day(r[7])])).toEqual(
      d.inspectionsDue.map((row: any) => [row.project.code, row.project.name, zh("RiskLevel", row.riskLevel), row.lastInspectedOn, row.dueOn, row.nextScheduledOn]),
    );
    const breakers = [
      ...d.suspendedProjects.map((p: any) => ["停工整改", p]),
      ...d.awaitingDecisionProjects.map((p: any) => ["整改期满待决定", p]),
      ...d.exitedProjects.map((p: any) => ["已退出快速通道", p]),
    ];
    expect(sheet("熔断项目").rows.map((r) => [r[1], r[2], r[3], r[5]])).toEqual(breakers.map(([kind, p]) => [kind, p.code, p.name, zh("FastTrackStatus", p.fastTrackStatus)]));
    expect(sheet("信用惩戒企业").rows.map((r) => r.slice(1))).toEqual(
      d.enterprisesByMeasure.flatMap((g: any) => g.enterprises.map((e: any) => [zh("CreditMeasure", g.measure), e.name, e.creditCode, e.legalRepresentative])),
    );
  });

  test("an ENTERPRISE user is refused 403 FORBIDDEN, as the query refuses it", async () => {
    const query = await server.gql(DASHBOARD, {}, owner);
    expect(query.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const response = await download("/exports/supervision-dashboard.xlsx", owner);
    expect(response.status).toBe(403);
    expect((await response.json() as any).errors[0]).toMatchObject({ message: query.errors![0].message, extensions: { code: "FORBIDDEN" } });
  });
});

describe("district-figures.xlsx", () => {
  const FIGURES = `query($from: LocalDate!, $to: LocalDate!, $cohort: ProjectCohort) { districtFigures(from: $from, to: $to, cohort: $cohort) {
    cohort
    approvalTime { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved cutPercent targetCutPercent targetMet }
    startPreparation { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved targetWorkingDays startedOnLandHandover }
    certificates { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved targetWorkingDays withinTarget }
    trialProduction { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved beforeCompletion }
    sameMonth { landAndStartSameMonth withTrialProductionSameYear }
    board { published claimed claimRate open inProgress due fulfilled fulfilledOnTime fulfilledLate failed exemptedFailures unfinished overdue fulfilmentRate onTimeRate }
    tickets { tickets shareResolvedWithinSla byMode { mode tickets resolvedWithinSla } } } }`;

  test("every figure of districtFigures(from, to, cohort), one row each, numbers as numbers", async () => {
    for (const cohort of [undefined, "FAST_TRACK"]) {
      const res = await server.gql(FIGURES, { from: "2025-06-01", to: "2026-03-02", cohort }, admin);
      expect(res.errors).toBeUndefined();
      const f = res.data.districtFigures;
      const { sheet, response } = await ledger(`/exports/district-figures.xlsx?from=2025-06-01&to=2026-03-02${cohort ? `&cohort=${cohort}` : ""}`, cadre);
      expect(response.headers.get("content-disposition")).toContain(encodeURIComponent("区级指标台账-2026-03-02.xlsx"));
      const figures = sheet("区级指标");
      expect(figures.title).toBe(`双容双诺三同步 区级指标（2025-06-01 至 2026-03-02，${zh("ProjectCohort", cohort ?? "ALL")}）`);
      expect(figures.notes[0]).toBe(`筛选条件：开始日期：2025-06-01；结束日期：2026-03-02；项目分组：${zh("ProjectCohort", cohort ?? "ALL")}`);
      const expectedCell = (path: string) => {
        const value = path.split(".").reduce((o: any, k) => o?.[k], f);
        if (path.endsWith("baselineSource")) return zh("BaselineSource", value);
        if (path.endsWith("targetMet")) return value === null ? null : value ? "是" : "否";
        return value;
      };
      const paths = figures.rows.map((r) => r[3] as string);
      expect(paths).toContain("board.fulfilmentRate");
      const leaves = (o: any, prefix = ""): string[] =>
        Object.entries(o).flatMap(([k, v]) => (k === "cohort" || k === "byMode" ? [] : v && typeof v === "object" ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
      expect(new Set(paths)).toEqual(new Set(leaves(f)));
      for (const row of figures.rows) expect(row[2], String(row[3])).toEqual(expectedCell(row[3] as string));
      expect(figures.rows.filter((r) => typeof r[2] === "number").length).toBeGreaterThan(20);
      expect(figures.sheet.getRow(figures.rows.findIndex((r) => r[3] === "board.claimRate") + 5).getCell(3).numFmt).toBe("0.00%");
      expect(sheet("服务工单").rows).toEqual(f.tickets.byMode.map((m: any) => [zh("TicketStage", m.mode), m.tickets, m.resolvedWithinSla]));
    }
  });

  test("from and to are required and checked like the query's; cohort like its enum; ENTERPRISE 403", async () => {
    await expectBadInput("/exports/district-figures.xlsx", admin, [
      ["to=2026-03-02", "from", /^缺少开始日期（from）/],
      ["from=2026-01-01", "to", /^缺少结束日期（to）/],
      ["from=2026-13-01&to=2026-12-31", "from", /^开始日期不是有效的日期/],
      ["from=2026-03-02&to=2026-03-01", "to", /^结束日期不能早于开始日期/],
      ["from=2026-01-01&to=2026-03-01&cohort=SOME", "cohort", /^项目分组（cohort）不是允许的值/],
    ]);
    expect((await download("/exports/district-figures.xlsx?from=2026-01-01&to=2026-03-01", owner)).status).toBe(403);
  });
});

test("anonymous callers get 401 UNAUTHENTICATED on every ledger", async () => {
  for (const path of ["/exports/task-board.xlsx", "/exports/projects.xlsx", "/exports/supervision-dashboard.xlsx", "/exports/district-figures.xlsx?from=2026-01-01&to=2026-03-01"]) {
    const response = await download(path);
    expect(response.status, path).toBe(401);
    expect((await response.json() as any).errors[0].extensions.code, path).toBe("UNAUTHENTICATED");
  }
});

describe("ledgerExportLink", () => {
  const LINK = `query($name: LedgerExport!) { ledgerExportLink(name: $name) }`;
  async function login(role: "CADRE" | "ENTERPRISE") {
    const { user } = await server.user(role, role === "ENTERPRISE" ? { enterpriseId: ownEnterpriseId } : {});
    const res = await server.gql(`mutation($input: LoginInput!) { login(input: $input) { token } }`, { input: { username: user.username, password: TEST_PASSWORD } });
    return res.data.login.token as string;
  }

  test("a signed link downloads without a bearer header; bound to the path, the filter is appended and still runs as the caller", async () => {
    const token = await login("CADRE");
    const res = await server.gql(LINK, { name: "TASK_BOARD" }, token);
    expect(res.errors).toBeUndefined();
    const link = res.data.ledgerExportLink as string;
    expect(link).toMatch(/^\/exports\/task-board\.xlsx\?access=[^&]+$/);
    const { sheets } = await ledger(`${link}&statusIn=OPEN`);
    expect(sheets[0].rows.map(readTaskRow)).toEqual((await boardAnswer(token, { statusIn: ["OPEN"] })).map(taskRow));
    // another ledger's path is not this link's
    expect((await download(link.replace("task-board", "projects"))).status).toBe(401);
  });

  test("refused like the ledger's query: anonymous UNAUTHENTICATED, an ENTERPRISE user FORBIDDEN for the dashboard, allowed its projects", async () => {
    expect((await server.gql(LINK, { name: "PROJECTS" })).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const token = await login("ENTERPRISE");
    expect((await server.gql(LINK, { name: "SUPERVISION_DASHBOARD" }, token)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await server.gql(LINK, { name: "DISTRICT_FIGURES" }, token)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const link = (await server.gql(LINK, { name: "PROJECTS" }, token)).data.ledgerExportLink;
    const { sheets } = await ledger(link);
    expect(sheets[0].rows.map((r) => r[3])).toEqual(sheets[0].rows.map(() => "河源聚芯源半导体有限公司"));
  });
});
