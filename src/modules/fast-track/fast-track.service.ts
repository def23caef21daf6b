import { idempotent } from "../../core/idempotency";
import { In, Not } from "typeorm";
import { recordAudit } from "../../core/audit";
import { raise } from "../../core/domain-events";
import type { RequestContext } from "../../core/context";
import { addDays, districtDate } from "../../core/dates";
import { AppError, badInput, conflict, zhLabel } from "../../core/errors";
import { facilitationRestriction } from "../credit/credit-gate";
import { fastTrackActionFrom } from "../projects/project-actions";
import { findVisibleProject } from "../projects/project-access";
import { Project, type FastTrackStatus } from "../projects/project.entity";
import { policyService } from "../policy/policy.service";
import { catalogService } from "./catalog.service";
import { DeferrableItem } from "./deferrable-item.entity";
import { DeferredItem } from "./deferred-item.entity";
import type { ApplyFastTrackInput, FastTrackApplicationDecisionInput } from "./fast-track.inputs";

declare module "../../core/domain-events" {
  interface DomainEventMap {
    /** A project is about to return to NOT_APPLIED (withdrawn, refused, REAPPLY). */
    "fastTrack.reopening": { project: Project; reason: string };
    /** Deferred items not supplied are about to be deleted with their application. */
    "deferredItems.removing": { ids: string[]; reason: string };
  }
}

/**
 * 双容双诺, one governed path: 企业自愿 (the enterprise applies, or withdraws), 非禁即可 and credit
 * (承诺前审核, at application), 承诺准入 (ADMITTED only when both parties have signed the letter;
 * see admit, called by the letter's second signature).
 */
export class FastTrackService {
  /**
   * 承诺前审核: applies for the fast track. Refused with CONFLICT unless the project is NOT_APPLIED
   * (APPLIED or ADMITTED: it is on the path already; SUSPENDED: under a stop-work order; EXITED:
   * it left the fast track for good), with NEGATIVE_LIST (and the reason) when its industry is on
   * the negative list, with CREDIT_RESTRICTED when the enterprise is under FACILITATION_RESTRICTED
   * or a harsher measure. Otherwise the project is APPLIED, not admitted: the commitment letter is
   * drafted next and admission follows both signatures. Each declared deferral becomes a PENDING
   * DeferredItem promised not before today and at most DEFERRAL_MAX_DAYS ahead (an item the project
   * already supplied under an earlier application is BAD_USER_INPUT). A refusal writes nothing.
   */
  apply(ctx: RequestContext, input: ApplyFastTrackInput): Promise<Project> {
    return idempotent(ctx, "applyFastTrack", Project, input, (tx) => this.applyOnce(tx, input));
  }

