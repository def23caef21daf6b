import { GraphQLEnumType, GraphQLSchema } from "graphql";
import { ANSWERED_CODES, type AnsweredCode } from "../errors";
import { labelEnum, type ValueLabel } from "../labels";
import { CODE_TEXTS } from "./codes";

/** The codes' labels, registered like every enum's (the dictionary lists them, in this order). */
const ERROR_CODE_VALUES = labelEnum<AnsweredCode>(
  "ErrorCode",
  Object.fromEntries(ANSWERED_CODES.map((code) => [code, { zh: CODE_TEXTS[code].zh, en: CODE_TEXTS[code].en, description: CODE_TEXTS[code].description } satisfies ValueLabel])) as Record<AnsweredCode, ValueLabel>,
);

/**
 * 错误码: every `extensions.code` a client can receive, as an enum so that codegen types it. No
 * field returns it: it is added to the schema's types (withErrorCodes) for clients to read.
 */
export const ErrorCodeEnum = new GraphQLEnumType({
  name: "ErrorCode",
  description:
    "错误码: every value of `extensions.code` an error can carry (the contract clients switch on; the message is zh-CN or English by Accept-Language and may change). Not returned by any field: generated clients type `extensions.code` with it.",
  values: Object.fromEntries(ANSWERED_CODES.map((code) => [code, { value: code, description: ERROR_CODE_VALUES[code].description }])),
});

/** The schema with the ErrorCode enum among its types. */
export function withErrorCodes(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  if (config.types.some((type) => type.name === ErrorCodeEnum.name)) return schema;
  return new GraphQLSchema({ ...config, types: [...config.types, ErrorCodeEnum] });
}
