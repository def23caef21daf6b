import type { AppServices } from "./context";

/**
 * Runs a job as soon as the server starts (deadlines may have passed while it was down), then
 * every intervalMs (never overlapping itself); safe with several instances only because each
 * job's effects are decided by the database. 0 turns it off.
 */
export function startPeriodic(services: AppServices, name: string, intervalMs: number, job: () => Promise<unknown>): () => Promise<void> {
  if (intervalMs <= 0) return async () => {};
  let running: Promise<unknown> | undefined;
  const run = () => {
    if (running) return;
    running = job()
      .then(() => services.metrics.sweepRuns.inc({ sweep: name, outcome: "ok" }))
      .catch((error) => {
        services.metrics.sweepRuns.inc({ sweep: name, outcome: "error" });
        services.logger.error({ err: error, job: name }, "periodic job failed");
      })
      .finally(() => (running = undefined));
  };
  const first = setTimeout(run, 0);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
