import { afterAll, beforeAll, expect, test } from "vitest";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import { ConfigError, loadConfig } from "../../src/config";
import { startTestServer, type TestServer } from "../support/server";
import { deferredItem, makeEnterprise, makeProject, signedLetter } from "../support/fixtures";

/**
 * The district's figures per cohort, against baselines from its own projects. Every span lies in
 * March 2026, whose only days off are the weekends (1, 7-8, 14-15, 21-22, 28-29); a span counts the
 * working days d with from < d <= to.
 */
let server: TestServer;
let cadre: string;

const FIGURES = `query($from: LocalDate!, $to: LocalDate!, $cohort: ProjectCohort) { districtFigures(from: $from, to: $to, cohort: $cohort) {
  cohort
  approvalTime { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved cutPercent targetMet }
  startPreparation { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved startedOnLandHandover }
  certificates { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved withinTarget }
  trialProduction { projects averageWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved beforeCompletion }
  sameMonth { landAndStartSameMonth withTrialProductionSameYear }
  board { published }
  tickets { tickets }
} }`;
const MARCH = { from: "2026-03-01", to: "2026-03-31" };

async function figures(variables: Record<string, unknown>, on: TestServer = server) {
  const res = await on.gql(FIGURES, { ...MARCH, ...variables }, cadre);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.districtFigures;
}

/** One FILING item, submitted and approved on the given days. */
async function approval(projectId: string, submittedOn: string, approvedOn: string) {
  const repo = server.app.services.dataSource.getRepository(ApprovalItem);
  const { id: departmentId } = await server.department("DEVELOPMENT_REFORM");
  await repo.insert(repo.create({ projectId, kind: "FILING", departmentId, status: "APPROVED", promisedWorkingDays: 1, submittedOn, approvedOn, rejectedOn: null, note: null, handledById: null, surveyResultId: null }));
}

beforeAll(async () => {
  server = await startTestServer({ config: { baselineMinProjects: 3 } });
  cadre = (await server.user("CADRE")).token;
  const e = (await makeEnterprise(server)).id;
  // Three projects that never took the fast track: the baseline.
  // land -> start 8, 10, 12 (avg 10); completion -> certificate 4, 9, 5 (avg 6); start -> trial 10, 10, 9 (avg 9.67)
  const b1 = await makeProject(server, e, { landContractOn: "2026-03-02", constructionStartOn: "2026-03-12", completionOn: "2026-03-16", certificateOn: "2026-03-20", preAcceptanceOn: "2026-03-26", trialProductionOn: "2026-03-26" });
  const b2 = await makeProject(server, e, { landContractOn: "2026-03-02", constructionStartOn: "2026-03-16", completionOn: "2026-03-16", certificateOn: "2026-03-27", preAcceptanceOn: "2026-03-30", trialProductionOn: "2026-03-30" });
  const b3 = await makeProject(server, e, { landContractOn: "2026-03-02", constructionStartOn: "2026-03-18", completionOn: "2026-03-18", certificateOn: "2026-03-25", preAcceptanceOn: "2026-03-31", trialProductionOn: "2026-03-31" });
  // approvals 8, 10, 12 (avg 10)
  await approval(b1.id, "2026-03-02", "2026-03-12");
  await approval(b2.id, "2026-03-02", "2026-03-16");
  await approval(b3.id, "2026-03-02", "2026-03-18");
  // Three fast-track projects (their letters signed); f3 also deferred a material (容缺).
  const f1 = await makeProject(server, e, { fastTrackStatus: "ADMITTED", landContractOn: "2026-03-02", constructionStartOn: "2026-03-04", completionOn: "2026-03-19", certificateOn: "2026-03-20", preAcceptanceOn: "2026-03-17", trialProductionOn: "2026-03-18" });
  const f2 = await makeProject(server, e, { fastTrackStatus: "ADMITTED", landContractOn: "2026-03-09", constructionStartOn: "2026-03-13", preAcceptanceOn: "2026-03-17", trialProductionOn: "2026-03-18" });
  const f3 = await makeProject(server, e, { fastTrackStatus: "ADMITTED", landContractOn: "2026-03-10", constructionStartOn: "2026-03-11" });
  // f4 took land and started in December 2025, and began trial production in April 2026: not 当年试产
  const f4 = await makeProject(server, e, { fastTrackStatus: "ADMITTED", landContractOn: "2025-12-01", constructionStartOn: "2025-12-03", preAcceptanceOn: "2026-04-01", trialProductionOn: "2026-04-20" });
  for (const f of [f1, f2, f3, f4]) await signedLetter(server, f.id, new Date("2026-02-27T02:00:00.000Z"));
  await deferredItem(server, f3.id, "ENVIRONMENTAL_IMPACT", "2026-06-30");
  // approvals 2, 4, 1
  await approval(f1.id, "2026-03-02", "2026-03-04");
  await approval(f2.id, "2026-03-09", "2026-03-13");
  await approval(f3.id, "2026-03-10", "2026-03-11");
  // A project applied but never admitted (no signed letter) is outside the fast track: a baseline project without spans.
  await makeProject(server, e, { fastTrackStatus: "APPLIED" });
  // one board task of f1's, one of b1's, one of no project; one ticket of b1's
  const admin = (await server.user("ADMIN")).token;
  server.clock.set(new Date("2026-03-10T02:00:00.000Z"));
  for (const projectId of [f1.id, b1.id, null]) {
    const res = await server.gql(`mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`, { input: { title: "服务项目", description: "d", category: "MAJOR_PROJECT", dueAt: "2026-06-30T00:00:00.000Z", projectId } }, admin);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  }
  const tickets = server.app.services.dataSource.getRepository(ServiceTicket);
  await tickets.insert(tickets.create({
    projectId: b1.id, stage: "GUIDANCE", title: "咨询", description: "d", status: "OPEN", assigneeId: null, raisedById: (await server.user("CADRE")).user.id,
    openedAt: new Date("2026-03-10T02:00:00.000Z"), ackDueAt: new Date("2026-03-11T02:00:00.000Z"), resolveDueAt: new Date("2026-03-20T02:00:00.000Z"),
  } as Partial<ServiceTicket>));
});
afterAll(() => server?.stop());

