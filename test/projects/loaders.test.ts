import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { createEnterprise, createProject } from "./fixtures";

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

test("nested relation fields load through per-request DataLoaders: the statement count does not grow with the page", async () => {
  server.clock.set("2026-03-02T01:00:00.000Z");
  for (let i = 0; i < 3; i++) {
    const e = await createEnterprise(server, admin, `批量企业${i}`);
    for (let j = 0; j < 3; j++) {
      server.clock.advance(1000);
      const p = await createProject(server, admin, e.id);
      await server.gql(`mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id } }`, { input: { projectId: p.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-04-01" }] } }, admin);
      await server.gql(`mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id } }`, { input: { projectId: p.id } }, admin);
      await server.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, { input: { projectId: p.id, applicationClass: "FILING", title: "备案" } }, admin);
    }
  }
  const logger = server.app.services.dataSource.logger;
  const original = logger.logQuery.bind(logger);
  let statements = 0;
  logger.logQuery = (query, parameters, runner) => {
    statements += 1;
    return original(query, parameters, runner);
  };
  const query = `query($n: Int) { projects(first: $n) { edges { node { id fastTrackAdmittedBy { id } enterprise { name }
    deferredItems { status item { code } } commitmentLetters { version clauses { templateCode } } applications { status receivedBy { id } } } } } }`;
  const count = async (n: number) => {
    statements = 0;
    const res = await server.gql(query, { n }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data.projects.edges).toHaveLength(n);
    return statements;
  };
  try {
    const small = await count(2);
    const large = await count(9);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(12);
  } finally {
    logger.logQuery = original;
  }
});
