import { addDays, districtDate } from "../../../src/core/dates";
import { signedLetter } from "../../support/fixtures";
import type { RemitCases, World } from "../world";

let n = 0;

const STANDARDS = `{ supervisionStandards { id code } }`;
const CREATE_STANDARD = `mutation($input: CreateSupervisionStandardInput!) { createSupervisionStandard(input: $input) { id code } }`;
const SCHEDULE = `mutation($input: ScheduleJointInspectionInput!) { scheduleJointInspection(input: $input) { id status } }`;
const FINDINGS = `mutation($input: RecordInspectionFindingsInput!) { recordInspectionFindings(input: $input) { id status findings { id passed followUpStatus } } }`;
const RESOLVE = `mutation($input: ResolveFindingInput!) { resolveInspectionFinding(input: $input) { id followUpStatus } }`;
const SWEEP = `mutation { runDeadlineSweep { overdueFindings suspendedProjects awaitingDecision creditRecords } }`;
const CAUSE = `mutation($input: RecordDelayCauseInput!) { recordDelayCause(input: $input) { id attributedTo } }`;
const RECTIFY = `mutation($input: ConfirmRectificationInput!) { confirmRectification(input: $input) { state } }`;
const DECIDE = `mutation($input: DecideAfterRectificationInput!) { decideAfterRectification(input: $input) { state } }`;
const UPDATE_PROJECT = `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id signedOn } }`;
const LIFT = `mutation($input: LiftCreditRecordInput!) { liftCreditRecord(input: $input) { id liftedAt } }`;
const CREDIT_RECORDS = `query($id: ID!) { enterprise(id: $id) { creditRecords(first: 10) { edges { node { id sourceType liftedAt } } } } }`;

const DAY = 86_400_000;

/** The district's today on the service clock. */
const today = (world: World) => districtDate(world.server.clock.now());

/** The first active supervision standard (the catalog rows add standards but deactivate none). */
async function standardId(world: World): Promise<string> {
  return (await world.must(STANDARDS, {}, world.admin)).supervisionStandards[0].id;
}

/** A joint inspection of the world's project, scheduled by ADMIN: 区住房和城乡建设局 leads, 区消防救援大队 takes part. */
async function inspection(world: World): Promise<string> {
  const input = {
    projectId: world.project.id,
    scheduledOn: today(world),
    leadDepartmentId: await world.department("HOUSING_CONSTRUCTION"),
    departmentIds: [await world.department("HOUSING_CONSTRUCTION"), await world.department("FIRE_RESCUE")],
  };
  return (await world.must(SCHEDULE, { input }, world.admin)).scheduleJointInspection.id;
}

/** One failed standard recorded on a new inspection by a 住建 inspector, due `dueInDays` from today: the finding's id. */
async function openFinding(world: World, inspectorToken: string, dueInDays: number): Promise<string> {
  const inspectionId = await inspection(world);
  const results = [{ standardId: await standardId(world), passed: false, note: "安全网缺失", followUpDueOn: addDays(today(world), dueInDays) }];
  return (await world.must(FINDINGS, { input: { inspectionId, results } }, inspectorToken)).recordInspectionFindings.findings[0].id;
}

/** Runs the sweep as ADMIN with the service clock moved `days` ahead, then puts the clock back. */
async function sweepAhead(world: World, days: number): Promise<void> {
  const now = world.server.clock.now();
  world.server.clock.set(new Date(now.getTime() + days * DAY));
  try {
    await world.must(SWEEP, {}, world.admin);
  } finally {
    world.server.clock.set(now);
  }
}

/**
 * The world's project suspended by the circuit breaker (熔断): its commitment letter signed by both
 * parties well over the breaker's months ago (a row: the world's project is admitted as a fixture),
 * its delay attributed to the enterprise, swept now. The rectification deadline is 60 days on.
 */
