import { RequestContext } from "../core/context";
import { sweepService } from "../modules/supervision/sweep.service";
import { attachmentService } from "../modules/files/attachment.service";
import { fail, withApp } from "./cli-app";

/** npm run sweep: one deadline sweep and one sweep of day-old unattached uploads on the configured database (for cron); safe beside running servers. */
withApp(async (app) => {
  const report = await sweepService.run(RequestContext.system(app.services));
  const uploads = await attachmentService.sweep(RequestContext.system(app.services));
  console.log(JSON.stringify({ ...report, uploads }));
}).catch(fail);
