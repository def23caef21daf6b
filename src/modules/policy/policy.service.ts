import { createMethodMiddlewareDecorator } from "type-graphql";
import type { AuthUser } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { forbidden } from "../../core/errors";
import { RELATIONS, REMITS, rolesOf, type DepartmentDuty, type Relation, type RemitName } from "./remits";

export interface DepartmentRef {
  id: string;
  name: string;
}

/** What an action touches, as far as its remit asks: the service that owns the record fills it in. */
export interface RemitSubject {
  projectId?: string;
  enterpriseId?: string;
  /** HANDLING_DEPARTMENT: the department that handles the item or application. */
  handlingDepartment?: DepartmentRef | null;
  /** RESPONSIBLE_DEPARTMENT: the departments holding this standing duty. */
  duty?: DepartmentDuty;
  /** LEAD_DEPARTMENT */
  leadDepartment?: DepartmentRef;
  /** PARTICIPATING_DEPARTMENT */
  participatingDepartments?: DepartmentRef[];
  claimantId?: string | null;
  assigneeId?: string | null;
  raiserId?: string | null;
}

/**
 * SQL: the project (an expression) is one the user :scopeUserId now manages or serves on. The one
 * definition of serving on a project, for single checks and for scoping lists. Table names, not
 * entities: the policy sits below the modules that own teams, so that they can ask it.
 */
export const servedBy = (projectId: string) =>
  `(${projectId} IN (SELECT a.active_project_id FROM project_manager_assignment a WHERE a.cadre_id = :scopeUserId AND a.active_project_id IS NOT NULL)` +
  ` OR ${projectId} IN (SELECT m.project_id FROM team_member m WHERE m.user_id = :scopeUserId AND m.removed_at IS NULL))`;

/**
 * Answers "may this caller do this?" from REMITS. Each relation is worked out only when the
 * remit names it and no earlier relation already allowed the action, with one small query at most.
 */
export class PolicyService {
  async allows(ctx: RequestContext, name: RemitName, subject: RemitSubject = {}): Promise<boolean> {
    const user = ctx.user;
    if (!user) return REMITS[name].allowed.includes("ANYONE" as never);
    for (const relation of REMITS[name].allowed as readonly Relation[]) {
      if (await this.holds(ctx, user, relation, subject)) return true;
    }
    return false;
  }

  /** FORBIDDEN, naming who may, unless the caller holds one of the remit's relations. Writes nothing. */
  async authorize(ctx: RequestContext, name: RemitName, subject: RemitSubject = {}): Promise<void> {
    ctx.requireUser();
    if (await this.allows(ctx, name, subject)) return;
    throw forbidden(await this.refusal(ctx, name, subject), { remit: name });
  }

  /** "Only the project's manager or a cadre of 区住房和城乡建设局 may decide this item". */
  private async refusal(ctx: RequestContext, name: RemitName, subject: RemitSubject): Promise<string> {
    const remit = REMITS[name];
    const labels: string[] = [];
    for (const relation of remit.allowed as readonly Relation[]) labels.push(await this.label(ctx, relation, subject));
    return `Only ${labels.join(" or ")} may ${remit.verb}`;
  }

  private async label(ctx: RequestContext, relation: Relation, subject: RemitSubject): Promise<string> {
    const named = (departments: DepartmentRef[] | undefined) => (departments?.length ? `a cadre of ${departments.map((d) => d.name).join(" or ")}` : RELATIONS[relation].label);
    switch (relation) {
      case "HANDLING_DEPARTMENT":
        return named(subject.handlingDepartment ? [subject.handlingDepartment] : undefined);
      case "LEAD_DEPARTMENT":
        return named(subject.leadDepartment ? [subject.leadDepartment] : undefined);
      case "PARTICIPATING_DEPARTMENT":
        return named(subject.participatingDepartments);
      case "FRONT_DESK": {
        const desk = await this.frontDesk(ctx);
        return desk ? `a cadre of the front desk (${desk.name})` : RELATIONS[relation].label;
      }
      case "RESPONSIBLE_DEPARTMENT":
        return subject.duty ? named(await this.dutyHolders(ctx, subject.duty)) : RELATIONS[relation].label;
      default:
        return RELATIONS[relation].label;
    }
  }

