/**
 * Imported first by support.ts: libraries read NODE_ENV when they load (graphql-js skips its
 * development-mode checks only if it is "production" then), so setting it in loadConfig's
 * arguments alone would benchmark development-mode graphql. BENCH_NODE_ENV overrides it.
 */
process.env.NODE_ENV = process.env.BENCH_NODE_ENV || "production";
