import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { OutboxEvent } from "../../src/modules/notifications/notification.entity";
import { checkSla } from "../../src/modules/tickets/sla.service";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { makeProjectWithTeam } from "../tickets/fixtures";
import { ACK, ESCALATE, OPEN, REASSIGN, START } from "../tickets/gql";
import { claim, publishTask, SEND_BACK, SUBMIT, VERIFY } from "../board/board-helpers";
import { deactivate, noticesAbout, sorted } from "./causes-rows";

const HOUR = 3_600_000;
let server: TestServer;
let admin: { user: { id: string }; token: string };
let team: Awaited<ReturnType<typeof makeProjectWithTeam>>;

beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = await server.user("ADMIN");
  team = await makeProjectWithTeam(server, admin.token);
});
afterAll(() => server?.stop());

async function open(input: Record<string, unknown>, token = team.owner.token) {
  const r = await server.gql(OPEN, { input: { projectId: team.project.id, stage: "GUIDANCE", title: "工单", description: "d", ...input } }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.openServiceTicket as { id: string; ackDueAt: string; resolveDueAt: string; stage: string };
}
const events = () => server.app.services.dataSource.getRepository(OutboxEvent).count();
const checker = () => checkSla(RequestContext.system(server.app.services));

describe("TICKET_ASSIGNED", () => {
  test("opened by the enterprise: the default assignee (the manager) is told once, with the title, the project's code and the acknowledge deadline", async () => {
    const ticket = await open({ title: "用地预审咨询" });
    expect(await noticesAbout(server, ticket.id)).toEqual([
      {
        kind: "TICKET_ASSIGNED", subjectType: "SERVICE_TICKET", projectId: team.project.id, urgent: false, dueAt: ticket.ackDueAt,
        params: { subject: "用地预审咨询", project: team.project.code }, dedupeKey: null, inboxes: [team.manager.user.id], named: [team.manager.user.id],
      },
    ]);
  });

  test("an EMERGENCY ticket's assignment is urgent; a named assignee is the one told", async () => {
    const ticket = await open({ stage: "EMERGENCY", title: "三天内通水通电", assigneeId: team.member.user.id });
    const [notice] = await noticesAbout(server, ticket.id);
    expect(notice).toMatchObject({ kind: "TICKET_ASSIGNED", urgent: true, inboxes: [team.member.user.id] });
  });

  test("the manager opening a ticket for themself is not told of it (the event is kept, with nobody's inbox)", async () => {
    const ticket = await open({ title: "自办" }, team.manager.token);
    expect(await noticesAbout(server, ticket.id)).toMatchObject([{ kind: "TICKET_ASSIGNED", inboxes: [], named: [] }]);
  });

  test("a ticket opened unassigned (no manager yet) tells nobody of an assignment", async () => {
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    const r = await server.gql(OPEN, { input: { projectId: project.id, stage: "GUIDANCE", title: "无人承办", description: "d" } }, owner.token);
    expect(r.data.openServiceTicket.assignee).toBeNull();
    expect(await noticesAbout(server, r.data.openServiceTicket.id)).toEqual([]);
  });

  test("reassigned: the new assignee is told, the manager who reassigned is not; a refused reassignment writes nothing", async () => {
    const ticket = await open({ title: "转派" });
    const before = await events();
    const stranger = await server.user("CADRE");
    const refused = await server.gql(REASSIGN, { input: { ticketId: ticket.id, assigneeId: stranger.user.id } }, team.manager.token);
    expect(codeOf(refused)).toBe("BAD_USER_INPUT");
    expect(await events()).toBe(before);
    server.clock.advance(1000);
    const r = await server.gql(REASSIGN, { input: { ticketId: ticket.id, assigneeId: team.member.user.id, reason: "专业对口" } }, team.manager.token);
    expect(r.errors).toBeUndefined();
    const notices = await noticesAbout(server, ticket.id, "TICKET_ASSIGNED");
    expect(notices.map((n) => n.inboxes)).toEqual([[team.manager.user.id], [team.member.user.id]]);
  });

  test("a ticket whose opening is rolled back (an upload that is not the caller's) leaves no notice", async () => {
    const before = await events();
    const r = await server.gql(OPEN, { input: { projectId: team.project.id, stage: "EMERGENCY", title: "回滚", description: "d", attachmentIds: [crypto.randomUUID()] } }, team.owner.token);
    expect(r.errors).toBeDefined();
    expect(await events()).toBe(before);
  });

  test("an inactive assignee's inbox gets nothing (the event still names nobody inactive)", async () => {
    const extra = await server.user("CADRE");
    await server.gql(`mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { id } }`, {
      input: { projectId: team.project.id, userId: extra.user.id, departmentId: (await server.department("MARKET_REGULATION")).id, role: "联络员" },
    }, admin.token);
    const ticket = await open({ title: "停用", assigneeId: team.member.user.id });
    await deactivate(server, extra.user.id);
    server.clock.advance(1000);
    await server.gql(REASSIGN, { input: { ticketId: ticket.id, assigneeId: extra.user.id } }, admin.token);
    expect((await noticesAbout(server, ticket.id, "TICKET_ASSIGNED")).map((n) => [n.inboxes, n.named])).toEqual([[[team.member.user.id], [team.member.user.id]], [[], []]]);
  });
});

describe("TICKET_ESCALATED", () => {
  test("escalated by the enterprise: the assignee and the manager are told the new stage (urgent); a refused escalation writes nothing", async () => {
    const ticket = await open({ title: "升级", assigneeId: team.member.user.id });
    const before = await events();
    expect(codeOf(await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "PRE_DIAGNOSIS", reason: "降级" } }, team.owner.token))).toBe("INVALID_TRANSITION");
    expect(await events()).toBe(before);
    const r = await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "EMERGENCY", reason: "停工待电" } }, team.owner.token);
    expect(r.errors).toBeUndefined();
    expect(await noticesAbout(server, ticket.id, "TICKET_ESCALATED")).toEqual([
      expect.objectContaining({
        urgent: true, dueAt: r.data.escalateTicket.resolveDueAt, inboxes: sorted(team.member.user.id, team.manager.user.id),
        params: { subject: "升级", project: team.project.code, detail: "急诊", detailEn: "Emergency" },
      }),
    ]);
  });

  test("the manager escalating a ticket they hold themself tells nobody else twice: the manager is dropped, as the actor", async () => {
    const ticket = await open({ title: "经理升级" });
    await server.gql(ESCALATE, { input: { ticketId: ticket.id, toStage: "EMERGENCY", reason: "急" } }, team.manager.token);
    expect(await noticesAbout(server, ticket.id, "TICKET_ESCALATED")).toMatchObject([{ inboxes: [], params: { detail: "急诊" } }]);
  });
});