test("fast-track projects against a baseline from the projects outside the reform", async () => {
  expect(await figures({ cohort: "FAST_TRACK" })).toEqual({
    cohort: "FAST_TRACK",
    // (2 + 4 + 1) / 3 = 2.33 against (8 + 10 + 12) / 3 = 10: 7.67 saved, a cut of 76.7%
    approvalTime: { projects: 3, averageWorkingDays: 2.33, baseline: 10, baselineSource: "DATA", baselineSampleSize: 3, averageWorkingDaysSaved: 7.67, cutPercent: 76.7, targetMet: true },
    startPreparation: { projects: 3, averageWorkingDays: 2.33, baseline: 10, baselineSource: "DATA", baselineSampleSize: 3, averageWorkingDaysSaved: 7.67, startedOnLandHandover: 3 },
    // f1 only: 1 against (4 + 9 + 5) / 3 = 6
    certificates: { projects: 1, averageWorkingDays: 1, baseline: 6, baselineSource: "DATA", baselineSampleSize: 3, averageWorkingDaysSaved: 5, withinTarget: 1 },
    // f1 10, f2 3: 6.5 against 29 / 3 = 9.67; both before completion (f1's on the 19th, f2 none yet)
    trialProduction: { projects: 2, averageWorkingDays: 6.5, baseline: 9.67, baselineSource: "DATA", baselineSampleSize: 3, averageWorkingDaysSaved: 3.17, beforeCompletion: 2 },
    // f1, f2, f3 took land and started in March; f1 and f2 also began trial production in 2026
    sameMonth: { landAndStartSameMonth: 3, withTrialProductionSameYear: 2 },
    board: { published: 1 },
    tickets: { tickets: 0 },
  });
});

