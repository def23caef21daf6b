import { validate, type ValidationError } from "class-validator";
import { badInput } from "../../core/errors";
import { fieldLabel } from "../../core/i18n/fields";
import { validationZh } from "../../core/i18n/messages";
import { valueLabel } from "../../core/labels";

/**
 * A query parameter of a ledger: `one` a single value (given twice: refused), `list` repeated or
 * comma-separated (statusIn=OPEN&statusIn=CLAIMED, or statusIn=OPEN,CLAIMED), `instant` an ISO 8601
 * date-time; `enumName` names its values' labels for the filter note.
 */
export interface ParamSpec {
  kind: "one" | "list" | "instant";
  enumName?: string;
  /** The name in the filter note where the field's label (i18n/fields) means another thing here. */
  label?: string;
}

/** Parameters every ledger link carries and no filter reads. */
const LINK_PARAMS = new Set(["access"]);

/** The ledger's parameters from the URL, each refused (BAD_USER_INPUT naming it) when unknown, repeated or not a date-time. */
export function readParams(url: URL, specs: Readonly<Record<string, ParamSpec>>): Record<string, string | string[] | Date> {
  const out: Record<string, string | string[] | Date> = {};
  const names = [...new Set(url.searchParams.keys())];
  for (const name of names) {
    if (LINK_PARAMS.has(name)) continue;
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs).join(", ");
      throw badInput(name, `Unknown parameter ${name}; this ledger takes ${known || "none"}`, `不支持的参数「${name}」；本台账可用的参数：${known || "无"}`);
    }
    const values = url.searchParams.getAll(name);
    if (spec.kind === "list") {
      out[name] = values.flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
      continue;
    }
    if (values.length > 1) throw badInput(name, `${name} takes one value`, `${fieldLabel(name)}（${name}）只能给一个值`);
    const [value] = values;
    if (spec.kind === "instant") {
      const instant = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(instant.getTime())) {
        throw badInput(name, `${name} must be an ISO 8601 date-time such as 2026-03-02T09:00:00+08:00`, `${fieldLabel(name)}（${name}）不是有效的日期时间，应为 ISO 8601 格式，如 2026-03-02T09:00:00+08:00`);
      }
      out[name] = instant;
    } else {
      out[name] = value;
    }
  }
  return out;
}

/**
 * The filter validated by its GraphQL input class, the same rules as the query's (type-graphql runs
 * class-validator on the argument): the first failure answers BAD_USER_INPUT naming the parameter,
 * in English and Chinese as formatError words it.
 */
export async function validated<T extends object>(filterClass: new () => T, values: Record<string, unknown>): Promise<T> {
  const filter = Object.assign(new filterClass(), values);
  const failure = firstFailure(await validate(filter, { forbidUnknownValues: false }));
  if (failure) {
    const [key, message] = Object.entries(failure.constraints ?? {})[0] ?? ["invalid", "is not valid"];
    const field = failure.property;
    throw badInput(field, `Invalid ${field}: ${message}`, validationZh({ field, property: field, key, message, value: failure.value, target: filter }));
  }
  return filter;
}

function firstFailure(errors: ValidationError[]): ValidationError | undefined {
  return errors.find((error) => error.constraints && Object.keys(error.constraints).length) ?? errors.find((error) => error.children?.length);
}

/** 筛选条件：状态为 待揭榜、已揭榜；类别为 重点工作 — the parameters given, in Chinese; none: all rows. */
export function filterNote(params: Record<string, string | string[] | Date>, specs: Readonly<Record<string, ParamSpec>>, defaults: string[] = []): string {
  const parts = Object.entries(params).map(([name, value]) => {
    const spec = specs[name];
    const show = (v: string) => (spec?.enumName ? valueLabel(spec.enumName, v, "zh-CN") : v);
    const text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.map(show).join("、") : show(value);
    return `${spec?.label ?? fieldLabel(name)}：${text}`;
  });
  return `筛选条件：${[...parts, ...defaults].join("；") || "无（全部）"}`;
}
