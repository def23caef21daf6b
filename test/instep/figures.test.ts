import { afterAll, beforeAll, expect, test } from "vitest";
import { ApprovalItem, type ApprovalKind } from "../../src/modules/instep/approval.entity";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let cadre: string;

const FIGURES = `query($from: LocalDate!, $to: LocalDate!) { districtFigures(from: $from, to: $to) {
  from to
  approvalTime { projects averageWorkingDays baselineWorkingDays baseline baselineSource baselineSampleSize averageWorkingDaysSaved cutPercent targetCutPercent targetMet }
  startPreparation { projects averageWorkingDays targetWorkingDays startedOnLandHandover baselineWorkingDays averageDaysEarlierThanBaseline averageWorkingDaysSaved }
  board { published claimed claimRate fulfilled fulfilmentRate }
  tickets { tickets shareResolvedWithinSla byMode { mode tickets resolvedWithinSla } }
} }`;

async function items(projectId: string, rows: Array<[ApprovalKind, string, string | null]>) {
  const repo = server.app.services.dataSource.getRepository(ApprovalItem);
  const { id: departmentId } = await server.department("HOUSING_CONSTRUCTION");
  for (const [kind, submittedOn, approvedOn] of rows) {
    await repo.insert(repo.create({ projectId, kind, departmentId, status: approvedOn ? "APPROVED" : "SUBMITTED", submittedOn, approvedOn, rejectedOn: null, note: null, handledById: null, surveyResultId: null }));
  }
}

beforeAll(async () => {
  server = await startTestServer();
  cadre = (await server.user("CADRE")).token;
  const e = (await makeEnterprise(server)).id;
  // Start preparation (land contract -> construction start), window 2025-09-01 .. 2025-12-31:
  const p1 = await makeProject(server, e, { landContractOn: "2025-09-01", constructionStartOn: "2025-09-12" }); // 9
  const p2 = await makeProject(server, e, { landContractOn: "2025-09-22", constructionStartOn: "2025-10-15" }); // 13: Sep 23-26, Sun 28, 29, 30, Oct 9, 10, Sat 11, 13-15
  const p3 = await makeProject(server, e, { landContractOn: "2025-11-03", constructionStartOn: "2025-12-15" }); // 30
  const p4 = await makeProject(server, e, { landContractOn: "2025-08-01", constructionStartOn: "2026-01-20" }); // starts after the window
  await makeProject(server, e, { landContractOn: null, constructionStartOn: "2025-10-20" }); // no land contract: not counted
  // Whole-process approval time (working days any item was under review):
  await items(p1.id, [["FILING", "2025-09-02", "2025-09-05"], ["PLANNING_PERMIT", "2025-09-02", "2025-09-10"], ["CONSTRUCTION_PERMIT", "2025-09-08", "2025-09-11"]]); // (Sep 2, Sep 11] = 7
  await items(p2.id, [["FILING", "2025-09-23", "2025-09-30"], ["JOINT_ACCEPTANCE", "2025-10-09", "2025-10-13"]]); // 6 (with Sun Sep 28) + 3 (with Sat Oct 11) = 9
  await items(p3.id, [["FILING", "2025-11-04", "2025-11-06"], ["PLANNING_PERMIT", "2025-11-04", null]]); // still pending: not counted
  await items(p4.id, [["FILING", "2025-08-04", "2025-08-06"]]); // finished before the window: not counted
});
afterAll(() => server?.stop());