async function suspended(world: World): Promise<void> {
  const signedAt = new Date(world.server.clock.now().getTime() - 400 * DAY);
  await world.must(UPDATE_PROJECT, { input: { id: world.project.id, signedOn: districtDate(signedAt) } }, world.admin);
  await signedLetter(world.server, world.project.id, signedAt);
  await world.must(CAUSE, { input: { projectId: world.project.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE", note: "资金未到位" } }, world.admin);
  await world.must(SWEEP, {}, world.admin);
}

/**
 * Supervision (周期监管): the standards catalog, risk levels, 综合查一次 joint inspections and their
 * findings, the deadline sweep, credit records (信用修复) and the circuit breaker (熔断). The
 * inspections are led by 区住房和城乡建设局 with 区消防救援大队 taking part, so CADRE_DEPARTMENT (住建)
 * leads and takes part. Where a deadline must pass, the sweep runs with the clock moved ahead and
 * the clock is put back at once, so that the cases after it see the time they expect.
 */
export const supervisionCases: RemitCases = {
  liftCreditRecord: {
    projectScoped: false,
    async prepare(world) {
      // a finding due tomorrow, swept the day after: OVERDUE and a MINOR credit record on the enterprise
      const inspector = await world.server.user("CADRE", { departmentId: await world.department("HOUSING_CONSTRUCTION") });
      await openFinding(world, inspector.token, 1);
      await sweepAhead(world, 2);
      const edges = (await world.must(CREDIT_RECORDS, { id: world.enterprise.id }, world.admin)).enterprise.creditRecords.edges;
      const record = edges.find((e: any) => e.node.sourceType === "INSPECTION_FINDING" && !e.node.liftedAt);
      if (!record) throw new Error("setup failed: no credit record written by the sweep");
      return { query: LIFT, variables: { input: { recordId: record.node.id, reason: "整改到位，信用修复" } } };
    },
  },
  createSupervisionStandard: {
    projectScoped: false,
    async prepare() {
      return { query: CREATE_STANDARD, variables: { input: { code: `M${++n}`, title: "矩阵标准", phase: "AFTER" } } };
    },
  },
  updateSupervisionStandard: {
    projectScoped: false,
    async prepare(world) {
      const id = (await world.must(CREATE_STANDARD, { input: { code: `U${++n}`, title: "矩阵标准", phase: "DURING" } }, world.admin)).createSupervisionStandard.id;
      return {
        query: `mutation($input: UpdateSupervisionStandardInput!) { updateSupervisionStandard(input: $input) { id title } }`,
        variables: { input: { id, title: "矩阵标准（修订）" } },
      };
    },
  },
  setProjectRiskLevel: {
    async prepare(world) {
      return { query: `mutation($input: SetRiskLevelInput!) { setProjectRiskLevel(input: $input) { id riskLevel } }`, variables: { input: { id: world.project.id, riskLevel: "HIGH" } } };
    },
  },
  scheduleJointInspection: {
    department: "HOUSING_CONSTRUCTION",
    async prepare(world) {
      const input = {
        projectId: world.project.id,
        scheduledOn: addDays(today(world), 7),
        leadDepartmentId: await world.department("HOUSING_CONSTRUCTION"),
        departmentIds: [await world.department("HOUSING_CONSTRUCTION"), await world.department("FIRE_RESCUE")],
      };
      return { query: SCHEDULE, variables: { input } };
    },
  },
  recordInspectionFindings: {
    department: "HOUSING_CONSTRUCTION",
    async prepare(world) {
      const inspectionId = await inspection(world);
      const results = [{ standardId: await standardId(world), passed: false, note: "消防通道堵塞", followUpDueOn: addDays(today(world), 30) }];
      return { query: FINDINGS, variables: { input: { inspectionId, results } } };
    },
  },
  resolveInspectionFinding: {
    department: "HOUSING_CONSTRUCTION",
    async prepare(world) {
      const findingId = await openFinding(world, world.callers.CADRE_DEPARTMENT.token, 30);
      return { query: RESOLVE, variables: { input: { findingId, note: "已整改" } } };
    },
  },
  runDeadlineSweep: {
    projectScoped: false,
    async prepare() {
      return { query: SWEEP };
    },
  },
  recordDelayCause: {
    async prepare(world) {
      return { query: CAUSE, variables: { input: { projectId: world.project.id, attributedTo: "ENTERPRISE", cause: "OVERDUE_MATERIALS", note: "环评材料逾期未补" } } };
    },
  },
  confirmRectification: {
    async prepare(world) {
      await suspended(world);
      return { query: RECTIFY, variables: { input: { projectId: world.project.id, note: "材料已补齐，复工" } } };
    },
  },
  decideAfterRectification: {
    async prepare(world) {
      // suspended now, and not rectified by the deadline: AWAITING_DECISION (the credit record follows an EXIT)
      await suspended(world);
      await sweepAhead(world, 62);
      return { query: DECIDE, variables: { input: { projectId: world.project.id, outcome: "EXIT", reason: "整改不到位，退出" } } };
    },
  },
};
