import { afterAll, beforeAll, expect, test } from "vitest";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { Building, BuildingAcceptance } from "../../src/modules/instep/building.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { cadreOf, teamOf } from "./callers";
import { upload } from "../support/uploads";

let server: TestServer;
let admin: string;
/** Two cadres of 发改局, which handles FILING items. */
let filingOfficers: string[];
/** Two cadres of 住建局, which accepts buildings. */
let acceptors: string[];

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  filingOfficers = [(await cadreOf(server, "DEVELOPMENT_REFORM")).token, (await cadreOf(server, "DEVELOPMENT_REFORM")).token];
  acceptors = [(await cadreOf(server, "HOUSING_CONSTRUCTION")).token, (await cadreOf(server, "HOUSING_CONSTRUCTION")).token];
});
afterAll(() => server?.stop());

const both = <T>(tokens: string[], run: (token: string) => Promise<T>) => Promise.all(tokens.map(run));
/** Each test on a project of its own. */
const newProject = async () => (await makeProject(server, (await makeEnterprise(server)).id)).id;

test("the manager and ADMIN adding the same kind at once: one item, the other answers CONFLICT", async () => {
  const projectId = await newProject();
  const { manager } = await teamOf(server, admin, projectId);
  const results = await both([manager.token, admin], (token) => server.gql(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId, kind: "FILING" } }, token));
  expect(results.map(codeOf).sort()).toEqual(["CONFLICT", undefined].sort());
  expect(await server.app.services.dataSource.getRepository(ApprovalItem).countBy({ projectId, kind: "FILING" })).toBe(1);
});

test("two decisions on one submitted item at once: exactly one applies", async () => {
  const projectId = await newProject();
  const added = await server.gql(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId, kind: "FILING" } }, admin);
  const item = { id: added.data.addApprovalItem.id as string };
  await server.gql(`mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id } }`, { input: { itemId: item.id, on: "2026-02-02" } }, filingOfficers[0]);
  const decisions = ["APPROVED", "REJECTED"];
  const documents = await Promise.all(filingOfficers.map((token) => upload(server, token)));
  const results = await Promise.all(
    filingOfficers.map((token, i) => server.gql(`mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { status } }`, { input: { itemId: item.id, decision: decisions[i], on: "2026-02-03", attachmentIds: [documents[i]] } }, token)),
  );
  const applied = results.filter((r) => !r.errors);
  expect(applied).toHaveLength(1);
  expect(results.filter((r) => r.errors).map(codeOf)).toEqual(["INVALID_TRANSITION"]);
  const stored = await server.app.services.dataSource.getRepository(ApprovalItem).findOneByOrFail({ id: item.id });
  expect(stored.status).toBe(applied[0].data.decideApprovalItem.status);
});

test("two passes of one building at once: accepted once, one inspection recorded", async () => {
  const projectId = await newProject();
  const building = await server.gql(`mutation($input: AddBuildingInput!) { addBuilding(input: $input) { id } }`, { input: { projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true } }, acceptors[0]);
  const id = building.data.addBuilding.id;
  const results = await both(acceptors, (token) => server.gql(`mutation($input: RecordBuildingAcceptanceInput!) { recordBuildingAcceptance(input: $input) { acceptedOn } }`, { input: { buildingId: id, passed: true, on: "2026-02-05" } }, token));
  expect(results.map(codeOf).sort()).toEqual(["CONFLICT", undefined].sort());
  expect(await server.app.services.dataSource.getRepository(BuildingAcceptance).countBy({ buildingId: id })).toBe(1);
  expect((await server.app.services.dataSource.getRepository(Building).findOneByOrFail({ id })).acceptedOn).toBe("2026-02-05");
});
