import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { Department } from "../departments/department.entity";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { loadUser } from "../accounts/user-loader";
import { Project } from "../projects/project.entity";
import { Application } from "./application.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { ApplicationFilter, ApplicationStepInput, DecideApplicationInput, SubmitApplicationInput } from "./intake.inputs";
import { intakeService } from "./intake.service";
import { loaderById } from "../../core/loaders";
import { IdArg } from "../../core/validation";

const ApplicationConnection = ConnectionType(Application);

@Resolver(() => Application)
export class IntakeResolver {
  @Authorized()
  @Query(() => ApplicationConnection, { description: "Applications, newest first; an ENTERPRISE user sees its own enterprise's only." })
  applications(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => ApplicationFilter, { nullable: true, description: "Which applications; every one the caller may see when omitted." }) filter?: ApplicationFilter,
  ) {
    return intakeService.list(ctx, args, filter ?? {});
  }

  @Authorized()
  @Query(() => Application, { nullable: true, description: "One application; null, with NOT_FOUND in errors, when there is none or it is another enterprise's." })
  application(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The application (一门式一网式)." }) id: string): Promise<Application> {
    return intakeService.findVisible(ctx, id);
  }

  @Remit("submitApplication")
  @Mutation(() => Application, { description: described("submitApplication", "前台受理: take in an application for a project (front desk, or the enterprise online for its own project). It is about the project's approval item of its class (added when missing), submitted with it; CONFLICT while another application for that item is undecided or when the item is approved.") })
  submitApplication(@Ctx() ctx: RequestContext, @Arg("input") input: SubmitApplicationInput): Promise<Application> {
    return intakeService.submit(ctx, input);
  }

  @Remit("routeApplication")
  @Mutation(() => Application, { description: described("routeApplication", "分类流转: route a RECEIVED application to the back office for its class.") })
  routeApplication(@Ctx() ctx: RequestContext, @Arg("input") input: ApplicationStepInput): Promise<Application> {
    return intakeService.route(ctx, input.applicationId);
  }

  @Remit("decideApplication")
  @Mutation(() => Application, { description: described("decideApplication", "后台审批: approve or reject a ROUTED application; the decision decides the approval item it is about, by the rules of decideApprovalItem (DEPENDENCY_NOT_MET, DEFERRED_ITEMS_OUTSTANDING; refused, the application stays ROUTED).") })
  decideApplication(@Ctx() ctx: RequestContext, @Arg("input") input: DecideApplicationInput): Promise<Application> {
    return intakeService.decide(ctx, input);
  }

  @Remit("issueApplicationResult")
  @Mutation(() => Application, { description: described("issueApplicationResult", "统一出件: issue a decided application's result at the one window.") })
  issueApplicationResult(@Ctx() ctx: RequestContext, @Arg("input") input: ApplicationStepInput): Promise<Application> {
    return intakeService.issue(ctx, input.applicationId);
  }

  @FieldResolver(() => Department, { nullable: true, description: "The back office it was routed to (its cadres decide it); null until routed." })
  department(@Ctx() ctx: RequestContext, @Root() application: Application): Promise<Department | null> {
    return application.departmentId ? loaderById(ctx, Department).load(application.departmentId) : Promise.resolve(null);
  }

  @FieldResolver(() => ApprovalItem, { nullable: true, description: "One fact, recorded once: the project's approval item this application is about; deciding the application decides it. Null only for applications taken in before the two were linked." })
  approvalItem(@Ctx() ctx: RequestContext, @Root() application: Application): Promise<ApprovalItem | null> {
    return application.approvalItemId ? loaderById(ctx, ApprovalItem).load(application.approvalItemId) : Promise.resolve(null);
  }

  @FieldResolver(() => Project)
  project(@Root() application: Application, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Project).load(application.projectId);
  }

  @FieldResolver(() => User, { description: "Who took it in at the front desk (or submitted it online)." })
  receivedBy(@Root() application: Application, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, application.receivedById);
  }

  @FieldResolver(() => User, { nullable: true })
  routedBy(@Root() application: Application, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, application.routedById);
  }

  @FieldResolver(() => User, { nullable: true })
  decidedBy(@Root() application: Application, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, application.decidedById);
  }

  @FieldResolver(() => User, { nullable: true })
  issuedBy(@Root() application: Application, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, application.issuedById);
  }
}

@Resolver(() => Project)
export class ProjectIntakeResolver {
  @FieldResolver(() => [Application], { description: "一门式 applications for this project, newest first." })
  applications(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<Application[]> {
    return intakeService.forProject(ctx, project.id);
  }
}

@Resolver(() => ApprovalItem)
export class ApprovalItemApplicationResolver {
  @FieldResolver(() => Application, { nullable: true, description: "One fact, recorded once: the one-window application it was (last) applied for through. With one, the item is submitted and decided only through the application (DECIDED_BY_APPLICATION); without, directly." })
  application(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<Application | null> {
    return intakeService.forApprovalItem(ctx, item.id);
  }}
