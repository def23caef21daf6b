import { afterAll, beforeAll, expect, test } from "vitest";
import { CircuitBreakerEvent, DelayCause } from "../../src/modules/supervision/circuit-breaker.entity";
import { CreditRecord } from "../../src/modules/credit/credit-record.entity";
import { CommitmentLetter } from "../../src/modules/commitments/commitment.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { codeOf, startTestServer, subscribe, type TestServer } from "../support/server";
import { nextReal, realEvents, warmUp } from "../tickets/fixtures";
import { enterpriseWithProject } from "./fixtures";
import { teamOf } from "../instep/callers";
import { auditOf } from "../projects/fixtures";
import { upload } from "../support/uploads";

let server: TestServer;
let admin: string;
let cadre: string;

const CAUSE = `mutation($input: RecordDelayCauseInput!) { recordDelayCause(input: $input) { id attributedTo cause } }`;
const SWEEP = `mutation { runDeadlineSweep { suspendedProjects awaitingDecision creditRecords } }`;
const RECTIFY = `mutation($input: ConfirmRectificationInput!) { confirmRectification(input: $input) { state rectifiedAt } }`;
const DECIDE = `mutation($input: DecideAfterRectificationInput!) { decideAfterRectification(input: $input) { state decisionReason } }`;
const DASHBOARD = `{ supervisionDashboard { suspendedProjects { id } } }`;

const at = (date: string) => server.clock.set(new Date(`${date}T02:00:00.000Z`));
const sweep = async () => (await server.gql(SWEEP, {}, admin)).data.runDeadlineSweep;

/** The breaker's steps as stored, whether the supervision dashboard lists the project as stopped, and the project's fast-track status. */
async function breakerOf(projectId: string) {
  const { dataSource } = server.app.services;
  const events = await dataSource.getRepository(CircuitBreakerEvent).find({ where: { projectId }, order: { at: "ASC", id: "ASC" } });
  const suspended = (await server.gql(DASHBOARD, {}, admin)).data.supervisionDashboard.suspendedProjects.map((p: any) => p.id);
  const { fastTrackStatus } = await dataSource.getRepository(Project).findOneByOrFail({ id: projectId });
  return { events: events.map((e) => `${e.fromState}->${e.toState}`), listedAsSuspended: suspended.includes(projectId), fastTrackStatus };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.user("ADMIN")).token;
  cadre = (await server.user("CADRE")).token;
});
afterAll(() => server?.stop());

