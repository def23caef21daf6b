import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { districtDate } from "../../core/dates";
import { raise } from "../../core/domain-events";
import { insertUnique } from "../../core/unique";
import { badInput, conflict, notFound, zhLabel } from "../../core/errors";
import { BoardTask } from "./board-task.entity";
import type { ReviewFaultToleranceInput } from "./board.inputs";
import { readCurrentTask, recordTaskEvent } from "./task-lifecycle.service";
import { faultCorrectionService } from "./fault-correction.service";
import {
  FAULT_ASPECTS, FaultToleranceReview, aspectColumn, decideFaultTolerance, subjectKindOf, type FaultAspect, type FaultDecision,
} from "./fault-tolerance.entity";

declare module "../../core/domain-events" {
  interface DomainEventMap {
    /**
     * A 容错 review of an approval decision is about to be recorded. The module that owns approvals
     * (above the board) checks that the item qualifies, refusing otherwise (CONFLICT naming what is
     * missing, NOT_FOUND), and names the cadre who decided it through `judge`.
     */
    "faultToleranceReview.judgingApprovalDecision": { approvalItemId: string; judge(cadreId: string): void };
  }
}

/** The six assessments as given: each aspect exactly once (BAD_USER_INPUT otherwise). */
function readAssessments(input: ReviewFaultToleranceInput): { favourable: Record<FaultAspect, boolean>; notes: Record<FaultAspect, string> } {
  const favourable = {} as Record<FaultAspect, boolean>;
  const notes = {} as Record<FaultAspect, string>;
  for (const assessment of input.assessments) {
    if (assessment.aspect in favourable) throw badInput("assessments", `${assessment.aspect} is assessed twice; give each of the six once`, `“${zhLabel("FaultAspect", assessment.aspect)}”评估了两次；“六看”每项只评估一次`);
    favourable[assessment.aspect] = assessment.favourable;
    notes[assessment.aspect] = assessment.note;
  }
  const missing = FAULT_ASPECTS.filter((aspect) => !(aspect in favourable));
  if (missing.length) throw badInput("assessments", `Missing assessments: ${missing.join(", ")}`, `“六看”评估不全，缺少：${missing.map((aspect) => zhLabel("FaultAspect", aspect)).join("、")}`);
  return { favourable, notes };
}

/**
 * 容错: the reform office judges a cadre by 六看, once per subject: a FAILED board task (its
 * claimant) or an approval decision made under 容缺 that the enterprise later broke (the cadre who
 * approved it). The rule suggests, the reviewer decides with a written reason, and a departure from
 * the suggestion says why. A review may order a correction (纠错).
 */
export class FaultToleranceService {
  /**
   * Records a review: exactly one subject (BAD_USER_INPUT taskId otherwise); each of the six aspects
   * exactly once; `suggestedDecision` = decideFaultTolerance; `decision` the reviewer's, with a
   * departureReason when it differs from the suggestion (BAD_USER_INPUT departureReason otherwise, and
   * when there is nothing to depart from). A task not FAILED, an approval item that does not qualify
   * and a subject reviewed already answer CONFLICT. A correction's owner must be an active cadre and
   * its due date today or later (BAD_USER_INPUT). All in one transaction: a refusal writes nothing.
   */
  review(ctx: RequestContext, input: ReviewFaultToleranceInput): Promise<FaultToleranceReview> {
    return idempotent(ctx, "reviewFaultTolerance", FaultToleranceReview, input, (tx) => this.reviewOnce(tx, input));
  }

