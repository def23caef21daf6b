import { getMetadataStorage, type AuthCheckerFn } from "type-graphql";
import { authChecker, type Role } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { badInput } from "../../core/errors";
import { fieldLabel } from "../../core/i18n/fields";
import { contentDisposition, type HttpRoute } from "../../core/http-routes";
import { valueLabel } from "../../core/labels";
import { BoardResolver } from "../board/board.resolver";
import { TASK_BOARD_ORDERS, TaskBoardFilter, type TaskBoardOrder } from "../board/board.inputs";
import { TimelineResolver } from "../instep/timeline.resolver";
import { PROJECT_COHORTS, type ProjectCohort } from "../instep/figures.types";
import { ProjectResolver } from "../projects/project.resolver";
import { ProjectFilter } from "../projects/project.inputs";
import { SupervisionResolver } from "../supervision/supervision.resolver";
import { exportsService, ledgerFileNames, type Ledger } from "./exports.service";
import { streamWorkbook, XLSX_CONTENT_TYPE } from "./ledger-workbook";
import { filterNote, readParams, validated, type ParamSpec } from "./ledger-params";
import { LEDGER_PATHS, type LedgerExport } from "./exports.types";

/**
 * The roles the query's @Authorized names (none: any signed-in caller), read from type-graphql's
 * metadata, so that a ledger is authorized exactly like its query and follows it when it changes.
 */
function queryRoles(resolver: Function, field: string): Role[] {
  const authorized = getMetadataStorage().authorizedFields.find((entry) => entry.target === resolver && entry.fieldName === field);
  if (!authorized) throw new Error(`${resolver.name}.${field} has no @Authorized: a ledger of it would have no sign-in check`);
  return authorized.roles as Role[];
}

/** The query's own check: anonymous UNAUTHENTICATED, a role it does not name FORBIDDEN (core/auth authChecker). */
function authorizeLike(ctx: RequestContext, resolver: Function, field: string): void {
  (authChecker as AuthCheckerFn<{ user: RequestContext["user"] }, Role>)({ context: ctx, root: undefined, args: {}, info: undefined as never }, queryRoles(resolver, field));
}

/** Which query each ledger is, for the sign-in and role check (also ledgerExportLink's). */
export const LEDGER_QUERIES: Record<LedgerExport, [Function, string]> = {
  TASK_BOARD: [BoardResolver, "taskBoard"],
  SUPERVISION_DASHBOARD: [SupervisionResolver, "supervisionDashboard"],
  DISTRICT_FIGURES: [TimelineResolver, "districtFigures"],
  PROJECTS: [ProjectResolver, "projects"],
};

export const authorizeLedger = (ctx: RequestContext, name: LedgerExport) => authorizeLike(ctx, ...LEDGER_QUERIES[name]);

const TASK_BOARD_PARAMS: Record<string, ParamSpec> = {
  status: { kind: "one", enumName: "TaskStatus" },
  statusIn: { kind: "list", enumName: "TaskStatus" },
  category: { kind: "one", enumName: "TaskCategory" },
  projectId: { kind: "one" },
  claimantId: { kind: "one" },
  dueBefore: { kind: "instant" },
  search: { kind: "one" },
  orderBy: { kind: "one", enumName: "TaskBoardOrder" },
};

const PROJECT_PARAMS: Record<string, ParamSpec> = {
  stage: { kind: "one", enumName: "ProjectStage", label: "项目阶段" },
  enterpriseId: { kind: "one" },
  fastTrackStatus: { kind: "one", enumName: "FastTrackStatus" },
  fastTrackStatusIn: { kind: "list", enumName: "FastTrackStatus" },
  search: { kind: "one" },
};

const FIGURE_PARAMS: Record<string, ParamSpec> = {
  from: { kind: "one" },
  to: { kind: "one" },
  cohort: { kind: "one", enumName: "ProjectCohort" },
};

/** An enum argument outside the filter class (orderBy, cohort): refused as the GraphQL enum would refuse it, naming the parameter. */
function enumParam<T extends string>(name: string, value: unknown, allowed: readonly T[], enumName: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw badInput(name, `${name} must be one of ${allowed.join(", ")}`, `${fieldLabel(name)}（${name}）不是允许的值，只能是：${allowed.map((v) => `${v}（${valueLabel(enumName, v, "zh-CN")}）`).join("、")}`);
}

/** Each ledger: reads the parameters (after the caller's check, before anything is sent), then gives the ledger to stream. */
const PREPARE: Record<LedgerExport, (ctx: RequestContext, url: URL) => Promise<Ledger>> = {
  async TASK_BOARD(ctx, url) {
    const { orderBy, ...params } = readParams(url, TASK_BOARD_PARAMS);
    const order = enumParam<TaskBoardOrder>("orderBy", orderBy, TASK_BOARD_ORDERS, "TaskBoardOrder", "DUE_AT_ASC");
    const filter = await validated(TaskBoardFilter, params);
    const note = filterNote(params, TASK_BOARD_PARAMS, [`排序方式：${valueLabel("TaskBoardOrder", order, "zh-CN")}`]);
    return exportsService.taskBoard(ctx, filter, order, note);
  },
  async PROJECTS(ctx, url) {
    const params = readParams(url, PROJECT_PARAMS);
    const filter = await validated(ProjectFilter, params);
    const scope = ctx.user?.role === "ENTERPRISE" ? ["范围：本企业的项目"] : [];
    return exportsService.projects(ctx, filter, filterNote(params, PROJECT_PARAMS, scope));
  },
  async SUPERVISION_DASHBOARD(ctx, url) {
    readParams(url, {});
    return exportsService.supervisionDashboard(ctx);
  },
  async DISTRICT_FIGURES(ctx, url) {
    const params = readParams(url, FIGURE_PARAMS);
    for (const name of ["from", "to"]) {
      if (typeof params[name] !== "string") throw badInput(name, `${name} is required: a date YYYY-MM-DD`, `缺少${fieldLabel(name)}（${name}），格式为 YYYY-MM-DD，如 2026-03-02`);
    }
    const cohort = enumParam<ProjectCohort>("cohort", params.cohort, PROJECT_COHORTS, "ProjectCohort", "ALL");
    return exportsService.districtFigures(ctx, params.from as string, params.to as string, cohort, filterNote({ ...params, cohort }, FIGURE_PARAMS));
  },
};

function ledgerRoute(name: LedgerExport): HttpRoute {
  const path = LEDGER_PATHS[name];
  return {
    method: "GET",
    path: new RegExp(`^${path.replace(/[.]/g, "\\.")}$`),
    async handle(ctx, { res, url }) {
      authorizeLedger(ctx, name);
      const ledger = await PREPARE[name](ctx, url);
      const files = ledgerFileNames(ctx, name);
      res.writeHead(200, {
        "content-type": XLSX_CONTENT_TYPE,
        "content-disposition": contentDisposition("attachment", files.name, files.ascii),
        // the caller's own view of the records: never kept by a shared cache
        "cache-control": "private, no-store",
        "x-ledger-rows": String(ledger.rows),
        "x-ledger-truncated": String(ledger.truncated),
      });
      await streamWorkbook(res, ledger.sheets);
    },
  };
}

/** GET /exports/<name>.xlsx for every ledger. */
export const exportRoutes: HttpRoute[] = (Object.keys(LEDGER_PATHS) as LedgerExport[]).map(ledgerRoute);
