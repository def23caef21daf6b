import type { AppServices } from "./context";

/**
 * Runs a job every intervalMs inside the server (never overlapping itself); safe with several
 * instances only because each job's effects are decided by the database. 0 turns it off.
 */
export function startPeriodic(services: AppServices, name: string, intervalMs: number, job: () => Promise<unknown>): () => Promise<void> {
  if (intervalMs <= 0) return async () => {};
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = job()
      .then(() => services.metrics.sweepRuns.inc({ sweep: name, outcome: "ok" }))
      .catch((error) => {
        services.metrics.sweepRuns.inc({ sweep: name, outcome: "error" });
        services.logger.error({ err: error, job: name }, "periodic job failed");
      })
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
