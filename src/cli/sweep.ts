import { RequestContext } from "../core/context";
import { sweepService } from "../modules/supervision/sweep.service";
import { fail, withApp } from "./cli-app";

/** npm run sweep: one deadline sweep on the configured database (for cron); safe beside running servers. */
withApp(async (app) => {
  const report = await sweepService.run(RequestContext.system(app.services));
  console.log(JSON.stringify(report));
}).catch(fail);
