import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { conflict, notFound, zhLabel } from "../../core/errors";
import { findVisibleProject } from "../projects/project-access";
import { policyService } from "../policy/policy.service";
import { insertUnique } from "../../core/unique";
import { resolveOn } from "./instep-common";
import type { CommissionSurveyInput, RecordSurveyResultInput } from "./instep.inputs";
import { SurveyCommission, SurveyResult } from "./survey.entity";

/**
 * 多测合一: one commission per project and stage (一次委托, enforced by a unique key), one
 * shared result per commission (成果共享) that every approval item of that stage may cite.
 */
export class SurveyService {
  commission(ctx: RequestContext, input: CommissionSurveyInput): Promise<SurveyCommission> {
    return idempotent(ctx, "commissionSurvey", SurveyCommission, input, (tx) => this.commissionOnce(tx, input));
  }

  private async commissionOnce(ctx: RequestContext, input: CommissionSurveyInput): Promise<SurveyCommission> {
    const on = resolveOn(ctx, input.on);
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "commissionSurvey", { projectId: project.id, enterpriseId: project.enterpriseId, duty: "SURVEY" });
      const repo = tx.repo(SurveyCommission);
      const commission = repo.create({
        projectId: input.projectId,
        stage: input.stage,
        surveyor: input.surveyor,
        commissionedOn: on,
        commissionedById: tx.user?.id ?? null,
      });
      await insertUnique(() => repo.insert(commission), { en: `The project already has a ${input.stage} survey commission: surveys are commissioned once and shared`, zh: `本项目已有“${zhLabel("SurveyStage", input.stage)}”测绘委托：多测合一，一次委托、成果共享` }, "stage");
      await recordAudit(tx, { action: "survey.commission", entityType: "SurveyCommission", entityId: commission.id, after: commission });
      return repo.findOneByOrFail({ id: commission.id });
    });
  }

  recordResult(ctx: RequestContext, input: RecordSurveyResultInput): Promise<SurveyResult> {
    return idempotent(ctx, "recordSurveyResult", SurveyResult, input, (tx) => this.recordResultOnce(tx, input));
  }

  private async recordResultOnce(ctx: RequestContext, input: RecordSurveyResultInput): Promise<SurveyResult> {
    const on = resolveOn(ctx, input.on);
    return ctx.transaction(async (tx) => {
      const commission = await tx.repo(SurveyCommission).findOneBy({ id: input.commissionId });
      if (!commission) throw notFound("SurveyCommission", input.commissionId);
      const project = await findVisibleProject(tx, commission.projectId, { entity: "SurveyCommission", id: commission.id });
      await policyService.authorize(tx, "recordSurveyResult", { projectId: project.id, enterpriseId: project.enterpriseId, duty: "SURVEY" });
      const repo = tx.repo(SurveyResult);
      if (on < commission.commissionedOn) throw conflict(`The result cannot be delivered before the commission (${commission.commissionedOn})`, `测绘成果的提交日期不能早于委托日期（${commission.commissionedOn}）`, { field: "on" });
      const result = repo.create({
        commissionId: commission.id,
        projectId: commission.projectId,
        stage: commission.stage,
        reference: input.reference,
        summary: input.summary ?? null,
        deliveredOn: on,
      });
      await insertUnique(() => repo.insert(result), { en: "This commission's result is already recorded", zh: "该测绘委托的成果已登记" });
      await recordAudit(tx, { action: "survey.result", entityType: "SurveyResult", entityId: result.id, after: result });
      return repo.findOneByOrFail({ id: result.id });
    });
  }

  async commissions(ctx: RequestContext, projectId: string): Promise<SurveyCommission[]> {
    return ctx.repo(SurveyCommission).find({ where: { projectId }, order: { stage: "DESC" } });
  }
}

export const surveyService = new SurveyService();
