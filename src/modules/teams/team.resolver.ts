import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { Department } from "../departments/department.entity";
import { ProjectManagerAssignment } from "./project-manager-assignment.entity";
import { loadUser } from "../accounts/user-loader";
import { AddTeamMemberInput, AssignProjectManagerInput, RemoveTeamMemberInput } from "./team.inputs";
import { ServiceTeam, TeamMember } from "./team-member.entity";
import { teamService } from "./team.service";
import { loaderById } from "../../core/loaders";

export const ManagedProjectConnection = ConnectionType(Project, "ManagedProject");

@Resolver()
export class TeamResolver {
  @Remit("assignProjectManager")
  @Mutation(() => ProjectManagerAssignment, {
    description: described("assignProjectManager", "Make a cadre the project's manager; the previous assignment ends and stays in the history. A concurrent assignment that loses answers CONFLICT."),
  })
  assignProjectManager(@Ctx() ctx: RequestContext, @Arg("input") input: AssignProjectManagerInput): Promise<ProjectManagerAssignment> {
    return teamService.assignProjectManager(ctx, input);
  }

  @Remit("addTeamMember")
  @Mutation(() => TeamMember, { description: described("addTeamMember", "Add a cadre to a project's team.") })
  addTeamMember(@Ctx() ctx: RequestContext, @Arg("input") input: AddTeamMemberInput): Promise<TeamMember> {
    return teamService.addTeamMember(ctx, input);
  }

  @Remit("removeTeamMember")
  @Mutation(() => TeamMember, { description: described("removeTeamMember", "End a cadre's membership of a project's team.") })
  removeTeamMember(@Ctx() ctx: RequestContext, @Arg("input") input: RemoveTeamMemberInput): Promise<TeamMember> {
    return teamService.removeTeamMember(ctx, input);
  }

  @Authorized("CADRE")
  @Query(() => ManagedProjectConnection, { description: "Projects the calling cadre now manages, by project code." })
  managedProjects(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return teamService.managedProjects(ctx, args);
  }
}

/** Project fields of this module; type-graphql merges them into the Project type. */
@Resolver(() => Project)
export class ProjectTeamResolver {
  @FieldResolver(() => User, { nullable: true, description: "项目经理人: the cadre leading the project's team; null until assigned." })
  manager(@Root() project: Project, @Ctx() ctx: RequestContext): User | null | Promise<User | null> {
    return teamService.managerOf(ctx, project);
  }

  @FieldResolver(() => ServiceTeam, { description: "一项目一专班: the project's service team." })
  team(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<ServiceTeam> {
    return teamService.teamOf(ctx, project.id);
  }

  @FieldResolver(() => [ProjectManagerAssignment], { description: "Every manager the project has had, newest first." })
  managerHistory(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<ProjectManagerAssignment[]> {
    return teamService.managerHistoryOf(ctx, project.id);
  }
}

@Resolver(() => ProjectManagerAssignment)
export class ProjectManagerAssignmentResolver {
  @FieldResolver(() => Project)
  project(@Root() assignment: ProjectManagerAssignment, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Project).load(assignment.projectId);
  }

  @FieldResolver(() => User, { description: "The cadre who is (or was) the manager." })
  cadre(@Root() assignment: ProjectManagerAssignment, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, assignment.cadreId);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who made the assignment." })
  startedBy(@Root() assignment: ProjectManagerAssignment, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, assignment.startedById);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who ended it (by reassigning)." })
  endedBy(@Root() assignment: ProjectManagerAssignment, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, assignment.endedById);
  }
}

@Resolver(() => TeamMember)
export class TeamMemberResolver {
  @FieldResolver(() => User)
  user(@Root() member: TeamMember, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, member.userId);
  }

  @FieldResolver(() => Department)
  department(@Root() member: TeamMember, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Department).load(member.departmentId);
  }

  @FieldResolver(() => User, { nullable: true })
  addedBy(@Root() member: TeamMember, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, member.addedById);
  }

  @FieldResolver(() => User, { nullable: true })
  removedBy(@Root() member: TeamMember, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, member.removedById);
  }
}
