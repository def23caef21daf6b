import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { BoardTask, BoardTaskEvent } from "./board-task.entity";
import { boardEvents, type BoardEventPayload } from "./board.events";
import {
  BoardStatsFilter, ClaimTaskInput, MyTasksFilter, PublishTaskInput, ReleaseTaskInput, ReportTaskProgressInput, ReviewFaultToleranceInput,
  SendBackTaskInput, SubmitTaskInput, TaskBoardChangedFilter, TaskBoardFilter, TaskBoardOrderEnum, VerifyTaskInput, WithdrawTaskInput,
  type TaskBoardOrder,
} from "./board.inputs";
import { boardLoaders } from "./board.loaders";
import { loadUser } from "../accounts/user-loader";
import { BoardChangesPage, BoardStats, CadreRecord, TaskBoardChange } from "./board.types";
import { boardChangesService, DEFAULT_CHANGES_PAGE, MAX_CHANGES_PAGE } from "./board-changes.service";
import { boardQueryService } from "./board-query.service";
import {
  FAULT_TOLERANCE_DECIDING, FaultAssessment, FaultReviewSubjectKindEnum, FaultToleranceReview, assessmentsOf, subjectKindOf, type FaultReviewSubjectKind,
} from "./fault-tolerance.entity";
import { faultToleranceService } from "./fault-tolerance.service";
import { FaultCorrection } from "./fault-correction.entity";
import { faultCorrectionService } from "./fault-correction.service";
import { taskLifecycleService } from "./task-lifecycle.service";
import { boardCapabilities } from "./board-capabilities";
import { IdArg } from "../../core/validation";
import { selectsPath } from "../../core/selection";
import type { PageJoins } from "./board-query.service";

export const BoardTaskConnection = ConnectionType(BoardTask);

/** What a page of tasks joins into its statement for this selection (the projects' managers). */
const pageJoinsOf = (info: GraphQLResolveInfo): PageJoins => ({ projectManager: selectsPath(info, ["edges", "node", "project", "manager"]) });

