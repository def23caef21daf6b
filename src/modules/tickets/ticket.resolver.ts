import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { Department } from "../departments/department.entity";
import { loadUser } from "../accounts/user-loader";
import { ServiceTicket } from "./service-ticket.entity";
import { TicketEvent } from "./ticket-event.entity";
import { CommentOnTicketInput, EscalateTicketInput, OpenServiceTicketInput, ReassignTicketInput, ServiceTicketFilter, TicketStatusInput } from "./ticket.inputs";
import { ticketQueryService } from "./ticket-query.service";
import { ticketService } from "./ticket.service";
import { UrgentRequestEvent, type UrgentRequestPayload } from "./urgent.events";
import { urgentService } from "./urgent.service";
import { loaderById } from "../../core/loaders";
import { TicketActionEnum, ticketViewerActions, type TicketAction } from "./ticket-actions";
import { assertIdArgument, IdArg } from "../../core/validation";
import { Attachment } from "../files/attachment.entity";
import { attachmentService } from "../files/attachment.service";

const ServiceTicketConnection = ConnectionType(ServiceTicket);
const TicketEventConnection = ConnectionType(TicketEvent);

@Resolver(() => ServiceTicket)
export class TicketResolver {
  @Authorized()
  @Query(() => ServiceTicketConnection, { description: "Service tickets the caller may see, newest first. A filter projectId of a project the caller may not see (or none) answers NOT_FOUND." })
  serviceTickets(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => ServiceTicketFilter, { nullable: true, description: "Which tickets; every ticket the caller may see when omitted." }) filter?: ServiceTicketFilter,
  ) {
    return ticketQueryService.list(ctx, args, filter);
  }

  @Authorized()
  @Query(() => ServiceTicket, { nullable: true, description: "One service ticket; null, with NOT_FOUND in errors, when the caller may not see it." })
  ticket(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The service ticket." }) id: string): Promise<ServiceTicket> {
    return ticketQueryService.find(ctx, id);
  }

  @Remit("openServiceTicket")
  @Mutation(() => ServiceTicket, { description: described("openServiceTicket", "Raise a ticket.") })
  openServiceTicket(@Ctx() ctx: RequestContext, @Arg("input") input: OpenServiceTicketInput): Promise<ServiceTicket> {
    return ticketService.open(ctx, input);
  }

  @Remit("acknowledgeTicket")
  @Mutation(() => ServiceTicket, { description: described("acknowledgeTicket", "OPEN -> ACKNOWLEDGED.") })
  acknowledgeTicket(@Ctx() ctx: RequestContext, @Arg("input") input: TicketStatusInput): Promise<ServiceTicket> {
    return ticketService.acknowledge(ctx, input);
  }

  @Remit("startTicket")
  @Mutation(() => ServiceTicket, { description: described("startTicket", "ACKNOWLEDGED -> IN_PROGRESS.") })
  startTicket(@Ctx() ctx: RequestContext, @Arg("input") input: TicketStatusInput): Promise<ServiceTicket> {
    return ticketService.start(ctx, input);
  }

  @Remit("commentOnTicket")
  @Mutation(() => ServiceTicket, { description: described("commentOnTicket", "Add a comment to the timeline (anyone who sees the ticket, until it is closed).") })
  commentOnTicket(@Ctx() ctx: RequestContext, @Arg("input") input: CommentOnTicketInput): Promise<ServiceTicket> {
    return ticketService.comment(ctx, input);
  }

  @Remit("resolveTicket")
  @Mutation(() => ServiceTicket, { description: described("resolveTicket", "IN_PROGRESS -> RESOLVED.") })
  resolveTicket(@Ctx() ctx: RequestContext, @Arg("input") input: TicketStatusInput): Promise<ServiceTicket> {
    return ticketService.resolve(ctx, input);
  }

  @Remit("closeTicket")
  @Mutation(() => ServiceTicket, { description: described("closeTicket", "RESOLVED -> CLOSED: the raiser confirms.") })
  closeTicket(@Ctx() ctx: RequestContext, @Arg("input") input: TicketStatusInput): Promise<ServiceTicket> {
    return ticketService.close(ctx, input);
  }

  @Remit("reopenTicket")
  @Mutation(() => ServiceTicket, { description: described("reopenTicket", "RESOLVED -> IN_PROGRESS: the raiser is not satisfied.") })
  reopenTicket(@Ctx() ctx: RequestContext, @Arg("input") input: TicketStatusInput): Promise<ServiceTicket> {
    return ticketService.reopen(ctx, input);
  }

  @Remit("reassignTicket")
  @Mutation(() => ServiceTicket, { description: described("reassignTicket", "Give an unfinished ticket to another cadre of the project's team.") })
  reassignTicket(@Ctx() ctx: RequestContext, @Arg("input") input: ReassignTicketInput): Promise<ServiceTicket> {
    return ticketService.reassign(ctx, input);
  }

  @Remit("escalateTicket")
  @Mutation(() => ServiceTicket, { description: described("escalateTicket", "Move an unfinished ticket to a more urgent stage; its SLA deadlines are recomputed.") })
  escalateTicket(@Ctx() ctx: RequestContext, @Arg("input") input: EscalateTicketInput): Promise<ServiceTicket> {
    return ticketService.escalate(ctx, input);
  }

  @Authorized()
  @Subscription(() => UrgentRequestEvent, {
    subscribe: ({ args, context }) => {
      assertIdArgument("projectId", (args as { projectId?: unknown }).projectId);
      return urgentService.subscribe(context as RequestContext, (args as { projectId?: string | null }).projectId);
    },
    description: "A project's urgent channel, live: creation, status changes, comments, reassignment, escalation into EMERGENCY and SLA breaches of EMERGENCY (急诊) tickets, and every move of the project's circuit breaker (熔断), to the subscribers allowed to see them. Signed-in users only; a projectId the caller may not see answers NOT_FOUND.",
  })
  urgentRequests(
    @Root() payload: UrgentRequestPayload,
    @Ctx() ctx: RequestContext,
    @IdArg("projectId", { nullable: true, description: "One project's channel (the caller must be able to see it); every project the caller may see when omitted." }) _projectId?: string,
  ): Promise<UrgentRequestEvent> {
    return urgentService.toEvent(ctx, payload);
  }

  @FieldResolver(() => Project)
  project(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Project).load(ticket.projectId);
  }

  @FieldResolver(() => User, { description: "Who raised it." })
  raisedBy(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, ticket.raisedById);
  }

  @FieldResolver(() => User, { nullable: true, description: "The cadre working on it: the project's manager when the ticket was opened, else whoever reassignTicket names; null when it was opened before the project had a manager and nobody has been named since." })
  assignee(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, ticket.assigneeId);
  }

  @FieldResolver(() => [Department], { description: "Departments consulted." })
  departments(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext) {
    return ticketQueryService.departmentsOf(ctx, ticket.id);
  }

  @FieldResolver(() => TicketEventConnection, { description: "Comments, status changes, reassignments, escalations and SLA breaches, oldest first." })
  timeline(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return ticketQueryService.timeline(ctx, ticket.id, args);
  }

  @FieldResolver(() => Boolean, { description: "The acknowledge deadline was missed." })
  ackBreached(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext): boolean {
    return ticketQueryService.ackBreached(ctx, ticket);
  }

  @FieldResolver(() => [TicketActionEnum], {
    description: "What the caller may do to this ticket now: the mutations whose remit the caller holds (the policy table, as the mutations check it) and that the ticket's state allows (its transition table). " +
      "The mutation's input is still judged when it runs (a reassignment's assignee, an escalation's stage).",
  })
  viewerActions(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext): Promise<TicketAction[]> {
    return ticketViewerActions(ctx, ticket);
  }

  @FieldResolver(() => [Attachment], { description: "The ticket's own files, given when it was raised (a comment's files are on its timeline entry), oldest first." })
  attachments(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext): Promise<Attachment[]> {
    return attachmentService.listFor(ctx, "SERVICE_TICKET", ticket.id);
  }

  @FieldResolver(() => Boolean, { description: "The resolve deadline was missed." })
  resolveBreached(@Root() ticket: ServiceTicket, @Ctx() ctx: RequestContext): boolean {
    return ticketQueryService.resolveBreached(ctx, ticket);
  }
}

