import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, startTestServer, subscribe, type TestServer } from "../support/server";
import { claim, publishTask, rows, SEND_BACK, SUBMIT, VERIFY } from "../board/board-helpers";
import { makeProjectWithTeam } from "../tickets/fixtures";
import { OPEN } from "../tickets/gql";

// Two instances sharing one database and one Redis (a channel prefix of their own), for notificationAdded across instances.
const redisUrl = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
const redisChannelPrefix = `test-${crypto.randomBytes(4).toString("hex")}:`;
let server: TestServer;
let second: TestServer;
let admin: string;

const NOTIFICATION = `id kind title urgent read readAt createdAt subjectType subjectId projectId dueAt`;
const INBOX = `query($first: Int, $after: String, $unreadOnly: Boolean, $kinds: [NotificationKind!]) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly, kinds: $kinds) { totalCount unreadCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NOTIFICATION} } } } }`;
const MARK = `mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { markedCount unreadCount notifications { id read readAt } } }`;
const MUTE = `mutation($input: SetMutedNotificationKindsInput!) { setMutedNotificationKinds(input: $input) { mutedKinds mutableKinds } }`;
const SETTINGS = `{ notificationSettings { mutedKinds mutableKinds } }`;
const ADDED = `subscription { notificationAdded { ${NOTIFICATION} } }`;

