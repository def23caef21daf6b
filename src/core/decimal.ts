import { GraphQLScalarType, Kind } from "graphql";
import type { ValueTransformer } from "typeorm";

/** Up to 16 integer digits and 2 fraction digits: what DECIMAL(18,2) holds exactly. */
const DECIMAL_PATTERN = /^-?\d{1,16}(\.\d{1,2})?$/;

/** A decimal string in canonical form ("12.30"), or null when the text is not one. */
export function normalizeDecimal(text: string): string | null {
  if (!DECIMAL_PATTERN.test(text)) return null;
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  const digits = whole.replace(/^0+(?=\d)/, "");
  const value = `${digits}.${fraction.padEnd(2, "0")}`;
  return negative && /[1-9]/.test(value) ? `-${value}` : value;
}

/**
 * Whether SQLite keeps the value exactly: its DECIMAL columns have NUMERIC affinity and hold such
 * text as a REAL, exact to 15 significant digits (below 10^13 with cents). MariaDB's DECIMAL(18,2)
 * holds every value the scalar accepts.
 */
export function sqliteHoldsExactly(canonical: string): boolean {
  return canonical.replace(/^-/, "").replace(".", "").replace(/^0+/, "").length <= 15;
}

function parse(value: unknown): string {
  if (typeof value !== "string") throw new TypeError("Decimal must be a string such as \"12345678901.23\" (never a float)");
  const normalized = normalizeDecimal(value.trim());
  if (normalized === null) throw new TypeError(`"${value}" is not a decimal with at most 16 integer and 2 fraction digits`);
  return normalized;
}

/**
 * Exact money: a string in JSON ("12345678901.23"), up to 16 integer and 2 fraction digits,
 * stored as DECIMAL(18,2); never a JS number.
 */
export const DecimalScalar = new GraphQLScalarType({
  name: "Decimal",
  description: "An exact decimal as a string (\"12345678901.23\"): up to 16 integer and 2 fraction digits. Never a float.",
  serialize: (value) => String(value),
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError("Decimal literals are strings, e.g. \"100.00\"");
    return parse(ast.value);
  },
});

/**
 * Reads a DECIMAL(18,2) column as a canonical string on both drivers: mysql2 returns a string;
 * better-sqlite3 returns the NUMERIC-affinity value as a number (exact to 15 significant digits).
 */
export const decimalTransformer: ValueTransformer = {
  to: (value: string | null | undefined) => value,
  from: (value: string | number | null) => {
    if (value === null || value === undefined) return value;
    const text = typeof value === "number" ? value.toFixed(2) : String(value);
    return normalizeDecimal(text) ?? text;
  },
};