test("the cohort with deferred items, and all projects", async () => {
  const deferred = await figures({ cohort: "WITH_DEFERRED_ITEMS" });
  expect(deferred).toMatchObject({
    approvalTime: { projects: 1, averageWorkingDays: 1, baseline: 10 },
    startPreparation: { projects: 1, averageWorkingDays: 1, averageWorkingDaysSaved: 9 },
    certificates: { projects: 0, averageWorkingDays: null, averageWorkingDaysSaved: null },
    sameMonth: { landAndStartSameMonth: 1, withTrialProductionSameYear: 0 },
    board: { published: 0 },
  });
  const all = await figures({});
  expect(all).toMatchObject({
    cohort: "ALL",
    // (8 + 10 + 12 + 2 + 4 + 1) / 6 = 6.17
    startPreparation: { projects: 6, averageWorkingDays: 6.17, baseline: 10, averageWorkingDaysSaved: 3.83 },
    certificates: { projects: 4, averageWorkingDays: 4.75 },
    sameMonth: { landAndStartSameMonth: 6, withTrialProductionSameYear: 5 },
    board: { published: 3 },
    tickets: { tickets: 1 },
  });
});

test("当月拿地、当月开工、当年试产 needs the trial production in the land's year", async () => {
  expect((await figures({ cohort: "FAST_TRACK", from: "2025-12-01", to: "2025-12-31" })).sameMonth).toEqual({ landAndStartSameMonth: 1, withTrialProductionSameYear: 0 });
  expect((await figures({ cohort: "FAST_TRACK", from: "2026-04-01", to: "2026-04-30" })).sameMonth).toEqual({ landAndStartSameMonth: 0, withTrialProductionSameYear: 0 });
});

test("with too few projects outside the reform the configured baseline stands in, and says so", async () => {
  const strict = await startTestServer({ share: server, config: { baselineMinProjects: 4, certificateTargetWorkingDays: 4 } });
  try {
    expect(await figures({ cohort: "FAST_TRACK" }, strict)).toMatchObject({
      approvalTime: { baseline: 60, baselineSource: "CONFIGURED", baselineSampleSize: 3, averageWorkingDaysSaved: 57.67 },
      startPreparation: { baseline: 60, baselineSource: "CONFIGURED", baselineSampleSize: 3 },
      certificates: { baseline: 30, baselineSource: "CONFIGURED", baselineSampleSize: 3, averageWorkingDaysSaved: 29 },
      trialProduction: { baseline: 280, baselineSource: "CONFIGURED", baselineSampleSize: 3 },
    });
    // certificates in 4, 9, 5 and 1 working days: two within a 4-day target
    expect((await figures({}, strict)).certificates).toMatchObject({ projects: 4, withinTarget: 2 });
  } finally {
    await strict.stop();
  }
});

test("projects whose span ended before REFORM_START_ON count for the baseline too", async () => {
  const dated = await startTestServer({ share: server, config: { baselineMinProjects: 3, reformStartOn: "2026-03-05" } });
  try {
    const res = await figures({ cohort: "FAST_TRACK" }, dated);
    // f1 started on the 4th and f4 in December, before the reform: the baseline is (8 + 10 + 12 + 2 + 2) / 5 = 6.8
    expect(res.startPreparation).toMatchObject({ baseline: 6.8, baselineSampleSize: 5, averageWorkingDaysSaved: 4.47 });
    // nothing else of f1's ended before the 5th
    expect(res.certificates).toMatchObject({ baseline: 6, baselineSampleSize: 3 });
  } finally {
    await dated.stop();
  }
});

test("REFORM_START_ON and BASELINE_MIN_PROJECTS are read once at start; a value that is not a day or a count stops it", () => {
  expect(loadConfig({}).reformStartOn).toBeNull();
  expect(loadConfig({}).baselineMinProjects).toBe(5);
  const set = loadConfig({ REFORM_START_ON: "2026-03-05", BASELINE_MIN_PROJECTS: "3" });
  expect([set.reformStartOn, set.baselineMinProjects]).toEqual(["2026-03-05", 3]);
  for (const env of [{ REFORM_START_ON: "2026-02-30" }, { REFORM_START_ON: "2026/03/05" }, { BASELINE_MIN_PROJECTS: "0" }]) {
    expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
  }
});
