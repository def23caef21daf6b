import { periodicJobs } from "../app";
import { fail, withApp } from "./cli-app";

/** npm run sweep: every job a server runs on a timer, once each, in order, on the configured database (for cron); safe beside running servers. */
withApp(async (app) => {
  const report: Record<string, unknown> = {};
  for (const job of periodicJobs(app.services)) report[job.name] = (await job.run()) ?? null;
  console.log(JSON.stringify(report));
}).catch(fail);
