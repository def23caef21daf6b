import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { createEnterprise, createProject } from "./fixtures";

let server: TestServer;
let admin: string;
let adminId: string;
beforeAll(async () => {
  server = await startTestServer();
  const a = await server.user("ADMIN");
  admin = a.token;
  adminId = a.user.id;
});
afterAll(() => server?.stop());

test("nested relation fields load through per-request DataLoaders: the statement count does not grow with the page", async () => {
  server.clock.set("2026-03-02T01:00:00.000Z");
  const projectIds: string[] = [];
  const enterpriseNames = new Map<string, string>();
  for (let i = 0; i < 3; i++) {
    const e = await createEnterprise(server, admin, `批量企业${i}`);
    const signer = (await server.user("ENTERPRISE", { enterpriseId: e.id })).token;
    for (let j = 0; j < 3; j++) {
      server.clock.advance(1000);
      const p = await createProject(server, admin, e.id);
      projectIds.push(p.id);
      enterpriseNames.set(p.id, `批量企业${i}`);
      const applied = await server.gql(`mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id } }`, { input: { projectId: p.id, deferredItems: [{ itemCode: "ENVIRONMENTAL_IMPACT", promisedBy: "2026-04-01" }] } }, admin);
      expect(applied.errors).toBeUndefined();
      expect(applied.data.applyFastTrack.id).toBe(p.id);
      const drafted = await server.gql(`mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id } }`, { input: { projectId: p.id } }, admin);
      expect(drafted.errors).toBeUndefined();
      expect(drafted.data.draftCommitmentLetter.id).toBeTruthy();
      // 承诺准入: both parties sign; the second signature (ADMIN's) admits the project
      const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status } }`;
      expect((await server.gql(SIGN, { input: { letterId: drafted.data.draftCommitmentLetter.id } }, signer)).errors).toBeUndefined();
      expect((await server.gql(SIGN, { input: { letterId: drafted.data.draftCommitmentLetter.id } }, admin)).data.signCommitmentLetter.status).toBe("SIGNED");
      const submitted = await server.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, { input: { projectId: p.id, applicationClass: "FILING", title: "备案" } }, admin);
      expect(submitted.errors).toBeUndefined();
      expect(submitted.data.submitApplication.id).toBeTruthy();
    }
  }
  const query = `query($n: Int) { projects(first: $n) { edges { node { id fastTrackAdmittedBy { id } enterprise { name }
    deferredItems { status item { code } } commitmentLetters { version clauses { templateCode } } applications { status receivedBy { id } approvalItem { kind status application { id } } } } } } }`;
  const count = async (n: number) => {
    const { result: res, statements } = await countStatements(server, () => server.gql(query, { n }, admin));
    expect(res.errors).toBeUndefined();
    const nodes = res.data.projects.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(n);
    // Every nested list really holds what the setup made, so an equal count is not two empty pages.
    for (const node of nodes) {
      expect(projectIds).toContain(node.id);
      expect(node).toMatchObject({
        fastTrackAdmittedBy: { id: adminId },
        enterprise: { name: enterpriseNames.get(node.id) },
        deferredItems: [{ status: "PENDING", item: { code: "ENVIRONMENTAL_IMPACT" } }],
        commitmentLetters: [{ version: 1 }],
        applications: [{ status: "RECEIVED", receivedBy: { id: adminId }, approvalItem: { kind: "FILING", status: "SUBMITTED", application: { id: expect.any(String) } } }],
      });
      expect(node.deferredItems).toHaveLength(1);
      expect(node.commitmentLetters).toHaveLength(1);
      expect(node.applications).toHaveLength(1);
      expect(node.commitmentLetters[0].clauses.length).toBeGreaterThan(0);
      expect(node.commitmentLetters[0].clauses.map((c: any) => c.templateCode)).toContain("ENT_EIA");
    }
    if (n === projectIds.length) expect(nodes.map((node: any) => node.id).sort()).toEqual([...projectIds].sort());
    return statements.length;
  };
  const small = await count(2);
  const large = await count(9);
  expect(large).toBe(small);
  expect(large).toBeLessThanOrEqual(12);
});
