import { afterAll, beforeAll, expect, test } from "vitest";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { seedDemo } from "../../src/modules/seed";
import { startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "./fixtures";

let server: TestServer;
let admin: string;
const names = ["特区建工产业园", "力升创投二期", "华润怡宝扩产", "聚芯源二期", "共享产业园"];

beforeAll(async () => {
  server = await startTestServer();
  const e = await makeEnterprise(server);
  for (const name of names) await makeProject(server, e.id, { name, stage: "PRE_LANDING" });
  await seedDemo(server.app.services);
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

const projectNamed = (name: string) => server.app.services.dataSource.getRepository(Project).findOneByOrFail({ name });
const TIMELINE = `query($id: ID!) { projectTimeline(projectId: $id) { checks { check workingDays met savedWorkingDays } items { kind surveyResult { id } } buildings { name acceptedOn } } }`;

test("the demo tells the district's story on the projects that exist", async () => {
  const figures = await server.gql(`{ districtFigures(from: "2025-01-01", to: "2026-12-31") {
    approvalTime { projects averageWorkingDays cutPercent targetMet }
    startPreparation { projects averageWorkingDays startedOnLandHandover averageDaysEarlierThanBaseline }
  } }`, {}, admin);
  expect(figures.errors).toBeUndefined();
  // Four projects started 12 working days after the land contract: 48 earlier than the 60-day baseline.
  expect(figures.data.districtFigures.startPreparation).toEqual({ projects: 4, averageWorkingDays: 12, startedOnLandHandover: 4, averageDaysEarlierThanBaseline: 48 });
  // Approval days: 9 + 17 (certificate story), 9 + 3 (trial production story), 9, 9 -> 14 on average, 76.67% under 60.
  expect(figures.data.districtFigures.approvalTime).toEqual({ projects: 4, averageWorkingDays: 14, cutPercent: 76.67, targetMet: true });

  const lisheng = (await server.gql(TIMELINE, { id: (await projectNamed("力升创投二期")).id }, admin)).data.projectTimeline;
  expect(lisheng.checks[1]).toEqual({ check: "CERTIFICATE_ON_COMPLETION", workingDays: 18, met: true, savedWorkingDays: 12 });
  const shared = lisheng.items.filter((i: any) => i.surveyResult).map((i: any) => i.kind);
  expect(shared).toEqual(["JOINT_ACCEPTANCE", "COMPLETION_FILING", "PROPERTY_REGISTRATION"]);

  const juxin = (await server.gql(TIMELINE, { id: (await projectNamed("聚芯源二期")).id }, admin)).data.projectTimeline;
  expect(juxin.checks[2]).toEqual({ check: "TRIAL_PRODUCTION_ON_PRE_ACCEPTANCE", workingDays: 5, met: true, savedWorkingDays: 63 });
  expect(juxin.buildings.filter((b: any) => b.acceptedOn)).toHaveLength(2);

  // The three named projects come first; of the two others one fills the fourth place, the fifth is left alone.
  const all = await server.app.services.dataSource.getRepository(Project).find();
  const untouched = all.filter((p) => p.landContractOn === null);
  expect(untouched).toHaveLength(1);
  expect(["特区建工产业园", "华润怡宝扩产"]).toContain(untouched[0].name);
  expect(await server.app.services.dataSource.getRepository(ApprovalItem).countBy({ projectId: untouched[0].id })).toBe(0);
  for (const name of ["力升创投二期", "聚芯源二期", "共享产业园"]) expect((await projectNamed(name)).constructionStartOn).not.toBeNull();
});

test("with no projects the seeder makes nothing", async () => {
  const empty = await startTestServer({ config: { seedDemo: true } });
  try {
    expect(await empty.app.services.dataSource.getRepository(ApprovalItem).count()).toBe(0);
  } finally {
    await empty.stop();
  }
});

test("a project whose land contract falls in a year the calendar does not know is left as it is", async () => {
  const other = await startTestServer();
  try {
    const e = await makeEnterprise(other);
    const p = await makeProject(other, e.id, { name: "力升创投三期", landContractOn: "2028-03-01" });
    await seedDemo(other.app.services);
    const after = await other.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: p.id });
    expect(after.constructionStartOn).toBeNull();
    expect(await other.app.services.dataSource.getRepository(ApprovalItem).countBy({ projectId: p.id })).toBe(0);
  } finally {
    await other.stop();
  }
});
