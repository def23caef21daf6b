import type { TestServer } from "../support/server";

export const TASK_FIELDS = `id title category status dueAt publishedAt pledge revision claimedAt submittedAt verifiedAt verificationComment overdue
  claimant { id name } publishedBy { id } project { id name }
  timeline { seq type fromStatus toStatus note at actor { id name } }`;

export const PUBLISH = `mutation($input: PublishTaskInput!) { publishTask(input: $input) { ${TASK_FIELDS} } }`;
export const CLAIM = `mutation($input: ClaimTaskInput!) { claimTask(input: $input) { ${TASK_FIELDS} } }`;
export const RELEASE = `mutation($input: ReleaseTaskInput!) { releaseTask(input: $input) { ${TASK_FIELDS} } }`;
export const PROGRESS = `mutation($input: ReportTaskProgressInput!) { reportTaskProgress(input: $input) { ${TASK_FIELDS} } }`;
export const SUBMIT = `mutation($input: SubmitTaskInput!) { submitTask(input: $input) { ${TASK_FIELDS} } }`;
export const VERIFY = `mutation($input: VerifyTaskInput!) { verifyTask(input: $input) { ${TASK_FIELDS} } }`;
export const SEND_BACK = `mutation($input: SendBackTaskInput!) { sendBackTask(input: $input) { ${TASK_FIELDS} } }`;
export const WITHDRAW = `mutation($input: WithdrawTaskInput!) { withdrawTask(input: $input) { ${TASK_FIELDS} } }`;
export const TASK = `query($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`;
export const REVIEW = `mutation($input: ReviewFaultToleranceInput!) { reviewFaultTolerance(input: $input) {
  id taskId decision reviewedAt assessments { aspect favourable note } cadre { id } reviewer { id } } }`;

let counter = 0;

/** Publishes a task as ADMIN, due 30 days after the server clock unless told otherwise. */
export async function publishTask(
  server: TestServer,
  adminToken: string,
  fields: Partial<{ title: string; description: string; category: string; projectId: string; dueAt: string }> = {},
) {
  const n = ++counter;
  const dueAt = fields.dueAt ?? new Date(server.clock.now().getTime() + 30 * 86_400_000).toISOString();
  const response = await server.gql(PUBLISH, {
    input: { title: `任务 ${n}`, description: `描述 ${n}`, category: "KEY_WORK", ...fields, dueAt },
  }, adminToken);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data.publishTask as { id: string; [key: string]: any };
}

export const claim = (server: TestServer, token: string, taskId: string, pledge = "按期完成") =>
  server.gql(CLAIM, { input: { taskId, pledge } }, token);

/** Rows of a table, raw, for checking what the database holds. */
export async function rows(server: TestServer, sql: string, params: unknown[] = []) {
  return server.app.services.dataSource.query(sql, params) as Promise<Array<Record<string, any>>>;
}

/** How many unfinished tasks the cadre's workload row counts (0 without a row). */
export async function workload(server: TestServer, cadreId: string): Promise<number> {
  return Number((await rows(server, "SELECT open_tasks FROM cadre_workload WHERE cadre_id = ?", [cadreId]))[0]?.open_tasks ?? 0);
}

export const ALL_SIX = ["NATURE", "BASIS", "MOTIVE", "DUTY", "PROCEDURE", "ATTITUDE"];
