import { validate } from "class-validator";
import { RequestContext } from "../core/context";
import { takeText } from "../core/text-input";
import { CreateUserInput } from "../modules/accounts/account.inputs";
import { accountService } from "../modules/accounts/account.service";
import { argValue, fail, withApp } from "./cli-app";

/** npm run create-admin -- --username U --password P [--name N]: a deployment's first administrator. */
const username = argValue("username");
const password = argValue("password");
if (!username || !password) fail("Usage: npm run create-admin -- --username U --password P [--name N]");

async function main() {
  // the API's own input rules, so the command cannot make a user the API would refuse
  const input = Object.assign(new CreateUserInput(), {
    username: takeText(username!, "username"),
    password: takeText(password!, "password", "password"),
    name: takeText(argValue("name") ?? username!, "name"),
    role: "ADMIN" as const,
  });
  const [invalid] = await validate(input);
  if (invalid) fail(Object.values(invalid.constraints ?? {})[0] ?? `Invalid ${invalid.property}`);
  await withApp(async (app) => {
    const user = await accountService.createUser(RequestContext.system(app.services), input);
    console.log(`Administrator ${user.username} created (${user.id})`);
  });
}

main().catch(fail);