test("each figure matches the hand-worked numbers", async () => {
  const res = await server.gql(FIGURES, { from: "2025-09-01", to: "2025-12-31" }, cadre);
  expect(res.errors).toBeUndefined();
  expect(res.data.districtFigures).toEqual({
    from: "2025-09-01",
    to: "2025-12-31",
    // (7 + 9) / 2 = 8 working days against 60: a cut of 86.67%. No project took the fast track, so all
    // three finished ones could make a baseline, but 3 < BASELINE_MIN_PROJECTS (5): the configured 60.
    approvalTime: {
      projects: 2, averageWorkingDays: 8, baselineWorkingDays: 60, baseline: 60, baselineSource: "CONFIGURED", baselineSampleSize: 3, averageWorkingDaysSaved: 52,
      cutPercent: 86.67, targetCutPercent: 30, targetMet: true,
    },
    // (9 + 13 + 30) / 3 = 17.33; two within 15; started 60 - 17.33 = 42.67 days earlier over all three
    // (not only the two within the target); 4 projects could make a baseline, fewer than 5.
    startPreparation: {
      projects: 3, averageWorkingDays: 17.33, targetWorkingDays: 15, startedOnLandHandover: 2, baselineWorkingDays: 60, averageDaysEarlierThanBaseline: 42.67, averageWorkingDaysSaved: 42.67,
    },
    // no board task or ticket in this data set
    board: { published: 0, claimed: 0, claimRate: null, fulfilled: 0, fulfilmentRate: null },
    tickets: expect.objectContaining({ tickets: 0, shareResolvedWithinSla: null }),
  });
});

test("a narrower window counts only what falls in it; an empty one answers nulls, not zeros", async () => {
  const sept = await server.gql(FIGURES, { from: "2025-09-01", to: "2025-09-30" }, cadre);
  expect(sept.data.districtFigures.approvalTime).toMatchObject({ projects: 1, averageWorkingDays: 7, cutPercent: 88.33 });
  expect(sept.data.districtFigures.startPreparation).toMatchObject({ projects: 1, averageWorkingDays: 9, startedOnLandHandover: 1, averageDaysEarlierThanBaseline: 51 });
  const aug = await server.gql(FIGURES, { from: "2025-08-01", to: "2025-08-31" }, cadre);
  expect(aug.data.districtFigures.approvalTime).toMatchObject({ projects: 1, averageWorkingDays: 2 });
  const empty = await server.gql(FIGURES, { from: "2024-01-01", to: "2024-12-31" }, cadre);
  expect(empty.data.districtFigures.approvalTime).toEqual({
    projects: 0, averageWorkingDays: null, baselineWorkingDays: 60, baseline: 60, baselineSource: "CONFIGURED", baselineSampleSize: 3, averageWorkingDaysSaved: null,
    cutPercent: null, targetCutPercent: 30, targetMet: null,
  });
  expect(empty.data.districtFigures.startPreparation).toMatchObject({ projects: 0, averageWorkingDays: null, startedOnLandHandover: 0, averageDaysEarlierThanBaseline: null });
});

test("ADMIN and CADRE only; the window must run forwards", async () => {
  const e = await makeEnterprise(server, "某企业");
  const { token } = await server.user("ENTERPRISE", { enterpriseId: e.id });
  expect(codeOf(await server.gql(FIGURES, { from: "2025-09-01", to: "2025-12-31" }, token))).toBe("FORBIDDEN");
  const backwards = await server.gql(FIGURES, { from: "2025-12-31", to: "2025-09-01" }, cadre);
  expect(codeOf(backwards)).toBe("BAD_USER_INPUT");
  expect(backwards.errors![0].extensions!.field).toBe("to");
});

test("a configured baseline and target change the cut and whether it was met", async () => {
  const other = await startTestServer({
    share: server,
    config: { approvalBaselineWorkingDays: 10, approvalCutTargetPercent: 30, startPreparationTargetWorkingDays: 10 },
  });
  try {
    const res = await other.gql(FIGURES, { from: "2025-09-01", to: "2025-12-31" }, cadre);
    // (10 - 8) / 10 = 20% < 30%; only the 9-day start is within a 10-day target.
    expect(res.data.districtFigures.approvalTime).toMatchObject({ baselineWorkingDays: 10, cutPercent: 20, targetMet: false });
    expect(res.data.districtFigures.startPreparation).toMatchObject({ startedOnLandHandover: 1, averageDaysEarlierThanBaseline: 42.67 });
  } finally {
    await other.stop();
  }
});