  private async applyOnce(ctx: RequestContext, input: ApplyFastTrackInput): Promise<Project> {
    const now = ctx.clock.now();
    const today = districtDate(now);
    const latest = addDays(today, ctx.app.config.deferralMaxDays);
    const seen = new Set<string>();
    input.deferredItems.forEach((d, i) => {
      if (seen.has(d.itemCode)) throw badInput(`deferredItems.${i}.itemCode`, `${d.itemCode} is listed twice`, `容缺事项 ${d.itemCode} 填写了两次`);
      seen.add(d.itemCode);
      if (d.promisedBy < today) throw badInput(`deferredItems.${i}.promisedBy`, `The promised date ${d.promisedBy} is in the past`, `容缺材料第 ${i + 1} 项的承诺补交日期（${d.promisedBy}）已经过去`);
      if (d.promisedBy > latest) {
        throw badInput(`deferredItems.${i}.promisedBy`, `The promised date may be at most ${ctx.app.config.deferralMaxDays} days ahead (${latest})`, `容缺材料第 ${i + 1} 项的承诺补交日期最迟为 ${ctx.app.config.deferralMaxDays} 天后（${latest}）`);
      }
    });
    return ctx.transaction(async (tx) => {
      const before = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "applyFastTrack", { projectId: before.id, enterpriseId: before.enterpriseId });
      if (before.fastTrackStatus !== fastTrackActionFrom("APPLY_FAST_TRACK")) throw notApplicable(before);
      const listed = await catalogService.negativeListMatch(tx, before.industry);
      if (listed) {
        throw new AppError("NEGATIVE_LIST", `Industry ${before.industry} is on the negative list (${listed.category}): ${listed.reason}`, `项目所属行业 ${before.industry} 在负面清单内（${listed.category}）：${listed.reason}；不能适用快速通道`, {
          reason: listed.reason,
          industryCode: listed.industryCode,
          category: listed.category,
        });
      }
      const restriction = await facilitationRestriction(tx, before.enterpriseId);
      if (restriction) {
        throw new AppError(
          "CREDIT_RESTRICTED",
          `The enterprise is under the credit measure ${restriction.measure} and may not use the fast track`,
          `企业正受“${zhLabel("CreditMeasure", restriction.measure)}”信用惩戒措施限制，不能适用快速通道（信用修复后方可申请）`,
          { measure: restriction.measure },
        );
      }
      const codes = input.deferredItems.map((d) => d.itemCode);
      const catalog = codes.length ? await tx.repo(DeferrableItem).findBy({ code: In(codes), active: true }) : [];
      const byCode = new Map(catalog.map((c) => [c.code, c]));
      input.deferredItems.forEach((d, i) => {
        if (!byCode.has(d.itemCode)) throw badInput(`deferredItems.${i}.itemCode`, `${d.itemCode} is not an active deferrable item`, `${d.itemCode} 不是现行容缺事项目录中的事项`);
      });
      const kept = catalog.length
        ? new Set((await tx.repo(DeferredItem).findBy({ projectId: before.id, deferrableItemId: In(catalog.map((c) => c.id)) })).map((d) => d.deferrableItemId))
        : new Set<string>();
      input.deferredItems.forEach((d, i) => {
        if (kept.has(byCode.get(d.itemCode)!.id)) throw badInput(`deferredItems.${i}.itemCode`, `${d.itemCode} was already supplied for project ${before.code}`, `项目 ${before.code} 的容缺材料 ${d.itemCode} 已经补交`);
      });

      const applied = await tx.repo(Project).update({ id: before.id, fastTrackStatus: "NOT_APPLIED" }, { fastTrackStatus: "APPLIED" });
      if (!applied.affected) throw notApplicable(await tx.repo(Project).findOneByOrFail({ id: before.id }));
      const after = await tx.repo(Project).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: "project.applyFastTrack", entityType: "Project", entityId: before.id, before, after });
      for (const d of input.deferredItems) {
        const item = tx.repo(DeferredItem).create({
          projectId: before.id,
          deferrableItemId: byCode.get(d.itemCode)!.id,
          promisedBy: d.promisedBy,
          status: "PENDING",
          suppliedOn: null,
          suppliedById: null,
          overdueAt: null,
          createdAt: now,
        });
        await tx.repo(DeferredItem).insert(item);
        await recordAudit(tx, { action: "deferredItem.create", entityType: "DeferredItem", entityId: item.id, after: { ...item, itemCode: d.itemCode } });
      }
      return after;
    });
  }

  /**
   * 承诺准入: the letter's second signature admits an APPLIED project (who signed last, and when).
   * Runs in the signature's transaction; a project in any other state is left as it is (an
   * amendment signed for an ADMITTED project changes nothing here). Returns whether it admitted.
   */
  async admit(tx: RequestContext, projectId: string, signerId: string, letterId: string): Promise<boolean> {
    const before = await tx.repo(Project).findOneByOrFail({ id: projectId });
    if (before.fastTrackStatus !== "APPLIED") return false;
    const admitted = await tx.repo(Project).update(
      { id: projectId, fastTrackStatus: "APPLIED" },
      { fastTrackStatus: "ADMITTED", fastTrackAdmittedAt: tx.clock.now(), fastTrackAdmittedById: signerId },
    );
    if (!admitted.affected) return false;
    const after = await tx.repo(Project).findOneByOrFail({ id: projectId });
    await recordAudit(tx, { action: "project.admitFastTrack", entityType: "Project", entityId: projectId, before, after: { ...after, letterId } });
    return true;
  }

  /**
   * 企业自愿: the enterprise (or ADMIN for it) withdraws an APPLIED application before both parties
   * signed. INVALID_TRANSITION from any other state. See reopen for what it undoes.
   */
  withdraw(ctx: RequestContext, input: FastTrackApplicationDecisionInput): Promise<Project> {
    return this.endApplication(ctx, input, "withdrawFastTrackApplication", "project.withdrawFastTrack");
  }

  /** 承诺前审核: the reform office refuses an APPLIED application. INVALID_TRANSITION from any other state. */
  refuse(ctx: RequestContext, input: FastTrackApplicationDecisionInput): Promise<Project> {
    return this.endApplication(ctx, input, "refuseFastTrackApplication", "project.refuseFastTrack");
  }

  private endApplication(
    ctx: RequestContext,
    input: FastTrackApplicationDecisionInput,
    remit: "withdrawFastTrackApplication" | "refuseFastTrackApplication",
    action: string,
  ): Promise<Project> {
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, remit, { projectId: project.id, enterpriseId: project.enterpriseId });
      if (project.fastTrackStatus !== fastTrackActionFrom(remit === "withdrawFastTrackApplication" ? "WITHDRAW_FAST_TRACK_APPLICATION" : "REFUSE_FAST_TRACK_APPLICATION")) {
        throw new AppError(
          "INVALID_TRANSITION",
          `Project ${project.code}'s fast track is ${project.fastTrackStatus}: only an APPLIED application (before both parties sign the letter) can be withdrawn or refused`,
          `项目 ${project.code} 的快速通道状态为“${zhLabel("FastTrackStatus", project.fastTrackStatus)}”：只有“${zhLabel("FastTrackStatus", "APPLIED")}”（双方签署承诺书之前）的申请才能撤回或不予准入`,
          { from: project.fastTrackStatus, to: "NOT_APPLIED" },
        );
      }
      return this.reopen(tx, project.id, input.reason, action);
    });
  }

  /**
   * Returns a project to NOT_APPLIED so that it can apply again: a withdrawn or refused application,
   * or the circuit breaker's REAPPLY. Runs in the caller's transaction (the caller checked who may
   * and from which state). Clears the admission (who, when); DRAFT letters become WITHDRAWN; the
   * project's deferred items not SUPPLIED are deleted (each audited with its before state; clauses
   * of withdrawn or terminated letters that named them keep their text and lose the link), so a new
   * application can declare them again; supplied ones stay. A SIGNED letter still in force is the
   * caller's business (the breaker terminates it first): CONFLICT while one remains. The project's
   * change is audited under `action`, with the reason. CONFLICT when the project's state changed
   * under the caller (a conditional UPDATE from the state it read).
   */
  async reopen(tx: RequestContext, projectId: string, reason: string, action: string): Promise<Project> {
    const before = await tx.repo(Project).findOneByOrFail({ id: projectId });
    // the letters first (commitments reacts: no signed letter in force, drafts WITHDRAWN): a
    // signature locks the letter before the project, and so does this
    await raise(tx, "fastTrack.reopening", { project: before, reason });
    const reopened = await tx.repo(Project).update(
      { id: projectId, fastTrackStatus: before.fastTrackStatus },
      { fastTrackStatus: "NOT_APPLIED", fastTrackAdmittedAt: null, fastTrackAdmittedById: null },
    );
    if (!reopened.affected) throw conflict(`Project ${before.code}'s fast track changed meanwhile; read it again`, `项目 ${before.code} 的快速通道状态刚刚发生了变化，请刷新后重试`);
    const after = await tx.repo(Project).findOneByOrFail({ id: projectId });
    await recordAudit(tx, { action, entityType: "Project", entityId: projectId, before, after: { ...after, reason } });

    const pending = await tx.repo(DeferredItem).findBy({ projectId, status: Not("SUPPLIED") });
    if (pending.length) {
      const ids = pending.map((d) => d.id);
      await raise(tx, "deferredItems.removing", { ids, reason });
      // conditional: a material supplied meanwhile stays
      const deleted = await tx.repo(DeferredItem).delete({ id: In(ids), status: Not("SUPPLIED") });
      if (deleted.affected !== undefined && deleted.affected !== null && deleted.affected !== ids.length) {
        throw conflict(`A deferred material of project ${before.code} was supplied meanwhile; read it again`, `项目 ${before.code} 有容缺材料刚刚已补交，请刷新后重试`);
      }
      await recordAudit(tx, pending.map((d) => ({ action: "deferredItem.delete", entityType: "DeferredItem", entityId: d.id, before: d, after: { reason } })));
    }
    return after;
  }
}

/** CONFLICT for an application from anything but NOT_APPLIED, saying why. */
function notApplicable(project: Project): AppError {
  const why: Record<Exclude<FastTrackStatus, "NOT_APPLIED">, string> = {
    APPLIED: "has already applied; its commitment letter awaits both signatures",
    ADMITTED: "is already admitted to the fast track",
    SUSPENDED: "is suspended under a stop-work order",
    EXITED: "has exited the fast track for good",
  };
  const whyZh: Record<Exclude<FastTrackStatus, "NOT_APPLIED">, string> = {
    APPLIED: "已经申请，双向承诺书正待双方签署",
    ADMITTED: "已获快速通道承诺准入",
    SUSPENDED: "正处于责令停工整改期间",
    EXITED: "已退出快速通道",
  };
  const status = project.fastTrackStatus as Exclude<FastTrackStatus, "NOT_APPLIED">;
  return conflict(
    `Project ${project.code} ${why[status] ?? `is ${status}`}; only a project that has not applied may apply`,
    `项目 ${project.code} ${whyZh[status] ?? `当前为“${zhLabel("FastTrackStatus", status)}”`}；只有尚未申请的项目才能申请快速通道`,
    { status },
  );
}

export const fastTrackService = new FastTrackService();
