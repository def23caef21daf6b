import { RequestContext } from "../core/context";
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN, USERNAME_RULE } from "../modules/accounts/account.inputs";
import { accountService } from "../modules/accounts/account.service";
import { argValue, fail, withApp } from "./cli-app";

/** npm run create-admin -- --username U --password P [--name N]: a deployment's first administrator. */
const username = argValue("username");
const password = argValue("password");
if (!username || !password) fail("Usage: npm run create-admin -- --username U --password P [--name N]");
if (password.length < MIN_PASSWORD_LENGTH) fail(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`);
if (!USERNAME_PATTERN.test(username)) fail(USERNAME_RULE);

withApp(async (app) => {
  const user = await accountService.createUser(RequestContext.system(app.services), {
    username,
    password,
    name: argValue("name") ?? username,
    role: "ADMIN",
  });
  console.log(`Administrator ${user.username} created (${user.id})`);
}).catch(fail);
