import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { createAppPubSub } from "../core/pubsub";
import { buildAppSchema, printAppSchema } from "../schema";
import { REMIT_TABLE_END, REMIT_TABLE_START, remitTable } from "../modules/policy/remits";

/** npm run schema: writes the SDL to schema/schema.graphql and the remit table into README.md. */
async function main() {
  const schema = await buildAppSchema(createAppPubSub().pubSub);
  const file = path.resolve(__dirname, "../../../schema/schema.graphql");
  fs.writeFileSync(file, printAppSchema(schema));
  console.log(`Wrote ${file}`);
  // the README's "Who may do what" is made from the remit table, like the SDL from the code
  const readme = path.resolve(__dirname, "../../../README.md");
  const text = fs.readFileSync(readme, "utf8");
  const start = text.indexOf(REMIT_TABLE_START);
  const end = text.indexOf(REMIT_TABLE_END);
  if (start < 0 || end < 0) throw new Error(`README.md has no ${REMIT_TABLE_START} … ${REMIT_TABLE_END} section`);
  fs.writeFileSync(readme, text.slice(0, start) + remitTable() + text.slice(end + REMIT_TABLE_END.length));
  console.log(`Wrote the remit table into ${readme}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
