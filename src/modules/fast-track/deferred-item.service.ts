import { whereStatus } from "../../core/status-filter";
import { In, LessThan } from "typeorm";
import { recordAudit } from "../../core/audit";
import { creditService } from "../credit/credit.service";
import type { RequestContext } from "../../core/context";
import { groupedLoader } from "../../core/loaders";
import { districtDate, endOfDistrictDay } from "../../core/dates";
import { AppError, assertTransition, badInput, invalidTransition, notFound } from "../../core/errors";
import { raise } from "../../core/domain-events";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { enterpriseScope, findVisibleProject } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { policyService } from "../policy/policy.service";
import { attachmentService } from "../files/attachment.service";
import { notify, type Cause } from "../notifications/notify";
import { noticeProject, projectPeople } from "../teams/project-people";
import { DeferrableItem } from "./deferrable-item.entity";
import { DEFERRED_ITEM_TRANSITIONS, DeferredItem } from "./deferred-item.entity";
import type { DeferredItemFilter, RecordDeferredItemSuppliedInput } from "./fast-track.inputs";

declare module "../../core/domain-events" {
  interface DomainEventMap {
    /** A deferred item was supplied or went overdue (the letter's clauses follow it). */
    "deferredItem.changed": { item: DeferredItem };
  }
}

/** 容缺 materials after admission: supplied by the promised date, or found overdue once. */
export class DeferredItemService {
  /** A deferred item whose project the caller may see (NOT_FOUND otherwise), and, for an action, within the caller's remit (FORBIDDEN). */
  async findVisible(ctx: RequestContext, id: string, remit?: "recordDeferredItemSupplied" | "markDeferredItemOverdue"): Promise<DeferredItem> {
    const item = await ctx.repo(DeferredItem).findOneBy({ id });
    if (!item) throw notFound("DeferredItem", id);
    const project = await findVisibleProject(ctx, item.projectId, { entity: "DeferredItem", id });
    if (remit) await policyService.authorize(ctx, remit, { projectId: project.id, enterpriseId: project.enterpriseId });
    return item;
  }

  /**
   * Records the material as supplied (by the project's team, who received it, or ADMIN): PENDING or OVERDUE ->
   * SUPPLIED with the date (today when omitted, never in the future) and the recorder. 先办后补 means
   * the material exists: the caller's uploads (at least one) are attached to the item in the same
   * transaction, so a refused supply leaves them unattached. Linked letter clauses become FULFILLED.
   */
  async recordSupplied(ctx: RequestContext, input: RecordDeferredItemSuppliedInput): Promise<DeferredItem> {
    const user = ctx.requireUser();
    const today = districtDate(ctx.clock.now());
    const suppliedOn = input.suppliedOn ?? today;
    if (suppliedOn > today) throw badInput("suppliedOn", `The supply date ${suppliedOn} is in the future`, `补交日期（${suppliedOn}）不能晚于今天`);
    return ctx.transaction(async (tx) => {
      const before = await this.findVisible(tx, input.deferredItemId, "recordDeferredItemSupplied");
      assertTransition(DEFERRED_ITEM_TRANSITIONS, "DeferredItem", before.status, "SUPPLIED");
      const result = await tx.repo(DeferredItem).update(
        { id: before.id, status: In(["PENDING", "OVERDUE"]) },
        { status: "SUPPLIED", suppliedOn, suppliedById: user.id },
      );
      if (!result.affected) throw invalidTransition("DeferredItem", "SUPPLIED", "SUPPLIED");
      await attachmentService.attach(tx, input.attachmentIds, { type: "DEFERRED_ITEM", id: before.id });
      const after = await tx.repo(DeferredItem).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: "deferredItem.supplied", entityType: "DeferredItem", entityId: before.id, before, after });
      await raise(tx, "deferredItem.changed", { item: after });
      return after;
    });
  }

  /**
   * Marks one PENDING item OVERDUE once its promised date has passed (NOT_YET_DUE before; a
   * SUPPLIED or already OVERDUE item answers INVALID_TRANSITION). Linked clauses become BREACHED.
   */
  async markOverdue(ctx: RequestContext, deferredItemId: string): Promise<DeferredItem> {
    const now = ctx.clock.now();
    const today = districtDate(now);
    return ctx.transaction(async (tx) => {
      const before = await this.findVisible(tx, deferredItemId, "markDeferredItemOverdue");
      assertTransition(DEFERRED_ITEM_TRANSITIONS, "DeferredItem", before.status, "OVERDUE");
      if (before.promisedBy >= today) {
        throw new AppError("NOT_YET_DUE", `The promised date ${before.promisedBy} has not passed yet`, `承诺补交日期（${before.promisedBy}）尚未过去，不能标记为逾期`, { promisedBy: before.promisedBy });
      }
      const after = await flipOverdue(tx, before, now, today);
      if (!after) {
        const current = await tx.repo(DeferredItem).findOneByOrFail({ id: before.id });
        throw invalidTransition("DeferredItem", current.status, "OVERDUE");
      }
      return after;
    });
  }

  /** Deferred items across projects, earliest promise first; an ENTERPRISE user's own enterprise's only. */
  async list(ctx: RequestContext, args: ConnectionArgs, filter: DeferredItemFilter = {}): Promise<Connection<DeferredItem>> {
    // a project the caller may not see (another enterprise's, or none) is NOT_FOUND, as everywhere
    if (filter.projectId) await findVisibleProject(ctx, filter.projectId);
    const query = ctx.repo(DeferredItem).createQueryBuilder("deferred");
    const scope = enterpriseScope(ctx);
    if (scope !== null) query.innerJoin(Project, "project", "project.id = deferred.projectId").andWhere("project.enterpriseId = :scope", { scope });
    if (filter.projectId) query.andWhere("deferred.projectId = :projectId", { projectId: filter.projectId });
    whereStatus(query, "deferred.status", filter);
    if (filter.promisedBefore) query.andWhere("deferred.promisedBy < :before", { before: filter.promisedBefore });
    return paginate(query, args, {
      name: "promised",
      direction: "ASC",
      keys: [{ column: "deferred.promisedBy", value: (d) => d.promisedBy, kind: "string" }],
      idColumn: "deferred.id",
    });
  }

  /** A project's deferred items in catalog order, through a per-request loader. */
  forProject(ctx: RequestContext, projectId: string): Promise<DeferredItem[]> {
    const load = (ids: string[]) =>
      ctx.repo(DeferredItem).createQueryBuilder("d")
        .innerJoin(DeferrableItem, "c", "c.id = d.deferrableItemId")
        .where("d.projectId IN (:...ids)", { ids })
        .orderBy("c.sortOrder", "ASC").addOrderBy("d.id", "ASC")
        .getMany();
    return groupedLoader(ctx, "deferredItem.byProject", load, (d) => d.projectId).load(projectId);
  }
}