  private async reviewOnce(ctx: RequestContext, input: ReviewFaultToleranceInput): Promise<FaultToleranceReview> {
    const taskId = input.taskId ?? null;
    const approvalItemId = input.approvalItemId ?? null;
    if ((taskId === null) === (approvalItemId === null)) {
      throw badInput("taskId", "Give exactly one subject: taskId (a FAILED board task) or approvalItemId (an approval decision made under 容缺)", "请只指定一个审查对象：未完成的任务榜任务（taskId），或容缺情形下作出的审批决定（approvalItemId）");
    }
    const { favourable, notes } = readAssessments(input);
    const suggestedDecision = decideFaultTolerance(favourable);
    const departureReason = input.departureReason ?? null;
    if (input.decision !== suggestedDecision && departureReason === null) {
      throw badInput("departureReason", `The rule suggests ${suggestedDecision} for these assessments; deciding ${input.decision} needs a departureReason saying why`, `按“六看”评估结果，规则建议“${zhLabel("FaultDecision", suggestedDecision)}”；作出“${zhLabel("FaultDecision", input.decision)}”的决定须填写不采纳建议的理由`);
    }
    if (input.decision === suggestedDecision && departureReason !== null) {
      throw badInput("departureReason", `The decision ${input.decision} follows the rule's suggestion: there is no departure to explain`, `“${zhLabel("FaultDecision", input.decision)}”与规则建议一致，无需填写不采纳建议的理由`);
    }
    if (input.correction && input.correction.dueOn < districtDate(ctx.clock.now())) {
      throw badInput("correction.dueOn", `A correction cannot be due in the past (today is ${districtDate(ctx.clock.now())})`, `纠错期限不能早于今天（今天是 ${districtDate(ctx.clock.now())}）`);
    }
    return ctx.transaction(async (tx) => {
      const task = taskId ? await this.failedTask(tx, taskId) : null;
      const cadreId = task ? task.claimantId! : await this.approvingCadre(tx, approvalItemId!);
      const fields: Record<string, unknown> = {};
      for (const aspect of FAULT_ASPECTS) {
        fields[`${aspectColumn(aspect)}Favourable`] = favourable[aspect];
        fields[`${aspectColumn(aspect)}Note`] = notes[aspect];
      }
      const review = tx.repo(FaultToleranceReview).create({
        ...fields,
        taskId,
        approvalItemId,
        cadreId,
        reviewerId: tx.requireUser().id,
        suggestedDecision,
        decision: input.decision as FaultDecision,
        reason: input.reason,
        departureReason,
        reviewedAt: tx.clock.now(),
      } as Partial<FaultToleranceReview>);
      const subject = task ? "task" : "approval decision";
      await insertUnique(() => tx.repo(FaultToleranceReview).insert(review), { en: `This ${subject} has been reviewed already`, zh: `该${task ? "任务" : "审批决定"}已作过容错审查` }, task ? "taskId" : "approvalItemId");
      await recordAudit(tx, { action: "faultToleranceReview.create", entityType: "FaultToleranceReview", entityId: review.id, after: { ...review, subjectKind: subjectKindOf(review) } });
      if (input.correction) await faultCorrectionService.order(tx, review, input.correction);
      if (task) await this.recordOnTimeline(tx, task, input.decision);
      return review;
    });
  }

  /** The task under review: it must exist and be FAILED (CONFLICT with its status otherwise). */
  private async failedTask(tx: RequestContext, taskId: string): Promise<BoardTask> {
    const task = await tx.repo(BoardTask).findOneBy({ id: taskId });
    if (!task) throw notFound("BoardTask", taskId);
    if (task.status !== "FAILED") throw conflict(`Only a FAILED task is reviewed; this one is ${task.status}`, `只有“${zhLabel("TaskStatus", "FAILED")}”的任务才作容错审查，该任务当前为“${zhLabel("TaskStatus", task.status)}”`, { status: task.status });
    return task;
  }

  /** The cadre who approved the item, named by the approvals module once it found the item qualifies. */
  private async approvingCadre(tx: RequestContext, approvalItemId: string): Promise<string> {
    let cadreId: string | null = null;
    await raise(tx, "faultToleranceReview.judgingApprovalDecision", { approvalItemId, judge: (id) => void (cadreId = id) });
    if (cadreId === null) throw new Error("No module judged the approval decision (is the instep module loaded?)");
    return cadreId;
  }

  /** The review on the task's timeline (REVIEWED, note: the decision), by a conditional bump of a still-FAILED task. */
  private async recordOnTimeline(tx: RequestContext, task: BoardTask, decision: string): Promise<void> {
    const bumped = await tx
      .repo(BoardTask)
      .createQueryBuilder()
      .update(BoardTask)
      .set({ revision: () => "revision + 1" } as never)
      .where("id = :id AND status = 'FAILED'", { id: task.id })
      .execute();
    if (!bumped.affected) throw conflict("The task changed meanwhile", "任务刚刚已被他人修改，请刷新后重试", { status: (await readCurrentTask(tx, task.id))?.status });
    const after = (await tx.repo(BoardTask).findOneBy({ id: task.id }))!;
    await recordTaskEvent(tx, task, after, "REVIEWED", decision);
  }
}

export const faultToleranceService = new FaultToleranceService();
