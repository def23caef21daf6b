import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { addDays, districtDate } from "../../core/dates";
import { AppError, badInput, conflict } from "../../core/errors";
import { facilitationRestriction } from "../projects/credit-gate";
import { findVisibleProject } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { policyService } from "../policy/policy.service";
import { catalogService } from "./catalog.service";
import { DeferrableItem } from "./deferrable-item.entity";
import { DeferredItem } from "./deferred-item.entity";
import type { ApplyFastTrackInput } from "./fast-track.inputs";

/** 双容双诺 admission: 企业自愿, 非禁即可, 承诺准入. */
export class FastTrackService {
  /**
   * Admits a project on the enterprise's commitment. Refused with NEGATIVE_LIST (and the reason)
   * when its industry is on the negative list, with CREDIT_RESTRICTED when the enterprise is under
   * FACILITATION_RESTRICTED or a harsher measure, with CONFLICT when already admitted. Otherwise the
   * project is ADMITTED (who and when recorded) and each declared deferral becomes a PENDING
   * DeferredItem promised not before today and at most DEFERRAL_MAX_DAYS ahead. A refusal writes nothing.
   */
  async apply(ctx: RequestContext, input: ApplyFastTrackInput): Promise<Project> {
    const user = ctx.requireUser();
    const now = ctx.clock.now();
    const today = districtDate(now);
    const latest = addDays(today, ctx.app.config.deferralMaxDays);
    const seen = new Set<string>();
    input.deferredItems.forEach((d, i) => {
      if (seen.has(d.itemCode)) throw badInput(`deferredItems.${i}.itemCode`, `${d.itemCode} is listed twice`);
      seen.add(d.itemCode);
      if (d.promisedBy < today) throw badInput(`deferredItems.${i}.promisedBy`, `The promised date ${d.promisedBy} is in the past`);
      if (d.promisedBy > latest) {
        throw badInput(`deferredItems.${i}.promisedBy`, `The promised date may be at most ${ctx.app.config.deferralMaxDays} days ahead (${latest})`);
      }
    });
    return ctx.transaction(async (tx) => {
      const before = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "applyFastTrack", { projectId: before.id, enterpriseId: before.enterpriseId });
      if (before.fastTrackStatus === "ADMITTED") throw conflict(`Project ${before.code} is already admitted to the fast track`);
      const listed = await catalogService.negativeListMatch(tx, before.industry);
      if (listed) {
        throw new AppError("NEGATIVE_LIST", `Industry ${before.industry} is on the negative list (${listed.category}): ${listed.reason}`, {
          reason: listed.reason,
          industryCode: listed.industryCode,
          category: listed.category,
        });
      }
      const restriction = await facilitationRestriction(tx, before.enterpriseId);
      if (restriction) {
        throw new AppError("CREDIT_RESTRICTED", `The enterprise is under the credit measure ${restriction.measure} and may not use the fast track`, { measure: restriction.measure });
      }
      const codes = input.deferredItems.map((d) => d.itemCode);
      const catalog = codes.length ? await tx.repo(DeferrableItem).findBy({ code: In(codes), active: true }) : [];
      const byCode = new Map(catalog.map((c) => [c.code, c]));
      input.deferredItems.forEach((d, i) => {
        if (!byCode.has(d.itemCode)) throw badInput(`deferredItems.${i}.itemCode`, `${d.itemCode} is not an active deferrable item`);
      });

      const admitted = await tx.repo(Project).update(
        { id: before.id, fastTrackStatus: "NOT_APPLIED" },
        { fastTrackStatus: "ADMITTED", fastTrackAdmittedAt: now, fastTrackAdmittedById: user.id },
      );
      if (!admitted.affected) throw conflict(`Project ${before.code} is already admitted to the fast track`);
      const after = await tx.repo(Project).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: "project.admitFastTrack", entityType: "Project", entityId: before.id, before, after });
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
}

export const fastTrackService = new FastTrackService();
