import { afterAll, beforeAll, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import type { Clock } from "../../src/core/clock";
import { toAuthUser } from "../../src/modules/accounts/account.service";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { seedInStep } from "../../src/demo/instep.seed";
import { Project } from "../../src/modules/projects/project.entity";
import { startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let admin: string;
const names = ["特区建工产业园", "力升创投二期", "华润怡宝扩产", "聚芯源二期", "共享产业园"];
/** Everything as one ADMIN of the server (the demo's cadres do not exist here): the steps go through the services. */
const runSeeder = async (s: TestServer) => {
  const { user } = await s.user("ADMIN");
  const refs = { enterpriseIds: new Map<string, string>(), cadreOf: () => "admin", as: (tx: RequestContext, _username: string, clock: Clock) => tx.actingAs(toAuthUser(user), clock) };
  await RequestContext.system(s.app.services).transaction((tx) => seedInStep(tx, refs));
};

beforeAll(async () => {
  server = await startTestServer();
  server.clock.set("2026-11-27T02:00:00Z");
  const e = await makeEnterprise(server);
  for (const name of names) await makeProject(server, e.id, { name, stage: "UNDER_CONSTRUCTION" });
  await makeProject(server, e.id, { name: "尚未落地项目", stage: "PRE_LANDING" });
  await runSeeder(server);
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

const projectNamed = (name: string) => server.app.services.dataSource.getRepository(Project).findOneByOrFail({ name });
const TIMELINE = `query($id: ID!) { projectTimeline(projectId: $id) { checks { check workingDays met savedWorkingDays } items { kind status surveyResult { id } } buildings { name acceptedOn } } }`;

test("the demo tells the district's story on the projects that exist", async () => {
  const figures = await server.gql(`{ districtFigures(from: "2025-01-01", to: "2026-12-31") {
    approvalTime { projects averageWorkingDays cutPercent targetMet }
    startPreparation { projects averageWorkingDays startedOnLandHandover averageDaysEarlierThanBaseline }
  } }`, {}, admin);
  expect(figures.errors).toBeUndefined();
  // Four projects started 12 working days after the land contract: 48 earlier than the 60-day baseline.
  expect(figures.data.districtFigures.startPreparation).toEqual({ projects: 4, averageWorkingDays: 12, startedOnLandHandover: 4, averageDaysEarlierThanBaseline: 48 });
  // Finished approvals: 10 + 18 (the certificate story), 10, 10 -> 16 on average, 73.33% under 60.
  // (The trial-production story project still waits for its certificate, so it is not finished.)
  expect(figures.data.districtFigures.approvalTime).toEqual({ projects: 3, averageWorkingDays: 16, cutPercent: 73.33, targetMet: true });

  const lisheng = (await server.gql(TIMELINE, { id: (await projectNamed("力升创投二期")).id }, admin)).data.projectTimeline;
  expect(lisheng.checks[1]).toEqual({ check: "CERTIFICATE_ON_COMPLETION", workingDays: 18, met: true, savedWorkingDays: 12 });
  expect(lisheng.items.filter((i: any) => i.surveyResult).map((i: any) => i.kind)).toEqual(["JOINT_ACCEPTANCE", "COMPLETION_FILING", "PROPERTY_REGISTRATION"]);

  const juxin = (await server.gql(TIMELINE, { id: (await projectNamed("聚芯源二期")).id }, admin)).data.projectTimeline;
  expect(juxin.checks[2]).toEqual({ check: "TRIAL_PRODUCTION_ON_PRE_ACCEPTANCE", workingDays: 5, met: true, savedWorkingDays: 63 });
  expect(juxin.buildings.filter((b: any) => b.acceptedOn)).toHaveLength(2);
  expect(juxin.items.find((i: any) => i.kind === "PROPERTY_REGISTRATION").status).toBe("SUBMITTED");

  // The three named projects come first; of the two others one fills the fourth place, the fifth is left alone, and so is the one not landed.
  const untouched = (await server.app.services.dataSource.getRepository(Project).find()).filter((p) => p.landContractOn === null);
  expect(untouched.map((p) => p.name).sort()).toContain("尚未落地项目");
  expect(untouched).toHaveLength(2);
  for (const p of untouched) expect(await server.app.services.dataSource.getRepository(ApprovalItem).countBy({ projectId: p.id })).toBe(0);
});

test("existing milestones are kept and items follow them; later days stay pending", async () => {
  const other = await startTestServer();
  try {
    other.clock.set("2026-02-27T02:00:00Z");
    const e = await makeEnterprise(other);
    // Started on the land contract day (拿地即开工); completion and certificate already recorded.
    const p = await makeProject(other, e.id, {
      stage: "IN_PRODUCTION", landContractOn: "2026-02-09", constructionStartOn: "2026-02-09",
      completionOn: "2026-02-24", certificateOn: "2026-03-02", preAcceptanceOn: "2026-02-12", trialProductionOn: "2026-02-13",
    });
    await runSeeder(other);
    const after = await other.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: p.id });
    expect(after).toMatchObject({ landContractOn: "2026-02-09", constructionStartOn: "2026-02-09", certificateOn: "2026-03-02" });
    const items = await other.app.services.dataSource.getRepository(ApprovalItem).find({ where: { projectId: p.id } });
    const byKind = Object.fromEntries(items.map((i) => [i.kind, [i.status, i.submittedOn, i.approvedOn]]));
    expect(byKind).toEqual({
      FILING: ["APPROVED", "2026-02-09", "2026-02-12"],
      PLANNING_PERMIT: ["APPROVED", "2026-02-09", "2026-02-26"], // 8 working days: Feb 10-13, Sat 14 (make-up), Feb 24-26
      CONSTRUCTION_PERMIT: ["SUBMITTED", "2026-02-09", null], // due Sat Feb 28 (make-up day), after today
      // Completion Feb 24 -> certificate Mar 2 is 5 working days: acceptance after 3 (Feb 27), filing after 4 (Feb 28), registration on Mar 2.
      JOINT_ACCEPTANCE: ["APPROVED", "2026-02-24", "2026-02-27"],
      COMPLETION_FILING: ["SUBMITTED", "2026-02-24", null],
      PROPERTY_REGISTRATION: ["SUBMITTED", "2026-02-24", null],
      TRIAL_PRODUCTION: ["APPROVED", "2026-02-12", "2026-02-13"],
    });
  } finally {
    await other.stop();
  }
});

test("with no projects the seeder makes nothing; a project in an unknown calendar year is left alone", async () => {
  const other = await startTestServer();
  try {
    await runSeeder(other);
    expect(await other.app.services.dataSource.getRepository(ApprovalItem).count()).toBe(0);
    const e = await makeEnterprise(other);
    const p = await makeProject(other, e.id, { name: "力升创投三期", landContractOn: "2028-03-01" });
    await runSeeder(other);
    expect((await other.app.services.dataSource.getRepository(Project).findOneByOrFail({ id: p.id })).constructionStartOn).toBeNull();
    expect(await other.app.services.dataSource.getRepository(ApprovalItem).countBy({ projectId: p.id })).toBe(0);
  } finally {
    await other.stop();
  }
});
