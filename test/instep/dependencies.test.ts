import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { cadreOf } from "./callers";
import { upload } from "../support/uploads";

let server: TestServer;
let admin: string;
let cadre: string;
/** A cadre of 发改局, which handles FILING items. */
let filingOfficer: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
  filingOfficer = (await cadreOf(server, "DEVELOPMENT_REFORM")).token;
});
afterAll(() => server?.stop());

const SET = `mutation($input: SetApprovalDependencyInput!) { setApprovalDependency(input: $input) { kind requiresKind } }`;
const LIST = `{ approvalDependencies { kind requiresKind } }`;

test("the migration seeds only the real dependencies", async () => {
  const res = await server.gql(LIST, {}, cadre);
  expect(res.data.approvalDependencies).toEqual([
    { kind: "COMPLETION_FILING", requiresKind: "JOINT_ACCEPTANCE" },
    { kind: "CONSTRUCTION_PERMIT", requiresKind: "PLANNING_PERMIT" },
    { kind: "PLANNING_PERMIT", requiresKind: "LAND_USE_PLANNING_PERMIT" },
    { kind: "PROPERTY_REGISTRATION", requiresKind: "JOINT_ACCEPTANCE" },
  ]);
});

test("ADMIN changes a dependency as data and approvals follow it; cycles and self-dependencies are refused", async () => {
  expect(codeOf(await server.gql(SET, { input: { kind: "FILING", requiresKind: "ENVIRONMENTAL_IMPACT", required: true } }, cadre))).toBe("FORBIDDEN");
  expect(codeOf(await server.gql(SET, { input: { kind: "FILING", requiresKind: "FILING", required: true } }, admin))).toBe("BAD_USER_INPUT");
  const cycle = await server.gql(SET, { input: { kind: "LAND_USE_PLANNING_PERMIT", requiresKind: "CONSTRUCTION_PERMIT", required: true } }, admin);
  expect(codeOf(cycle)).toBe("BAD_USER_INPUT");
  expect(cycle.errors![0].extensions!.field).toBe("requiresKind");

  const added = await server.gql(SET, { input: { kind: "FILING", requiresKind: "ENVIRONMENTAL_IMPACT", required: true } }, admin);
  expect(added.data.setApprovalDependency).toEqual({ kind: "FILING", requiresKind: "ENVIRONMENTAL_IMPACT" });

  const projectId = (await makeProject(server, (await makeEnterprise(server)).id)).id;
  const ids: Record<string, string> = {};
  for (const kind of ["FILING", "ENVIRONMENTAL_IMPACT"]) {
    ids[kind] = (await server.gql(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId, kind } }, admin)).data.addApprovalItem.id;
    await server.gql(`mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id } }`, { input: { itemId: ids[kind], on: "2026-02-02" } }, admin);
  }
  const DECIDE = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { status } }`;
  const blocked = await server.gql(DECIDE, { input: { itemId: ids.FILING, decision: "APPROVED", on: "2026-02-03", attachmentIds: [await upload(server, filingOfficer)] } }, filingOfficer);
  expect(codeOf(blocked)).toBe("DEPENDENCY_NOT_MET");
  expect(blocked.errors![0].extensions!.requires).toEqual(["ENVIRONMENTAL_IMPACT"]);

  expect((await server.gql(SET, { input: { kind: "FILING", requiresKind: "ENVIRONMENTAL_IMPACT", required: false } }, admin)).data.setApprovalDependency).toEqual({ kind: "FILING", requiresKind: "ENVIRONMENTAL_IMPACT" });
  expect(codeOf(await server.gql(SET, { input: { kind: "FILING", requiresKind: "ENVIRONMENTAL_IMPACT", required: false } }, admin))).toBe("NOT_FOUND");
  expect((await server.gql(DECIDE, { input: { itemId: ids.FILING, decision: "APPROVED", on: "2026-02-03", attachmentIds: [await upload(server, filingOfficer)] } }, filingOfficer)).data.decideApprovalItem.status).toBe("APPROVED");
  const audit = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityType: "ApprovalDependency" });
  expect(audit.map((a) => a.action).sort()).toEqual(["approval.dependency.add", "approval.dependency.remove"]);
});