test("no permit 6 months after signing, delay on the enterprise: suspended, rectified in time -> active again", async () => {
  at("2026-02-01");
  const { project } = await enterpriseWithProject(server, { signedOn: "2026-01-05" });
  await server.gql(CAUSE, { input: { projectId: project.id, attributedTo: "ENTERPRISE", cause: "OVERDUE_MATERIALS", note: "环评材料逾期未补" } }, admin);
  // the project's urgent channel, as the enterprise sees it; another enterprise sees nothing
  const owner = await server.user("ENTERPRISE", { enterpriseId: project.enterpriseId });
  const other = await enterpriseWithProject(server);
  const stranger = await server.user("ENTERPRISE", { enterpriseId: other.enterprise.id });
  const URGENT = `subscription { urgentRequests { type at projectId ticket { id } circuitBreaker { state rectificationDueOn } } }`;
  const mine = subscribe(server.ws(owner.token), URGENT);
  const theirs = subscribe(server.ws(stranger.token), URGENT);
  await warmUp(server, [
    { sub: mine, ticket: { id: null, projectId: project.id, enterpriseId: project.enterpriseId } },
    { sub: theirs, ticket: { id: null, projectId: other.project.id, enterpriseId: other.enterprise.id } },
  ]);

  at("2026-07-04");
  expect((await sweep()).suspendedProjects).toBe(0);
  at("2026-07-05");
  expect(await sweep()).toMatchObject({ suspendedProjects: 1 });
  expect(await sweep()).toMatchObject({ suspendedProjects: 0 });
  expect(await breakerOf(project.id)).toEqual({ events: ["ACTIVE->SUSPENDED"], listedAsSuspended: true, fastTrackStatus: "SUSPENDED" });

  at("2026-09-03"); // the last day of the 60-day rectification period
  const rectified = await server.gql(RECTIFY, { input: { projectId: project.id, note: "材料已补齐，复工" } }, admin);
  expect(rectified.data.confirmRectification.state).toBe("ACTIVE");
  expect(await breakerOf(project.id)).toMatchObject({ listedAsSuspended: false, fastTrackStatus: "ADMITTED" });
  expect(codeOf(await server.gql(RECTIFY, { input: { projectId: project.id, note: "again" } }, admin))).toBe("INVALID_TRANSITION");
  // the old enterprise delay does not trip it again; a new one does
  at("2026-09-10");
  expect((await sweep()).suspendedProjects).toBe(0);
  await server.gql(CAUSE, { input: { projectId: project.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE" } }, admin);
  expect((await sweep()).suspendedProjects).toBe(1);
  expect((await breakerOf(project.id)).events).toEqual(["ACTIVE->SUSPENDED", "SUSPENDED->ACTIVE", "ACTIVE->SUSPENDED"]);
  const events = (await nextReal(mine, 3)).map((e: any) => e.urgentRequests);
  expect(events.map((e: any) => e.type)).toEqual(["CIRCUIT_BREAKER", "CIRCUIT_BREAKER", "CIRCUIT_BREAKER"]);
  expect(events[0]).toMatchObject({ projectId: project.id, ticket: null });
  expect(events.at(-1).circuitBreaker.state).toBe("SUSPENDED");
  // A sentinel event on the other enterprise's own project, published after all of the above: once
  // it has arrived, anything of this project sent to them would have arrived before it.
  const SENTINEL_AT = new Date(1000).toISOString();
  server.app.services.pubSub.publish("URGENT_REQUESTS", {
    ticketId: null, projectId: other.project.id, enterpriseId: other.enterprise.id, type: "CIRCUIT_BREAKER", actorId: null, at: SENTINEL_AT,
  });
  await theirs.until(() => realEvents(theirs).some((e: any) => e.urgentRequests.at === SENTINEL_AT));
  expect(realEvents(theirs).map((e: any) => e.urgentRequests)).toEqual([expect.objectContaining({ projectId: other.project.id, at: SENTINEL_AT })]);
});

test("not rectified by the deadline: awaiting the ADMIN decision, then EXIT: the project EXITED, its letter TERMINATED, a credit record", async () => {
  at("2026-01-10");
  const { project, enterprise, letter } = await enterpriseWithProject(server, { signedOn: "2026-01-10" });
  await server.gql(CAUSE, { input: { projectId: project.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE" } }, admin);
  at("2026-07-10");
  // the only breaker due to trip: the first test's project is already SUSPENDED (until 2026-11-09)
  expect((await sweep()).suspendedProjects).toBe(1);
  at("2026-09-08"); // 2026-07-10 + 60 days: the last day to rectify
  expect((await sweep()).awaitingDecision).toBe(0);
  at("2026-09-09");
  const late = await server.gql(RECTIFY, { input: { projectId: project.id, note: "too late" } }, admin);
  expect(codeOf(late)).toBe("BAD_USER_INPUT");
  // the credit record follows the decision (EXIT), not the deadline; the stop-work order stays meanwhile
  expect(await sweep()).toMatchObject({ awaitingDecision: 1, creditRecords: 0 });
  expect(await breakerOf(project.id)).toMatchObject({ listedAsSuspended: true, fastTrackStatus: "SUSPENDED" });
  expect(codeOf(await server.gql(RECTIFY, { input: { projectId: project.id, note: "x" } }, admin))).toBe("INVALID_TRANSITION");
  const records = () => server.app.services.dataSource.getRepository(CreditRecord).findBy({ enterpriseId: enterprise.id });
  expect(await records()).toEqual([]);

  server.clock.advance(3600_000);
  expect(codeOf(await server.gql(DECIDE, { input: { projectId: project.id, outcome: "EXIT", reason: "整改不到位" } }, cadre))).toBe("FORBIDDEN");
  const decided = await server.gql(DECIDE, { input: { projectId: project.id, outcome: "EXIT", reason: "整改不到位，退出" } }, admin);
  expect(decided.data.decideAfterRectification).toEqual({ state: "EXITED", decisionReason: "整改不到位，退出" });
  // no enterprise clause of the letter is breached (the cause was recorded, not an overdue material): GENERAL, citing the letter
  expect((await records()).map((r) => [r.severity, r.sourceType])).toEqual([["GENERAL", "CIRCUIT_BREAKER"]]);
  expect((await records())[0].reason).toContain(letter!.id);
  expect((await server.app.services.dataSource.getRepository(CommitmentLetter).findOneByOrFail({ id: letter!.id })).status).toBe("TERMINATED");
  const again = await server.gql(DECIDE, { input: { projectId: project.id, outcome: "REAPPLY", reason: "x" } }, admin);
  expect(codeOf(again)).toBe("INVALID_TRANSITION");
  expect(again.errors![0].extensions).toMatchObject({ from: "EXITED", to: "REAPPLY" });
  expect(await breakerOf(project.id)).toEqual({
    events: ["ACTIVE->SUSPENDED", "SUSPENDED->AWAITING_DECISION", "AWAITING_DECISION->EXITED"],
    listedAsSuspended: false,
    fastTrackStatus: "EXITED",
  });
});

test("watched from the letter: a project that started construction trips too, a later typed GOVERNMENT cause protects nothing, an approved permit does", async () => {
  at("2026-01-15");
  const government = await enterpriseWithProject(server, { signedOn: "2026-01-15" });
  const started = await enterpriseWithProject(server, { signedOn: "2026-01-15", constructionStartOn: "2026-05-01", startedOnCommitment: true });
  await server.gql(CAUSE, { input: { projectId: government.project.id, attributedTo: "ENTERPRISE", cause: "OVERDUE_MATERIALS" } }, admin);
  server.clock.advance(60_000); // a later typed finding is not a fact: no approval of the project is pending past its promise
  await server.gql(CAUSE, { input: { projectId: government.project.id, attributedTo: "GOVERNMENT", cause: "APPROVAL_DELAY", note: "审批部门原因" } }, admin);
  await server.gql(CAUSE, { input: { projectId: started.project.id, attributedTo: "ENTERPRISE", cause: "OTHER" } }, admin);
  // a permit approved through the approval items (三同步) ends the watch
  const permitted = await enterpriseWithProject(server, { signedOn: "2026-01-15" });
  await server.gql(CAUSE, { input: { projectId: permitted.project.id, attributedTo: "ENTERPRISE", cause: "OVERDUE_MATERIALS" } }, admin);
  // the watch counts from the letter, not from project.signedOn: this letter was signed later than the agreement
  const lateLetter = await enterpriseWithProject(server, { signedOn: "2026-01-15" });
  await server.app.services.dataSource.getRepository(CommitmentLetter).update({ id: lateLetter.letter!.id }, { signedAt: new Date("2026-03-01T02:00:00.000Z") });
  await server.gql(CAUSE, { input: { projectId: lateLetter.project.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE" } }, admin);
  server.clock.set(new Date("2026-06-01T02:00:00.000Z"));
  const item = (await server.gql(`mutation($input: AddApprovalItemInput!) { addApprovalItem(input: $input) { id } }`, { input: { projectId: permitted.project.id, kind: "CONSTRUCTION_PERMIT" } }, admin)).data.addApprovalItem;
  expect((await server.gql(`mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { status } }`, { input: { itemId: item.id, on: "2026-06-01" } }, admin)).errors).toBeUndefined();
  server.clock.set(new Date("2026-06-05T02:00:00.000Z"));
  expect((await server.gql(`mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { status } }`, { input: { itemId: item.id, decision: "APPROVED", on: "2026-06-05", attachmentIds: [await upload(server, admin)] } }, admin)).data.decideApprovalItem.status).toBe("APPROVED");
  at("2026-08-01");
  await sweep();
  expect(await breakerOf(government.project.id)).toMatchObject({ events: ["ACTIVE->SUSPENDED"], fastTrackStatus: "SUSPENDED" });
  expect(await breakerOf(started.project.id)).toMatchObject({ events: ["ACTIVE->SUSPENDED"], fastTrackStatus: "SUSPENDED" });
  expect(await breakerOf(permitted.project.id)).toMatchObject({ events: [], fastTrackStatus: "ADMITTED" });
  expect(await breakerOf(lateLetter.project.id)).toMatchObject({ events: [], fastTrackStatus: "ADMITTED" });
  at("2026-09-01");
  await sweep();
  expect(await breakerOf(lateLetter.project.id)).toMatchObject({ events: ["ACTIVE->SUSPENDED"], fastTrackStatus: "SUSPENDED" });
});

test("sweeps at the same moment suspend a project once", async () => {
  at("2026-02-20");
  const { project } = await enterpriseWithProject(server, { signedOn: "2026-02-20" });
  await server.gql(CAUSE, { input: { projectId: project.id, attributedTo: "ENTERPRISE", cause: "OVERDUE_MATERIALS" } }, admin);
  at("2026-08-20");
  const raw = await Promise.all([1, 2, 3].map(() => server.gql(SWEEP, {}, admin)));
  for (const r of raw) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const reports = raw.map((r) => r.data.runDeadlineSweep);
  // earlier tests' projects are SUSPENDED, EXITED or permitted: only this one trips
  expect(reports.reduce((sum, r) => sum + r.suspendedProjects, 0)).toBe(1);
  expect((await breakerOf(project.id)).events).toEqual(["ACTIVE->SUSPENDED"]);
});

test("a delay cause and a rectification are the project's manager's: another cadre is FORBIDDEN and changes nothing", async () => {
  at("2026-03-01");
  const { project } = await enterpriseWithProject(server, { signedOn: "2026-03-01" });
  const { manager } = await teamOf(server, admin, project.id);
  const { dataSource } = server.app.services;
  const causes = () => dataSource.getRepository(DelayCause).countBy({ projectId: project.id });
  const refused = await server.gql(CAUSE, { input: { projectId: project.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE" } }, cadre);
  expect(codeOf(refused)).toBe("FORBIDDEN");
  expect(refused.errors![0].message).toContain("the project's manager");
  expect(await causes()).toBe(0);
  expect((await auditOf(server, admin, "Project", project.id)).filter((a) => a.action === "project.delayCause")).toEqual([]);
  at("2026-09-01");
  await sweep();
  expect((await breakerOf(project.id)).events).toEqual([]);

  at("2026-03-02");
  const recorded = await server.gql(CAUSE, { input: { projectId: project.id, attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE" } }, manager.token);
  expect(recorded.errors).toBeUndefined();
  expect(await causes()).toBe(1);
  at("2026-09-02");
  await sweep();
  expect((await breakerOf(project.id)).events).toEqual(["ACTIVE->SUSPENDED"]);
  const notManager = await server.gql(RECTIFY, { input: { projectId: project.id, note: "已整改" } }, cadre);
  expect(codeOf(notManager)).toBe("FORBIDDEN");
  expect((await breakerOf(project.id)).events).toEqual(["ACTIVE->SUSPENDED"]);
  expect((await server.gql(RECTIFY, { input: { projectId: project.id, note: "已整改" } }, manager.token)).data.confirmRectification.state).toBe("ACTIVE");
});
