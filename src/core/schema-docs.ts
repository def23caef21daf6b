import { getNamedType, isInputObjectType, isObjectType, type GraphQLSchema } from "graphql";

/**
 * A mutation's one `input` argument (the API's convention) is described by its input type: the
 * argument takes the type's description when it has none of its own, so every argument of the
 * schema reads as documented without each resolver repeating its input type's words.
 */
export function describeInputArguments(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        const input = getNamedType(arg.type);
        if (arg.name === "input" && !arg.description && isInputObjectType(input) && input.description) arg.description = input.description;
      }
    }
  }
  return schema;
}
