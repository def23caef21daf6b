import { idempotent } from "../../core/idempotency";
import { In } from "typeorm";
import { recordAudit } from "../../core/audit";
import { addDays, districtDate } from "../../core/dates";
import type { RequestContext } from "../../core/context";
import { groupedLoader, keyedLoader } from "../../core/loaders";
import { badInput, invalidTransition, notFound } from "../../core/errors";
import { targetId } from "../../core/validation";
import { changesOf } from "../../core/changes";
import { insertUnique } from "../../core/unique";
import { insertRows } from "../../core/base.entity";
import { Project } from "../projects/project.entity";
import { findVisibleProject } from "../projects/project-access";
import { Department } from "../departments/department.entity";
import { policyService } from "../policy/policy.service";
import { attachmentService } from "../files/attachment.service";
import { isImage } from "../files/content-type";
import { InspectionDue } from "./supervision.types";
import { RISK_LEVELS, InspectionFinding, JointInspection, JointInspectionDepartment, ProjectSupervision, SupervisionStandard, type RiskLevel } from "./supervision.entity";
import type {
  CreateSupervisionStandardInput,
  RecordInspectionFindingsInput,
  ResolveFindingInput,
  ScheduleJointInspectionInput,
  SetRiskLevelInput,
  UpdateSupervisionStandardInput,
} from "./supervision.inputs";

/** The default risk level of a project nobody has rated yet. */
export const DEFAULT_RISK: RiskLevel = "MEDIUM";

/** 周期监管: standards, risk levels, joint inspections and their findings. */
export class SupervisionService {
  standards(ctx: RequestContext, activeOnly: boolean): Promise<SupervisionStandard[]> {
    return ctx.repo(SupervisionStandard).find({ where: activeOnly ? { active: true } : {}, order: { code: "ASC" } });
  }

  createStandard(ctx: RequestContext, input: CreateSupervisionStandardInput): Promise<SupervisionStandard> {
    return idempotent(ctx, "createSupervisionStandard", SupervisionStandard, input, (tx) => this.createStandardOnce(tx, input));
  }

  private async createStandardOnce(ctx: RequestContext, input: CreateSupervisionStandardInput): Promise<SupervisionStandard> {
    return ctx.transaction(async (tx) => {
      const standard = tx.repo(SupervisionStandard).create({ ...input, active: true });
      await insertUnique(() => tx.repo(SupervisionStandard).insert(standard), { en: `Standard ${input.code} exists`, zh: `编码为 ${input.code} 的监管细则标准已存在` }, "code");
      await recordAudit(tx, { action: "standard.create", entityType: "SupervisionStandard", entityId: standard.id, after: standard });
      return standard;
    });
  }

  async updateStandard(ctx: RequestContext, input: UpdateSupervisionStandardInput): Promise<SupervisionStandard> {
    return ctx.transaction(async (tx) => {
      const standardId = targetId(input, "standardId");
      const before = await tx.repo(SupervisionStandard).findOneBy({ id: standardId });
      if (!before) throw notFound("SupervisionStandard", standardId);
      const { id: _id, standardId: _formerName, ...changes } = input;
      // null leaves a field alone (the columns are NOT NULL), as omitting it does
      const defined = changesOf(changes);
      if (Object.keys(defined).length) await tx.repo(SupervisionStandard).update({ id: standardId }, defined);
      const after = await tx.repo(SupervisionStandard).findOneByOrFail({ id: standardId });
      await recordAudit(tx, { action: "standard.update", entityType: "SupervisionStandard", entityId: standardId, before, after });
      return after;
    });
  }

  async riskLevel(ctx: RequestContext, projectId: string): Promise<RiskLevel> {
    const row = await keyedLoader(ctx, "riskLevel.byProject", (ids) => ctx.repo(ProjectSupervision).findBy({ projectId: In(ids) }), (r) => r.projectId).load(projectId);
    return row?.riskLevel ?? DEFAULT_RISK;
  }

  async setRiskLevel(ctx: RequestContext, input: SetRiskLevelInput): Promise<Project> {
    return ctx.transaction(async (tx) => {
      const projectId = targetId(input, "projectId");
      const project = await tx.repo(Project).findOneBy({ id: projectId });
      if (!project) throw notFound("Project", projectId);
      const before = await tx.repo(ProjectSupervision).findOneBy({ projectId });
      await tx.repo(ProjectSupervision).upsert({ projectId, riskLevel: input.riskLevel }, ["projectId"]);
      await recordAudit(tx, { action: "project.riskLevel", entityType: "Project", entityId: project.id, before: { riskLevel: before?.riskLevel ?? DEFAULT_RISK }, after: { riskLevel: input.riskLevel } });
      return project;
    });
  }

