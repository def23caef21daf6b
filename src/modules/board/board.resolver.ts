import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { BoardTask, BoardTaskEvent } from "./board-task.entity";
import { boardEvents, type BoardEventPayload } from "./board.events";
import {
  BoardStatsFilter, ClaimTaskInput, PublishTaskInput, ReleaseTaskInput, ReportTaskProgressInput, ReviewFaultToleranceInput,
  SendBackTaskInput, SubmitTaskInput, TaskBoardChangedFilter, TaskBoardFilter, TaskBoardOrderEnum, VerifyTaskInput, WithdrawTaskInput,
  type TaskBoardOrder,
} from "./board.inputs";
import { boardLoaders } from "./board.loaders";
import { loadUser } from "../accounts/user-loader";
import { BoardStats, CadreRecord, TaskBoardChange } from "./board.types";
import { boardQueryService } from "./board-query.service";
import {
  FAULT_TOLERANCE_DECIDING, FaultAssessment, FaultReviewSubjectKindEnum, FaultToleranceReview, assessmentsOf, subjectKindOf, type FaultReviewSubjectKind,
} from "./fault-tolerance.entity";
import { faultToleranceService } from "./fault-tolerance.service";
import { FaultCorrection } from "./fault-correction.entity";
import { faultCorrectionService } from "./fault-correction.service";
import { taskLifecycleService } from "./task-lifecycle.service";

export const BoardTaskConnection = ConnectionType(BoardTask);

@Resolver(() => BoardTask)
export class BoardResolver {
  @Authorized()
  @Query(() => BoardTaskConnection, { description: "一榜双令 任务榜: the public board, readable by every signed-in user." })
  taskBoard(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => TaskBoardFilter, { nullable: true }) filter?: TaskBoardFilter,
    @Arg("orderBy", () => TaskBoardOrderEnum, { nullable: true, defaultValue: "DUE_AT_ASC" }) orderBy?: TaskBoardOrder,
  ) {
    return boardQueryService.taskBoard(ctx, args, filter ?? {}, orderBy);
  }

  @Authorized()
  @Query(() => BoardTask, { description: "One board task; NOT_FOUND when there is none." })
  task(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<BoardTask> {
    return boardQueryService.task(ctx, id);
  }

  @Authorized()
  @Query(() => BoardTaskConnection, { description: "Tasks the caller claimed (held now or finished), soonest due first." })
  myTasks(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return boardQueryService.myTasks(ctx, args);
  }

  @Authorized()
  @Query(() => BoardStats, { description: "The board's figures, whole and per category." })
  boardStats(@Ctx() ctx: RequestContext, @Arg("filter", () => BoardStatsFilter, { nullable: true }) filter?: BoardStatsFilter): Promise<BoardStats> {
    return boardQueryService.stats(ctx, filter ?? {});
  }

  @Authorized("ADMIN", "CADRE")
  @Query(() => CadreRecord, { description: "A cadre's record on the board (ADMIN: anyone's; CADRE: their own)." })
  cadreRecord(@Ctx() ctx: RequestContext, @Arg("cadreId", () => ID) cadreId: string): Promise<CadreRecord> {
    return boardQueryService.cadreRecord(ctx, cadreId);
  }

  @Remit("publishTask")
  @Mutation(() => BoardTask, { description: described("publishTask", "Publish an OPEN task on the board.") })
  publishTask(@Ctx() ctx: RequestContext, @Arg("input") input: PublishTaskInput): Promise<BoardTask> {
    return taskLifecycleService.publish(ctx, input);
  }

  @Remit("claimTask")
  @Mutation(() => BoardTask, {
    description: described("claimTask", "揭榜认领: first come first served. Another holder answers TASK_ALREADY_CLAIMED (extensions.claimantId, claimantName); " +
      "claiming a task you hold returns it unchanged; past the claim limit TASK_LIMIT_REACHED."),
  })
  claimTask(@Ctx() ctx: RequestContext, @Arg("input") input: ClaimTaskInput): Promise<BoardTask> {
    return taskLifecycleService.claim(ctx, input);
  }

  @Remit("releaseTask")
  @Mutation(() => BoardTask, { description: described("releaseTask", "The claimant gives a CLAIMED task back to OPEN, with a reason.") })
  releaseTask(@Ctx() ctx: RequestContext, @Arg("input") input: ReleaseTaskInput): Promise<BoardTask> {
    return taskLifecycleService.release(ctx, input);
  }

  @Remit("reportTaskProgress")
  @Mutation(() => BoardTask, { description: described("reportTaskProgress", "The claimant reports progress on a CLAIMED task.") })
  reportTaskProgress(@Ctx() ctx: RequestContext, @Arg("input") input: ReportTaskProgressInput): Promise<BoardTask> {
    return taskLifecycleService.reportProgress(ctx, input);
  }

  @Remit("submitTask")
  @Mutation(() => BoardTask, { description: described("submitTask", "The claimant submits a CLAIMED task for verification.") })
  submitTask(@Ctx() ctx: RequestContext, @Arg("input") input: SubmitTaskInput): Promise<BoardTask> {
    return taskLifecycleService.submit(ctx, input);
  }

  @Remit("verifyTask")
  @Mutation(() => BoardTask, { description: described("verifyTask", "Verify a SUBMITTED task: FULFILLED or FAILED.") })
  verifyTask(@Ctx() ctx: RequestContext, @Arg("input") input: VerifyTaskInput): Promise<BoardTask> {
    return taskLifecycleService.verify(ctx, input);
  }

  @Remit("sendBackTask")
  @Mutation(() => BoardTask, { description: described("sendBackTask", "Send a SUBMITTED task back to its claimant: it returns to CLAIMED with the comment.") })
  sendBackTask(@Ctx() ctx: RequestContext, @Arg("input") input: SendBackTaskInput): Promise<BoardTask> {
    return taskLifecycleService.sendBack(ctx, input);
  }

  @Remit("withdrawTask")
  @Mutation(() => BoardTask, { description: described("withdrawTask", "Withdraw an OPEN task.") })
  withdrawTask(@Ctx() ctx: RequestContext, @Arg("input") input: WithdrawTaskInput): Promise<BoardTask> {
    return taskLifecycleService.withdraw(ctx, input);
  }

  @Remit("reviewFaultTolerance")
  @Mutation(() => FaultToleranceReview, {
    description: described("reviewFaultTolerance",
      "容错 review (六看) of a FAILED board task (its claimant judged) or of an approval decision made under 容缺 that the enterprise later broke (the approving cadre judged); " +
      `once per subject (CONFLICT on a second). ${FAULT_TOLERANCE_DECIDING} It may order a correction (纠错) with an owner and a due date.`),
  })
  reviewFaultTolerance(@Ctx() ctx: RequestContext, @Arg("input") input: ReviewFaultToleranceInput): Promise<FaultToleranceReview> {
    return faultToleranceService.review(ctx, input);
  }

  @Subscription(() => TaskBoardChange, {
    description: "The live board: every publish, claim, release, progress report, submission, send-back, verification, withdrawal and fault-tolerance review, " +
      "after it commits, to subscribers whose filter matches. Signed-in users only; an ENTERPRISE user may filter only by a project of their own.",
    subscribe: ({ args, context }) => boardEvents.subscribe(context as RequestContext, (args as { filter?: TaskBoardChangedFilter }).filter),
  })
  taskBoardChanged(
    @Root() payload: BoardEventPayload,
    @Ctx() ctx: RequestContext,
    @Arg("filter", () => TaskBoardChangedFilter, { nullable: true }) _filter?: TaskBoardChangedFilter,
  ): Promise<TaskBoardChange> {
    return boardEvents.resolve(ctx, payload);
  }

  @FieldResolver(() => Project, { nullable: true, description: "The project served; null when none or not visible to the caller." })
  project(@Root() task: BoardTask, @Ctx() ctx: RequestContext): Promise<Project | null> {
    return boardLoaders.project(ctx, task);
  }

  @FieldResolver(() => User)
  publishedBy(@Root() task: BoardTask, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, task.publishedById);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who holds (or last held to the end) the task." })
  claimant(@Root() task: BoardTask, @Ctx() ctx: RequestContext): User | null | Promise<User | null> {
    return boardLoaders.claimant(ctx, task);
  }

  @FieldResolver(() => User, { nullable: true })
  verifiedBy(@Root() task: BoardTask, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, task.verifiedById);
  }

  @FieldResolver(() => [BoardTaskEvent], { description: "Every transition and progress report, oldest first." })
  timeline(@Root() task: BoardTask, @Ctx() ctx: RequestContext): Promise<BoardTaskEvent[]> {
    return boardLoaders.timeline(ctx, task.id);
  }

  @FieldResolver(() => FaultToleranceReview, { nullable: true, description: "容错 review, for a FAILED task that has one." })
  faultToleranceReview(@Root() task: BoardTask, @Ctx() ctx: RequestContext): Promise<FaultToleranceReview | null> {
    return boardLoaders.review(ctx, task.id);
  }

  @FieldResolver(() => Boolean, { description: "CLAIMED or SUBMITTED and past the due time." })
  overdue(@Root() task: BoardTask, @Ctx() ctx: RequestContext): boolean {
    return boardQueryService.isOverdue(ctx, task);
  }
}

