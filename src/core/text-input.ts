import {
  getNullableType, GraphQLID, GraphQLString, isInputObjectType, isListType, isObjectType,
  type GraphQLArgument, type GraphQLFieldResolver, type GraphQLInputObjectType, type GraphQLInputType, type GraphQLSchema,
} from "graphql";
import { Extensions } from "type-graphql";
import { badInput, fieldLabel } from "./errors";

/**
 * What no text input may hold: C0 controls but TAB, LF and CR; DEL and C1; the bidirectional
 * embeddings, overrides and isolates (U+202A–202E, U+2066–2069), which make text display in
 * another order than it is stored; and lone surrogates (with the u flag \p{Cs} matches only
 * those), which are not Unicode and which SQLite and MariaDB store differently.
 */
const REFUSED_CHARACTER = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

/**
 * How a text field is taken. "text", every field not marked: checked, then NFC-normalized, so one
 * text is stored one way whatever the keyboard or database. "password": checked but kept as
 * typed, since its hash is of exactly those code points. "compared": taken as sent.
 */
type TextTreatment = "text" | "password" | "compared";
const TREATMENT_KEY = "textTreatment";

/** A password being set: refused characters are refused, and it is not normalized (sign-in compares it as typed). */
export const PasswordText = () => Extensions({ [TREATMENT_KEY]: "password" satisfies TextTreatment });

/**
 * A password at sign-in: only compared with a stored hash, never stored or shown, so taken as
 * sent; refusing it could only lock out an account whose password was set before these rules.
 */
export const ComparedText = () => Extensions({ [TREATMENT_KEY]: "compared" satisfies TextTreatment });

/** One text as the API takes it (for inputs that do not come through GraphQL, such as the CLI): BAD_USER_INPUT or the text NFC-normalized. */
export function takeText(text: string, field: string, treatment: TextTreatment = "text"): string {
  if (treatment === "compared") return text;
  const refused = REFUSED_CHARACTER.exec(text)?.[0];
  if (refused !== undefined) {
    const codePoint = `U+${refused.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    const lone = /\p{Cs}/u.test(refused);
    const what = lone ? "a lone surrogate, which is not well-formed Unicode" : `${codePoint}; control and bidirectional-formatting characters are refused`;
    const whatZh = lone ? "不完整的 Unicode 字符（孤立代理项）" : `字符 ${codePoint}；不接受控制字符和双向文字格式字符`;
    throw badInput(field, `Invalid ${field}: ${field} contains ${what}`, `${fieldLabel(field)}含有${whatZh}`);
  }
  return treatment === "password" ? text : text.normalize("NFC");
}

interface TextField {
  name: string;
  type: GraphQLInputType;
  treatment: TextTreatment;
}

const textFieldsByType = new WeakMap<GraphQLInputObjectType, TextField[] | "working out">();

/** The fields of an input type that hold text, at any depth; worked out once per type. */
function textFieldsOf(type: GraphQLInputObjectType): TextField[] {
  const known = textFieldsByType.get(type);
  if (Array.isArray(known)) return known;
  textFieldsByType.set(type, "working out");
  const fields: TextField[] = [];
  for (const field of Object.values(type.getFields())) {
    if (holdsText(field.type)) fields.push({ name: field.name, type: field.type, treatment: (field.extensions[TREATMENT_KEY] as TextTreatment | undefined) ?? "text" });
  }
  textFieldsByType.set(type, fields);
  return fields;
}

function holdsText(type: GraphQLInputType): boolean {
  const bare = getNullableType(type);
  if (isListType(bare)) return holdsText(bare.ofType);
  // a type that contains itself may hold text through itself: walk it
  if (isInputObjectType(bare)) return textFieldsByType.get(bare) === "working out" || textFieldsOf(bare).length > 0;
  return bare === GraphQLString || bare === GraphQLID;
}

const pathOf = (prefix: string, name: string | number) => (prefix ? `${prefix}.${name}` : String(name));

/** The value with its text taken, or the same value when nothing changed (nothing is copied then). */
function takeValue(value: unknown, type: GraphQLInputType, path: string, treatment: TextTreatment): unknown {
  if (value == null) return value;
  const bare = getNullableType(type);
  if (isListType(bare)) {
    if (!Array.isArray(value)) return value;
    let changed: unknown[] | undefined;
    value.forEach((item, index) => {
      const taken = takeValue(item, bare.ofType, pathOf(path, index), treatment);
      if (taken !== item) (changed ??= [...value])[index] = taken;
    });
    return changed ?? value;
  }
  if (isInputObjectType(bare)) {
    const object = value as Record<string, unknown>;
    let changed: Record<string, unknown> | undefined;
    for (const field of textFieldsOf(bare)) {
      const taken = takeValue(object[field.name], field.type, pathOf(path, field.name), field.treatment);
      if (taken !== object[field.name]) (changed ??= { ...object })[field.name] = taken;
    }
    return changed ?? value;
  }
  return typeof value === "string" ? takeText(value, path, treatment) : value;
}

/**
 * An input object argument names its failing field as class-validator does ("title",
 * "assessments.2.note"); any other argument by its own name ("after").
 */
function takeArgs(args: Record<string, unknown>, textArgs: readonly GraphQLArgument[]): Record<string, unknown> {
  let changed: Record<string, unknown> | undefined;
  for (const arg of textArgs) {
    const prefix = isInputObjectType(getNullableType(arg.type)) ? "" : arg.name;
    const taken = takeValue(args[arg.name], arg.type, prefix, "text");
    if (taken !== args[arg.name]) (changed ??= { ...args })[arg.name] = taken;
  }
  return changed ?? args;
}

/**
 * Applies the text rule to every String and ID argument and input field, at any depth, before
 * any resolver (and so type-graphql's conversion and class-validator) sees it: a refused
 * character answers BAD_USER_INPUT naming the field, and text arrives NFC-normalized. Done by
 * wrapping, once at start, the resolve and subscribe functions of the fields that take text: a
 * field without text arguments, the bulk of a board page, is left as it was and pays nothing,
 * where a type-graphql global middleware would make every field async; and a subscription's
 * subscribe step, which no middleware sees, is covered too.
 */
export function applyTextRule(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const textArgs = field.args.filter((arg) => holdsText(arg.type));
      if (!textArgs.length) continue;
      const taking = (resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> =>
        (source, args, context, info) => resolve(source, takeArgs(args, textArgs), context, info);
      if (field.resolve) field.resolve = taking(field.resolve);
      if (field.subscribe) field.subscribe = taking(field.subscribe);
    }
  }
  return schema;
}
