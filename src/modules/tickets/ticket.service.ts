import { idempotent } from "../../core/idempotency";
import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { assertTransition, badInput, invalidTransition } from "../../core/errors";
import { policyService, type RemitSubject } from "../policy/policy.service";
import { findVisibleProject } from "../projects/project-access";
import { Department } from "../departments/department.entity";
import { teamService } from "../teams/team.service";
import { findVisibleTicket } from "./ticket-access";
import type { CommentOnTicketInput, EscalateTicketInput, OpenServiceTicketInput, ReassignTicketInput, TicketStatusInput } from "./ticket.inputs";
import { ServiceTicket, TicketDepartment } from "./service-ticket.entity";
import { stageRank, type TicketStage, type TicketStatus } from "./ticket.states";
import { TICKET_MOVES, TICKET_OTHER_ACTIONS, ticketSubject } from "./ticket-actions";
import { appendTimeline } from "./ticket-timeline";
import { attachmentService } from "../files/attachment.service";

type VisibleTicket = Awaited<ReturnType<typeof findVisibleTicket>>;

const HOUR = 3_600_000;
const addHours = (date: Date, hours: number) => new Date(date.getTime() + hours * HOUR);
const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

/** Actions other than status changes, and the statuses that allow them (TICKET_OTHER_ACTIONS, which viewerActions reads too). */
const ACTION_STATUSES: Record<"COMMENTED" | "REASSIGNED" | "ESCALATED", readonly TicketStatus[]> = {
  COMMENTED: TICKET_OTHER_ACTIONS.COMMENT.statuses,
  REASSIGNED: TICKET_OTHER_ACTIONS.REASSIGN.statuses,
  ESCALATED: TICKET_OTHER_ACTIONS.ESCALATE.statuses,
};

function assertAction(ticket: ServiceTicket, action: keyof typeof ACTION_STATUSES): void {
  if (!ACTION_STATUSES[action].includes(ticket.status)) throw invalidTransition("ServiceTicket", ticket.status, action);
}

/** The facts of a ticket its remits ask about (the remit table decides who may act on them). */
const ticketFacts = (ticket: VisibleTicket): RemitSubject => ticketSubject(ticket, ticket.project.enterpriseId);

/**
 * 服务工单 lifecycle: OPEN -> ACKNOWLEDGED -> IN_PROGRESS -> RESOLVED -> CLOSED, the raiser
 * confirming (or the SLA checker closing it after TICKET_AUTO_CLOSE_HOURS) and free to reopen a
 * RESOLVED ticket. Every change is one transaction: a conditional UPDATE on the status read (so a
 * concurrent change answers INVALID_TRANSITION instead of being overwritten), a timeline entry,
 * an audit entry, and for EMERGENCY tickets an urgent-request event after commit.
 */
export class TicketService {
  private async checkDepartments(tx: RequestContext, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const found = await tx.repo(Department).countBy({ id: In(ids) });
    if (found !== ids.length) throw badInput("departmentIds", "Some departments do not exist", "所填部门中有的不存在");
  }

  /** The assignee must lead or serve on the project's team. */
  private async checkAssignee(tx: RequestContext, projectId: string, assigneeId: string): Promise<void> {
    if (!(await teamService.servesOn(tx, projectId, assigneeId))) throw badInput("assigneeId", "The assignee must be the project's manager or a member of its team", "承办人须为本项目的项目经理人或专班成员");
  }

  /**
   * Raises a ticket: by an enterprise user of the project, its manager or a team member. The
   * assignee defaults to the manager (none yet: unassigned); CONSULTATION needs departments;
   * the SLA deadlines come from the stage and the clock. Files (the caller's uploads) are attached
   * to the ticket in the same transaction; a keyed retry replays the first result and attaches nothing.
   */
  open(ctx: RequestContext, input: OpenServiceTicketInput): Promise<ServiceTicket> {
    return idempotent(ctx, "openServiceTicket", ServiceTicket, input, (tx) => this.openOnce(tx, input));
  }