@Resolver(() => BoardTask)
export class BoardResolver {
  @Authorized()
  @Query(() => BoardTaskConnection, { description: "一榜双令 任务榜: the public board, readable by every signed-in user." })
  taskBoard(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => TaskBoardFilter, { nullable: true, description: "Which tasks; every task the caller may see when omitted." }) filter?: TaskBoardFilter,
    @Arg("orderBy", () => TaskBoardOrderEnum, { nullable: true, defaultValue: "DUE_AT_ASC", description: "The order (and so the cursor's key): soonest due first by default." }) orderBy?: TaskBoardOrder,
  ) {
    return boardQueryService.taskBoard(ctx, args, filter ?? {}, orderBy, pageJoinsOf(info));
  }

  @Authorized()
  @Query(() => BoardTask, { nullable: true, description: "One board task; null, with NOT_FOUND in errors, when there is none." })
  task(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The board task." }) id: string): Promise<BoardTask> {
    return boardQueryService.task(ctx, id);
  }

  @Authorized()
  @Query(() => BoardTaskConnection, { description: "Tasks the caller claimed (held now or finished), soonest due first." })
  myTasks(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => MyTasksFilter, { nullable: true, description: "Which of the caller's tasks; all of them when omitted." }) filter?: MyTasksFilter,
  ) {
    return boardQueryService.myTasks(ctx, args, filter ?? {}, pageJoinsOf(info));
  }

  @Authorized()
  @Query(() => BoardStats, { description: "The board's figures, whole and per category." })
  boardStats(@Ctx() ctx: RequestContext, @Arg("filter", () => BoardStatsFilter, { nullable: true, description: "Which tasks the figures count; the whole board when omitted." }) filter?: BoardStatsFilter): Promise<BoardStats> {
    return boardQueryService.stats(ctx, filter ?? {});
  }

  @Authorized()
  @Query(() => Int, {
    description: "The sequence of the last board change committed. A client reads it before loading the board, then subscribes to taskBoardChanged " +
      "and, after any reconnect, catches up with boardChangesSince from the last sequence it holds.",
  })
  boardSequence(@Ctx() ctx: RequestContext): Promise<number> {
    return boardChangesService.latest(ctx);
  }

  @Authorized()
  @Query(() => BoardChangesPage, {
    description: "断线补发: the board changes after `sequence` that a client missed (while reconnecting), in sequence order, with the payload of taskBoardChanged " +
      "and the same filter and visibility. Reconnect: subscribe again first (keeping what arrives), call this from the last sequence you hold until hasMore is false, " +
      "then apply the events you kept whose sequence is above until: nothing is lost or repeated. Changes are kept BOARD_CHANGES_RETENTION_HOURS (24 by default); " +
      "from further back the answer is resetRequired: reload the board.",
  })
  boardChangesSince(
    @Ctx() ctx: RequestContext,
    @Arg("sequence", () => Int, { description: "The last sequence the client holds (0: from the start, while nothing is pruned)." }) sequence: number,
    @Arg("first", () => Int, { nullable: true, description: `Page size, ${DEFAULT_CHANGES_PAGE} when omitted, 1 to ${MAX_CHANGES_PAGE}.` }) first?: number,
    @Arg("filter", () => TaskBoardChangedFilter, { nullable: true, description: "The subscription's filter, to catch up on the same changes." }) filter?: TaskBoardChangedFilter,
  ): Promise<BoardChangesPage> {
    return boardChangesService.since(ctx, sequence, first, filter);
  }

  @Authorized("ADMIN", "CADRE")
  @Query(() => CadreRecord, { nullable: true, description: "A cadre's record on the board (ADMIN: anyone's; CADRE: their own); null, with NOT_FOUND in errors, for a user who is no cadre." })
  cadreRecord(@Ctx() ctx: RequestContext, @IdArg("cadreId", { description: "The cadre (a CADRE user) whose record to read." }) cadreId: string): Promise<CadreRecord> {
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
      "after it commits, to subscribers whose filter matches, in sequence order (each carries its sequence; boardChangesSince catches up after a reconnect). " +
      "Signed-in users only; an ENTERPRISE user may filter only by a project of their own.",
    subscribe: ({ args, context }) => boardEvents.subscribe(context as RequestContext, (args as { filter?: TaskBoardChangedFilter }).filter),
  })
  taskBoardChanged(
    @Root() payload: BoardEventPayload,
    @Ctx() ctx: RequestContext,
    @Arg("filter", () => TaskBoardChangedFilter, { nullable: true, description: "Which changes to receive; every change the caller may see when omitted." }) _filter?: TaskBoardChangedFilter,
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

  @FieldResolver(() => Boolean, {
    description: "揭榜: whether claimTask by the caller would take this task now: the caller holds the claimTask remit, the task is OPEN, and the caller holds fewer unfinished tasks than the claim limit " +
      "(me.unfinishedTaskCount < me.claimLimit; else the claim answers TASK_LIMIT_REACHED). Another cadre may still claim it first (TASK_ALREADY_CLAIMED).",
  })
  viewerCanClaim(@Root() task: BoardTask, @Ctx() ctx: RequestContext): Promise<boolean> {
    return boardCapabilities.viewerCanClaim(ctx, task);
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

@Resolver(() => Project)
export class ProjectBoardResolver {
  @FieldResolver(() => BoardTaskConnection, {
    nullable: true,
    description: "The board tasks serving the project (as taskBoard with the project fixed). Null only with its error in errors (a filter projectId other than this project's: BAD_USER_INPUT), so that the rest of a project page stands.",
  })
  boardTasks(
    @Root() project: Project,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => TaskBoardFilter, { nullable: true, description: "Narrows the project's tasks; its projectId, if given, must be this project's." }) filter?: TaskBoardFilter,
    @Arg("orderBy", () => TaskBoardOrderEnum, { nullable: true, defaultValue: "DUE_AT_ASC", description: "Due time (soonest first) or publication (newest first)." }) orderBy?: TaskBoardOrder,
  ) {
    return boardQueryService.forProject(ctx, project.id, args, filter ?? {}, orderBy, pageJoinsOf(info));
  }
}

/** The board's figures of a user: what `me` tells a cadre before they claim. */
@Resolver(() => User)
export class UserBoardFieldsResolver {
  @FieldResolver(() => Int, { description: "揭榜 claim limit: the most unfinished (CLAIMED or SUBMITTED) tasks the user may hold (TASK_CLAIM_LIMIT); 0 for a user whose role claims no tasks." })
  claimLimit(@Root() user: User, @Ctx() ctx: RequestContext): number {
    return boardCapabilities.claimLimit(ctx, user);
  }

  @FieldResolver(() => Int, { description: "The unfinished (CLAIMED or SUBMITTED) tasks the user holds, as the claim limit counts them; 0 for a user whose role claims no tasks." })
  unfinishedTaskCount(@Root() user: User, @Ctx() ctx: RequestContext): Promise<number> {
    return boardCapabilities.unfinishedTaskCount(ctx, user);
  }
}