beforeAll(async () => {
  server = await startTestServer({ config: { redisUrl, redisChannelPrefix } });
  second = await startTestServer({ share: server, config: { redisUrl, redisChannelPrefix } });
  admin = (await server.user("ADMIN")).token;
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

async function must(query: string, variables: Record<string, unknown>, token: string, through = server) {
  const response = await through.gql(query, variables, token);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

/** A task claimed and submitted by the cadre: ready for ADMIN to verify or send back. */
async function submittedTask(cadre: string, title?: string) {
  const task = await publishTask(server, admin, title ? { title } : {});
  const claimed = await claim(server, cadre, task.id);
  if (claimed.errors) throw new Error(JSON.stringify(claimed.errors));
  await must(SUBMIT, { input: { taskId: task.id, note: "已完成" } }, cadre);
  return task;
}

const inbox = async (token: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
  const response = await server.gql(INBOX, variables, token, headers);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data.notifications;
};

describe("the inbox", () => {
  test("verifying and sending back a task tell its claimant, in their language, and nobody else (not the verifier)", async () => {
    const cadre = await server.user("CADRE");
    const bystander = await server.user("CADRE");
    const sentBack = await submittedTask(cadre.token, "整理园区用地台账");
    await must(SEND_BACK, { input: { taskId: sentBack.id, comment: "缺少附表" } }, admin);
    await must(SUBMIT, { input: { taskId: sentBack.id } }, cadre.token);
    server.clock.advance(1000);
    await must(VERIFY, { input: { taskId: sentBack.id, fulfilled: true } }, admin);

    const page = await inbox(cadre.token, {}, { "accept-language": "zh-CN" });
    expect(page.totalCount).toBe(2);
    expect(page.unreadCount).toBe(2);
    expect(page.edges.map((e: any) => [e.node.kind, e.node.title])).toEqual([
      ["TASK_VERIFIED", "任务“整理园区用地台账”核验结果：已兑现"],
      ["TASK_SENT_BACK", "任务“整理园区用地台账”被退回，请修改后重新提交"],
    ]);
    expect(page.edges[0].node).toMatchObject({ subjectType: "BOARD_TASK", subjectId: sentBack.id, read: false, readAt: null, urgent: false, dueAt: sentBack.dueAt });
    expect((await inbox(cadre.token)).edges[0].node.title).toBe('Task "整理园区用地台账" was verified: fulfilled');
    expect((await inbox(bystander.token)).totalCount).toBe(0);
    expect((await inbox(admin)).totalCount).toBe(0);
  });

  test("a refused change notifies nobody; nor is an inactive user told", async () => {
    const cadre = await server.user("CADRE");
    const task = await publishTask(server, admin);
    await claim(server, cadre.token, task.id);
    // not submitted: verifying is an illegal transition and rolls back
    expect(codeOf(await server.gql(VERIFY, { input: { taskId: task.id, fulfilled: true } }, admin))).toBe("INVALID_TRANSITION");
    expect((await inbox(cadre.token)).totalCount).toBe(0);
    expect(await rows(server, "SELECT id FROM outbox_event WHERE subject_id = ?", [task.id])).toEqual([]);

    const leaving = await server.user("CADRE");
    const theirs = await submittedTask(leaving.token);
    await must(`mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { id } }`, { input: { id: leaving.user.id } }, admin);
    await must(VERIFY, { input: { taskId: theirs.id, fulfilled: false } }, admin);
    expect(await rows(server, "SELECT id FROM notification WHERE recipient_id = ?", [leaving.user.id])).toEqual([]);
    // the cause itself is recorded (webhooks hear of it), with nobody to tell
    const [event] = await rows(server, "SELECT kind, recipient_ids FROM outbox_event WHERE subject_id = ?", [theirs.id]);
    expect(event).toMatchObject({ kind: "TASK_VERIFIED", recipient_ids: "[]" });
  });

  test("pages newest first with cursors, filters unread and by kind", async () => {
    const cadre = await server.user("CADRE");
    const tasks = [];
    for (let i = 0; i < 5; i++) {
      const task = await submittedTask(cadre.token);
      server.clock.advance(1000);
      await must(i % 2 ? SEND_BACK : VERIFY, { input: i % 2 ? { taskId: task.id, comment: "再补充" } : { taskId: task.id, fulfilled: true } }, admin);
      tasks.push(task.id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await inbox(cadre.token, { first: 2, after });
      seen.push(...page.edges.map((e: any) => e.node.subjectId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...tasks].reverse());
    const sentBack = await inbox(cadre.token, { kinds: ["TASK_SENT_BACK"] });
    expect(sentBack.totalCount).toBe(2);
    expect(sentBack.unreadCount).toBe(5);
    expect(codeOf(await server.gql(INBOX, { after: "bm9wZQ" }, cadre.token))).toBe("BAD_USER_INPUT");
  });

  test("markNotificationsRead: the named ones (all or nothing), or all; the first reading time stays", async () => {
    const cadre = await server.user("CADRE");
    const other = await server.user("CADRE");
    for (const token of [cadre.token, cadre.token, cadre.token, other.token]) await must(VERIFY, { input: { taskId: (await submittedTask(token)).id, fulfilled: true } }, admin);
    const mine = (await inbox(cadre.token)).edges.map((e: any) => e.node.id);
    const theirs = (await inbox(other.token)).edges[0].node.id;

    const refused = await server.gql(MARK, { input: { notificationIds: [mine[0], theirs] } }, cadre.token);
    expect(codeOf(refused)).toBe("NOT_FOUND");
    expect((await inbox(cadre.token)).unreadCount).toBe(3);
    expect((await inbox(other.token)).unreadCount).toBe(1);

    const firstRead = server.clock.now().toISOString();
    const marked = (await must(MARK, { input: { notificationIds: [mine[0]] } }, cadre.token)).markNotificationsRead;
    expect(marked).toEqual({ markedCount: 1, unreadCount: 2, notifications: [{ id: mine[0], read: true, readAt: firstRead }] });
    server.clock.advance(60_000);
    const again = (await must(MARK, { input: { notificationIds: [mine[0], mine[1]] } }, cadre.token)).markNotificationsRead;
    expect(again.markedCount).toBe(1);
    expect(again.notifications[0].readAt).toBe(firstRead);
    expect((await inbox(cadre.token, { unreadOnly: true })).edges.map((e: any) => e.node.id)).toEqual([mine[2]]);

    expect((await must(MARK, { input: { all: true } }, cadre.token)).markNotificationsRead).toMatchObject({ markedCount: 1, unreadCount: 0 });
    expect((await inbox(other.token)).unreadCount).toBe(1);
    expect(codeOf(await server.gql(MARK, { input: { all: true, notificationIds: [mine[0]] } }, cadre.token))).toBe("BAD_USER_INPUT");
    expect(codeOf(await server.gql(MARK, { input: {} }, cadre.token))).toBe("BAD_USER_INPUT");
    expect(codeOf(await server.gql(MARK, { input: { all: true } }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await server.gql(INBOX, {}))).toBe("UNAUTHENTICATED");
  });

  test("a muted kind is no longer written for that user (the cause still is); urgent kinds cannot be muted", async () => {
    const cadre = await server.user("CADRE");
    expect((await must(SETTINGS, {}, cadre.token)).notificationSettings.mutedKinds).toEqual([]);
    const settings = (await must(MUTE, { input: { kinds: ["TASK_SENT_BACK", "TASK_DUE_SOON"] } }, cadre.token)).setMutedNotificationKinds;
    expect(settings.mutedKinds).toEqual(["TASK_SENT_BACK", "TASK_DUE_SOON"]);
    expect(settings.mutableKinds).not.toContain("STOP_WORK_ISSUED");
    expect(settings.mutableKinds).toContain("TASK_VERIFIED");

    const refused = await server.gql(MUTE, { input: { kinds: ["TASK_VERIFIED", "TICKET_SLA_BREACHED"] } }, cadre.token);
    expect(codeOf(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors![0].extensions!.field).toBe("kinds");
    expect((await must(SETTINGS, {}, cadre.token)).notificationSettings.mutedKinds).toEqual(["TASK_SENT_BACK", "TASK_DUE_SOON"]);

    const task = await submittedTask(cadre.token);
    await must(SEND_BACK, { input: { taskId: task.id, comment: "再补充" } }, admin);
    await must(SUBMIT, { input: { taskId: task.id } }, cadre.token);
    server.clock.advance(1000);
    await must(VERIFY, { input: { taskId: task.id, fulfilled: true } }, admin);
    expect((await inbox(cadre.token)).edges.map((e: any) => e.node.kind)).toEqual(["TASK_VERIFIED"]);
    expect((await rows(server, "SELECT kind FROM outbox_event WHERE subject_id = ? ORDER BY occurred_at", [task.id])).map((r) => r.kind)).toEqual(["TASK_SENT_BACK", "TASK_VERIFIED"]);

    // an urgent cause of a muted kind still arrives: an EMERGENCY ticket's assignment, not a GUIDANCE one's
    const team = await makeProjectWithTeam(server, admin);
    await must(MUTE, { input: { kinds: ["TICKET_ASSIGNED"] } }, team.manager.token);
    for (const stage of ["GUIDANCE", "EMERGENCY"]) await must(OPEN, { input: { projectId: team.project.id, stage, title: `${stage} 工单`, description: "d" } }, team.owner.token);
    const told = (await inbox(team.manager.token)).edges.map((e: any) => [e.node.kind, e.node.urgent, e.node.title]);
    expect(told).toEqual([["TICKET_ASSIGNED", true, 'Ticket "EMERGENCY 工单" is assigned to you']]);

    // an empty list unmutes everything
    expect((await must(MUTE, { input: { kinds: [] } }, cadre.token)).setMutedNotificationKinds.mutedKinds).toEqual([]);
  });
});

describe("notificationAdded", () => {
  test("pushes the caller's own new notifications live, also when the change happened on another instance, and no one else's", async () => {
    const cadre = await server.user("CADRE");
    const other = await server.user("CADRE");
    // a first notification of each, for warming the subscriptions up through Redis
    const warm = async (token: string) => {
      await must(VERIFY, { input: { taskId: (await submittedTask(token)).id, fulfilled: true } }, admin);
      return (await inbox(token)).edges[0].node.id as string;
    };
    const warmMine = await warm(cadre.token);
    const warmTheirs = await warm(other.token);
    const mineOnB = subscribe(second.ws(cadre.token), ADDED);
    const theirsOnB = subscribe(second.ws(other.token), ADDED);
    const mineOnA = subscribe(server.ws(cadre.token), ADDED);
    await Promise.all([mineOnB.started, theirsOnB.started, mineOnA.started]);
    for (let round = 0; ; round++) {
      server.app.services.pubSub.publish("NOTIFICATION_ADDED", { notificationId: warmMine, recipientId: cadre.user.id });
      server.app.services.pubSub.publish("NOTIFICATION_ADDED", { notificationId: warmTheirs, recipientId: other.user.id });
      try {
        await Promise.all([mineOnB, theirsOnB, mineOnA].map((s) => s.until((events) => events.length > 0, 50)));
        break;
      } catch (error) {
        if (round === 200) throw error;
      }
    }
    const real = (sub: typeof mineOnB) => sub.events.map((e: any) => e.notificationAdded).filter((n: any) => n.id !== warmMine && n.id !== warmTheirs);

    const task = await submittedTask(cadre.token, "编制招商手册");
    await must(SEND_BACK, { input: { taskId: task.id, comment: "缺少附表" } }, admin);
    await mineOnB.until(() => real(mineOnB).length > 0);
    await mineOnA.until(() => real(mineOnA).length > 0);
    expect(real(mineOnB)).toEqual([expect.objectContaining({ kind: "TASK_SENT_BACK", subjectId: task.id, read: false, title: 'Task "编制招商手册" was sent back' })]);
    expect(real(mineOnA).map((n: any) => n.id)).toEqual(real(mineOnB).map((n: any) => n.id));
    // the other cadre's subscription got nothing of it (only its own warm-up)
    expect(real(theirsOnB)).toEqual([]);
    expect(theirsOnB.errors).toEqual([]);
  });

  test("signed-in users only", async () => {
    const anonymous = subscribe(server.ws(), ADDED);
    await anonymous.until(() => false, 5000).catch(() => undefined);
    expect(JSON.stringify(anonymous.errors)).toContain("UNAUTHENTICATED");
  });
});
