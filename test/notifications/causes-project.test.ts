import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { User } from "../../src/modules/accounts/user.entity";
import { OutboxEvent } from "../../src/modules/notifications/notification.entity";
import type { Project } from "../../src/modules/projects/project.entity";
import { deferredItem, makeEnterprise, makeProject } from "../support/fixtures";
import { codeOf, startTestServer, type TestServer } from "../support/server";
import { enterpriseWithProject } from "../supervision/fixtures";
import { teamOf } from "../instep/callers";
import { deactivate, noticesAbout, sorted } from "./causes-rows";

let server: TestServer;
let admin: { user: User; token: string };

const SWEEP = `mutation { runDeadlineSweep { overdueDeferredItems suspendedProjects } }`;
const OVERDUE = `mutation($input: MarkDeferredItemOverdueInput!) { markDeferredItemOverdue(input: $input) { id status } }`;
const CAUSE = `mutation($input: RecordDelayCauseInput!) { recordDelayCause(input: $input) { id } }`;
const RECTIFY = `mutation($input: ConfirmRectificationInput!) { confirmRectification(input: $input) { state } }`;
const DRAFT = `mutation($input: DraftCommitmentLetterInput!) { draftCommitmentLetter(input: $input) { id version } }`;
const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status } }`;
const AMEND = `mutation($input: AmendCommitmentLetterInput!) { amendCommitmentLetter(input: $input) { id version } }`;

const at = (date: string) => server.clock.set(new Date(`${date}T02:00:00.000Z`));
const events = () => server.app.services.dataSource.getRepository(OutboxEvent).count();
/** Sweeps at once (on SQLite the one connection takes them in turn). */
const sweepTwice = () => Promise.all([server.gql(SWEEP, {}, admin.token), server.gql(SWEEP, {}, admin.token)]);

/** A project's people: two active users of its enterprise and one inactive, a manager and a team member. */
async function peopleOf(project: Pick<Project, "id" | "enterpriseId">) {
  const owner = await server.user("ENTERPRISE", { enterpriseId: project.enterpriseId });
  const colleague = await server.user("ENTERPRISE", { enterpriseId: project.enterpriseId });
  const gone = await server.user("ENTERPRISE", { enterpriseId: project.enterpriseId });
  await deactivate(server, gone.user.id);
  const { manager, member } = await teamOf(server, admin.token, project.id);
  return { owner, colleague, gone, manager, member, enterpriseIds: [owner.user.id, colleague.user.id] };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.user("ADMIN");
});
afterAll(() => server?.stop());

describe("DEFERRED_ITEM_OVERDUE", () => {
  test("the sweep flips a material overdue: its enterprise's active users, the manager and the team are told once (urgent)", async () => {
    at("2026-03-10");
    const { project } = await enterpriseWithProject(server);
    const people = await peopleOf(project);
    const item = await deferredItem(server, project.id, "ENVIRONMENTAL_IMPACT", "2026-03-09");
    await sweepTwice();
    await sweepTwice();
    expect(await noticesAbout(server, item.id)).toEqual([
      {
        kind: "DEFERRED_ITEM_OVERDUE", subjectType: "DEFERRED_ITEM", projectId: project.id, urgent: true, dueAt: "2026-03-09T16:00:00.000Z",
        params: { subject: "环境影响评价", project: `${project.code} ${project.name}` }, dedupeKey: null,
        inboxes: sorted(...people.enterpriseIds, people.manager.user.id, people.member.user.id),
        named: sorted(...people.enterpriseIds, people.manager.user.id, people.member.user.id),
      },
    ]);
  });

  test("marked by hand by the manager: everyone else is told; marking it before its date passed writes nothing", async () => {
    at("2026-03-10");
    const { project } = await enterpriseWithProject(server);
    const people = await peopleOf(project);
    const item = await deferredItem(server, project.id, "FIRE_DESIGN_REVIEW", "2026-03-10");
    const before = await events();
    expect(codeOf(await server.gql(OVERDUE, { input: { deferredItemId: item.id } }, people.manager.token))).toBe("NOT_YET_DUE");
    expect(await events()).toBe(before);
    at("2026-03-11");
    expect((await server.gql(OVERDUE, { input: { deferredItemId: item.id } }, people.manager.token)).data.markDeferredItemOverdue.status).toBe("OVERDUE");
    expect(codeOf(await server.gql(OVERDUE, { input: { deferredItemId: item.id } }, people.manager.token))).toBe("INVALID_TRANSITION");
    expect(await noticesAbout(server, item.id)).toMatchObject([{ kind: "DEFERRED_ITEM_OVERDUE", inboxes: sorted(...people.enterpriseIds, people.member.user.id) }]);
  });
});

describe("STOP_WORK_ISSUED and STOP_WORK_LIFTED", () => {
  test("the breaker trips once however many sweeps run: the project's people are told of the order; confirming the rectification tells them work may resume", async () => {
    at("2026-02-01");
    const { project } = await enterpriseWithProject(server, { signedOn: "2026-01-05" });
    const people = await peopleOf(project);
    await server.gql(CAUSE, { input: { projectId: project.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE" } }, admin.token);
    at("2026-07-04");
    await sweepTwice();
    expect(await noticesAbout(server, project.id)).toEqual([]);
    at("2026-07-05");
    await sweepTwice();
    await sweepTwice();
    const everyone = sorted(...people.enterpriseIds, people.manager.user.id, people.member.user.id);
    const label = `${project.code} ${project.name}`;
    expect(await noticesAbout(server, project.id)).toEqual([
      { kind: "STOP_WORK_ISSUED", subjectType: "PROJECT", projectId: project.id, urgent: true, dueAt: "2026-09-03T16:00:00.000Z", params: { project: label }, dedupeKey: null, inboxes: everyone, named: everyone },
    ]);

    at("2026-08-01");
    expect((await server.gql(RECTIFY, { input: { projectId: project.id, note: "资金到位" } }, people.manager.token)).data.confirmRectification.state).toBe("ACTIVE");
    const before = await events();
    expect(codeOf(await server.gql(RECTIFY, { input: { projectId: project.id, note: "again" } }, people.manager.token))).toBe("INVALID_TRANSITION");
    expect(await events()).toBe(before);
    const lifted = (await noticesAbout(server, project.id)).slice(1);
    expect(lifted).toEqual([
      expect.objectContaining({ kind: "STOP_WORK_LIFTED", urgent: false, dueAt: null, params: { project: label }, inboxes: sorted(...people.enterpriseIds, people.member.user.id) }),
    ]);
  });
});

describe("LETTER_AWAITING_SIGNATURE", () => {
  async function appliedProject() {
    at("2026-03-02");
    const enterprise = await makeEnterprise(server);
    return makeProject(server, enterprise.id, { fastTrackStatus: "APPLIED", name: "共享产业园" });
  }

  test("a draft waits for both sides: the enterprise's active users and the project's manager, one notice per side; a refused draft writes nothing", async () => {
    const project = await appliedProject();
    const people = await peopleOf(project);
    const letter = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin.token)).data.draftCommitmentLetter;
    const before = await events();
    expect(codeOf(await server.gql(DRAFT, { input: { projectId: project.id } }, admin.token))).toBe("CONFLICT");
    expect(await events()).toBe(before);
    const label = `${project.code} 共享产业园`;
    expect((await noticesAbout(server, letter.id)).map((n) => [n.kind, n.subjectType, n.params, n.inboxes])).toEqual([
      ["LETTER_AWAITING_SIGNATURE", "COMMITMENT_LETTER", { project: label, detail: "企业", detailEn: "Enterprise" }, sorted(...people.enterpriseIds)],
      ["LETTER_AWAITING_SIGNATURE", "COMMITMENT_LETTER", { project: label, detail: "政府", detailEn: "Government" }, [people.manager.user.id]],
    ]);

    // signed by both, the project admitted; an amendment waits for both again
    await server.gql(SIGN, { input: { letterId: letter.id } }, people.owner.token);
    await server.gql(SIGN, { input: { letterId: letter.id } }, people.manager.token);
    server.clock.advance(1000);
    const amended = await server.gql(AMEND, { input: { letterId: letter.id } }, admin.token);
    expect(amended.data.amendCommitmentLetter.version).toBe(2);
    expect((await noticesAbout(server, amended.data.amendCommitmentLetter.id)).map((n) => [n.params.detail, n.inboxes])).toEqual([
      ["企业", sorted(...people.enterpriseIds)],
      ["政府", [people.manager.user.id]],
    ]);
    expect(await noticesAbout(server, letter.id)).toHaveLength(2);
  });

  test("a project without a manager: the government side is every active ADMIN but the drafter", async () => {
    const project = await appliedProject();
    const owner = await server.user("ENTERPRISE", { enterpriseId: project.enterpriseId });
    const other = await server.user("ADMIN");
    const retired = await server.user("ADMIN");
    await deactivate(server, retired.user.id);
    const letter = (await server.gql(DRAFT, { input: { projectId: project.id } }, admin.token)).data.draftCommitmentLetter;
    const admins = (await server.app.services.dataSource.getRepository(User).findBy({ role: "ADMIN", active: true })).map((u) => u.id).filter((id) => id !== admin.user.id);
    expect(admins).toContain(other.user.id);
    expect(admins).not.toContain(retired.user.id);
    expect((await noticesAbout(server, letter.id)).map((n) => [n.params.detail, n.inboxes])).toEqual([
      ["企业", [owner.user.id]],
      ["政府", sorted(...admins)],
    ]);
  });
});