describe("TICKET_SLA_BREACHED", () => {
  test("each missed deadline is told once, by the checker that stamped it, to the assignee and the manager (受理, then 办结)", async () => {
    await checker(); // settle the file's older tickets
    const ticket = await open({ stage: "EMERGENCY", title: "超时", assigneeId: team.member.user.id });
    server.clock.advance(2 * HOUR + 1);
    await Promise.all([checker(), checker()]);
    await Promise.all([checker(), checker()]);
    expect(await noticesAbout(server, ticket.id, "TICKET_SLA_BREACHED")).toEqual([
      expect.objectContaining({
        urgent: true, dueAt: ticket.ackDueAt, inboxes: sorted(team.member.user.id, team.manager.user.id),
        params: { subject: "超时", project: team.project.code, detail: "受理", detailEn: "acknowledge" },
      }),
    ]);
    await server.gql(ACK, { input: { ticketId: ticket.id } }, team.member.token);
    await server.gql(START, { input: { ticketId: ticket.id } }, team.member.token);
    server.clock.advance(70 * HOUR);
    await Promise.all([checker(), checker()]);
    await checker();
    const breaches = await noticesAbout(server, ticket.id, "TICKET_SLA_BREACHED");
    expect(breaches.map((n) => [n.params.detail, n.params.detailEn, n.dueAt, n.inboxes])).toEqual([
      ["受理", "acknowledge", ticket.ackDueAt, sorted(team.member.user.id, team.manager.user.id)],
      ["办结", "resolve", ticket.resolveDueAt, sorted(team.member.user.id, team.manager.user.id)],
    ]);
  });

  test("an unassigned ticket's breach goes to the manager (assigned since), once", async () => {
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    const r = await server.gql(OPEN, { input: { projectId: project.id, stage: "EMERGENCY", title: "无人承办", description: "d" } }, owner.token);
    const manager = await server.user("CADRE");
    await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId: project.id, cadreId: manager.user.id } }, admin.token);
    server.clock.advance(2 * HOUR + 1);
    await checker();
    expect(await noticesAbout(server, r.data.openServiceTicket.id, "TICKET_SLA_BREACHED")).toMatchObject([{ inboxes: [manager.user.id] }]);
  });
});

describe("TASK_VERIFIED and TASK_SENT_BACK", () => {
  test("the claimant is told of a send-back and of the verdict, once each; the verifier is not; a refused verification writes nothing", async () => {
    const cadre = await server.user("CADRE");
    const task = await publishTask(server, admin.token, { title: "园区道路" });
    expect((await claim(server, cadre.token, task.id)).errors).toBeUndefined();
    const before = await events();
    expect(codeOf(await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: true } }, admin.token))).toBe("INVALID_TRANSITION");
    expect(await events()).toBe(before);
    await server.gql(SUBMIT, { input: { taskId: task.id, note: "已完成" } }, cadre.token);
    expect((await server.gql(SEND_BACK, { input: { taskId: task.id, comment: "缺验收记录" } }, admin.token)).errors).toBeUndefined();
    await server.gql(SUBMIT, { input: { taskId: task.id, note: "已补" } }, cadre.token);
    expect((await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: true, comment: "好" } }, admin.token)).errors).toBeUndefined();
    expect((await noticesAbout(server, task.id)).map((n) => [n.kind, n.subjectType, n.dueAt, n.params, n.inboxes])).toEqual([
      ["TASK_SENT_BACK", "BOARD_TASK", task.dueAt, { subject: "园区道路" }, [cadre.user.id]],
      ["TASK_VERIFIED", "BOARD_TASK", task.dueAt, { subject: "园区道路", detail: "已兑现", detailEn: "fulfilled" }, [cadre.user.id]],
    ]);
  });

  test("a failed verdict says so", async () => {
    const cadre = await server.user("CADRE");
    const task = await publishTask(server, admin.token);
    await claim(server, cadre.token, task.id);
    await server.gql(SUBMIT, { input: { taskId: task.id } }, cadre.token);
    await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: false, comment: "未达标" } }, admin.token);
    expect(await noticesAbout(server, task.id)).toMatchObject([{ kind: "TASK_VERIFIED", params: { detail: "未兑现", detailEn: "failed" }, inboxes: [cadre.user.id] }]);
  });
});
