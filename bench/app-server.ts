import { startApp } from "./support";

/**
 * The real app alone in a child process, so that a benchmark's clients do not share its event
 * loop (as they would not in production). Started by `startAppProcess` with BENCH_DB_URL and
 * BENCH_APP_CONFIG (JSON overrides); sends { url } over IPC and stops on "stop" or disconnect.
 */
async function main() {
  const { url, stop } = await startApp(process.env.BENCH_DB_URL!, JSON.parse(process.env.BENCH_APP_CONFIG || "{}"));
  const quit = async () => {
    await stop();
    process.exit(0);
  };
  process.on("message", (message: { type: string }) => message.type === "stop" && void quit());
  process.on("disconnect", () => void quit());
  process.send!({ type: "ready", url });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