/**
 * PENDING -> OVERDUE by a conditional UPDATE, so each item flips (and is audited, and its people
 * told: the enterprise's users, the manager and the team) exactly once.
 */
async function flipOverdue(tx: RequestContext, before: DeferredItem, now: Date, today: string): Promise<DeferredItem | null> {
  const result = await tx.repo(DeferredItem).update(
    { id: before.id, status: "PENDING", promisedBy: LessThan(today) },
    { status: "OVERDUE", overdueAt: now },
  );
  if (!result.affected) return null;
  const after = await tx.repo(DeferredItem).findOneByOrFail({ id: before.id });
  await recordAudit(tx, { action: "deferredItem.overdue", entityType: "DeferredItem", entityId: before.id, before, after });
  await raise(tx, "deferredItem.changed", { item: after });
  // 失信受限: a broken promise to supply is a breach on the enterprise, whoever noticed it
  const project = await tx.repo(Project).findOneByOrFail({ id: before.projectId });
  await creditService.recordBreach(tx, {
    enterpriseId: project.enterpriseId,
    severity: "GENERAL",
    reason: `Deferred material not supplied by the promised date ${before.promisedBy}`,
    sourceType: "DEFERRED_ITEM",
    sourceId: before.id,
  });
  await notify(tx, await deferredItemCause(tx, before, project, "DEFERRED_ITEM_OVERDUE"));
  return after;
}

/**
 * A notice of a deferred item (overdue, or due soon): its material's name and project, due at the
 * end of the promised day in the district (the next day it is overdue), for the enterprise's users
 * and the manager, and the team too once the item is overdue.
 */
export async function deferredItemCause(tx: RequestContext, item: DeferredItem, project: Project, kind: "DEFERRED_ITEM_OVERDUE" | "DEFERRED_ITEM_DUE_SOON"): Promise<Cause> {
  const people = await projectPeople(tx, project, { members: kind === "DEFERRED_ITEM_OVERDUE" });
  const catalog = await tx.repo(DeferrableItem).findOneByOrFail({ id: item.deferrableItemId });
  return {
    kind, subject: { type: "DEFERRED_ITEM", id: item.id }, projectId: project.id, recipientIds: [...people.enterpriseUserIds, people.managerId, ...people.memberIds],
    params: { subject: catalog.name, project: noticeProject(project) }, dueAt: endOfDistrictDay(item.promisedBy),
  };
}

/**
 * For the supervision sweep: every PENDING item whose promised date is before `now`'s district day
 * becomes OVERDUE, in one transaction. Each flip is a conditional UPDATE, so concurrent sweeps
 * flip (and audit) each item once between them. Returns the items this call flipped.
 */
export async function markOverdueDeferredItems(ctx: RequestContext, now: Date): Promise<DeferredItem[]> {
  const today = districtDate(now);
  return ctx.transaction(async (tx) => {
    const candidates = await tx.repo(DeferredItem).findBy({ status: "PENDING", promisedBy: LessThan(today) });
    const flipped: DeferredItem[] = [];
    for (const item of candidates) {
      const after = await flipOverdue(tx, item, now, today);
      if (after) flipped.push(after);
    }
    return flipped;
  });
}

export const deferredItemService = new DeferredItemService();
