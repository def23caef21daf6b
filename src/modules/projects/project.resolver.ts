import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
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

export const ProjectConnection = ConnectionType(Project);

@Resolver(() => Project)
export class ProjectResolver {
  @Authorized()
  @Query(() => ProjectConnection, { description: "Projects, newest first; an ENTERPRISE user sees its own enterprise's only." })
  projects(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => ProjectFilter, { nullable: true }) filter?: ProjectFilter,
  ) {
    return projectService.list(ctx, args, filter ?? {});
  }

  @Authorized()
  @Query(() => Project, { description: "One project; another enterprise's answers NOT_FOUND to an ENTERPRISE user." })
  project(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<Project> {
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
