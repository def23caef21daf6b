import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { ApprovalDependency, ApprovalItem, ApprovalPhaseEnum, type ApprovalPhase } from "./approval.entity";
import { approvalService } from "./approval.service";
import { inStepFieldService } from "./instep.loaders";
import { AddApprovalItemInput, CiteSurveyResultInput, DecideApprovalItemInput, RecordProjectMilestoneInput, SetApprovalDependencyInput, SubmitApprovalItemInput } from "./instep.inputs";
import { milestoneService } from "./milestone.service";
import { SurveyResult } from "./survey.entity";

export const ApprovalItemConnection = ConnectionType(ApprovalItem);

/** Approval items side by side and project milestones. Changes by ADMIN or CADRE; ENTERPRISE users read their own projects'. */
@Resolver(() => ApprovalItem)
export class ApprovalResolver {
  @Authorized()
  @Query(() => ApprovalItemConnection, { description: "A project's approval items, oldest first (ENTERPRISE: own projects only)." })
  approvalItems(@Ctx() ctx: RequestContext, @Arg("projectId", () => ID) projectId: string, @Args() args: ConnectionArgs) {
    return approvalService.list(ctx, projectId, args);
  }

  @Authorized()
  @Query(() => [ApprovalDependency], { description: "The real dependencies between approvals (data); every other pair runs side by side." })
  approvalDependencies(@Ctx() ctx: RequestContext): Promise<ApprovalDependency[]> {
    return approvalService.dependencies(ctx);
  }

  @Authorized("ADMIN")
  @Mutation(() => ApprovalDependency, { description: "Add (required: true) or remove (false) a real dependency between approval kinds (ADMIN); returns the row added or removed. Cycles are refused." })
  setApprovalDependency(@Ctx() ctx: RequestContext, @Arg("input") input: SetApprovalDependencyInput): Promise<ApprovalDependency> {
    return approvalService.setDependency(ctx, input);
  }

  @Authorized("ADMIN", "CADRE")
  @Mutation(() => ApprovalItem, { description: "Add an approval a project needs (one per kind; CONFLICT for a second)." })
  addApprovalItem(@Ctx() ctx: RequestContext, @Arg("input") input: AddApprovalItemInput): Promise<ApprovalItem> {
    return approvalService.add(ctx, input);
  }

  @Authorized("ADMIN", "CADRE")
  @Mutation(() => ApprovalItem, { description: "受理: submit an item (from NOT_STARTED, or again after REJECTED). Never waits on another item." })
  submitApprovalItem(@Ctx() ctx: RequestContext, @Arg("input") input: SubmitApprovalItemInput): Promise<ApprovalItem> {
    return approvalService.submit(ctx, input);
  }

  @Authorized("ADMIN", "CADRE")
  @Mutation(() => ApprovalItem, {
    description: "办结: approve or reject a submitted item. Approving answers DEPENDENCY_NOT_MET while an item it really depends on is not approved (by that day), and for TRIAL_PRODUCTION while a part it needs is not accepted.",
  })
  decideApprovalItem(@Ctx() ctx: RequestContext, @Arg("input") input: DecideApprovalItemInput): Promise<ApprovalItem> {
    return approvalService.decide(ctx, input);
  }

  @Authorized("ADMIN", "CADRE")
  @Mutation(() => ApprovalItem, { description: "多测合一: let an item cite the project's shared survey result of its stage." })
  citeSurveyResult(@Ctx() ctx: RequestContext, @Arg("input") input: CiteSurveyResultInput): Promise<ApprovalItem> {
    return approvalService.citeSurveyResult(ctx, input);
  }

  @Authorized("ADMIN", "CADRE")
  @Mutation(() => Project, { description: "Record a project milestone (its date column), in order; TRIAL_PRODUCTION needs the parts it uses accepted." })
  recordProjectMilestone(@Ctx() ctx: RequestContext, @Arg("input") input: RecordProjectMilestoneInput): Promise<Project> {
    return milestoneService.record(ctx, input);
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

  @FieldResolver(() => SurveyResult, { nullable: true, description: "The shared survey result it cites." })
  surveyResult(@Ctx() ctx: RequestContext, @Root() item: ApprovalItem): Promise<SurveyResult | null> {
    return inStepFieldService.surveyResult(ctx, item.surveyResultId);
  }
}
