import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { createAppPubSub } from "../core/pubsub";
import { buildAppSchema, printAppSchema } from "../schema";

/** npm run schema: writes the SDL to schema/schema.graphql. */
async function main() {
  const schema = await buildAppSchema(createAppPubSub().pubSub);
  const file = path.resolve(__dirname, "../../../schema/schema.graphql");
  fs.writeFileSync(file, printAppSchema(schema));
  console.log(`Wrote ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
