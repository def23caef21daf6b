import { idempotent } from "../../core/idempotency";
import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import { raise } from "../../core/domain-events";
import type { RequestContext } from "../../core/context";
import { AppError, assertTransition, badInput, conflict, invalidTransition, notFound, zhLabel } from "../../core/errors";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { findVisibleProject } from "../projects/project-access";
import { APPROVAL_KINDS, APPROVAL_TRANSITIONS, ApprovalDependency, ApprovalItem, type ApprovalKind, type ApprovalStatus } from "./approval.entity";
import { buildingService } from "./building.service";
import { insertUnique } from "../../core/unique";
import { resolveOn } from "./instep-common";
import type { AddApprovalItemInput, ApprovalDecision, ApprovalItemFilter, CiteSurveyResultInput, DecideApprovalItemInput, SetApprovalDependencyInput, SubmitApprovalItemInput } from "./instep.inputs";
import { whereStatus } from "../../core/status-filter";
import { assertDecidable } from "./path-gates";
import type { Project } from "../projects/project.entity";
import { SurveyResult } from "./survey.entity";
import { Department } from "../departments/department.entity";
import { policyService } from "../policy/policy.service";
import { attachmentService } from "../files/attachment.service";

declare module "../../core/domain-events" {
  interface DomainEventMap {
    /** An item is about to be submitted or decided directly (decideApprovalItem, submitApprovalItem). */
    "approvalItem.changingDirectly": { item: ApprovalItem };
  }
}

/**
 * Approvals side by side (变接力赛为齐步跑): every item of a project can be submitted at once;
 * none waits on another to start. The few real dependencies are rows of approval_dependency:
 * an item is approved only on or after the day the project's required item was approved
 * (DEPENDENCY_NOT_MET otherwise). Trial production is approved only once the parts it needs
 * passed acceptance. Status changes follow APPROVAL_TRANSITIONS by conditional updates. 容而不缺:
 * an item waits for the deferred materials standing in for it (completion items for all of them).
 * One fact, recorded once: an item applied for through the one window moves only through its
 * application (DECIDED_BY_APPLICATION), whose decision decides it here (decideItem).
 */
export class ApprovalService {
  add(ctx: RequestContext, input: AddApprovalItemInput): Promise<ApprovalItem> {
    return idempotent(ctx, "addApprovalItem", ApprovalItem, input, (tx) => this.addOnce(tx, input));
  }

