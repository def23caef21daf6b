import type { AppServices } from "./context";
import type { Topic } from "./pubsub";

/**
 * Runs a job as soon as the server starts (deadlines may have passed while it was down), then
 * every intervalMs (never overlapping itself); safe with several instances only because each
 * job's effects are decided by the database. 0 turns it off.
 *
 * With `kickOn`, every event of that topic (from any instance, through Redis when REDIS_URL is
 * set) also starts a run: at once when none is running, else once more right after the
 * running one ends (a run that began before the event was committed may not have seen it). A
 * burst of events makes one run (and at most one more), never overlapping runs.
 */
export function startPeriodic(services: AppServices, name: string, intervalMs: number, job: () => Promise<unknown>, kickOn?: Topic): () => Promise<void> {
  if (intervalMs <= 0) return async () => {};
  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = job()
      .then(() => services.metrics.sweepRuns.inc({ sweep: name, outcome: "ok" }))
      .catch((error) => {
        services.metrics.sweepRuns.inc({ sweep: name, outcome: "error" });
        services.logger.error({ err: error, job: name }, "periodic job failed");
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const kick = () => {
    if (running) again = true;
    else run();
  };
  const first = setTimeout(run, 0);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  const kicks = kickOn ? services.pubSub.subscribe(kickOn)[Symbol.asyncIterator]() : undefined;
  if (kicks) {
    void (async () => {
      for (let next = await kicks.next(); !next.done; next = await kicks.next()) kick();
    })().catch((error) => services.logger.error({ err: error, job: name }, "periodic job stopped listening for kicks"));
  }
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await kicks?.return?.();
    await running;
  };
}
