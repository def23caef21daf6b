import { isEmptyDatabase, seedDemo, DEMO_PASSWORD } from "../modules/seed";
import { fail, withApp } from "./cli-app";

/** npm run seed: loads the demo set on any database, once (an empty one). */
withApp(async (app) => {
  if (!(await isEmptyDatabase(app.services))) {
    console.log("The database already has users; the demo set is loaded only into an empty one.");
    return;
  }
  const logins = await seedDemo(app.services);
  console.log(`Demo set loaded. Logins (password "${DEMO_PASSWORD}"): ${logins.map((l) => l.username).join(", ")}`);
}).catch(fail);
