import type { CallerKind, RemitCases, World } from "../world";

let n = 0;

const PUBLISH = `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id status } }`;
const CLAIM = `mutation($input: ClaimTaskInput!) { claimTask(input: $input) { id status } }`;
const RELEASE = `mutation($input: ReleaseTaskInput!) { releaseTask(input: $input) { id status } }`;
const PROGRESS = `mutation($input: ReportTaskProgressInput!) { reportTaskProgress(input: $input) { id status } }`;
const SUBMIT = `mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id status } }`;
const VERIFY = `mutation($input: VerifyTaskInput!) { verifyTask(input: $input) { id status } }`;
const SEND_BACK = `mutation($input: SendBackTaskInput!) { sendBackTask(input: $input) { id status } }`;
const WITHDRAW = `mutation($input: WithdrawTaskInput!) { withdrawTask(input: $input) { id status } }`;
const REVIEW = `mutation($input: ReviewFaultToleranceInput!) { reviewFaultTolerance(input: $input) { id decision correction { id } } }`;
const SUBMIT_CORRECTION = `mutation($input: SubmitFaultCorrectionInput!) { submitFaultCorrection(input: $input) { id status } }`;
const VERIFY_CORRECTION = `mutation($input: VerifyFaultCorrectionInput!) { verifyFaultCorrection(input: $input) { id status } }`;

const SIX = ["NATURE", "BASIS", "MOTIVE", "DUTY", "PROCEDURE", "ATTITUDE"];

/** A task for the world's project, due 30 days after the server clock. */
function publishInput(world: World) {
  const i = ++n;
  return {
    title: `矩阵任务 ${i}`,
    description: `矩阵任务描述 ${i}`,
    category: "KEY_WORK",
    projectId: world.project.id,
    dueAt: new Date(world.server.clock.now().getTime() + 30 * 86_400_000).toISOString(),
  };
}

/**
 * A task of the world's project published as ADMIN and brought as far as `to`; from CLAIMED on it
 * is the claimant's (a cadre of the world, who holds nothing else on the board).
 */
async function task(world: World, to: "OPEN" | "CLAIMED" | "SUBMITTED" | "FAILED", claimant: CallerKind = "CADRE_OTHER_DEPARTMENT"): Promise<string> {
  const id = (await world.must(PUBLISH, { input: publishInput(world) }, world.admin)).publishTask.id;
  if (to === "OPEN") return id;
  const token = world.callers[claimant as Exclude<CallerKind, "ANONYMOUS">].token;
  await world.must(CLAIM, { input: { taskId: id, pledge: "按期完成" } }, token);
  if (to === "CLAIMED") return id;
  await world.must(SUBMIT, { input: { taskId: id, note: "已完成" } }, token);
  if (to === "SUBMITTED") return id;
  await world.must(VERIFY, { input: { taskId: id, fulfilled: false, comment: "未兑现" } }, world.admin);
  return id;
}

/** The six assessments with DUTY unfavourable: the rule suggests MITIGATED. */
const mitigating = () => SIX.map((aspect) => ({ aspect, favourable: aspect !== "DUTY", note: `${aspect} 说明` }));