  /**
   * 综合查一次: several departments (at least two distinct, the lead among them, lead first), one
   * visit, on a date not in the past. Scheduled by a cadre of the lead department or ADMIN.
   */
  scheduleJointInspection(ctx: RequestContext, input: ScheduleJointInspectionInput): Promise<JointInspection> {
    return idempotent(ctx, "scheduleJointInspection", JointInspection, input, (tx) => this.scheduleJointInspectionOnce(tx, input));
  }

  private async scheduleJointInspectionOnce(ctx: RequestContext, input: ScheduleJointInspectionInput): Promise<JointInspection> {
    const today = districtDate(ctx.clock.now());
    if (input.scheduledOn < today) throw badInput("scheduledOn", "An inspection cannot be scheduled in the past", "计划检查日期不能早于今天");
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      const departments = await this.inspectingDepartments(tx, input);
      const [lead] = departments;
      await policyService.authorize(tx, "scheduleJointInspection", { projectId: project.id, enterpriseId: project.enterpriseId, leadDepartment: lead });
      const inspection = tx.repo(JointInspection).create({
        projectId: input.projectId,
        scheduledOn: input.scheduledOn,
        leadDepartmentId: lead.id,
        status: "SCHEDULED",
        scheduledById: tx.requireUser().id,
        completedAt: null,
      });
      await tx.repo(JointInspection).insert(inspection);
      const rows = departments.map((d, i) => tx.repo(JointInspectionDepartment).create({ inspectionId: inspection.id, departmentId: d.id, sortOrder: i }));
      await tx.repo(JointInspectionDepartment).insert(rows);
      await recordAudit(tx, { action: "inspection.schedule", entityType: "JointInspection", entityId: inspection.id, after: { ...inspection, departmentIds: departments.map((d) => d.id) } });
      return inspection;
    });
  }

  /** The departments of a new inspection, lead first, from ids (or the deprecated names, first the lead). */
  private async inspectingDepartments(tx: RequestContext, input: ScheduleJointInspectionInput): Promise<Department[]> {
    const repo = tx.repo(Department);
    let field: string;
    let ordered: Department[];
    if (input.leadDepartmentId) {
      field = "departmentIds";
      const ids = [...new Set([input.leadDepartmentId, ...(input.departmentIds ?? [])])];
      const found = await repo.findBy({ id: In(ids) });
      const byId = new Map(found.map((d) => [d.id, d]));
      if (!byId.has(input.leadDepartmentId)) throw badInput("leadDepartmentId", `No department ${input.leadDepartmentId}`, `没有编号为 ${input.leadDepartmentId} 的部门`);
      const unknown = ids.filter((id) => !byId.has(id));
      if (unknown.length) throw badInput("departmentIds", `No department ${unknown.join(", ")}`, `没有编号为 ${unknown.join("、")} 的部门`);
      ordered = ids.map((id) => byId.get(id)!);
    } else if (input.departments?.length) {
      field = "departments";
      const names = [...new Set(input.departments.map((d) => d.trim()))];
      const found = await repo.findBy({ name: In(names) });
      const byName = new Map(found.map((d) => [d.name, d]));
      const unknown = names.filter((n) => !byName.has(n));
      if (unknown.length) throw badInput("departments", `No department is named ${unknown.join(", ")}; send leadDepartmentId and departmentIds`, `没有名为“${unknown.join("”“")}”的部门，请改为指定牵头部门（leadDepartmentId）和参与部门（departmentIds）`);
      ordered = names.map((n) => byName.get(n)!);
    } else if (input.departmentIds?.length) {
      throw badInput("leadDepartmentId", "Name the lead department (leadDepartmentId)", "请指定牵头部门（leadDepartmentId）");
    } else {
      throw badInput("leadDepartmentId", "Name the lead department (leadDepartmentId) and the participating departments (departmentIds)", "请指定牵头部门（leadDepartmentId）和参与部门（departmentIds）");
    }
    if (ordered.length < 2) throw badInput(field, "A joint inspection needs at least two different departments", "综合查一次至少需要两个不同的部门参加");
    return ordered;
  }

  /** The departments taking part in an inspection, lead first, for its remit. */
  async departmentsOf(ctx: RequestContext, inspectionId: string): Promise<Department[]> {
    const load = (ids: string[]) =>
      ctx.repo(JointInspectionDepartment).find({ where: { inspectionId: In(ids) }, relations: { department: true }, order: { sortOrder: "ASC", id: "ASC" } });
    const rows = await groupedLoader(ctx, "inspectionDepartments.byInspection", load, (r) => r.inspectionId).load(inspectionId);
    return rows.map((r) => r.department!);
  }

  /** The inspection as its participating departments' cadres may act on it (NOT_FOUND, then FORBIDDEN). */
  private async authorizeInspection(tx: RequestContext, inspection: JointInspection, remit: "recordInspectionFindings" | "resolveInspectionFinding", asked: { entity: string; id: string }): Promise<void> {
    const project = await findVisibleProject(tx, inspection.projectId, asked);
    const participatingDepartments = (await this.departmentsOf(tx, inspection.id)).map((d) => ({ id: d.id, name: d.name }));
    await policyService.authorize(tx, remit, { projectId: project.id, enterpriseId: project.enterpriseId, participatingDepartments });
  }

  /**
   * Records the outcome per standard and completes the inspection (once: a conditional update
   * on SCHEDULED). A finding needs a follow-up deadline after today; a pass has none. Each result
   * may carry photos (the caller's uploads, images only), attached in the same transaction.
   */
  recordFindings(ctx: RequestContext, input: RecordInspectionFindingsInput): Promise<JointInspection> {
    return idempotent(ctx, "recordInspectionFindings", JointInspection, input, (tx) => this.recordFindingsOnce(tx, input));
  }

  private async recordFindingsOnce(ctx: RequestContext, input: RecordInspectionFindingsInput): Promise<JointInspection> {
    const today = districtDate(ctx.clock.now());
    const standardIds = input.results.map((r) => r.standardId);
    if (new Set(standardIds).size !== standardIds.length) throw badInput("results", "Each standard may appear once", "每项细则标准只能出现一次");
    input.results.forEach((result, i) => {
      if (!result.passed && !result.followUpDueOn) throw badInput(`results.${i}.followUpDueOn`, "A finding needs a follow-up deadline", `检查结果第 ${i + 1} 项不合格，须填写整改期限`);
      if (result.passed && result.followUpDueOn) throw badInput(`results.${i}.followUpDueOn`, "A pass has no follow-up", `检查结果第 ${i + 1} 项已合格，无需填写整改期限`);
      if (result.followUpDueOn && result.followUpDueOn <= today) throw badInput(`results.${i}.followUpDueOn`, "The follow-up deadline must be after today", `检查结果第 ${i + 1} 项的整改期限须晚于今天`);
    });
    return ctx.transaction(async (tx) => {
      const inspection = await tx.repo(JointInspection).findOneBy({ id: input.inspectionId });
      if (!inspection) throw notFound("JointInspection", input.inspectionId);
      await this.authorizeInspection(tx, inspection, "recordInspectionFindings", { entity: "JointInspection", id: inspection.id });
      const known = await tx.repo(SupervisionStandard).countBy({ id: In(standardIds), active: true });
      if (known !== standardIds.length) throw badInput("results", "Every standard must be an active supervision standard", "检查结果中的每项标准都须为现行有效的监管细则标准");
      const completedAt = tx.clock.now();
      const result = await tx.repo(JointInspection).createQueryBuilder().update().set({ status: "COMPLETED", completedAt }).where("id = :id AND status = 'SCHEDULED'", { id: inspection.id }).execute();
      if (!result.affected) throw invalidTransition("JointInspection", inspection.status, "COMPLETED");
      const findings = input.results.map((r) =>
        tx.repo(InspectionFinding).create({
          inspectionId: inspection.id,
          standardId: r.standardId,
          passed: r.passed,
          note: r.note ?? null,
          followUpDueOn: r.followUpDueOn ?? null,
          followUpStatus: r.passed ? "NONE" : "OPEN",
          followUpResolvedAt: null,
        }),
      );
      await insertRows(tx.repo(InspectionFinding), findings);
      for (const [i, result] of input.results.entries()) {
        await attachmentService.attach(tx, result.attachmentIds ?? [], { type: "INSPECTION_FINDING", id: findings[i].id }, `results.${i}.attachmentIds`, isImage);
      }
      const after = { ...inspection, status: "COMPLETED" as const, completedAt };
      await recordAudit(tx, { action: "inspection.findings", entityType: "JointInspection", entityId: inspection.id, before: inspection, after: { ...after, findings } });
      return tx.repo(JointInspection).create(after);
    });
  }

  /** A finding put right: OPEN or OVERDUE -> RESOLVED (a credit record already written stays). */
  async resolveFinding(ctx: RequestContext, input: ResolveFindingInput): Promise<InspectionFinding> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(InspectionFinding).findOneBy({ id: input.findingId });
      if (!before) throw notFound("InspectionFinding", input.findingId);
      const inspection = await tx.repo(JointInspection).findOneByOrFail({ id: before.inspectionId });
      await this.authorizeInspection(tx, inspection, "resolveInspectionFinding", { entity: "InspectionFinding", id: before.id });
      const resolvedAt = tx.clock.now();
      const result = await tx
        .repo(InspectionFinding)
        .createQueryBuilder()
        .update()
        .set({ followUpStatus: "RESOLVED", followUpResolvedAt: resolvedAt, ...(input.note ? { note: input.note } : {}) })
        .where("id = :id AND follow_up_status IN ('OPEN', 'OVERDUE')", { id: before.id })
        .execute();
      if (!result.affected) throw invalidTransition("InspectionFinding", before.followUpStatus, "RESOLVED");
      const after = await tx.repo(InspectionFinding).findOneByOrFail({ id: before.id });
      await recordAudit(tx, { action: "finding.resolve", entityType: "InspectionFinding", entityId: before.id, before, after });
      return after;
    });
  }

  /**
   * A finding as its files follow it: inspections are the government's, read by ADMIN and CADRE
   * (as Project.inspections), who see every project; anyone else is told NOT_FOUND.
   */
  async findVisibleFinding(ctx: RequestContext, id: string): Promise<InspectionFinding> {
    const { role } = ctx.requireUser();
    const finding = role === "ADMIN" || role === "CADRE" ? await ctx.repo(InspectionFinding).findOneBy({ id }) : null;
    if (!finding) throw notFound("InspectionFinding", id);
    return finding;
  }

  findings(ctx: RequestContext, inspectionId: string): Promise<InspectionFinding[]> {
    return groupedLoader(ctx, "findings.byInspection", (ids) => ctx.repo(InspectionFinding).find({ where: { inspectionId: In(ids) }, order: { createdAt: "ASC", id: "ASC" } }), (f) => f.inspectionId).load(inspectionId);
  }

  inspections(ctx: RequestContext, projectId: string): Promise<JointInspection[]> {
    return groupedLoader(ctx, "inspections.byProject", (ids) => ctx.repo(JointInspection).find({ where: { projectId: In(ids) }, order: { scheduledOn: "DESC", id: "ASC" } }), (i) => i.projectId).load(projectId);
  }

  /**
   * 风险等级差异化监管: a project is due when its risk level's interval has passed since its
   * last completed inspection (or, never inspected, since it was admitted to the fast track or
   * created). Only fast-track projects are supervised this way.
   */
  async inspectionsDue(ctx: RequestContext): Promise<InspectionDue[]> {
    const today = districtDate(ctx.clock.now());
    const projects = await ctx.repo(Project).find({ where: { fastTrackStatus: "ADMITTED" }, order: { code: "ASC" } });
    if (!projects.length) return [];
    const ids = projects.map((p) => p.id);
    const [risks, inspections] = await Promise.all([
      ctx.repo(ProjectSupervision).findBy({ projectId: In(ids) }),
      ctx.repo(JointInspection).findBy({ projectId: In(ids), status: In(["SCHEDULED", "COMPLETED"]) }),
    ]);
    const riskOf = new Map(risks.map((r) => [r.projectId, r.riskLevel]));
    const inspectionsOf = new Map<string, JointInspection[]>();
    for (const inspection of inspections) {
      const own = inspectionsOf.get(inspection.projectId);
      if (own) own.push(inspection);
      else inspectionsOf.set(inspection.projectId, [inspection]);
    }
    const due: InspectionDue[] = [];
    for (const project of projects) {
      const riskLevel = riskOf.get(project.id) ?? DEFAULT_RISK;
      const own = inspectionsOf.get(project.id) ?? [];
      const completed = own.filter((i) => i.status === "COMPLETED").map((i) => i.scheduledOn).sort();
      const lastInspectedOn = completed.at(-1) ?? null;
      const since = lastInspectedOn ?? districtDate(project.fastTrackAdmittedAt ?? project.createdAt);
      const dueOn = addDays(since, ctx.app.config.inspectionIntervalDays[RISK_LEVELS.indexOf(riskLevel)]);
      const nextScheduledOn = own.filter((i) => i.status === "SCHEDULED").map((i) => i.scheduledOn).sort()[0] ?? null;
      if (dueOn <= today) due.push({ project, riskLevel, lastInspectedOn, dueOn, nextScheduledOn });
    }
    return due.sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  }
}

export const supervisionService = new SupervisionService();
