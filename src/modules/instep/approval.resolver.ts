import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { ApprovalDependency, ApprovalItem, ApprovalPhaseEnum, type ApprovalPhase } from "./approval.entity";
import { approvalService } from "./approval.service";
import { inStepFieldService } from "./instep.loaders";
import { AddApprovalItemInput, ApprovalItemFilter, CiteSurveyResultInput, DecideApprovalItemInput, RecordProjectMilestoneInput, SetApprovalDependencyInput, SubmitApprovalItemInput } from "./instep.inputs";
import { milestoneService } from "./milestone.service";
import { SurveyResult } from "./survey.entity";
import { Department } from "../departments/department.entity";
import { loaderById } from "../../core/loaders";
import { ApprovalItemActionEnum, approvalViewerActions, type ApprovalItemAction } from "./approval-actions";
import { IdArg } from "../../core/validation";
import { Attachment } from "../files/attachment.entity";
import { attachmentService } from "../files/attachment.service";

export const ApprovalItemConnection = ConnectionType(ApprovalItem);

/** Approval items side by side and project milestones. Who changes what is the policy table's (REMITS); ENTERPRISE users read their own projects' and file their construction start. */
@Resolver(() => ApprovalItem)
export class ApprovalResolver {
  @Authorized()
  @Query(() => ApprovalItemConnection, { description: "A project's approval items, oldest first (ENTERPRISE: own projects only)." })
  approvalItems(@Ctx() ctx: RequestContext, @IdArg("projectId", { description: "The project whose approval items to list." }) projectId: string, @Args() args: ConnectionArgs,
    @Arg("filter", () => ApprovalItemFilter, { nullable: true, description: "Which of its items; all of them when omitted." }) filter?: ApprovalItemFilter) {
    return approvalService.list(ctx, projectId, args, filter ?? {});
  }

  @Authorized()
  @Query(() => [ApprovalDependency], { description: "The real dependencies between approvals (data); every other pair runs side by side." })
  approvalDependencies(@Ctx() ctx: RequestContext): Promise<ApprovalDependency[]> {
    return approvalService.dependencies(ctx);
  }

  @Remit("setApprovalDependency")
  @Mutation(() => ApprovalDependency, { description: described("setApprovalDependency", "Add (required: true) or remove (false) a real dependency between approval kinds; returns the row added or removed. Cycles are refused.") })
  setApprovalDependency(@Ctx() ctx: RequestContext, @Arg("input") input: SetApprovalDependencyInput): Promise<ApprovalDependency> {
    return approvalService.setDependency(ctx, input);
  }

  @Remit("addApprovalItem")
  @Mutation(() => ApprovalItem, { description: described("addApprovalItem", "Add an approval a project needs (one per kind; CONFLICT for a second).") })
  addApprovalItem(@Ctx() ctx: RequestContext, @Arg("input") input: AddApprovalItemInput): Promise<ApprovalItem> {
    return approvalService.add(ctx, input);
  }

  @Remit("submitApprovalItem")
  @Mutation(() => ApprovalItem, { description: described("submitApprovalItem", "受理: submit an item (from NOT_STARTED, or again after REJECTED). Never waits on another item. DECIDED_BY_APPLICATION for an item applied for through the one window.") })
  submitApprovalItem(@Ctx() ctx: RequestContext, @Arg("input") input: SubmitApprovalItemInput): Promise<ApprovalItem> {
    return approvalService.submit(ctx, input);
  }

  @Remit("decideApprovalItem")
  @Mutation(() => ApprovalItem, {
    description: described("decideApprovalItem", "办结: approve or reject a submitted item. DECIDED_BY_APPLICATION for an item applied for through the one window (decide its application); DEFERRED_ITEMS_OUTSTANDING while a deferred material standing in for it (for a completion-phase item: any of the project's) is not supplied. Approving answers DEPENDENCY_NOT_MET while an item it really depends on is not approved (by that day), and for TRIAL_PRODUCTION while a part it needs is not accepted."),
  })
  decideApprovalItem(@Ctx() ctx: RequestContext, @Arg("input") input: DecideApprovalItemInput): Promise<ApprovalItem> {
    return approvalService.decide(ctx, input);
  }

  @Remit("citeSurveyResult")
  @Mutation(() => ApprovalItem, { description: described("citeSurveyResult", "多测合一: let an item cite the project's shared survey result of its stage.") })
  citeSurveyResult(@Ctx() ctx: RequestContext, @Arg("input") input: CiteSurveyResultInput): Promise<ApprovalItem> {
    return approvalService.citeSurveyResult(ctx, input);
  }

  @Remit("recordProjectMilestone", "fileConstructionStart")
  @Mutation(() => Project, { description: described("recordProjectMilestone", "Record a project milestone (its date column), in order; the stage follows. STOP_WORK_ORDER while the project is SUSPENDED; CONSTRUCTION_START needs the construction permit approved or, on commitment, admission with a signed letter (START_NOT_PERMITTED); COMPLETION needs every deferred material supplied (DEFERRED_ITEMS_OUTSTANDING); TRIAL_PRODUCTION needs the parts it uses accepted.") })
  recordProjectMilestone(@Ctx() ctx: RequestContext, @Arg("input") input: RecordProjectMilestoneInput): Promise<Project> {
    return milestoneService.record(ctx, input);
  }

  @FieldResolver(() => Department, { description: "The handling department: its cadres submit and decide the item." })
  async department(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<Department> {
    return (await loaderById(ctx, Department).load(item.departmentId))!;
  }

  @FieldResolver(() => [ApprovalItemActionEnum], {
    description: "What the caller may do to this item now: the mutations whose remit the caller holds (the policy table, as the mutations check it) and that its status allows. " +
      "The path gates are judged when the mutation runs: DECIDED_BY_APPLICATION, DEFERRED_ITEMS_OUTSTANDING, DEPENDENCY_NOT_MET, the trial-production acceptances, and the survey result cited.",
  })
  viewerActions(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<ApprovalItemAction[]> {
    return approvalViewerActions(ctx, item);
  }

  @FieldResolver(() => ID, { description: "The handling department's id." })
  departmentId(@Root() item: ApprovalItem): string {
    return item.departmentId;
  }

  @FieldResolver(() => ApprovalPhaseEnum)
  phase(@Root() item: ApprovalItem): ApprovalPhase {
    return inStepFieldService.phase(item);
  }

  @FieldResolver(() => Int, { nullable: true, description: "Working days under review: submittedOn to approvedOn (rejectedOn when rejected, today while pending)." })
  workingDays(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<number | null> {
    return inStepFieldService.reviewWorkingDays(ctx, item);
  }

  @FieldResolver(() => User, { nullable: true, description: "The official who recorded its last change." })
  handledBy(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<User | null> {
    return inStepFieldService.handledBy(ctx, item);
  }



  @FieldResolver(() => [Attachment], { description: "The documents its decisions issued (the permit, certificate or filing notice; a refusal's papers), oldest first." })
  attachments(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<Attachment[]> {
    return attachmentService.listFor(ctx, "APPROVAL_ITEM", item.id);
  }

  @FieldResolver(() => SurveyResult, { nullable: true, description: "The shared survey result it cites." })
  surveyResult(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<SurveyResult | null> {
    return inStepFieldService.surveyResult(ctx, item.surveyResultId);
  }
}
