import { idempotent } from "../../core/idempotency";
import { whereStatus } from "../../core/status-filter";
import { In } from "typeorm";
// a direct change of an item applied for here is refused: registered with the service, which every path loads
import "./intake.reactions";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { groupedLoader, keyedLoader } from "../../core/loaders";
import { assertTransition, badInput, conflict, invalidTransition, notFound, zhLabel } from "../../core/errors";
import { Department } from "../departments/department.entity";
import { policyService } from "../policy/policy.service";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { enterpriseScope, findVisibleProject } from "../projects/project-access";
import { Project } from "../projects/project.entity";
import { APPLICATION_TRANSITIONS, Application, BACK_OFFICE_BY_CLASS, type ApplicationStatus } from "./application.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { approvalService } from "../instep/approval.service";
import { districtDate } from "../../core/dates";
import type { ApplicationFilter, DecideApplicationInput, SubmitApplicationInput } from "./intake.inputs";

/**
 * 一门式一网式: the front desk takes an application in (or the enterprise online), it is routed to
 * the back office for its class, decided there, and the result is issued at the one window. Each
 * step records who handled it and when; steps follow APPLICATION_TRANSITIONS.
 */
export class IntakeService {
  /**
   * Takes in an application for a project the caller may see; RECEIVED, handled by the caller. One
   * fact, recorded once: it is about the project's approval item of its class (added when the
   * project has none), which is submitted (受理) with it unless already under review. A second
   * application while one for the same item is undecided, or for an approved item, is CONFLICT.
   */
  submit(ctx: RequestContext, input: SubmitApplicationInput): Promise<Application> {
    return idempotent(ctx, "submitApplication", Application, input, (tx) => this.submitOnce(tx, input));
  }

