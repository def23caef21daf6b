/** The object type-graphql's registerEnumType wants, made from a list of string states: { A: "A", … }. */
export function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
}
