import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { insertUnique } from "../../core/unique";
import { badInput, conflict, notFound } from "../../core/errors";
import { BoardTask } from "./board-task.entity";
import type { ReviewFaultToleranceInput } from "./board.inputs";
import { readCurrentTask, recordTaskEvent } from "./task-lifecycle.service";
import { FAULT_ASPECTS, FaultToleranceReview, aspectColumn, decideFaultTolerance, type FaultAspect } from "./fault-tolerance.entity";

/** 容错: the reform office judges a FAILED task's claimant by 六看, once per task. */
export class FaultToleranceService {
  /**
   * Records the review of a FAILED task: each of the six aspects exactly once; the decision
   * follows decideFaultTolerance (a given decision must agree with it). A task not FAILED
   * answers CONFLICT; a second review of the same task answers CONFLICT.
   */
  async review(ctx: RequestContext, input: ReviewFaultToleranceInput): Promise<FaultToleranceReview> {
    const favourable = {} as Record<FaultAspect, boolean>;
    const notes = {} as Record<FaultAspect, string>;
    for (const assessment of input.assessments) {
      if (assessment.aspect in favourable) throw badInput("assessments", `${assessment.aspect} is assessed twice; give each of the six once`);
      favourable[assessment.aspect] = assessment.favourable;
      notes[assessment.aspect] = assessment.note;
    }
    const missing = FAULT_ASPECTS.filter((aspect) => !(aspect in favourable));
    if (missing.length) throw badInput("assessments", `Missing assessments: ${missing.join(", ")}`);
    const decision = decideFaultTolerance(favourable);
    if (input.decision && input.decision !== decision) {
      throw badInput("decision", `The rule decides ${decision} for these assessments, not ${input.decision}`);
    }
    return ctx.transaction(async (tx) => {
      const task = await tx.repo(BoardTask).findOneBy({ id: input.taskId });
      if (!task) throw notFound("BoardTask", input.taskId);
      if (task.status !== "FAILED") throw conflict(`Only a FAILED task is reviewed; this one is ${task.status}`, { status: task.status });
      const fields: Record<string, unknown> = {};
      for (const aspect of FAULT_ASPECTS) {
        fields[`${aspectColumn(aspect)}Favourable`] = favourable[aspect];
        fields[`${aspectColumn(aspect)}Note`] = notes[aspect];
      }
      const review = tx.repo(FaultToleranceReview).create({
        ...fields,
        taskId: task.id,
        cadreId: task.claimantId!,
        reviewerId: tx.requireUser().id,
        decision,
        reviewedAt: tx.clock.now(),
      } as Partial<FaultToleranceReview>);
      await insertUnique(() => tx.repo(FaultToleranceReview).insert(review), "This task has been reviewed already");
      const bumped = await tx
        .repo(BoardTask)
        .createQueryBuilder()
        .update(BoardTask)
        .set({ revision: () => "revision + 1" } as never)
        .where("id = :id AND status = 'FAILED'", { id: task.id })
        .execute();
      if (!bumped.affected) throw conflict("The task changed meanwhile", { status: (await readCurrentTask(tx, task.id))?.status });
      await recordAudit(tx, { action: "faultToleranceReview.create", entityType: "FaultToleranceReview", entityId: review.id, after: review });
      const after = (await tx.repo(BoardTask).findOneBy({ id: task.id }))!;
      await recordTaskEvent(tx, task, after, "REVIEWED", `${decision}`);
      return review;
    });
  }
}

export const faultToleranceService = new FaultToleranceService();