  private async holds(ctx: RequestContext, user: AuthUser, relation: Relation, subject: RemitSubject): Promise<boolean> {
    if (!(RELATIONS[relation].roles as readonly string[]).includes(user.role)) return false;
    const inDepartment = (departments: Array<DepartmentRef | null | undefined> | undefined) =>
      !!user.departmentId && !!departments?.some((d) => d?.id === user.departmentId);
    switch (relation) {
      case "ANYONE":
      case "SIGNED_IN":
      case "ADMIN":
      case "CADRE":
        return true;
      case "OWN_ENTERPRISE":
        return !!subject.enterpriseId && user.enterpriseId === subject.enterpriseId;
      case "PROJECT_MANAGER":
        return !!subject.projectId && this.manages(ctx, user.id, subject.projectId);
      case "TEAM_MEMBER":
        return !!subject.projectId && this.servesOnTeam(ctx, user.id, subject.projectId);
      case "HANDLING_DEPARTMENT":
        return inDepartment([subject.handlingDepartment]);
      case "LEAD_DEPARTMENT":
        return inDepartment([subject.leadDepartment]);
      case "PARTICIPATING_DEPARTMENT":
        return inDepartment(subject.participatingDepartments);
      case "FRONT_DESK":
        return inDepartment([await this.frontDesk(ctx)]);
      case "RESPONSIBLE_DEPARTMENT":
        return !!subject.duty && inDepartment(await this.dutyHolders(ctx, subject.duty));
      case "CLAIMANT":
        return !!subject.claimantId && subject.claimantId === user.id;
      case "TICKET_ASSIGNEE":
        return !!subject.assigneeId && subject.assigneeId === user.id;
      case "TICKET_RAISER":
        return !!subject.raiserId && subject.raiserId === user.id;
    }
  }

  /** Whether the user is the project's active manager (项目经理人). */
  async manages(ctx: RequestContext, userId: string, projectId: string): Promise<boolean> {
    const rows = await ctx.manager.query("SELECT 1 AS x FROM project_manager_assignment WHERE active_project_id = ? AND cadre_id = ?", [projectId, userId]);
    return rows.length > 0;
  }

  /** Whether the user serves on the project's team now (not counting the manager). */
  async servesOnTeam(ctx: RequestContext, userId: string, projectId: string): Promise<boolean> {
    const rows = await ctx.manager.query("SELECT 1 AS x FROM team_member WHERE project_id = ? AND user_id = ? AND removed_at IS NULL", [projectId, userId]);
    return rows.length > 0;
  }

  /** The front-desk department (前台综合受理), named by code in FRONT_DESK_DEPARTMENT. */
  frontDesk(ctx: RequestContext): Promise<DepartmentRef | null> {
    return this.department(ctx, ctx.app.config.frontDeskDepartment);
  }

  async department(ctx: RequestContext, code: string): Promise<DepartmentRef | null> {
    const rows: DepartmentRef[] = await ctx.manager.query("SELECT id, name FROM department WHERE code = ?", [code]);
    return rows[0] ?? null;
  }

  /** The departments holding a standing duty, in list order. */
  async dutyHolders(ctx: RequestContext, duty: DepartmentDuty): Promise<DepartmentRef[]> {
    return ctx.manager.query(
      "SELECT d.id AS id, d.name AS name FROM department_duty dd JOIN department d ON d.id = dd.department_id WHERE dd.duty = ? ORDER BY d.sort_order, d.name",
      [duty],
    );
  }
}

export const policyService = new PolicyService();

/**
 * A mutation's first check, made from its remit: signed in (UNAUTHENTICATED) and of a role that
 * can hold one of the remit's relations (FORBIDDEN naming who may). The service then checks the
 * relation itself against the record (policyService.authorize).
 */
export function Remit(...names: RemitName[]): MethodDecorator {
  const roles = new Set(names.flatMap((name) => rolesOf(name)));
  const open = names.some((name) => (REMITS[name].allowed as readonly Relation[]).includes("ANYONE"));
  return createMethodMiddlewareDecorator<RequestContext>(async ({ context }, next) => {
    if (open) return next();
    const user = context.requireUser();
    if (!roles.has(user.role)) {
      const labels = [...new Set(names.flatMap((name) => (REMITS[name].allowed as readonly Relation[]).map((r) => RELATIONS[r].label)))];
      throw forbidden(`Only ${labels.join(" or ")} may ${REMITS[names[0]].verb}`, { remit: names[0] });
    }
    return next();
  });
}
