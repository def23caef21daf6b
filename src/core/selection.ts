import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/**
 * Whether the operation selects `path` below the field being resolved (["edges", "node",
 * "project", "manager"] below taskBoard), through named and inline fragments and aliases. @skip
 * and @include are not evaluated: a field they leave out still counts, which costs a resolver
 * that asks only a join it did not need.
 */
export function selectsPath(info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, path: readonly string[]): boolean {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const [depth, name] of path.entries()) {
    const next: SelectionSetNode[] = [];
    let found = false;
    const visit = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value !== name) continue;
          found = true;
          if (selection.selectionSet) next.push(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          visit(selection.selectionSet);
        } else {
          const fragment = info.fragments[selection.name.value];
          if (fragment) visit(fragment.selectionSet);
        }
      }
    };
    sets.forEach(visit);
    if (!found) return false;
    if (depth === path.length - 1) return true;
    sets = next;
  }
  return true;
}
