import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { loadUser } from "../accounts/user-loader";
import { Enterprise } from "../enterprises/enterprise.entity";
import { CreateProjectInput, ProjectFilter, UpdateProjectInput } from "./project.inputs";
import { Project } from "./project.entity";
import { projectService } from "./project.service";
import { loaderById } from "../../core/loaders";
import { ProjectActionEnum, projectViewerActions, type ProjectAction } from "./project-actions";
import { IdArg } from "../../core/validation";

export const ProjectConnection = ConnectionType(Project);

@Resolver(() => Project)
export class ProjectResolver {
  @Authorized()
  @Query(() => ProjectConnection, { description: "Projects, newest first; an ENTERPRISE user sees its own enterprise's only." })
  projects(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => ProjectFilter, { nullable: true, description: "Which projects; every project the caller may see when omitted." }) filter?: ProjectFilter,
  ) {
    return projectService.list(ctx, args, filter ?? {});
  }

  @Authorized()
  @Query(() => Project, {
    nullable: true,
    description: "One project; null, with NOT_FOUND in errors, when there is none or it is another enterprise's (to an ENTERPRISE user): the rest of the response stands.",
  })
  project(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The project." }) id: string): Promise<Project> {
    return projectService.findVisible(ctx, id);
  }

  @Remit("createProject")
  @Mutation(() => Project, { description: described("createProject", "Register a project. A malformed code answers BAD_USER_INPUT on code; a taken one CONFLICT.") })
  createProject(@Ctx() ctx: RequestContext, @Arg("input") input: CreateProjectInput): Promise<Project> {
    return projectService.create(ctx, input);
  }

  @Remit("updateProject")
  @Mutation(() => Project, { description: described("updateProject", "Edit a project's details and milestones (the gated ones are recorded with recordProjectMilestone); its stage follows the milestones.") })
  updateProject(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateProjectInput): Promise<Project> {
    return projectService.update(ctx, input);
  }

  @FieldResolver(() => Enterprise)
  enterprise(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Enterprise).load(project.enterpriseId);
  }

  @FieldResolver(() => [ProjectActionEnum], {
    description: "What the caller may do to this project now: the mutations whose remit the caller holds (the policy table, as the mutations check it) and that the project's fast-track status allows. " +
      "Gates judged from other records or from the input are left to the mutation (NEGATIVE_LIST, CREDIT_RESTRICTED, an approval kind the project has, …).",
  })
  viewerActions(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<ProjectAction[]> {
    return projectViewerActions(ctx, project);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who admitted the project to the fast track." })
  fastTrackAdmittedBy(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, project.fastTrackAdmittedById);
  }
}

@Resolver(() => Enterprise)
export class EnterpriseProjectsResolver {
  @FieldResolver(() => ProjectConnection, { description: "The enterprise's projects, newest first." })
  projects(@Root() enterprise: Enterprise, @Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return projectService.list(ctx, args, { enterpriseId: enterprise.id });
  }
}