@Resolver(() => BoardTaskEvent)
export class BoardTaskEventResolver {
  @FieldResolver(() => User)
  actor(@Root() event: BoardTaskEvent, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, event.actorId);
  }
}

@Resolver(() => FaultToleranceReview)
export class FaultToleranceReviewResolver {
  @FieldResolver(() => [FaultAssessment], { description: "The six assessments, in 六看 order." })
  assessments(@Root() review: FaultToleranceReview): FaultAssessment[] {
    return assessmentsOf(review);
  }

  @FieldResolver(() => FaultReviewSubjectKindEnum, { description: "What was reviewed: a board task or an approval decision." })
  subjectKind(@Root() review: FaultToleranceReview): FaultReviewSubjectKind {
    return subjectKindOf(review);
  }

  @FieldResolver(() => BoardTask, { nullable: true, description: "The FAILED board task reviewed (subject BOARD_TASK); null otherwise." })
  task(@Root() review: FaultToleranceReview, @Ctx() ctx: RequestContext): Promise<BoardTask | null> {
    return boardLoaders.task(ctx, review.taskId);
  }

  @FieldResolver(() => FaultCorrection, { nullable: true, description: "纠错: the correction the review ordered; null when none, or when the caller is neither ADMIN nor its owner." })
  correction(@Root() review: FaultToleranceReview, @Ctx() ctx: RequestContext): Promise<FaultCorrection | null> {
    return faultCorrectionService.forReview(ctx, review.id);
  }

  @FieldResolver(() => User, { description: "The cadre judged: the claimant of the failed task, or the cadre who approved the item." })
  cadre(@Root() review: FaultToleranceReview, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, review.cadreId);
  }

  @FieldResolver(() => User)
  reviewer(@Root() review: FaultToleranceReview, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, review.reviewerId);
  }
}