  private async openOnce(ctx: RequestContext, input: OpenServiceTicketInput): Promise<ServiceTicket> {
    return ctx.transaction(async (tx) => {
      const user = tx.requireUser();
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "openServiceTicket", { projectId: project.id, enterpriseId: project.enterpriseId });
      const departmentIds = input.departmentIds ?? [];
      if (input.stage === "CONSULTATION" && !departmentIds.length) throw badInput("departmentIds", "A consultation (会诊) needs at least one department", "会诊工单至少需要指定一个参与部门");
      await this.checkDepartments(tx, departmentIds);
      if (input.assigneeId) await this.checkAssignee(tx, project.id, input.assigneeId);
      const assigneeId = input.assigneeId ?? (await teamService.activeManagerId(tx, project.id));
      const now = tx.clock.now();
      const sla = tx.app.config.ticketSla[input.stage];
      const ticket = tx.repo(ServiceTicket).create({
        projectId: project.id,
        stage: input.stage,
        status: "OPEN",
        title: input.title,
        openedAt: now,
        eventCount: 0,
        description: input.description,
        raisedById: user.id,
        assigneeId,
        ackDueAt: addHours(now, sla.ackHours),
        resolveDueAt: addHours(now, sla.resolveHours),
        acknowledgedAt: null,
        resolvedAt: null,
        closedAt: null,
        ackBreachedAt: null,
        resolveBreachedAt: null,
      });
      await tx.repo(ServiceTicket).insert(ticket);
      for (const departmentId of departmentIds) await tx.repo(TicketDepartment).insert(tx.repo(TicketDepartment).create({ ticketId: ticket.id, departmentId }));
      const { ticket: opened } = await appendTimeline(tx, ticket, project.enterpriseId, { type: "OPENED", toStatus: "OPEN", toStage: ticket.stage, assigneeId, body: null });
      if (input.attachmentIds?.length) await attachmentService.attach(tx, input.attachmentIds, { type: "SERVICE_TICKET", id: ticket.id });
      await recordAudit(tx, { action: "ticket.open", entityType: "ServiceTicket", entityId: ticket.id, after: { ...ticket, departmentIds } });
      return opened;
    });
  }

  /** Moves a ticket as TICKET_MOVES says when the caller holds the move's remit and its table allows it, stamping `set` columns. */
  private async move(ctx: RequestContext, input: TicketStatusInput, action: keyof typeof TICKET_MOVES, set: (now: Date) => Partial<ServiceTicket>): Promise<ServiceTicket> {
    const { to, event: type, remit, table } = TICKET_MOVES[action];
    return ctx.transaction(async (tx) => {
      const ticket = await findVisibleTicket(tx, input.ticketId);
      await policyService.authorize(tx, remit, ticketFacts(ticket));
      assertTransition(table, "ServiceTicket", ticket.status, to);
      const now = tx.clock.now();
      const changes = { status: to, ...set(now) };
      const result = await tx.repo(ServiceTicket).update({ id: ticket.id, status: ticket.status }, changes);
      if (!result.affected) {
        const current = await tx.repo(ServiceTicket).findOneByOrFail({ id: ticket.id });
        throw invalidTransition("ServiceTicket", current.status, to);
      }
      const { ticket: current } = await appendTimeline(tx, ticket, ticket.project.enterpriseId, { type, fromStatus: ticket.status, toStatus: to, body: input.note ?? null });
      const { project: _project, ...before } = ticket;
      await recordAudit(tx, { action: `ticket.${type.toLowerCase()}`, entityType: "ServiceTicket", entityId: ticket.id, before, after: { ...before, ...changes } });
      return current;
    });
  }

  /** 受理: the assignee (or the manager, or ADMIN) takes the ticket up. */
  acknowledge(ctx: RequestContext, input: TicketStatusInput) {
    return this.move(ctx, input, "ACKNOWLEDGE", (now) => ({ acknowledgedAt: now }));
  }

  /** 开始办理. */
  start(ctx: RequestContext, input: TicketStatusInput) {
    return this.move(ctx, input, "START", () => ({}));
  }

  /** 解决: answered; the raiser confirms, or it closes itself after TICKET_AUTO_CLOSE_HOURS. */
  resolve(ctx: RequestContext, input: TicketStatusInput) {
    return this.move(ctx, input, "RESOLVE", (now) => ({ resolvedAt: now }));
  }

  /** 办结: the raiser confirms the resolution (ADMIN may close it for them). */
  close(ctx: RequestContext, input: TicketStatusInput) {
    return this.move(ctx, input, "CLOSE", (now) => ({ closedAt: now }));
  }

  /** The raiser is not satisfied: a RESOLVED ticket goes back to IN_PROGRESS (its deadlines unchanged). */
  reopen(ctx: RequestContext, input: TicketStatusInput) {
    return this.move(ctx, input, "REOPEN", () => ({ resolvedAt: null }));
  }

  /** A comment on the timeline, by anyone who sees the ticket, until it is closed; its files (the caller's uploads) are attached to the entry in the same transaction. */
  comment(ctx: RequestContext, input: CommentOnTicketInput): Promise<ServiceTicket> {
    return idempotent(ctx, "commentOnTicket", ServiceTicket, input, (tx) => this.commentOnce(tx, input));
  }

  private async commentOnce(ctx: RequestContext, input: CommentOnTicketInput): Promise<ServiceTicket> {
    return ctx.transaction(async (tx) => {
      const ticket = await findVisibleTicket(tx, input.ticketId);
      await policyService.authorize(tx, "commentOnTicket", ticketFacts(ticket));
      assertAction(ticket, "COMMENTED");
      const { event: entry, ticket: after } = await appendTimeline(tx, ticket, ticket.project.enterpriseId, { type: "COMMENTED", body: input.body });
      if (input.attachmentIds?.length) await attachmentService.attach(tx, input.attachmentIds, { type: "TICKET_EVENT", id: entry.id });
      await recordAudit(tx, { action: "ticket.comment", entityType: "ServiceTicket", entityId: ticket.id, after: { ticketEventId: entry.id, body: input.body } });
      return after;
    });
  }

  /** 转派: ADMIN or the project's manager gives an unfinished ticket to a cadre serving on the project. */
  async reassign(ctx: RequestContext, input: ReassignTicketInput): Promise<ServiceTicket> {
    return ctx.transaction(async (tx) => {
      const ticket = await findVisibleTicket(tx, input.ticketId);
      await policyService.authorize(tx, "reassignTicket", ticketFacts(ticket));
      assertAction(ticket, "REASSIGNED");
      if (ticket.assigneeId === input.assigneeId) throw badInput("assigneeId", "The ticket is already assigned to this cadre", "该工单已由这名干部承办");
      await this.checkAssignee(tx, ticket.projectId, input.assigneeId);
      const result = await tx.repo(ServiceTicket).update({ id: ticket.id, status: ticket.status }, { assigneeId: input.assigneeId });
      if (!result.affected) throw invalidTransition("ServiceTicket", (await tx.repo(ServiceTicket).findOneByOrFail({ id: ticket.id })).status, "REASSIGNED");
      const { ticket: current } = await appendTimeline(tx, ticket, ticket.project.enterpriseId, { type: "REASSIGNED", assigneeId: input.assigneeId, body: input.reason ?? null });
      const { project: _project, ...before } = ticket;
      await recordAudit(tx, { action: "ticket.reassign", entityType: "ServiceTicket", entityId: ticket.id, before, after: { ...before, assigneeId: input.assigneeId } });
      return current;
    });
  }

  /**
   * Moves an unfinished ticket to a more urgent stage (PRE_DIAGNOSIS < GUIDANCE < CONSULTATION <
   * EMERGENCY), by anyone who sees it. The deadlines become those of the new stage counted from
   * now, never later than they were (an acknowledged ticket keeps its acknowledge deadline).
   * CONSULTATION needs at least one department, given now or already on the ticket.
   */
  async escalate(ctx: RequestContext, input: EscalateTicketInput): Promise<ServiceTicket> {
    return ctx.transaction(async (tx) => {
      const ticket = await findVisibleTicket(tx, input.ticketId);
      await policyService.authorize(tx, "escalateTicket", ticketFacts(ticket));
      assertAction(ticket, "ESCALATED");
      if (stageRank(input.toStage) <= stageRank(ticket.stage)) throw invalidTransition("ServiceTicket stage", ticket.stage, input.toStage);
      const newDepartments = input.departmentIds ?? [];
      await this.checkDepartments(tx, newDepartments);
      const existing = await tx.repo(TicketDepartment).findBy({ ticketId: ticket.id });
      const toAdd = newDepartments.filter((id) => !existing.some((d) => d.departmentId === id));
      if (input.toStage === "CONSULTATION" && existing.length + toAdd.length === 0) {
        throw badInput("departmentIds", "A consultation (会诊) needs at least one department", "升级为会诊须至少指定一个参与部门");
      }
      const now = tx.clock.now();
      const sla = tx.app.config.ticketSla[input.toStage];
      const changes = {
        stage: input.toStage as TicketStage,
        ackDueAt: ticket.acknowledgedAt ? ticket.ackDueAt : earlier(ticket.ackDueAt, addHours(now, sla.ackHours)),
        resolveDueAt: earlier(ticket.resolveDueAt, addHours(now, sla.resolveHours)),
      };
      const result = await tx.repo(ServiceTicket).update({ id: ticket.id, status: ticket.status, stage: ticket.stage }, changes);
      if (!result.affected) {
        const current = await tx.repo(ServiceTicket).findOneByOrFail({ id: ticket.id });
        throw invalidTransition("ServiceTicket stage", current.stage, input.toStage);
      }
      for (const departmentId of toAdd) await tx.repo(TicketDepartment).insert(tx.repo(TicketDepartment).create({ ticketId: ticket.id, departmentId }));
      const escalated = Object.assign(new ServiceTicket(), { ...ticket, ...changes });
      const { ticket: current } = await appendTimeline(tx, escalated, ticket.project.enterpriseId, { type: "ESCALATED", fromStage: ticket.stage, toStage: input.toStage, body: input.reason });
      const { project: _project, ...before } = ticket;
      await recordAudit(tx, { action: "ticket.escalate", entityType: "ServiceTicket", entityId: ticket.id, before, after: { ...before, ...changes, addedDepartmentIds: toAdd } });
      return current;
    });
  }
}

export const ticketService = new TicketService();