/** A review, by ADMIN, of a failed task of the world, ordering a correction owned by `owner` and due in 30 days; the correction's id. */
async function correction(world: World, owner: Exclude<CallerKind, "ANONYMOUS">): Promise<string> {
  const taskId = await task(world, "FAILED", "CADRE_TEAM_MEMBER");
  const dueOn = new Date(world.server.clock.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  const input = {
    taskId, assessments: mitigating(), decision: "MITIGATED", reason: "探索改革中的失误，出于公心",
    correction: { ownerId: world.callers[owner].user.id, description: "完善台账", dueOn },
  };
  return (await world.must(REVIEW, { input }, world.admin)).reviewFaultTolerance.correction.id;
}

/**
 * The task board (一榜双令): the reform office publishes, verifies, sends back, withdraws and
 * reviews; any cadre claims; the claimant alone releases, reports and submits. The board is
 * public to every signed-in user and no ENTERPRISE role can hold any of these remits, so another
 * enterprise's user is refused by role (FORBIDDEN), whether or not the task serves a project:
 * projectScoped is false throughout. Every world's cadres are new, so the claim limit
 * (TASK_CLAIM_LIMIT, unfinished tasks per cadre) never stands in a claim's way.
 */
export const boardCases: RemitCases = {
  publishTask: {
    projectScoped: false,
    async prepare(world) {
      return { query: PUBLISH, variables: { input: publishInput(world) } };
    },
  },
  claimTask: {
    projectScoped: false,
    async prepare(world) {
      return { query: CLAIM, variables: { input: { taskId: await task(world, "OPEN"), pledge: "按期完成" } } };
    },
  },
  releaseTask: {
    projectScoped: false,
    async prepare(world) {
      const taskId = await task(world, "CLAIMED", "CADRE_OTHER_DEPARTMENT");
      return { query: RELEASE, variables: { input: { taskId, reason: "力量不足" } }, holders: { CLAIMANT: ["CADRE_OTHER_DEPARTMENT"] } };
    },
  },
  reportTaskProgress: {
    projectScoped: false,
    async prepare(world) {
      const taskId = await task(world, "CLAIMED", "CADRE_TEAM_MEMBER");
      return { query: PROGRESS, variables: { input: { taskId, note: "已完成一半" } }, holders: { CLAIMANT: ["CADRE_TEAM_MEMBER"] } };
    },
  },
  submitTask: {
    projectScoped: false,
    async prepare(world) {
      const taskId = await task(world, "CLAIMED", "CADRE_OTHER_DEPARTMENT");
      return { query: SUBMIT, variables: { input: { taskId, note: "已完成" } }, holders: { CLAIMANT: ["CADRE_OTHER_DEPARTMENT"] } };
    },
  },
  verifyTask: {
    projectScoped: false,
    async prepare(world) {
      const taskId = await task(world, "SUBMITTED", "CADRE_OTHER_DEPARTMENT");
      return { query: VERIFY, variables: { input: { taskId, fulfilled: true, comment: "已兑现" } }, holders: { CLAIMANT: ["CADRE_OTHER_DEPARTMENT"] } };
    },
  },
  sendBackTask: {
    projectScoped: false,
    async prepare(world) {
      const taskId = await task(world, "SUBMITTED", "CADRE_TEAM_MEMBER");
      return { query: SEND_BACK, variables: { input: { taskId, comment: "材料不全" } }, holders: { CLAIMANT: ["CADRE_TEAM_MEMBER"] } };
    },
  },
  withdrawTask: {
    projectScoped: false,
    async prepare(world) {
      return { query: WITHDRAW, variables: { input: { taskId: await task(world, "OPEN"), reason: "不再需要" } } };
    },
  },
  reviewFaultTolerance: {
    projectScoped: false,
    async prepare(world) {
      const taskId = await task(world, "FAILED", "CADRE_OTHER_DEPARTMENT");
      const input = { taskId, assessments: mitigating(), decision: "MITIGATED", reason: "探索改革中的失误，出于公心" };
      return { query: REVIEW, variables: { input }, holders: { CLAIMANT: ["CADRE_OTHER_DEPARTMENT"] } };
    },
  },
  // 纠错: the remit names any cadre; the service lets only the correction's owner through (FORBIDDEN for the others)
  submitFaultCorrection: {
    projectScoped: false,
    async prepare(world) {
      const id = await correction(world, "CADRE_OTHER_DEPARTMENT");
      return { query: SUBMIT_CORRECTION, variables: { input: { id, note: "已整改" } }, holders: { CADRE: ["CADRE_OTHER_DEPARTMENT"] } };
    },
  },
  verifyFaultCorrection: {
    projectScoped: false,
    async prepare(world) {
      const id = await correction(world, "CADRE_FRONT_DESK");
      await world.must(SUBMIT_CORRECTION, { input: { id, note: "已整改" } }, world.callers.CADRE_FRONT_DESK.token);
      return { query: VERIFY_CORRECTION, variables: { input: { id, accepted: true, comment: "整改到位" } } };
    },
  },
};
