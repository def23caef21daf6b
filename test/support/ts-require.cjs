// Lets a plain `node` child process load this repository's TypeScript, with decorator metadata
// (type-graphql and TypeORM need it), as tsc would compile it. vitest transforms test code itself;
// a child process started from a test has no such transform, and `npm test` runs with no prior build.
// The same thing ts-node's transpile-only mode does, with the TypeScript compiler already installed:
//   node --require ./test/support/ts-require.cjs some-file.ts
// (tsx would not do: esbuild emits no decorator metadata.)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
  inlineSources: true,
};
const nodeModules = `${path.sep}node_modules${path.sep}`;

require.extensions[".ts"] = (module, filename) => {
  if (filename.includes(nodeModules)) throw new Error(`ts-require: not compiling a dependency's TypeScript: ${filename}`);
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