@Resolver(() => TicketEvent)
export class TicketEventResolver {
  @FieldResolver(() => User, { nullable: true, description: "Who acted; null for the system (SLA checker, auto-close)." })
  actor(@Root() event: TicketEvent, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, event.actorId);
  }

  @FieldResolver(() => User, { nullable: true, description: "The new assignee of a REASSIGNED entry (or the first one of OPENED)." })
  assignee(@Root() event: TicketEvent, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, event.assigneeId);
  }

  @FieldResolver(() => [Attachment], { description: "A comment's files (empty for other entries), oldest first." })
  attachments(@Root() event: TicketEvent, @Ctx() ctx: RequestContext): Promise<Attachment[]> {
    return attachmentService.listFor(ctx, "TICKET_EVENT", event.id);
  }
}


@Resolver(() => Project)
export class ProjectTicketsResolver {
  @FieldResolver(() => ServiceTicketConnection, {
    nullable: true,
    description: "The project's service tickets the caller may see (as serviceTickets with the project fixed), newest first. Null only with its error in errors (a filter projectId other than this project's: BAD_USER_INPUT), so that the rest of a project page stands.",
  })
  serviceTickets(
    @Root() project: Project,
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => ServiceTicketFilter, { nullable: true, description: "Narrows the project's tickets; its projectId, if given, must be this project's." }) filter?: ServiceTicketFilter,
  ) {
    return ticketQueryService.forProject(ctx, project.id, args, filter);
  }
}
