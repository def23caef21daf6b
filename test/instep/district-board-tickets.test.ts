import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { makeEnterprise, makeProject } from "../support/fixtures";

let server: TestServer;
let admin: string;

const FIGURES = `query($from: LocalDate!, $to: LocalDate!) { districtFigures(from: $from, to: $to) {
  board { published claimed claimRate fulfilled fulfilmentRate }
  tickets { tickets shareResolvedWithinSla byMode { mode tickets resolvedWithinSla } } } }`;
const at = (iso: string) => server.clock.set(new Date(iso));

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

async function ok(query: string, variables: Record<string, unknown>, token: string) {
  const res = await server.gql(query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

test("board figures count the tasks published in the window, as hand-worked", async () => {
  const cadre = await server.user("CADRE");
  const publish = (title: string) =>
    ok(`mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`, { input: { title, description: "d", category: "KEY_WORK", dueAt: "2027-01-31T00:00:00.000Z" } }, admin).then((d) => d.publishTask.id as string);
  const claim = (taskId: string) => ok(`mutation($input: ClaimTaskInput!) { claimTask(input: $input) { id } }`, { input: { taskId, pledge: "按期完成" } }, cadre.token);
  const submit = (taskId: string) => ok(`mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id } }`, { input: { taskId } }, cadre.token);
  const verify = (taskId: string, fulfilled: boolean) => ok(`mutation($input: VerifyTaskInput!) { verifyTask(input: $input) { id } }`, { input: { taskId, fulfilled } }, admin);

  at("2026-05-31T17:00:00.000Z"); // 01:00 on 2026-06-01 in the district (UTC+8): a June task, not a May one
  const [a, b, , d] = [await publish("A"), await publish("B"), await publish("C"), await publish("D")];
  await ok(`mutation($input: WithdrawTaskInput!) { withdrawTask(input: $input) { id } }`, { input: { taskId: d } }, admin);
  await claim(a);
  await claim(b);
  await submit(a);
  await submit(b);
  await verify(a, true);
  await verify(b, false);
  at("2026-07-02T02:00:00.000Z");
  const e = await publish("E, July");
  await claim(e);

  const june = (await ok(FIGURES, { from: "2026-06-01", to: "2026-06-30" }, admin)).districtFigures.board;
  // published A B C (D withdrawn); claimed A B; verified A (fulfilled) and B (failed)
  expect(june).toEqual({ published: 3, claimed: 2, claimRate: 2 / 3, fulfilled: 1, fulfilmentRate: 0.5 });
  const may = (await ok(FIGURES, { from: "2026-05-01", to: "2026-05-31" }, admin)).districtFigures.board;
  expect(may).toEqual({ published: 0, claimed: 0, claimRate: null, fulfilled: 0, fulfilmentRate: null });
  const summer = (await ok(FIGURES, { from: "2026-06-01", to: "2026-07-31" }, admin)).districtFigures.board;
  expect(summer).toMatchObject({ published: 4, claimed: 3, fulfilled: 1 });
});

test("ticket figures count tickets opened in the window by mode and the share resolved within SLA", async () => {
  const enterprise = await makeEnterprise(server, "工单企业");
  const project = await makeProject(server, enterprise.id);
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const manager = await server.user("CADRE");
  await ok(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId: project.id, cadreId: manager.user.id } }, admin);
  const open = (stage: string) =>
    ok(`mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { id } }`, { input: { projectId: project.id, stage, title: `${stage} 工单`, description: "需要协调" } }, owner.token).then((d) => d.openServiceTicket.id as string);
  const work = async (ticketId: string) => {
    await ok(`mutation($input: TicketStatusInput!) { acknowledgeTicket(input: $input) { id } }`, { input: { ticketId } }, manager.token);
    await ok(`mutation($input: TicketStatusInput!) { startTicket(input: $input) { id } }`, { input: { ticketId } }, manager.token);
  };
  const resolve = (ticketId: string) => ok(`mutation($input: TicketStatusInput!) { resolveTicket(input: $input) { id } }`, { input: { ticketId, note: "已解决" } }, manager.token);

  at("2026-08-03T02:00:00.000Z");
  const fast = await open("EMERGENCY");
  const slow = await open("EMERGENCY");
  await open("GUIDANCE");
  await work(fast);
  await work(slow);
  at("2026-08-05T02:00:00.000Z"); // 48 hours: within the 72-hour EMERGENCY SLA
  await resolve(fast);
  at("2026-08-07T02:00:00.000Z"); // 96 hours: late
  await resolve(slow);

  const august = (await ok(FIGURES, { from: "2026-08-01", to: "2026-08-31" }, admin)).districtFigures.tickets;
  expect(august.tickets).toBe(3);
  expect(august.shareResolvedWithinSla).toBeCloseTo(1 / 3, 10);
  expect(august.byMode).toEqual([
    { mode: "PRE_DIAGNOSIS", tickets: 0, resolvedWithinSla: 0 },
    { mode: "GUIDANCE", tickets: 1, resolvedWithinSla: 0 },
    { mode: "CONSULTATION", tickets: 0, resolvedWithinSla: 0 },
    { mode: "EMERGENCY", tickets: 2, resolvedWithinSla: 1 },
  ]);
  const july = (await ok(FIGURES, { from: "2026-07-01", to: "2026-07-31" }, admin)).districtFigures.tickets;
  expect(july).toMatchObject({ tickets: 0, shareResolvedWithinSla: null });
});
