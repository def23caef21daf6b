import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CommitmentClause } from "../../src/modules/commitments/commitment.entity";
import { ApprovalItem } from "../../src/modules/instep/approval.entity";
import type { RemitName } from "../../src/modules/policy/remits";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import type { Caller } from "../instep/callers";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { countStatements } from "../support/sql-count";
import { upload } from "../support/uploads";
import { startTestServer, type GraphQLResponse, type TestServer } from "../support/server";
import { boardCases } from "./cases/board";
import { commitmentCases } from "./cases/commitments";
import { instepCases } from "./cases/instep";
import { projectCases } from "./cases/projects";
import { ticketCases } from "./cases/tickets";
import { CALLER_KINDS, makeWorld, NEUTRAL_DEPARTMENT, type CallerKind, type RemitCase, type World } from "./world";

/**
 * Capabilities (viewerCanClaim, viewerActions) against what the mutation then does: for every
 * capability and every kind of caller, true means the mutation succeeds and false that it is
 * refused. The records are the remit matrix's (test/policy/cases), brought to where the mutation
 * applies, so that a false here can only be the remit's; the state sweeps below then move the
 * records through their states, where a false is the state's (INVALID_TRANSITION, CONFLICT, …).
 */

const CLAIM_LIMIT = 3;
let server: TestServer;
let admin: Caller;

beforeAll(async () => {
  server = await startTestServer({ config: { taskClaimLimit: CLAIM_LIMIT, slaCheckIntervalMs: 0 } });
  admin = await server.user("ADMIN");
});
afterAll(() => server?.stop());

type Input = Record<string, any>;
interface Probe {
  /** Reads the capability of the record the prepared call acts on, as the caller would (a record they may not see reads as false). */
  read(world: World, input: Input): Promise<{ query: string; variables: Record<string, unknown>; has(data: any): boolean }>;
}

const TASK = `query($id: ID!) { task(id: $id) { viewerCanClaim } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { viewerActions } }`;
const PROJECT = `query($id: ID!) { project(id: $id) { viewerActions } }`;
const LETTER = `query($id: ID!) { commitmentLetter(id: $id) { viewerActions } }`;
const ITEMS = `query($projectId: ID!) { approvalItems(projectId: $projectId, first: 100) { edges { node { id viewerActions } } } }`;

const onTicket = (action: string): Probe => ({
  async read(_world, input) {
    return { query: TICKET, variables: { id: input.ticketId }, has: (data) => !!data?.ticket?.viewerActions.includes(action) };
  },
});
const onProject = (action: string, key: "projectId" | "id" = "projectId"): Probe => ({
  async read(_world, input) {
    return { query: PROJECT, variables: { id: input[key] }, has: (data) => !!data?.project?.viewerActions.includes(action) };
  },
});
const onLetter = (action: string): Probe => ({
  async read(world, input) {
    const letterId = input.letterId ?? (await world.server.app.services.dataSource.getRepository(CommitmentClause).findOneByOrFail({ id: input.id ?? input.clauseId })).letterId;
    return { query: LETTER, variables: { id: letterId }, has: (data) => !!data?.commitmentLetter?.viewerActions.includes(action) };
  },
});
const onItem = (action: (input: Input) => string): Probe => ({
  async read(world, input) {
    const item = await world.server.app.services.dataSource.getRepository(ApprovalItem).findOneByOrFail({ id: input.itemId });
    return {
      query: ITEMS,
      variables: { projectId: item.projectId },
      has: (data) => !!data?.approvalItems?.edges.find((e: any) => e.node.id === input.itemId)?.node.viewerActions.includes(action(input)),
    };
  },
});

