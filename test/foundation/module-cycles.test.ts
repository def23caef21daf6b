import { expect, test } from "vitest";
import { cruise } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

/**
 * Modules call each other in one direction. dependency-cruiser reads every import of src (type-only
 * ones too: a payload type is a dependency); each folder under src/modules is one unit, every
 * other folder of src (core, demo, cli) one unit, and every file directly in src or src/modules its own. Core imports no module. The dependencies that still close
 * a cycle between modules are listed here, to be cut, never added to: a new one fails this test,
 * and one that no longer closes a cycle must leave the list, so the list only shrinks.
 */
const KNOWN_CYCLE_EDGES: string[] = [
  // admission: signing admits the project, withdrawing withdraws the letter (one flow in two modules)
  "modules/commitments -> modules/fast-track",
  "modules/fast-track -> modules/commitments",
  // the catalog names approval kinds; the gates read deferred items and letters
  "modules/fast-track -> modules/instep",
  "modules/instep -> modules/commitments",
  "modules/instep -> modules/fast-track",
  // one fact: an application decides its item, an item answers DECIDED_BY_APPLICATION
  "modules/instep -> modules/intake",
  "modules/intake -> modules/instep",
];

const unitOf = (file: string): string => {
  const module = /^src\/modules\/([^/]+)\//.exec(file);
  if (module) return `modules/${module[1]}`;
  const folder = /^src\/([^/]+)\//.exec(file);
  return folder ? folder[1] : file;
};

async function unitGraph(): Promise<Map<string, Set<string>>> {
  const result = await cruise(
    ["src"],
    { tsPreCompilationDeps: true, doNotFollow: { path: "node_modules" }, exclude: { path: "node_modules" }, outputType: "json" },
    undefined,
    { tsConfig: extractTSConfig("tsconfig.json") },
  );
  const output = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
  const graph = new Map<string, Set<string>>();
  for (const module of output.modules as Array<{ source: string; dependencies: Array<{ resolved: string; coreModule: boolean; couldNotResolve: boolean }> }>) {
    if (!module.source.startsWith("src/")) continue;
    const from = unitOf(module.source);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const dependency of module.dependencies) {
      if (dependency.coreModule || dependency.couldNotResolve || !dependency.resolved.startsWith("src/")) continue;
      const to = unitOf(dependency.resolved);
      if (to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** The dependencies between units that lie on a cycle: both ends in one strongly connected component (Tarjan). */
function cycleEdges(graph: Map<string, Set<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  let next = 0;
  let components = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (!component.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      let w: string;
      do {
        w = stack.pop()!;
        component.set(w, components);
      } while (w !== v);
      components += 1;
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  const edges: string[] = [];
  for (const [from, tos] of graph) for (const to of tos) if (component.get(from) === component.get(to)) edges.push(`${from} -> ${to}`);
  return edges.sort();
}

test("core imports no module, and no new dependency between modules closes a cycle", async () => {
  const graph = await unitGraph();
  expect([...(graph.get("core") ?? [])].filter((to) => to.startsWith("modules/") || to.startsWith("src/modules/"))).toEqual([]);
  const edges = cycleEdges(graph);
  const added = edges.filter((e) => !KNOWN_CYCLE_EDGES.includes(e));
  const cut = KNOWN_CYCLE_EDGES.filter((e) => !edges.includes(e));
  expect({ added, cut }, `the cycle edges now are:\n${edges.map((e) => `  "${e}",`).join("\n")}`).toEqual({ added: [], cut: [] });
}, 30_000);
