import { describeDemoLogins, isEmptyDatabase, seedDemo, DEMO_PASSWORD } from "../demo/seed";
import { fail, withApp } from "./cli-app";

/** npm run seed: loads the demo set on any database, once (an empty one). */
withApp(async (app) => {
  if (!(await isEmptyDatabase(app.services))) {
    console.log("The database already has users; the demo set is loaded only into an empty one.");
    return;
  }
  await seedDemo(app.services);
  const logins = await describeDemoLogins(app.services);
  console.log(`Demo set loaded. Logins (password "${DEMO_PASSWORD}"):\n  ${logins.join("\n  ")}`);
}).catch(fail);