  private async submitOnce(ctx: RequestContext, input: SubmitApplicationInput): Promise<Application> {
    const user = ctx.requireUser();
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "submitApplication", { projectId: project.id, enterpriseId: project.enterpriseId });
      const now = tx.clock.now();
      // one application at a time per item: on MariaDB the item's row is locked first, so
      // concurrent submissions queue here, and the locking read below sees what the first wrote
      await approvalService.lockItem(tx, project.id, input.applicationClass);
      const openQuery = tx.repo(Application).createQueryBuilder("a")
        .innerJoin(ApprovalItem, "item", "item.id = a.approvalItemId")
        .where("item.projectId = :projectId AND item.kind = :kind", { projectId: project.id, kind: input.applicationClass })
        .andWhere("a.status IN (:...open)", { open: ["RECEIVED", "ROUTED"] });
      if (tx.app.dialect === "mariadb") openQuery.setLock("pessimistic_read");
      const open = await openQuery.getOne();
      if (open) throw conflict(`Project ${project.code}'s ${input.applicationClass} is already applied for (application ${open.id}, ${open.status}): one application at a time`, `项目 ${project.code} 已有“${zhLabel("ApplicationClass", input.applicationClass)}”申请在办（申请编号 ${open.id}，当前为“${zhLabel("ApplicationStatus", open.status)}”）：同一时间只能有一份申请`, { applicationId: open.id });
      const application = tx.repo(Application).create({
        projectId: project.id, applicationClass: input.applicationClass, title: input.title, status: "RECEIVED", departmentId: null, approvalItemId: null,
        receivedById: user.id, receivedAt: now, routedById: null, routedAt: null, decidedById: null, decidedAt: null,
        decisionNote: null, issuedById: null, issuedAt: null, createdAt: now,
      });
      const item = await approvalService.receiveApplication(tx, project, input.applicationClass, districtDate(now), application.id);
      application.approvalItemId = item.id;
      await tx.repo(Application).insert(application);
      await recordAudit(tx, { action: "application.submit", entityType: "Application", entityId: application.id, after: application });
      return application;
    });
  }

  /** RECEIVED -> ROUTED to the back office its class names (BACK_OFFICE_BY_CLASS, a department code). */
  route(ctx: RequestContext, id: string): Promise<Application> {
    const user = ctx.requireUser();
    return this.step(ctx, id, "ROUTED", "application.route", "routeApplication", async (tx, a) => {
      const code = BACK_OFFICE_BY_CLASS[a.applicationClass];
      const department = await tx.repo(Department).findOneBy({ code });
      if (!department) throw conflict(`The back office of ${a.applicationClass} (department ${code}) is not in the department list`, `“${zhLabel("ApplicationClass", a.applicationClass)}”的后台审批部门（${code}）不在部门名单中`);
      return { departmentId: department.id, routedById: user.id, routedAt: tx.clock.now() };
    });
  }

  /**
   * ROUTED -> APPROVED or REJECTED by the back office; a rejection states its reason. The decision
   * decides the approval item the application is about, in the same transaction and by the same
   * rules as decideApprovalItem (approvalService.decideItem): refused, the application stays ROUTED.
   */
  decide(ctx: RequestContext, input: DecideApplicationInput): Promise<Application> {
    const user = ctx.requireUser();
    if (!input.approved && !input.note) throw badInput("note", "A rejection needs the back office's reason", "不予批准须填写后台审批部门的理由");
    return this.step(ctx, input.applicationId, input.approved ? "APPROVED" : "REJECTED", "application.decide", "decideApplication", async (tx, a) => {
      if (a.approvalItemId) {
        const item = await tx.repo(ApprovalItem).findOneByOrFail({ id: a.approvalItemId });
        await approvalService.decideItem(tx, item, input.approved ? "APPROVED" : "REJECTED", districtDate(tx.clock.now()), { note: input.note, applicationId: a.id, attachmentIds: input.attachmentIds });
      }
      return { decidedById: user.id, decidedAt: tx.clock.now(), decisionNote: input.note ?? null };
    });
  }

  /** APPROVED or REJECTED -> ISSUED: the result handed out at the one window. */
  issue(ctx: RequestContext, id: string): Promise<Application> {
    const user = ctx.requireUser();
    return this.step(ctx, id, "ISSUED", "application.issue", "issueApplicationResult", async () => ({ issuedById: user.id, issuedAt: ctx.clock.now() }));
  }

  private async step(
    ctx: RequestContext,
    id: string,
    to: ApplicationStatus,
    action: string,
    remit: "routeApplication" | "decideApplication" | "issueApplicationResult",
    changes: (tx: RequestContext, a: Application) => Promise<Partial<Application>>,
  ): Promise<Application> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(Application).findOneBy({ id });
      if (!before) throw notFound("Application", id);
      const project = await findVisibleProject(tx, before.projectId, { entity: "Application", id });
      // the remit before the state: a caller without it is refused whatever the application's step
      const handlingDepartment = before.departmentId ? await tx.repo(Department).findOneBy({ id: before.departmentId }) : null;
      await policyService.authorize(tx, remit, { projectId: project.id, enterpriseId: project.enterpriseId, handlingDepartment });
      assertTransition(APPLICATION_TRANSITIONS, "Application", before.status, to);
      const result = await tx.repo(Application).update({ id, status: before.status }, { ...(await changes(tx, before)), status: to });
      const after = await tx.repo(Application).findOneByOrFail({ id });
      if (!result.affected) throw invalidTransition("Application", after.status, to);
      await recordAudit(tx, { action, entityType: "Application", entityId: id, before, after });
      return after;
    });
  }

  /** An application whose project the caller may see (NOT_FOUND otherwise). */
  async findVisible(ctx: RequestContext, id: string): Promise<Application> {
    const application = await ctx.repo(Application).findOneBy({ id });
    if (!application) throw notFound("Application", id);
    await findVisibleProject(ctx, application.projectId, { entity: "Application", id });
    return application;
  }

  /** Newest first; an ENTERPRISE user's list holds its own enterprise's applications only. */
  async list(ctx: RequestContext, args: ConnectionArgs, filter: ApplicationFilter = {}): Promise<Connection<Application>> {
    // a project the caller may not see (another enterprise's, or none) is NOT_FOUND, as everywhere
    if (filter.projectId) await findVisibleProject(ctx, filter.projectId);
    const query = ctx.repo(Application).createQueryBuilder("application");
    const scope = enterpriseScope(ctx);
    if (scope !== null) query.innerJoin(Project, "project", "project.id = application.projectId").andWhere("project.enterpriseId = :scope", { scope });
    if (filter.projectId) query.andWhere("application.projectId = :projectId", { projectId: filter.projectId });
    whereStatus(query, "application.status", filter);
    return paginate(query, args, {
      name: "received",
      direction: "DESC",
      keys: [{ column: "application.receivedAt", value: (a) => a.receivedAt, kind: "date" }],
      idColumn: "application.id",
    });
  }

  /** A project's applications, newest first (per-request loader). */
  forProject(ctx: RequestContext, projectId: string): Promise<Application[]> {
    const load = (ids: string[]) => ctx.repo(Application).find({ where: { projectId: In(ids) }, order: { receivedAt: "DESC", id: "DESC" } });
    return groupedLoader(ctx, "application.byProject", load, (a) => a.projectId).load(projectId);
  }

  /** The one-window application an item was (last) applied for through, or null (per-request loader). */
  forApprovalItem(ctx: RequestContext, itemId: string): Promise<Application | null> {
    const load = (ids: string[]) => ctx.repo(Application).find({ where: { approvalItemId: In(ids) }, order: { receivedAt: "ASC", id: "ASC" } });
    return keyedLoader(ctx, "intake.itemApplication", load, (a) => a.approvalItemId!).load(itemId);
  }
}

export const intakeService = new IntakeService();
