import type http from "node:http";
import ExcelJS from "exceljs";
import { DISTRICT_OFFSET_MS, districtMinute } from "../../core/dates";

/**
 * How a column shows its values: text as it is; `label` an enum value by its Chinese label; `count`
 * and `number` as numbers; `money` a decimal string as a number where the number holds it exactly
 * (Excel keeps 15 significant digits; beyond, the exact string); `percent` a 0..1 share; `datetime`
 * an instant in district time (UTC+8); `date` a district date (YYYY-MM-DD); `yesNo` 是/否.
 */
export type ColumnKind = "text" | "count" | "number" | "money" | "percent" | "datetime" | "date" | "yesNo";

export interface LedgerColumn {
  header: string;
  width: number;
  kind?: ColumnKind;
}

export interface LedgerSheet {
  /** The tab's name (at most 31 characters, no []:*?/\). */
  name: string;
  /** The first row: what the sheet is. */
  title: string;
  /** Rows under the title: the filter, the time generated, a cap reached. */
  notes: string[];
  columns: LedgerColumn[];
  rows: Iterable<unknown[]> | AsyncIterable<unknown[]>;
}

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = {
  count: "0",
  number: "0.##",
  money: "#,##0.00",
  percent: "0.00%",
  datetime: "yyyy-mm-dd hh:mm",
  date: "yyyy-mm-dd",
};

/** The district's wall-clock time of an instant as a cell value (Excel dates carry no zone). */
const districtCell = (instant: Date) => new Date(instant.getTime() + DISTRICT_OFFSET_MS);

/** 2026-03-02 09:00 (UTC+8): an instant as an official reads it in a note. */
export function districtTimeText(instant: Date): string {
  return `${districtMinute(instant)}（北京时间）`;
}

/** A value that brings its own kind, for a column whose rows differ (a figures sheet's 数值). */
export class Typed {
  constructor(readonly kind: ColumnKind, readonly value: unknown) {}
}

/** A value as the cell of a column of that kind. */
export function cellValue(kind: ColumnKind, value: unknown): ExcelJS.CellValue {
  if (value instanceof Typed) return cellValue(value.kind, value.value);
  if (value === null || value === undefined || value === "") return null;
  switch (kind) {
    case "count":
    case "number":
    case "percent":
      return typeof value === "number" ? value : Number(value);
    case "money": {
      const text = String(value);
      const n = Number(text);
      // a number where Excel's 15 significant digits hold it to the cent (below 10^13 yuan), else the exact string
      return Number.isFinite(n) && Math.abs(n) < 1e13 ? n : text;
    }
    case "datetime":
      return districtCell(value instanceof Date ? value : new Date(String(value)));
    case "date":
      return new Date(`${String(value).slice(0, 10)}T00:00:00.000Z`);
    case "yesNo":
      return value ? "是" : "否";
    default:
      return String(value);
  }
}

const THIN = { style: "thin" as const, color: { argb: "FF999999" } };

/**
 * Streams a workbook to the response: each sheet a title row, its notes, a styled header row
 * frozen with what is above it, and its rows as they come (the writer keeps no more than a row in
 * memory; rows of a page arrive while the previous ones are on the wire).
 */
export async function streamWorkbook(res: http.ServerResponse, sheets: LedgerSheet[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  workbook.creator = "极速审批服务";
  for (const sheet of sheets) {
    const headerRow = 2 + sheet.notes.length;
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: "frozen", ySplit: headerRow, xSplit: 0 }] });
    worksheet.columns = sheet.columns.map((column, i) => ({
      key: `c${i}`,
      width: column.width,
      style: NUMBER_FORMATS[column.kind ?? "text"] ? { numFmt: NUMBER_FORMATS[column.kind ?? "text"] } : {},
    }));
    const title = worksheet.addRow([sheet.title]);
    title.font = { bold: true, size: 14 };
    title.height = 22;
    title.commit();
    for (const note of sheet.notes) {
      const row = worksheet.addRow([note]);
      row.font = { color: { argb: "FF555555" } };
      row.commit();
    }
    const header = worksheet.addRow(sheet.columns.map((column) => column.header));
    header.eachCell((cell) => {
      cell.font = { bold: true, color: { argb: "FFFFFFFF" } };
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF1F4E79" } };
      cell.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
      cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
    });
    header.height = 20;
    header.commit();
    for await (const values of sheet.rows) {
      const row = worksheet.addRow(values.map((value, i) => cellValue(sheet.columns[i]?.kind ?? "text", value)));
      values.forEach((value, i) => {
        const format = value instanceof Typed ? NUMBER_FORMATS[value.kind] : undefined;
        if (format) row.getCell(i + 1).numFmt = format;
      });
      row.commit();
    }
    worksheet.commit();
  }
  await workbook.commit();
}

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
