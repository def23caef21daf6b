import "reflect-metadata";
import { createApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { resolveJwtSecret } from "./core/auth";
import { DEMO_PASSWORD, describeDemoLogins } from "./demo/seed";

/** Entry: config -> database -> schema -> server, and a graceful stop on SIGTERM/SIGINT. */
async function main() {
  const config = loadConfig();
  resolveJwtSecret(config); // a server signs tokens: without a secret it stops here, before touching the database
  const log = (message: string) => console.log(message);
  const app = await createApp(config, { log });
  const url = await app.listen();
  log(`Fast-approval API on ${app.services.dialect === "sqlite" ? `SQLite (${config.dataDir})` : "MySQL/MariaDB"}`);
  log(`GraphQL over HTTP and WebSocket: ${url}`);
  if (config.seedDemo) {
    const logins = await describeDemoLogins(app.services);
    if (logins.length) log(`Demo logins (password "${DEMO_PASSWORD}"):\n  ${logins.join("\n  ")}`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight requests, then stopping`);
    try {
      await app.stop();
      process.exit(0);
    } catch (error) {
      console.error("Unclean stop:", error);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