/** Every capability, by the remit row of the mutation it stands for. */
const PROBES: Partial<Record<RemitName, Probe>> = {
  claimTask: {
    async read(_world, input) {
      return { query: TASK, variables: { id: input.taskId }, has: (data) => data?.task?.viewerCanClaim === true };
    },
  },
  acknowledgeTicket: onTicket("ACKNOWLEDGE"),
  startTicket: onTicket("START"),
  resolveTicket: onTicket("RESOLVE"),
  closeTicket: onTicket("CLOSE"),
  reopenTicket: onTicket("REOPEN"),
  commentOnTicket: onTicket("COMMENT"),
  reassignTicket: onTicket("REASSIGN"),
  escalateTicket: onTicket("ESCALATE"),
  updateProject: onProject("UPDATE", "id"),
  applyFastTrack: onProject("APPLY_FAST_TRACK"),
  withdrawFastTrackApplication: onProject("WITHDRAW_FAST_TRACK_APPLICATION"),
  refuseFastTrackApplication: onProject("REFUSE_FAST_TRACK_APPLICATION"),
  assignProjectManager: onProject("ASSIGN_PROJECT_MANAGER"),
  addTeamMember: onProject("CHANGE_TEAM"),
  removeTeamMember: onProject("CHANGE_TEAM"),
  openServiceTicket: onProject("OPEN_SERVICE_TICKET"),
  addApprovalItem: onProject("ADD_APPROVAL_ITEM"),
  submitApplication: onProject("SUBMIT_APPLICATION"),
  signCommitmentLetterForEnterprise: onLetter("SIGN_FOR_ENTERPRISE"),
  signCommitmentLetterForGovernment: onLetter("SIGN_FOR_GOVERNMENT"),
  amendCommitmentLetter: onLetter("AMEND"),
  updateCommitmentClause: onLetter("EDIT_CLAUSES"),
  submitApprovalItem: onItem(() => "SUBMIT"),
  decideApprovalItem: onItem((input) => (input.decision === "APPROVED" ? "APPROVE" : "REJECT")),
  citeSurveyResult: onItem(() => "CITE_SURVEY_RESULT"),
};

const CASES: Partial<Record<RemitName, RemitCase>> = { ...boardCases, ...ticketCases, ...projectCases, ...commitmentCases, ...instepCases };
const SIGNED_IN = CALLER_KINDS.filter((kind): kind is Exclude<CallerKind, "ANONYMOUS"> => kind !== "ANONYMOUS");

describe("every capability agrees with its mutation, for every kind of caller", () => {
  for (const [name, probe] of Object.entries(PROBES) as Array<[RemitName, Probe]>) {
    test(name, async () => {
      const remitCase = CASES[name]!;
      const fresh = async () => {
        const world = await makeWorld(server, admin, remitCase.department ?? NEUTRAL_DEPARTMENT);
        return { world, prepared: await remitCase.prepare(world) };
      };
      let { world, prepared } = await fresh();
      const outcomes: Record<string, boolean> = {};
      for (const kind of SIGNED_IN) {
        const token = world.callers[kind].token;
        const input = (prepared.variables?.input ?? {}) as Input;
        const read = await probe.read(world, input);
        const seen = await server.gql(read.query, read.variables, token);
        const capable = read.has(seen.data);
        outcomes[kind] = capable;
        const res: GraphQLResponse = await server.gql(prepared.query, prepared.variablesOf?.[kind] ?? prepared.variables ?? {}, token);
        if (capable) {
          expect({ kind, errors: res.errors }).toEqual({ kind, errors: undefined });
          ({ world, prepared } = await fresh()); // the call changed the record: the next caller gets a world of its own
        } else {
          expect({ kind, code: res.errors?.[0]?.extensions?.code }).toEqual({ kind, code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/) });
        }
      }
      // a capability nobody holds would test refusals only
      expect(Object.values(outcomes).some(Boolean), JSON.stringify(outcomes)).toBe(true);
    });
  }
});

const OPEN = `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { id status } }`;
const MOVE: Record<string, string> = {
  ACKNOWLEDGE: "acknowledgeTicket",
  START: "startTicket",
  RESOLVE: "resolveTicket",
  CLOSE: "closeTicket",
  REOPEN: "reopenTicket",
};

