import { afterAll, beforeAll, expect, test } from "vitest";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { Building, BuildingAcceptance } from "../../src/modules/instep/building.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let cadres: string[];

beforeAll(async () => {
  server = await startTestServer();
  cadres = [(await server.user("CADRE")).token, (await server.user("CADRE")).token];
});
afterAll(() => server?.stop());

const both = <T>(run: (token: string) => Promise<T>) => Promise.all(cadres.map(run));
/** Each test on a project of its own. */
const newProject = async () => (await makeProject(server, (await makeEnterprise(server)).id)).id;

test("two officials adding the same kind at once: one item, the other answers CONFLICT", async () => {
  const projectId = await newProject();
  const results = await both((token) => server.gql(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId, kind: "FILING" } }, token));
  expect(results.map(codeOf).sort()).toEqual(["CONFLICT", undefined].sort());
  expect(await server.app.services.dataSource.getRepository(ApprovalItem).countBy({ projectId, kind: "FILING" })).toBe(1);
});

test("two decisions on one submitted item at once: exactly one applies", async () => {
  const projectId = await newProject();
  const added = await server.gql(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId, kind: "FILING" } }, cadres[0]);
  const item = { id: added.data.addApprovalItem.id as string };
  await server.gql(`mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id } }`, { input: { itemId: item.id, on: "2026-02-02" } }, cadres[0]);
  const decisions = ["APPROVED", "REJECTED"];
  const results = await Promise.all(
    cadres.map((token, i) => server.gql(`mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { status } }`, { input: { itemId: item.id, decision: decisions[i], on: "2026-02-03" } }, token)),
  );
  const applied = results.filter((r) => !r.errors);
  expect(applied).toHaveLength(1);
  expect(results.filter((r) => r.errors).map(codeOf)).toEqual(["INVALID_TRANSITION"]);
  const stored = await server.app.services.dataSource.getRepository(ApprovalItem).findOneByOrFail({ id: item.id });
  expect(stored.status).toBe(applied[0].data.decideApprovalItem.status);
});

test("two passes of one building at once: accepted once, one inspection recorded", async () => {
  const projectId = await newProject();
  const building = await server.gql(`mutation($input: AddBuildingInput!) { addBuilding(input: $input) { id } }`, { input: { projectId, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true } }, cadres[0]);
  const id = building.data.addBuilding.id;
  const results = await both((token) => server.gql(`mutation($input: RecordBuildingAcceptanceInput!) { recordBuildingAcceptance(input: $input) { acceptedOn } }`, { input: { buildingId: id, passed: true, on: "2026-02-05" } }, token));
  expect(results.map(codeOf).sort()).toEqual(["CONFLICT", undefined].sort());
  expect(await server.app.services.dataSource.getRepository(BuildingAcceptance).countBy({ buildingId: id })).toBe(1);
  expect((await server.app.services.dataSource.getRepository(Building).findOneByOrFail({ id })).acceptedOn).toBe("2026-02-05");
});
