import type { CallerKind, PreparedCall, RemitCases, World } from "../world";

let n = 0;

const ASSIGN_MANAGER = `mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`;
const ADD_MEMBER = `mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { id } }`;
const REMOVE_MEMBER = `mutation($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { id removedAt } }`;

const OPEN = `mutation($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { id status assignee { id } } }`;
const ACK = `mutation($input: TicketStatusInput!) { acknowledgeTicket(input: $input) { id status } }`;
const START = `mutation($input: TicketStatusInput!) { startTicket(input: $input) { id status } }`;
const RESOLVE = `mutation($input: TicketStatusInput!) { resolveTicket(input: $input) { id status } }`;
const CLOSE = `mutation($input: TicketStatusInput!) { closeTicket(input: $input) { id status } }`;
const REOPEN = `mutation($input: TicketStatusInput!) { reopenTicket(input: $input) { id status } }`;
const COMMENT = `mutation($input: CommentOnTicketInput!) { commentOnTicket(input: $input) { id status } }`;
const REASSIGN = `mutation($input: ReassignTicketInput!) { reassignTicket(input: $input) { id assignee { id } } }`;
const ESCALATE = `mutation($input: EscalateTicketInput!) { escalateTicket(input: $input) { id stage } }`;

type Raiser = "ENTERPRISE_OWN" | "MANAGER" | "CADRE_TEAM_MEMBER";
type Status = "OPEN" | "ACKNOWLEDGED" | "IN_PROGRESS" | "RESOLVED";

/**
 * A ticket on the world's project raised by `raiser` (assigned, by default, to the project's
 * manager) and worked as the manager as far as `to`; with who holds its relations and who cannot see it.
 */
async function ticket(world: World, to: Status, raiser: Raiser = "ENTERPRISE_OWN", stage = "GUIDANCE") {
  const input = { projectId: world.project.id, stage, title: `矩阵工单 ${++n}`, description: "需要协调" };
  const opened = (await world.must(OPEN, { input }, world.callers[raiser].token)).openServiceTicket;
  if (opened.assignee?.id !== world.callers.MANAGER.user.id) throw new Error("setup: a new ticket should be assigned to the project's manager");
  const steps: Array<[Status, string]> = [["ACKNOWLEDGED", ACK], ["IN_PROGRESS", START], ["RESOLVED", RESOLVE]];
  for (const [status, doc] of steps.slice(0, ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED"].indexOf(to))) {
    const moved = await world.must(doc, { input: { ticketId: opened.id } }, world.callers.MANAGER.token);
    if (Object.values(moved as Record<string, { status: string }>)[0].status !== status) throw new Error(`setup: ticket not ${status}`);
  }
  // a cadre outside the project's team does not see its tickets (scopeTickets)
  const seen: Pick<PreparedCall, "holders" | "hiddenFrom"> = {
    holders: { TICKET_RAISER: [raiser as CallerKind], TICKET_ASSIGNEE: ["MANAGER"] },
    hiddenFrom: ["CADRE_DEPARTMENT", "CADRE_FRONT_DESK", "CADRE_OTHER_DEPARTMENT"],
  };
  return { ticketId: opened.id as string, seen };
}

/** A status change of a ticket brought to `status`. */
function move(query: string, status: Status, raiser?: Raiser) {
  return async (world: World): Promise<PreparedCall> => {
    const { ticketId, seen } = await ticket(world, status, raiser);
    return { query, variables: { input: { ticketId, note: "矩阵" } }, ...seen };
  };
}

/**
 * 一项目一专班 (the project's manager and team) and 服务工单 (service tickets). Tickets are raised
 * on the world's project, by its enterprise unless the case says otherwise, and assigned to the
 * project's manager (the default assignee), who also works them along to the state the call needs.
 */
export const ticketCases: RemitCases = {
  assignProjectManager: {
    async prepare(world) {
      const cadre = await world.server.user("CADRE");
      return { query: ASSIGN_MANAGER, variables: { input: { projectId: world.project.id, cadreId: cadre.user.id } } };
    },
  },
  addTeamMember: {
    async prepare(world) {
      const cadre = await world.server.user("CADRE");
      return {
        query: ADD_MEMBER,
        variables: { input: { projectId: world.project.id, userId: cadre.user.id, departmentId: await world.department("MARKET_REGULATION"), role: "联络员" } },
      };
    },
  },
  removeTeamMember: {
    async prepare(world) {
      return { query: REMOVE_MEMBER, variables: { input: { projectId: world.project.id, userId: world.callers.CADRE_TEAM_MEMBER.user.id } } };
    },
  },
  openServiceTicket: {
    async prepare(world) {
      return { query: OPEN, variables: { input: { projectId: world.project.id, stage: "GUIDANCE", title: `矩阵工单 ${++n}`, description: "需要协调" } } };
    },
  },
  acknowledgeTicket: { prepare: move(ACK, "OPEN") },
  startTicket: { prepare: move(START, "ACKNOWLEDGED") },
  resolveTicket: { prepare: move(RESOLVE, "IN_PROGRESS") },
  closeTicket: { prepare: move(CLOSE, "RESOLVED") },
  // raised by a cadre of the team: the enterprise, who sees it, may not reopen it
  reopenTicket: { prepare: move(REOPEN, "RESOLVED", "CADRE_TEAM_MEMBER") },
  commentOnTicket: {
    async prepare(world) {
      const { ticketId, seen } = await ticket(world, "IN_PROGRESS");
      return { query: COMMENT, variables: { input: { ticketId, body: "请补充材料" } }, ...seen };
    },
  },
  reassignTicket: {
    async prepare(world) {
      const { ticketId, seen } = await ticket(world, "ACKNOWLEDGED");
      return { query: REASSIGN, variables: { input: { ticketId, assigneeId: world.callers.CADRE_TEAM_MEMBER.user.id, reason: "转派联络员" } }, ...seen };
    },
  },
  escalateTicket: {
    async prepare(world) {
      const { ticketId, seen } = await ticket(world, "OPEN", "ENTERPRISE_OWN", "PRE_DIAGNOSIS");
      return { query: ESCALATE, variables: { input: { ticketId, toStage: "GUIDANCE", reason: "项目已落地" } }, ...seen };
    },
  },
};
