import { whereStatus } from "../../core/status-filter";

import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import { changesOf } from "../../core/changes";
import type { RequestContext } from "../../core/context";
import { containsPattern } from "../../core/db";
import { sqliteHoldsExactly } from "../../core/decimal";
import { badInput, conflict, notFound } from "../../core/errors";
import { onUniqueViolation } from "../../core/unique";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { Enterprise } from "../enterprises/enterprise.entity";
import { enterpriseScope, findVisibleProject } from "./project-access";
import { assertMilestoneOrder, MILESTONE_COLUMNS, projectStage } from "./project-milestones";
import type { CreateProjectInput, ProjectFilter, UpdateProjectInput } from "./project.inputs";
import { Project } from "./project.entity";

const codeTaken = (code: string) => conflict(`Project code ${code} is taken`, `投资项目统一代码 ${code} 已被其他项目使用`, { field: "code" });

/** Projects: created and edited by the reform office; ENTERPRISE users see their own enterprise's only. */
export class ProjectService {
  /** A project code is unique (CONFLICT on the field); its enterprise must exist. */
  create(ctx: RequestContext, input: CreateProjectInput): Promise<Project> {
    return idempotent(ctx, "createProject", Project, input, (tx) => this.createOnce(tx, input));
  }

  private async createOnce(ctx: RequestContext, input: CreateProjectInput): Promise<Project> {
    this.assertStorable(ctx, input.totalInvestment);
    assertMilestoneOrder(input);
    return ctx.transaction(async (tx) => {
      if (!(await tx.repo(Enterprise).existsBy({ id: input.enterpriseId }))) throw notFound("Enterprise", input.enterpriseId);
      const { stage: _ignored, ...fields } = input;
      const project = tx.repo(Project).create({ landParcel: null, fastTrackStatus: "NOT_APPLIED", ...changesOf(fields, ["landParcel"]), stage: projectStage(input), createdAt: tx.clock.now() });
      await onUniqueViolation(() => tx.repo(Project).insert(project), () => codeTaken(input.code));
      const after = await tx.repo(Project).findOneByOrFail({ id: project.id });
      await recordAudit(tx, { action: "project.create", entityType: "Project", entityId: project.id, after });
      return after;
    });
  }

  /**
   * Edits details and the milestones that pass no gate (kept in order, as recordProjectMilestone
   * keeps them; construction start, completion and trial production are recorded only through it,
   * where their gates live, and may only be cleared here). The stage follows the milestones
   * (projectStage); the `stage` input is ignored. Clearing the construction start clears
   * startedOnCommitment with it. The fast-track status changes only along the path.
   */
  async update(ctx: RequestContext, input: UpdateProjectInput): Promise<Project> {
    if (input.totalInvestment !== undefined && input.totalInvestment !== null) this.assertStorable(ctx, input.totalInvestment);
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(Project).findOneBy({ id: input.id });
      if (!before) throw notFound("Project", input.id);
      const { id, stage: _ignored, ...changes } = input;
      const defined: Partial<Project> = changesOf(changes, ["landParcel", ...Object.values(MILESTONE_COLUMNS)]);
      const dates = { ...before, ...defined } as Project;
      assertMilestoneOrder(dates);
      if (projectStage(dates) !== before.stage) defined.stage = projectStage(dates);
      if (defined.constructionStartOn === null && before.startedOnCommitment) defined.startedOnCommitment = false;
      if (Object.keys(defined).length) await onUniqueViolation(() => tx.repo(Project).update({ id }, defined), () => codeTaken(changes.code!));
      const after = await tx.repo(Project).findOneByOrFail({ id });
      await recordAudit(tx, { action: "project.update", entityType: "Project", entityId: id, before, after });
      return after;
    });
  }

  /** Money is never rounded: on the embedded SQLite an amount it cannot hold exactly is refused. */
  private assertStorable(ctx: RequestContext, amount: string): void {
    if (ctx.app.dialect === "sqlite" && !sqliteHoldsExactly(amount)) {
      throw badInput("totalInvestment", "The embedded SQLite database holds amounts exactly up to 15 significant digits; use MariaDB/MySQL for larger ones", "内置的 SQLite 数据库只能精确保存 15 位有效数字以内的金额；更大的金额请使用 MariaDB/MySQL 部署");
    }
  }

  findVisible(ctx: RequestContext, id: string): Promise<Project> {
    return findVisibleProject(ctx, id);
  }

  /** Newest first; filters combine; an ENTERPRISE user's list holds its own enterprise's projects only. */
  async list(ctx: RequestContext, args: ConnectionArgs, filter: ProjectFilter = {}): Promise<Connection<Project>> {
    const query = ctx.repo(Project).createQueryBuilder("project");
    const scope = enterpriseScope(ctx);
    if (scope !== null) query.andWhere("project.enterpriseId = :scope", { scope });
    if (filter.enterpriseId) query.andWhere("project.enterpriseId = :enterpriseId", { enterpriseId: filter.enterpriseId });
    if (filter.stage) query.andWhere("project.stage = :stage", { stage: filter.stage });
    whereStatus(query, "project.fastTrackStatus", { status: filter.fastTrackStatus, statusIn: filter.fastTrackStatusIn }, "fastTrackStatus");
    if (filter.search) {
      query.andWhere("(project.name LIKE :pattern ESCAPE '!' OR project.code LIKE :pattern ESCAPE '!')", { pattern: containsPattern(filter.search) });
    }
    return paginate(query, args, {
      name: "newest",
      direction: "DESC",
      keys: [{ column: "project.createdAt", value: (p) => p.createdAt, kind: "date" }],
      idColumn: "project.id",
    });
  }
}

export const projectService = new ProjectService();
