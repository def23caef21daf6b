import { isEnumType, isIntrospectionType, type GraphQLEnumType, type GraphQLSchema } from "graphql";
import { badInput } from "../../core/errors";
import { enumLabels } from "../../core/labels";
import type { DictionaryEnum, DictionaryValue } from "./dictionary.types";

/** Every enum of a schema with its labels, built once per schema (the schema and the labels are fixed at start). */
const built = new WeakMap<GraphQLSchema, Map<string, DictionaryEnum>>();

/**
 * One enum's entry: its values in the order its labels give (the natural order, which the enum's
 * own order follows), each with the registered zh-CN and English labels. A value without labels
 * (a test forbids that) falls back to its name and the schema's description, after the rest.
 */
function entryOf(type: GraphQLEnumType): DictionaryEnum {
  const labels = enumLabels(type.name) ?? {};
  const schemaValues = new Map(type.getValues().map((value) => [value.name, value]));
  const labelled = Object.keys(labels).filter((name) => schemaValues.has(name));
  const unlabelled = [...schemaValues.keys()].filter((name) => !(name in labels));
  const values: DictionaryValue[] = [...labelled, ...unlabelled].map((name, index) => {
    const label = labels[name];
    return {
      value: name,
      labelZh: label?.zh ?? name,
      labelEn: label?.en ?? name,
      description: label?.description ?? schemaValues.get(name)?.description ?? "",
      order: index + 1,
    };
  });
  return { name: type.name, description: type.description ?? null, values };
}

function dictionaryOf(schema: GraphQLSchema): Map<string, DictionaryEnum> {
  let entries = built.get(schema);
  if (!entries) {
    // Walk the executable schema, so an enum added anywhere is listed without being named here.
    const enums = Object.values(schema.getTypeMap())
      .filter((type): type is GraphQLEnumType => isEnumType(type) && !isIntrospectionType(type))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    entries = new Map(enums.map((type) => [type.name, entryOf(type)]));
    built.set(schema, entries);
  }
  return entries;
}

export const dictionaryService = {
  /**
   * 数据字典: every enum of the schema by name, or those named (in the order asked, each once);
   * a name that is not an enum of the schema answers BAD_USER_INPUT naming it.
   */
  list(schema: GraphQLSchema, names?: readonly string[] | null): DictionaryEnum[] {
    const entries = dictionaryOf(schema);
    if (names == null) return [...entries.values()];
    const unknown = names.filter((name) => !entries.has(name));
    if (unknown.length) throw badInput("names", `Not an enum of the schema: ${unknown.join(", ")}`, `数据字典中没有这些枚举：${unknown.join("、")}`);
    return [...new Set(names)].map((name) => entries.get(name)!);
  },
};