describe("ticket viewerActions across every status", () => {
  const STATUSES = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED"] as const;
  const ACTIONS = ["ACKNOWLEDGE", "START", "RESOLVE", "CLOSE", "REOPEN", "COMMENT", "REASSIGN", "ESCALATE"];
  const CALLERS = ["ENTERPRISE_OWN", "CADRE_TEAM_MEMBER", "MANAGER", "ADMIN", "CADRE_OTHER_DEPARTMENT"] as const;

  /** A ticket raised by `raiser` in `stage` and worked along to `status` (by the manager; closed by the raiser). */
  async function ticketAt(world: World, status: (typeof STATUSES)[number], raiser: "ENTERPRISE_OWN" | "CADRE_TEAM_MEMBER", stage = "GUIDANCE"): Promise<string> {
    const input = { projectId: world.project.id, stage, title: "状态工单", description: "需要协调" };
    const id = (await world.must(OPEN, { input }, world.callers[raiser].token)).openServiceTicket.id;
    const path = ["ACKNOWLEDGE", "START", "RESOLVE", "CLOSE"].slice(0, STATUSES.indexOf(status));
    for (const step of path) {
      const token = step === "CLOSE" ? world.callers[raiser].token : world.callers.MANAGER.token;
      await world.must(`mutation($input: TicketStatusInput!) { ${MOVE[step]}(input: $input) { id } }`, { input: { ticketId: id } }, token);
    }
    return id;
  }

  function call(world: World, action: string, ticketId: string, token: string) {
    if (MOVE[action]) return server.gql(`mutation($input: TicketStatusInput!) { ${MOVE[action]}(input: $input) { id status } }`, { input: { ticketId } }, token);
    if (action === "COMMENT") return server.gql(`mutation($input: CommentOnTicketInput!) { commentOnTicket(input: $input) { id } }`, { input: { ticketId, body: "留言" } }, token);
    if (action === "REASSIGN") {
      return server.gql(`mutation($input: ReassignTicketInput!) { reassignTicket(input: $input) { id } }`, { input: { ticketId, assigneeId: world.callers.CADRE_TEAM_MEMBER.user.id } }, token);
    }
    return server.gql(`mutation($input: EscalateTicketInput!) { escalateTicket(input: $input) { id } }`, { input: { ticketId, toStage: "EMERGENCY", reason: "紧急" } }, token);
  }

  for (const raiser of ["ENTERPRISE_OWN", "CADRE_TEAM_MEMBER"] as const) {
    test(`raised by ${raiser}: listed means the mutation succeeds, left out means it is refused`, async () => {
      const world = await makeWorld(server, admin);
      const seen: Record<string, string[]> = {};
      for (const status of STATUSES) {
        for (const kind of CALLERS) {
          const token = world.callers[kind].token;
          const listed: string[] = (await server.gql(TICKET, { id: await ticketAt(world, status, raiser) }, token)).data?.ticket?.viewerActions ?? [];
          seen[`${status} ${kind}`] = listed;
          for (const action of ACTIONS) {
            const res = await call(world, action, await ticketAt(world, status, raiser), token);
            const where = { status, kind, action };
            if (listed.includes(action)) expect({ ...where, errors: res.errors }).toEqual({ ...where, errors: undefined });
            else expect({ ...where, code: res.errors?.[0]?.extensions?.code }).toEqual({ ...where, code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND|INVALID_TRANSITION)$/) });
          }
        }
      }
      // the state decides as well as the remit: ADMIN's list follows the status
      expect(seen["OPEN ADMIN"]).toEqual(["ACKNOWLEDGE", "COMMENT", "REASSIGN", "ESCALATE"]);
      expect(seen["ACKNOWLEDGED ADMIN"]).toEqual(["START", "COMMENT", "REASSIGN", "ESCALATE"]);
      expect(seen["IN_PROGRESS ADMIN"]).toEqual(["RESOLVE", "COMMENT", "REASSIGN", "ESCALATE"]);
      expect(seen["RESOLVED ADMIN"]).toEqual(["CLOSE", "COMMENT"]);
      expect(seen["CLOSED ADMIN"]).toEqual([]);
      // the raiser alone reopens; a cadre outside the team sees nothing
      expect(seen[`RESOLVED ${raiser}`]).toContain("REOPEN");
      expect(seen["RESOLVED MANAGER"]).not.toContain("REOPEN");
      expect(seen["OPEN CADRE_OTHER_DEPARTMENT"]).toEqual([]);
    }, 120_000);
  }

  test("an EMERGENCY ticket offers no escalation, and escalating it is refused", async () => {
    const world = await makeWorld(server, admin);
    const id = await ticketAt(world, "OPEN", "ENTERPRISE_OWN", "EMERGENCY");
    const listed = (await server.gql(TICKET, { id }, admin.token)).data.ticket.viewerActions;
    expect(listed).not.toContain("ESCALATE");
    expect(listed).toContain("ACKNOWLEDGE");
    const res = await server.gql(`mutation($input: EscalateTicketInput!) { escalateTicket(input: $input) { id } }`, { input: { ticketId: id, toStage: "EMERGENCY", reason: "紧急" } }, admin.token);
    expect(res.errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
  });
});

