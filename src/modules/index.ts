import type { NonEmptyArray } from "type-graphql";
import { AuditEntry } from "../core/audit";
import { AccountResolver } from "./accounts/account.resolver";
import { LoginFailure, User } from "./accounts/user.entity";
import { AuditResolver } from "./audit/audit.resolver";
import { Enterprise } from "./enterprises/enterprise.entity";
import { Project } from "./projects/project.entity";
import { Department } from "./teams/department.entity";
import { ProjectManagerAssignment } from "./teams/project-manager-assignment.entity";
import { TeamMember } from "./teams/team-member.entity";
import { ServiceTicket, TicketDepartment } from "./tickets/service-ticket.entity";
import { TicketEvent } from "./tickets/ticket-event.entity";
import { TicketEventResolver, TicketResolver } from "./tickets/ticket.resolver";
import { ProjectManagerAssignmentResolver, ProjectTeamResolver, TeamMemberResolver, TeamResolver } from "./teams/team.resolver";

/** Every stored entity; a module adds its own here. */
export const allEntities: Function[] = [
  AuditEntry, User, LoginFailure, Enterprise, Project,
  Department, ProjectManagerAssignment, TeamMember, ServiceTicket, TicketDepartment, TicketEvent,
];

/** Every resolver; a module adds its own here. */
export const allResolvers: NonEmptyArray<Function> = [
  AccountResolver, AuditResolver,
  TeamResolver, ProjectTeamResolver, ProjectManagerAssignmentResolver, TeamMemberResolver, TicketResolver, TicketEventResolver,
];
