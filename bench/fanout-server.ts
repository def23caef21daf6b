import { insertProjects, insertUsers, progress, startApp } from "./support";

/**
 * The server side of bench:fanout, in its own process so that its resident memory is the
 * server's alone. Started by fanout.ts with BENCH_DB_URL and an IPC channel: it loads the
 * fixtures, sends { url, raiserToken, subscriberToken, projectId }, then answers "measure"
 * with its RSS (after a full GC) and the open-subscription gauge, and "stop" by stopping.
 */
async function main() {
  const { app, url, stop } = await startApp(process.env.BENCH_DB_URL!);
  const ds = app.services.dataSource;
  const { enterpriseId, projectIds } = await insertProjects(ds, 1);
  const [raiser] = await insertUsers(app, "ENTERPRISE", 1, enterpriseId);
  // Subscribers are reform-office dashboards (ADMIN): every urgent request reaches them.
  const [subscriber] = await insertUsers(app, "ADMIN", 1);
  process.on("message", async (message: { type: string }) => {
    if (message.type === "measure") {
      for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
      const gauge = await app.services.metrics.subscriptions.get();
      process.send!({ type: "measure", rss: process.memoryUsage().rss, subscriptions: gauge.values[0]?.value ?? 0 });
    } else if (message.type === "stop") {
      await stop();
      process.exit(0);
    }
  });
  process.on("disconnect", () => process.exit(0));
  progress(`fan-out server at ${url}`);
  process.send!({ type: "ready", url, raiserToken: raiser.token, subscriberToken: subscriber.token, projectId: projectIds[0] });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