const PUBLISH = `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`;
const CLAIM = `mutation($input: ClaimTaskInput!) { claimTask(input: $input) { id status claimant { id } } }`;
const ME = `{ me { claimLimit unfinishedTaskCount } }`;

describe("viewerCanClaim and the claim limit", () => {
  async function publish(): Promise<string> {
    const input = { title: "揭榜任务", description: "说明", category: "KEY_WORK", dueAt: new Date(server.clock.now().getTime() + 30 * 86_400_000).toISOString() };
    return (await server.gql(PUBLISH, { input }, admin.token)).data.publishTask.id;
  }
  const canClaim = async (taskId: string, token: string) => (await server.gql(TASK, { id: taskId }, token)).data.task.viewerCanClaim;
  const claim = (taskId: string, token: string) => server.gql(CLAIM, { input: { taskId, pledge: "按期完成" } }, token);

  test("true only for an OPEN task and a cadre below the limit; the claim then agrees", async () => {
    const cadre = await server.user("CADRE");
    expect((await server.gql(ME, {}, cadre.token)).data.me).toEqual({ claimLimit: CLAIM_LIMIT, unfinishedTaskCount: 0 });
    const held: string[] = [];
    for (let i = 0; i < CLAIM_LIMIT; i++) {
      const id = await publish();
      expect(await canClaim(id, cadre.token)).toBe(true);
      const res = await claim(id, cadre.token);
      expect(res.errors).toBeUndefined();
      held.push(id);
      expect((await server.gql(ME, {}, cadre.token)).data.me).toEqual({ claimLimit: CLAIM_LIMIT, unfinishedTaskCount: i + 1 });
    }
    // at the limit: an OPEN task reads false, and the claim answers TASK_LIMIT_REACHED
    const next = await publish();
    expect(await canClaim(next, cadre.token)).toBe(false);
    expect((await claim(next, cadre.token)).errors?.[0]?.extensions?.code).toBe("TASK_LIMIT_REACHED");
    // another cadre may; the task they hold is not claimable by the first (TASK_ALREADY_CLAIMED), nor again by them (no change)
    const other = await server.user("CADRE");
    expect(await canClaim(next, other.token)).toBe(true);
    expect((await claim(next, other.token)).errors).toBeUndefined();
    expect(await canClaim(next, other.token)).toBe(false);
    const again = await claim(next, other.token);
    expect(again.errors).toBeUndefined();
    const task = await server.app.services.dataSource.getRepository(BoardTask).findOneByOrFail({ id: next });
    expect(task.revision).toBe(2); // published, claimed: the second claim changed nothing
    const third = await server.user("CADRE");
    expect(await canClaim(next, third.token)).toBe(false);
    expect((await claim(next, third.token)).errors?.[0]?.extensions?.code).toBe("TASK_ALREADY_CLAIMED");
    // releasing one brings the first cadre below the limit again
    const released = await server.gql(`mutation($input: ReleaseTaskInput!) { releaseTask(input: $input) { id } }`, { input: { taskId: held[0], reason: "另有安排" } }, cadre.token);
    expect(released.errors).toBeUndefined();
    expect((await server.gql(ME, {}, cadre.token)).data.me.unfinishedTaskCount).toBe(CLAIM_LIMIT - 1);
    const fresh = await publish();
    expect(await canClaim(fresh, cadre.token)).toBe(true);
    expect((await claim(fresh, cadre.token)).errors).toBeUndefined();
  });

  test("false for a task past OPEN (submitted, verified, withdrawn): the claim answers INVALID_TRANSITION", async () => {
    const cadre = await server.user("CADRE");
    const claimant = await server.user("CADRE");
    const submitted = await publish();
    await claim(submitted, claimant.token);
    await server.gql(`mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id } }`, { input: { taskId: submitted, note: "完成" } }, claimant.token);
    const withdrawn = await publish();
    await server.gql(`mutation($input: WithdrawTaskInput!) { withdrawTask(input: $input) { id } }`, { input: { taskId: withdrawn } }, admin.token);
    for (const id of [submitted, withdrawn]) {
      expect(await canClaim(id, cadre.token)).toBe(false);
      expect((await claim(id, cadre.token)).errors?.[0]?.extensions?.code).toMatch(/^(INVALID_TRANSITION|TASK_ALREADY_CLAIMED)$/);
    }
    expect((await claim(withdrawn, cadre.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
  });

  test("ADMIN and ENTERPRISE users claim nothing: limit 0, count 0, viewerCanClaim false, the claim FORBIDDEN", async () => {
    const enterprise = await makeEnterprise(server);
    const staff = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
    const id = await publish();
    for (const caller of [admin, staff]) {
      expect((await server.gql(ME, {}, caller.token)).data.me).toEqual({ claimLimit: 0, unfinishedTaskCount: 0 });
      expect(await canClaim(id, caller.token)).toBe(false);
      expect((await claim(id, caller.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });
});

describe("the other records' states", () => {
  const SIGN = `mutation($input: SignCommitmentLetterInput!) { signCommitmentLetter(input: $input) { id status } }`;

  test("a letter: each side signs once, clauses change while nobody signed, only the latest signed version is amended", async () => {
    const world = await makeWorld(server, admin);
    const { query, variables } = await commitmentCases.signCommitmentLetterForEnterprise!.prepare(world);
    const letterId = (variables!.input as Input).letterId as string;
    const actions = async (token: string) => (await server.gql(LETTER, { id: letterId }, token)).data.commitmentLetter.viewerActions;
    expect(await actions(world.callers.ENTERPRISE_OWN.token)).toEqual(["SIGN_FOR_ENTERPRISE"]);
    expect(await actions(admin.token)).toEqual(["SIGN_FOR_GOVERNMENT", "EDIT_CLAUSES"]);
    expect(await actions(world.callers.MANAGER.token)).toEqual(["SIGN_FOR_GOVERNMENT"]);
    expect((await server.gql(query, variables, world.callers.ENTERPRISE_OWN.token)).errors).toBeUndefined();
    // signed by the enterprise: it may not sign again (CONFLICT), nor may ADMIN edit clauses (CONFLICT)
    expect(await actions(world.callers.ENTERPRISE_OWN.token)).toEqual([]);
    expect((await server.gql(query, variables, world.callers.ENTERPRISE_OWN.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(await actions(admin.token)).toEqual(["SIGN_FOR_GOVERNMENT"]);
    const clause = await server.app.services.dataSource.getRepository(CommitmentClause).findOneByOrFail({ letterId });
    const edit = await server.gql(`mutation($input: UpdateCommitmentClauseInput!) { updateCommitmentClause(input: $input) { id } }`, { input: { clauseId: clause.id, text: "改" } }, admin.token);
    expect(edit.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    // the government signs: SIGNED, the project ADMITTED; ADMIN may amend (and not sign again)
    expect((await server.gql(SIGN, { input: { letterId, party: "GOVERNMENT" } }, world.callers.MANAGER.token)).errors).toBeUndefined();
    expect(await actions(admin.token)).toEqual(["AMEND"]);
    expect((await server.gql(SIGN, { input: { letterId, party: "GOVERNMENT" } }, admin.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const amended = await server.gql(`mutation($input: AmendCommitmentLetterInput!) { amendCommitmentLetter(input: $input) { id } }`, { input: { letterId } }, admin.token);
    expect(amended.errors).toBeUndefined();
    // a later version exists: the old one is amended no more
    expect(await actions(admin.token)).toEqual([]);
    const again = await server.gql(`mutation($input: AmendCommitmentLetterInput!) { amendCommitmentLetter(input: $input) { id } }`, { input: { letterId } }, admin.token);
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  test("an approval item: submit from NOT_STARTED or REJECTED, decide a SUBMITTED one, cite until APPROVED", async () => {
    const world = await makeWorld(server, admin, "DEVELOPMENT_REFORM");
    const { variables } = await instepCases.submitApprovalItem!.prepare(world);
    const itemId = (variables!.input as Input).itemId as string;
    const actions = async (token: string): Promise<string[]> =>
      (await server.gql(ITEMS, { projectId: world.project.id }, token)).data.approvalItems.edges.find((e: any) => e.node.id === itemId).node.viewerActions;
    const department = world.callers.CADRE_DEPARTMENT.token;
    const decide = async (decision: string) => server.gql(`mutation($input: DecideApprovalItemInput!) { decideApprovalItem(input: $input) { id status } }`, { input: { itemId, decision, attachmentIds: [await upload(server, department)] } }, department);
    const submit = () => server.gql(`mutation($input: SubmitApprovalItemInput!) { submitApprovalItem(input: $input) { id status } }`, { input: { itemId } }, department);
    // FILING uses no survey: nothing to cite, ever
    expect(await actions(department)).toEqual(["SUBMIT"]);
    expect(await actions(world.callers.MANAGER.token)).toEqual(["SUBMIT"]);
    expect((await decide("APPROVED")).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
    expect((await submit()).errors).toBeUndefined();
    expect(await actions(department)).toEqual(["APPROVE", "REJECT"]);
    expect(await actions(world.callers.MANAGER.token)).toEqual([]); // the team files, the department decides
    expect((await submit()).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
    expect((await decide("REJECTED")).errors).toBeUndefined();
    expect(await actions(department)).toEqual(["SUBMIT"]);
    expect((await submit()).errors).toBeUndefined();
    expect((await decide("APPROVED")).errors).toBeUndefined();
    expect(await actions(department)).toEqual([]);
    expect(await actions(admin.token)).toEqual([]);
    expect((await decide("REJECTED")).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
  });

  test("a project: the fast-track actions follow its status", async () => {
    const world = await makeWorld(server, admin);
    const actions = async (token: string): Promise<string[]> => (await server.gql(PROJECT, { id: world.project.id }, token)).data.project.viewerActions;
    // ADMITTED: nothing to apply for, withdraw or refuse
    expect(await actions(admin.token)).toEqual(["UPDATE", "ASSIGN_PROJECT_MANAGER", "CHANGE_TEAM", "ADD_APPROVAL_ITEM", "SUBMIT_APPLICATION"]);
    expect(await actions(world.callers.ENTERPRISE_OWN.token)).toEqual(["OPEN_SERVICE_TICKET", "SUBMIT_APPLICATION"]);
    expect(await actions(world.callers.MANAGER.token)).toEqual(["CHANGE_TEAM", "OPEN_SERVICE_TICKET", "ADD_APPROVAL_ITEM"]);
    expect(await actions(world.callers.CADRE_TEAM_MEMBER.token)).toEqual(["OPEN_SERVICE_TICKET"]);
    expect(await actions(world.callers.CADRE_FRONT_DESK.token)).toEqual(["SUBMIT_APPLICATION"]);
    expect(await actions(world.callers.CADRE_OTHER_DEPARTMENT.token)).toEqual([]);
    const apply = await server.gql(`mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id } }`, { input: { projectId: world.project.id, deferredItems: [] } }, world.callers.ENTERPRISE_OWN.token);
    expect(apply.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const withdraw = await server.gql(`mutation($input: WithdrawFastTrackApplicationInput!) { withdrawFastTrackApplication(input: $input) { id } }`, { input: { projectId: world.project.id, reason: "撤回" } }, admin.token);
    expect(withdraw.errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
    // NOT_APPLIED: the enterprise (and ADMIN) may apply; once APPLIED, withdraw (and ADMIN refuse)
    const second = await makeProject(server, world.enterprise.id, { fastTrackStatus: "NOT_APPLIED", fastTrackAdmittedAt: null });
    const of = async (token: string): Promise<string[]> => (await server.gql(PROJECT, { id: second.id }, token)).data.project.viewerActions;
    expect(await of(world.callers.ENTERPRISE_OWN.token)).toEqual(["APPLY_FAST_TRACK", "OPEN_SERVICE_TICKET", "SUBMIT_APPLICATION"]);
    expect((await server.gql(`mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id } }`, { input: { projectId: second.id, deferredItems: [] } }, world.callers.ENTERPRISE_OWN.token)).errors).toBeUndefined();
    expect(await of(world.callers.ENTERPRISE_OWN.token)).toEqual(["WITHDRAW_FAST_TRACK_APPLICATION", "OPEN_SERVICE_TICKET", "SUBMIT_APPLICATION"]);
    expect(await of(admin.token)).toEqual(["UPDATE", "WITHDRAW_FAST_TRACK_APPLICATION", "REFUSE_FAST_TRACK_APPLICATION", "ASSIGN_PROJECT_MANAGER", "CHANGE_TEAM", "ADD_APPROVAL_ITEM", "SUBMIT_APPLICATION"]);
    const refuse = await server.gql(`mutation($input: RefuseFastTrackApplicationInput!) { refuseFastTrackApplication(input: $input) { id fastTrackStatus } }`, { input: { projectId: second.id, reason: "未通过" } }, admin.token);
    expect(refuse.errors).toBeUndefined();
    expect(await of(admin.token)).toEqual(["UPDATE", "APPLY_FAST_TRACK", "ASSIGN_PROJECT_MANAGER", "CHANGE_TEAM", "ADD_APPROVAL_ITEM", "SUBMIT_APPLICATION"]);
  });
});

describe("capabilities on a list cost the same statements for 5 records as for 50", () => {
  let manager: Caller;
  let frontDesk: Caller;

  beforeAll(async () => {
    const { dataSource } = server.app.services;
    const enterprise = await makeEnterprise(server, "批量企业");
    manager = await server.user("CADRE");
    frontDesk = await server.user("CADRE", { departmentId: (await server.department(server.config.frontDeskDepartment as never)).id });
    const now = server.clock.now();
    const projects = [];
    for (let i = 0; i < 10; i++) {
      const project = await makeProject(server, enterprise.id);
      projects.push(project);
      const res = await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId: project.id, cadreId: manager.user.id } }, admin.token);
      expect(res.errors).toBeUndefined();
    }
    for (let i = 0; i < 50; i++) {
      const project = projects[i % 10];
      await dataSource.getRepository(ServiceTicket).insert(dataSource.getRepository(ServiceTicket).create({
        projectId: project.id, stage: "GUIDANCE", title: `批量工单 ${i}`, description: "d", status: "OPEN", raisedById: manager.user.id, assigneeId: manager.user.id,
        openedAt: new Date(now.getTime() + i), ackDueAt: new Date(now.getTime() + 86_400_000), resolveDueAt: new Date(now.getTime() + 5 * 86_400_000),
      } as Partial<ServiceTicket>));
      await dataSource.getRepository(BoardTask).insert(dataSource.getRepository(BoardTask).create({
        title: `批量任务 ${i}`, description: "d", category: "KEY_WORK", projectId: project.id, publishedById: admin.user.id, publishedAt: now,
        dueAt: new Date(now.getTime() + (i + 1) * 86_400_000), status: "OPEN",
      } as Partial<BoardTask>));
    }
    for (let i = 0; i < 40; i++) await makeProject(server, enterprise.id);
  });

  async function statements(query: string, first: number, token: string) {
    const { result, statements } = await countStatements(server, () => server.gql(query, { first }, token));
    expect(result.errors).toBeUndefined();
    expect((Object.values(result.data as object)[0] as { edges: unknown[] }).edges).toHaveLength(first);
    return statements.length;
  }

  test.each([
    ["serviceTickets { viewerActions }", `query($first: Int) { serviceTickets(first: $first) { edges { node { id viewerActions } } } }`, () => manager],
    ["taskBoard { viewerCanClaim }", `query($first: Int) { taskBoard(first: $first) { edges { node { id viewerCanClaim } } } }`, () => manager],
    ["projects { viewerActions } as the front desk", `query($first: Int) { projects(first: $first) { edges { node { id viewerActions } } } }`, () => frontDesk],
    ["projects { viewerActions } as a manager", `query($first: Int) { projects(first: $first) { edges { node { id viewerActions } } } }`, () => manager],
  ])("%s", async (_name, query, caller) => {
    const five = await statements(query, 5, caller().token);
    const fifty = await statements(query, 50, caller().token);
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(6);
  });
});
