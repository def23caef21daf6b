import { createRequire } from "node:module";
import path from "node:path";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql: test code would otherwise get index.mjs while libraries load index.js.
    alias: [
      { find: /^graphql$/, replacement: require.resolve("graphql/index.js") },
      { find: /^graphql\/(.*)\.mjs$/, replacement: path.join(path.dirname(require.resolve("graphql/index.js")), "$1.js") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // ESM builds of these import graphql themselves: inline them so the alias above applies.
    server: { deps: { inline: ["graphql-query-complexity"] } },
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.VITEST_JSON ? ["default", ["json", { outputFile: process.env.VITEST_JSON }]] : ["default"],
  },
});
