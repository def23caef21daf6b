import { registerEnumType } from "type-graphql";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

/** The Excel ledgers (台账), each served at GET /exports/<path>.xlsx. */
export const LEDGER_EXPORTS = ["TASK_BOARD", "SUPERVISION_DASHBOARD", "DISTRICT_FIGURES", "PROJECTS"] as const;
export type LedgerExport = (typeof LEDGER_EXPORTS)[number];
export const LedgerExportEnum = enumOf(LEDGER_EXPORTS);
registerEnumType(LedgerExportEnum, {
  name: "LedgerExport",
  description: "台账: an Excel ledger of a query, served at GET /exports/<name>.xlsx with the query's filter as URL parameters.",
  valuesConfig: labelEnum<LedgerExport>("LedgerExport", {
    TASK_BOARD: { zh: "任务看板台账", en: "Task board ledger", description: "taskBoard as /exports/task-board.xlsx (its filter's fields and orderBy as parameters)." },
    SUPERVISION_DASHBOARD: { zh: "监管看板台账", en: "Supervision dashboard ledger", description: "supervisionDashboard as /exports/supervision-dashboard.xlsx (ADMIN, CADRE)." },
    DISTRICT_FIGURES: { zh: "区级指标台账", en: "District figures ledger", description: "districtFigures as /exports/district-figures.xlsx?from=&to=&cohort= (ADMIN, CADRE)." },
    PROJECTS: { zh: "项目台账", en: "Project ledger", description: "projects as /exports/projects.xlsx (its filter's fields as parameters; an ENTERPRISE user's own projects only)." },
  }),
});

/** The path of each ledger. */
export const LEDGER_PATHS: Record<LedgerExport, string> = {
  TASK_BOARD: "/exports/task-board.xlsx",
  SUPERVISION_DASHBOARD: "/exports/supervision-dashboard.xlsx",
  DISTRICT_FIGURES: "/exports/district-figures.xlsx",
  PROJECTS: "/exports/projects.xlsx",
};
