import { expect, test } from "vitest";
import { cruise } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

/**
 * Modules call each other in one direction. dependency-cruiser reads every import of src (type-only
 * ones too: a payload type is a dependency); each folder under src/modules is one unit, every
 * other folder of src (core, demo, cli) one unit, and every file directly in src or src/modules
 * its own. Core imports no module, and no dependency closes a cycle: a module that must learn of a
 * lower module's change reacts to its domain event (src/core/domain-events.ts) instead of being
 * imported by it.
 */

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

test("core imports no module, and no dependency between modules closes a cycle", async () => {
  const graph = await unitGraph();
  expect([...(graph.get("core") ?? [])].filter((to) => to.startsWith("modules/") || to.startsWith("src/modules/"))).toEqual([]);
  // each listed dependency lies on a cycle: cut one of each cycle (a domain event, or the field
  // resolver moved to the higher module)
  expect(cycleEdges(graph)).toEqual([]);
}, 30_000);