  private async addOnce(ctx: RequestContext, input: AddApprovalItemInput): Promise<ApprovalItem> {
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      const department = await this.handlingDepartment(tx, input);
      await policyService.authorize(tx, "addApprovalItem", { projectId: project.id, enterpriseId: project.enterpriseId, handlingDepartment: department });
      const repo = tx.repo(ApprovalItem);
      const item = repo.create({
        projectId: input.projectId,
        kind: input.kind,
        departmentId: department.id,
        status: "NOT_STARTED",
        promisedWorkingDays: APPROVAL_KINDS[input.kind].promisedWorkingDays,
        submittedOn: null,
        approvedOn: null,
        rejectedOn: null,
        note: null,
        handledById: tx.user?.id ?? null,
        surveyResultId: null,
      });
      await insertUnique(() => repo.insert(item), { en: `The project already has a ${input.kind} item`, zh: `本项目已有“${zhLabel("ApprovalKind", input.kind)}”审批事项` }, "kind");
      await recordAudit(tx, { action: "approval.add", entityType: "ApprovalItem", entityId: item.id, after: item });
      return repo.findOneByOrFail({ id: item.id });
    });
  }

  async submit(ctx: RequestContext, input: SubmitApprovalItemInput): Promise<ApprovalItem> {
    const on = resolveOn(ctx, input.on);
    return ctx.transaction(async (tx) => {
      const item = await this.load(tx, input.itemId, "submitApprovalItem");
      await this.assertNotAppliedThroughWindow(tx, item);
      assertTransition(APPROVAL_TRANSITIONS, "ApprovalItem", item.status, "SUBMITTED");
      if (item.rejectedOn && on < item.rejectedOn) throw badInput("on", `A resubmission cannot come before the rejection (${item.rejectedOn})`, `重新报送日期不能早于退回日期（${item.rejectedOn}）`);
      const surveyResultId = input.surveyResultId ? (await this.citableResult(tx, item, input.surveyResultId)).id : item.surveyResultId;
      return this.change(tx, item, "SUBMITTED", { submittedOn: on, surveyResultId, handledById: tx.user?.id ?? null }, "approval.submit");
    });
  }

  async decide(ctx: RequestContext, input: DecideApprovalItemInput): Promise<ApprovalItem> {
    const on = resolveOn(ctx, input.on);
    return ctx.transaction(async (tx) => {
      const item = await this.load(tx, input.itemId, "decideApprovalItem");
      await this.assertNotAppliedThroughWindow(tx, item);
      return this.decideItem(tx, item, input.decision, on, { note: input.note, attachmentIds: input.attachmentIds });
    });
  }

  /**
   * The one way an item is decided, in the caller's transaction: directly (decideApprovalItem) or
   * through its one-window application (decideApplication, `applicationId`). SUBMITTED -> APPROVED or
   * REJECTED on `on`, never before the submission; 容而不缺: not while a deferred material it waits
   * on is owed (DEFERRED_ITEMS_OUTSTANDING); approving also needs the items it really depends on
   * approved by then (DEPENDENCY_NOT_MET) and, for trial production, the parts it uses accepted.
   * An approval issues a document (the permit, certificate or filing notice): approving needs the
   * caller's uploads of it (`attachmentIds`, BAD_USER_INPUT without), a rejection may carry some;
   * they are attached to the item in the same transaction.
   */
  async decideItem(
    tx: RequestContext,
    item: ApprovalItem,
    decision: ApprovalDecision,
    on: string,
    { note, applicationId, attachmentIds }: { note?: string | null; applicationId?: string; attachmentIds?: readonly string[] | null } = {},
  ): Promise<ApprovalItem> {
    assertTransition(APPROVAL_TRANSITIONS, "ApprovalItem", item.status, decision);
    if (item.submittedOn && on < item.submittedOn) throw badInput("on", `A decision cannot come before the submission (${item.submittedOn})`, `审批决定日期不能早于报送日期（${item.submittedOn}）`);
    await assertDecidable(tx, item);
    if (decision === "APPROVED") {
      await this.assertDependenciesMet(tx, item, on);
      if (item.kind === "TRIAL_PRODUCTION") await buildingService.assertTrialProductionReady(tx, item.projectId, on);
    }
    if (decision === "APPROVED" && !attachmentIds?.length) {
      throw badInput("attachmentIds", "Approving issues a document: attach the permit, certificate or filing notice (upload it to POST /files first)", "批准须附上所出具的文书（许可证、证书或备案回执）：请先上传文件（POST /files）");
    }
    const dates = decision === "APPROVED" ? { approvedOn: on } : { rejectedOn: on };
    const action = decision === "APPROVED" ? "approval.approve" : "approval.reject";
    const decided = await this.change(tx, item, decision, { ...dates, note: note ?? item.note, handledById: tx.user?.id ?? null }, action, applicationId);
    await attachmentService.attach(tx, attachmentIds ?? [], { type: "APPROVAL_ITEM", id: item.id });
    return decided;
  }

  /** An approval item whose project the caller may see, or NOT_FOUND (its files follow it). */
  async findVisible(ctx: RequestContext, id: string): Promise<ApprovalItem> {
    return (await this.visibleItem(ctx, id)).item;
  }

  /** An item and its project, or NOT_FOUND (naming the item) when either is missing or not the caller's. */
  private async visibleItem(ctx: RequestContext, id: string): Promise<{ item: ApprovalItem; project: Project }> {
    const item = await ctx.repo(ApprovalItem).findOneBy({ id });
    if (!item) throw notFound("ApprovalItem", id);
    return { item, project: await findVisibleProject(ctx, item.projectId, { entity: "ApprovalItem", id }) };
  }

  /**
   * 受理 through the one window, in the caller's transaction: the project's item of `kind` (added,
   * handled by the kind's usual department, when the project has none) is SUBMITTED on `on` when it
   * was NOT_STARTED or REJECTED, and stays as it is when already under review. An APPROVED item
   * answers CONFLICT: there is nothing left to apply for.
   */
  /** Locks the project's item of `kind` until the transaction ends (MariaDB), so that its applications are taken in one at a time. */
  async lockItem(tx: RequestContext, projectId: string, kind: ApprovalKind): Promise<void> {
    if (tx.app.dialect !== "mariadb") return; // SQLite runs one writing transaction at a time
    await tx.repo(ApprovalItem).createQueryBuilder("item").setLock("pessimistic_write").where("item.projectId = :projectId AND item.kind = :kind", { projectId, kind }).getOne();
  }

  async receiveApplication(tx: RequestContext, project: Project, kind: ApprovalKind, on: string, applicationId: string): Promise<ApprovalItem> {
    let item = await tx.repo(ApprovalItem).findOneBy({ projectId: project.id, kind });
    if (!item) {
      const department = await this.handlingDepartment(tx, { kind });
      const created = tx.repo(ApprovalItem).create({
        projectId: project.id, kind, departmentId: department.id, status: "NOT_STARTED", promisedWorkingDays: APPROVAL_KINDS[kind].promisedWorkingDays,
        submittedOn: null, approvedOn: null, rejectedOn: null, note: null, handledById: tx.user?.id ?? null, surveyResultId: null,
      });
      await insertUnique(() => tx.repo(ApprovalItem).insert(created), { en: `The project's ${kind} item was just added by someone else`, zh: `本项目的“${zhLabel("ApprovalKind", kind)}”审批事项刚刚已由他人添加` }, "applicationClass");
      item = await tx.repo(ApprovalItem).findOneByOrFail({ id: created.id });
      await recordAudit(tx, { action: "approval.add", entityType: "ApprovalItem", entityId: item.id, after: { ...item, applicationId } });
    }
    if (item.status === "APPROVED") throw conflict(`Project ${project.code}'s ${kind} was already approved on ${item.approvedOn}: there is nothing to apply for`, `项目 ${project.code} 的“${zhLabel("ApprovalKind", kind)}”已于 ${item.approvedOn} 批准，无需再申请`, { approvalItemId: item.id });
    if (item.status === "SUBMITTED") return item;
    return this.change(tx, item, "SUBMITTED", { submittedOn: on, handledById: tx.user?.id ?? null }, "approval.submit", applicationId);
  }

  /**
   * One fact, recorded once (DECIDED_BY_APPLICATION): an item applied for through the one window is
   * submitted and decided only through its application; intake, which holds the applications,
   * refuses the direct change in its reaction.
   */
  private assertNotAppliedThroughWindow(tx: RequestContext, item: ApprovalItem): Promise<void> {
    return raise(tx, "approvalItem.changingDirectly", { item });
  }

  /** 多测合一: an item cites the shared result of its stage instead of asking for a survey of its own. */
  async citeSurveyResult(ctx: RequestContext, input: CiteSurveyResultInput): Promise<ApprovalItem> {
    return ctx.transaction(async (tx) => {
      const item = await this.load(tx, input.itemId, "citeSurveyResult");
      if (item.status === "APPROVED") throw invalidTransition("ApprovalItem", "APPROVED", "APPROVED");
      const result = await this.citableResult(tx, item, input.surveyResultId);
      await tx.repo(ApprovalItem).update({ id: item.id }, { surveyResultId: result.id, handledById: tx.user?.id ?? null });
      const after = await tx.repo(ApprovalItem).findOneByOrFail({ id: item.id });
      await recordAudit(tx, { action: "approval.citeSurvey", entityType: "ApprovalItem", entityId: item.id, before: item, after });
      return after;
    });
  }

  /** A project's items, oldest first. */
  async list(ctx: RequestContext, projectId: string, args: ConnectionArgs, filter: ApprovalItemFilter = {}): Promise<Connection<ApprovalItem>> {
    await findVisibleProject(ctx, projectId);
    const query = whereStatus(ctx.repo(ApprovalItem).createQueryBuilder("item").where("item.project_id = :projectId", { projectId }), "item.status", filter);
    return paginate(query, args, {
      name: "created",
      direction: "ASC",
      keys: [{ column: "item.created_at", value: (i) => i.createdAt, kind: "date" }],
      idColumn: "item.id",
    });
  }

  async itemsOf(ctx: RequestContext, projectId: string): Promise<ApprovalItem[]> {
    return ctx.repo(ApprovalItem).find({ where: { projectId } });
  }

  async dependencies(ctx: RequestContext): Promise<ApprovalDependency[]> {
    return ctx.repo(ApprovalDependency).find({ order: { kind: "ASC", requiresKind: "ASC" } });
  }

  /**
   * ADMIN adds or removes a real dependency (data, not code). A dependency on itself or one
   * closing a cycle is refused (BAD_USER_INPUT): items must still be approvable in some order.
   */
  async setDependency(ctx: RequestContext, input: SetApprovalDependencyInput): Promise<ApprovalDependency> {
    if (input.kind === input.requiresKind) throw badInput("requiresKind", "An approval cannot depend on itself", "审批事项不能以自身为前置事项");
    return ctx.transaction(async (tx) => {
      const repo = tx.repo(ApprovalDependency);
      const existing = await repo.findOneBy({ kind: input.kind, requiresKind: input.requiresKind });
      if (!input.required) {
        if (!existing) throw notFound("ApprovalDependency", `${input.kind}->${input.requiresKind}`);
        await repo.delete({ id: existing.id });
        await recordAudit(tx, { action: "approval.dependency.remove", entityType: "ApprovalDependency", entityId: existing.id, before: existing });
        return existing;
      }
      if (existing) return existing;
      const all = await repo.find();
      // A cycle would close if requiresKind already (transitively) requires kind.
      const seen = new Set<string>();
      const stack: string[] = [input.requiresKind];
      while (stack.length) {
        const current = stack.pop()!;
        if (current === input.kind) throw badInput("requiresKind", `${input.requiresKind} already waits on ${input.kind}: this would make a cycle`, `“${zhLabel("ApprovalKind", input.requiresKind)}”已在等待“${zhLabel("ApprovalKind", input.kind)}”，再设为前置会形成循环依赖`);
        if (seen.has(current)) continue;
        seen.add(current);
        stack.push(...all.filter((d) => d.kind === current).map((d) => d.requiresKind));
      }
      const dependency = repo.create({ kind: input.kind, requiresKind: input.requiresKind });
      await insertUnique(() => repo.insert(dependency), { en: "This dependency was just added", zh: "该前置关系刚刚已被添加" });
      await recordAudit(tx, { action: "approval.dependency.add", entityType: "ApprovalDependency", entityId: dependency.id, after: dependency });
      return repo.findOneByOrFail({ id: dependency.id });
    });
  }

  /** The item, visible to the caller (NOT_FOUND) and within the caller's remit for `action` (FORBIDDEN). */
  private async load(tx: RequestContext, id: string, action: "submitApprovalItem" | "decideApprovalItem" | "citeSurveyResult"): Promise<ApprovalItem> {
    const { item, project } = await this.visibleItem(tx, id);
    const department = await tx.repo(Department).findOneByOrFail({ id: item.departmentId });
    await policyService.authorize(tx, action, { projectId: project.id, enterpriseId: project.enterpriseId, handlingDepartment: department });
    return item;
  }

  /** The department an added item is handled by: the one named, else the kind's usual one. */
  private async handlingDepartment(tx: RequestContext, input: Pick<AddApprovalItemInput, "kind" | "departmentId" | "department">): Promise<Department> {
    const repo = tx.repo(Department);
    if (input.departmentId) {
      const named = await repo.findOneBy({ id: input.departmentId });
      if (!named) throw badInput("departmentId", `No department ${input.departmentId}`, `没有编号为 ${input.departmentId} 的部门`);
      return named;
    }
    if (input.department) {
      const named = await repo.findOneBy({ name: input.department });
      if (!named) throw badInput("department", `No department is named ${input.department}; send departmentId`, `没有名为“${input.department}”的部门，请改为指定部门编号（departmentId）`);
      return named;
    }
    const usual = await repo.findOneBy({ code: APPROVAL_KINDS[input.kind].department });
    if (!usual) throw badInput("departmentId", `The usual department of ${input.kind} (${APPROVAL_KINDS[input.kind].department}) is not in the list; send departmentId`, `“${zhLabel("ApprovalKind", input.kind)}”通常的承办部门（${APPROVAL_KINDS[input.kind].department}）不在部门名单中，请指定部门编号（departmentId）`);
    return usual;
  }

  private async citableResult(tx: RequestContext, item: ApprovalItem, resultId: string): Promise<SurveyResult> {
    const result = await tx.repo(SurveyResult).findOneBy({ id: resultId });
    if (!result || result.projectId !== item.projectId) throw badInput("surveyResultId", "Cite a survey result of the same project", "请引用本项目的测绘成果");
    const stage = APPROVAL_KINDS[item.kind].survey as string | null;
    if (stage !== result.stage) throw badInput("surveyResultId", `${item.kind} ${stage ? `uses the ${stage} survey` : "uses no survey"}, not the ${result.stage} one`, `“${zhLabel("ApprovalKind", item.kind)}”${stage ? `使用“${zhLabel("SurveyStage", stage)}”测绘成果` : "不使用测绘成果"}，而不是“${zhLabel("SurveyStage", result.stage)}”的成果`);
    return result;
  }

  private async assertDependenciesMet(tx: RequestContext, item: ApprovalItem, on: string): Promise<void> {
    const deps = await tx.repo(ApprovalDependency).findBy({ kind: item.kind });
    if (!deps.length) return;
    const required = await tx.repo(ApprovalItem).findBy({ projectId: item.projectId, kind: In(deps.map((d) => d.requiresKind)) });
    const unmet = required.filter((r) => r.status !== "APPROVED" || !r.approvedOn || r.approvedOn > on);
    if (unmet.length) {
      throw new AppError("DEPENDENCY_NOT_MET", `${item.kind} can be approved only after ${unmet.map((r) => r.kind).join(", ")}`, `“${zhLabel("ApprovalKind", item.kind)}”须在以下事项批准后才能批准：${unmet.map((r) => zhLabel("ApprovalKind", r.kind)).join("、")}`, {
        requires: unmet.map((r) => r.kind),
      });
    }
  }

  /** Moves the item from its current status by a conditional update, so two concurrent changes cannot both apply. */
  private async change(tx: RequestContext, item: ApprovalItem, to: ApprovalStatus, fields: Partial<ApprovalItem>, action: string, applicationId?: string): Promise<ApprovalItem> {
    const result = await tx.repo(ApprovalItem).update({ id: item.id, status: item.status }, { status: to, ...fields });
    if (!result.affected) throw invalidTransition("ApprovalItem", item.status, to);
    const after = await tx.repo(ApprovalItem).findOneByOrFail({ id: item.id });
    await recordAudit(tx, { action, entityType: "ApprovalItem", entityId: item.id, before: item, after: applicationId ? { ...after, applicationId } : after });
    return after;
  }
}

export const approvalService = new ApprovalService();
