import type { ApprovalKind } from "../../../src/modules/instep/approval.entity";
import type { ApplicationClass } from "../../../src/modules/intake/application.entity";
import { withOwnUploads, type RemitCases, type World } from "../world";
import { upload } from "../../support/uploads";
import { signedLetter } from "../../support/fixtures";

let n = 0;

const ADD_ITEM = `mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`;
const SUBMIT_ITEM = `mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status } }`;
const DECIDE_ITEM = `mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status } }`;
const CITE = `mutation($input: CiteSurveyResultInput!) { citeSurveyResult(input: $input) { id surveyResult { id } } }`;
const MILESTONE = `mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id } }`;
const ADD_BUILDING = `mutation($input: AddBuildingInput!) { addBuilding(input: $input) { id } }`;
const ACCEPT = `mutation($input: RecordBuildingAcceptanceInput!) { recordBuildingAcceptance(input: $input) { id acceptedOn } }`;
const COMMISSION = `mutation($input: CommissionSurveyInput!) { commissionSurvey(input: $input) { id } }`;
const RESULT = `mutation($input: RecordSurveyResultInput!) { recordSurveyResult(input: $input) { id } }`;
const SUBMIT_APPLICATION = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id status } }`;
const ROUTE = `mutation($input: ApplicationStepInput!) { routeApplication(input: $input) { id status } }`;
const DECIDE_APPLICATION = `mutation($input: DecideApplicationInput!) { decideApplication(input: $input) { id status } }`;
const ISSUE = `mutation($input: ApplicationStepInput!) { issueApplicationResult(input: $input) { id status } }`;

/** A NOT_STARTED item of the project, handled by the kind's usual department. */
async function item(world: World, kind: ApprovalKind): Promise<string> {
  return (await world.must(ADD_ITEM, { input: { projectId: world.project.id, kind } }, world.admin)).addApprovalItem.id;
}

/** The project's shared survey result of a stage (commissioned and delivered, as ADMIN). */
async function surveyResult(world: World, stage: "PLANNING" | "COMPLETION"): Promise<string> {
  const commissionId = (await world.must(COMMISSION, { input: { projectId: world.project.id, stage, surveyor: "测绘公司" } }, world.admin)).commissionSurvey.id;
  return (await world.must(RESULT, { input: { commissionId, reference: `CH-${++n}` } }, world.admin)).recordSurveyResult.id;
}

/** An application of the class taken in as ADMIN, brought as far as `to`. */
async function application(world: World, applicationClass: ApplicationClass, to: "RECEIVED" | "ROUTED" | "APPROVED"): Promise<string> {
  const id = (await world.must(SUBMIT_APPLICATION, { input: { projectId: world.project.id, applicationClass, title: "项目备案申请" } }, world.admin)).submitApplication.id;
  if (to === "RECEIVED") return id;
  await world.must(ROUTE, { input: { applicationId: id } }, world.admin);
  if (to === "ROUTED") return id;
  await world.must(DECIDE_APPLICATION, { input: { applicationId: id, approved: true, attachmentIds: [await upload(world.server, world.admin)] } }, world.admin);
  return id;
}

/**
 * The in-step approvals (三同步), milestones, buildings, surveys (多测合一), the one-window
 * applications (一门式) and the working-day calendar. Calendar and dependency rows are the reform
 * office's and are kept from touching the other cases: calendar days and years far in the future,
 * a dependency added for the call to remove.
 */
export const instepCases: RemitCases = {
  setCalendarDay: {
    projectScoped: false,
    async prepare() {
      const day = String(1 + (++n % 28)).padStart(2, "0");
      return {
        query: `mutation($input: SetCalendarDayInput!) { setCalendarDay(input: $input) { id date workday } }`,
        variables: { input: { date: `2099-05-${day}`, workday: false, note: `矩阵 ${n}` } },
      };
    },
  },
  declareCalendarYear: {
    projectScoped: false,
    async prepare() {
      return {
        query: `mutation($input: DeclareCalendarYearInput!) { declareCalendarYear(input: $input) { id year } }`,
        variables: { input: { year: 2100 - (++n % 50), note: "矩阵" } },
      };
    },
  },
  setApprovalDependency: {
    projectScoped: false,
    async prepare(world) {
      // added here so that the call (removing it) leaves the seeded dependencies as they were
      const input = { kind: "TRIAL_PRODUCTION", requiresKind: "ENVIRONMENTAL_IMPACT" };
      await world.must(`mutation($input: SetApprovalDependencyInput!) { setApprovalDependency(input: $input) { kind } }`, { input: { ...input, required: true } }, world.admin);
      return {
        query: `mutation($input: SetApprovalDependencyInput!) { setApprovalDependency(input: $input) { kind requiresKind } }`,
        variables: { input: { ...input, required: false } },
      };
    },
  },
  addApprovalItem: {
    async prepare(world) {
      return { query: ADD_ITEM, variables: { input: { projectId: world.project.id, kind: "FILING" } } };
    },
  },
  submitApprovalItem: {
    department: "DEVELOPMENT_REFORM",
    async prepare(world) {
      return { query: SUBMIT_ITEM, variables: { input: { itemId: await item(world, "FILING") } } };
    },
  },
  decideApprovalItem: {
    department: "DEVELOPMENT_REFORM",
    async prepare(world) {
      const itemId = await item(world, "FILING");
      await world.must(SUBMIT_ITEM, { input: { itemId } }, world.admin);
      return { query: DECIDE_ITEM, ...(await withOwnUploads(world, (permit) => ({ input: { itemId, decision: "APPROVED", attachmentIds: [permit] } }))) };
    },
  },
  citeSurveyResult: {
    department: "NATURAL_RESOURCES",
    async prepare(world) {
      const itemId = await item(world, "LAND_USE_PLANNING_PERMIT");
      return { query: CITE, variables: { input: { itemId, surveyResultId: await surveyResult(world, "PLANNING") } } };
    },
  },
  recordProjectMilestone: {
    async prepare(world) {
      return { query: MILESTONE, variables: { input: { projectId: world.project.id, milestone: "LAND_CONTRACT", on: "2026-02-02" } } };
    },
  },
  fileConstructionStart: {
    async prepare(world) {
      await world.must(MILESTONE, { input: { projectId: world.project.id, milestone: "LAND_CONTRACT", on: "2026-02-02" } }, world.admin);
      // 承诺即开工: the admitted project starts on its signed letter
      await signedLetter(world.server, world.project.id, new Date("2026-02-02T02:00:00.000Z"));
      return { query: MILESTONE, variables: { input: { projectId: world.project.id, milestone: "CONSTRUCTION_START" } } };
    },
  },
  addBuilding: {
    department: "HOUSING_CONSTRUCTION",
    async prepare(world) {
      return { query: ADD_BUILDING, variables: { input: { projectId: world.project.id, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true } } };
    },
  },
  recordBuildingAcceptance: {
    department: "HOUSING_CONSTRUCTION",
    async prepare(world) {
      const buildingId = (await world.must(ADD_BUILDING, { input: { projectId: world.project.id, name: "1号厂房", partKind: "BUILDING", requiredForTrialProduction: true } }, world.admin)).addBuilding.id;
      return { query: ACCEPT, variables: { input: { buildingId, passed: true } } };
    },
  },
  commissionSurvey: {
    department: "NATURAL_RESOURCES",
    async prepare(world) {
      return { query: COMMISSION, variables: { input: { projectId: world.project.id, stage: "PLANNING", surveyor: "测绘公司" } } };
    },
  },
  recordSurveyResult: {
    department: "NATURAL_RESOURCES",
    async prepare(world) {
      const commissionId = (await world.must(COMMISSION, { input: { projectId: world.project.id, stage: "PLANNING", surveyor: "测绘公司" } }, world.admin)).commissionSurvey.id;
      return { query: RESULT, variables: { input: { commissionId, reference: `CH-${++n}`, summary: "成果共享" } } };
    },
  },
  submitApplication: {
    async prepare(world) {
      return { query: SUBMIT_APPLICATION, variables: { input: { projectId: world.project.id, applicationClass: "FILING", title: "项目备案申请" } } };
    },
  },
  routeApplication: {
    async prepare(world) {
      return { query: ROUTE, variables: { input: { applicationId: await application(world, "FILING", "RECEIVED") } } };
    },
  },
  decideApplication: {
    department: "DEVELOPMENT_REFORM",
    async prepare(world) {
      const applicationId = await application(world, "FILING", "ROUTED");
      return { query: DECIDE_APPLICATION, ...(await withOwnUploads(world, (notice) => ({ input: { applicationId, approved: true, attachmentIds: [notice] } }))) };
    },
  },
  issueApplicationResult: {
    department: "DEVELOPMENT_REFORM",
    async prepare(world) {
      return { query: ISSUE, variables: { input: { applicationId: await application(world, "FILING", "APPROVED") } } };
    },
  },
};
