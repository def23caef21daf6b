import { createMethodMiddlewareDecorator } from "type-graphql";
import type { AuthUser } from "../../core/auth";
import type { RequestContext } from "../../core/context";
import { forbidden } from "../../core/errors";
import { groupedLoader, keyedLoader } from "../../core/loaders";
import { RELATIONS, REMITS, rolesOf, type DepartmentDuty, type Relation, type RemitName } from "./remits";
import { departmentCadresZh, RELATION_LABELS_ZH, refusalZh } from "./remits.zh";

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

  /**
   * The non-throwing check beside `authorize`, for capability fields (viewerCan…, viewerActions):
   * which of `names` the caller may take on `subject`, by the same relations `authorize` checks.
   * The remits are asked side by side, so a page of records asks each relation's table once
   * (the lookups below batch per request).
   */
  async allowedOf<N extends RemitName>(ctx: RequestContext, names: readonly N[], subject: RemitSubject = {}): Promise<Set<N>> {
    const answers = await Promise.all(names.map((name) => this.allows(ctx, name, subject)));
    return new Set(names.filter((_, i) => answers[i]));
  }

  /** FORBIDDEN, naming who may, unless the caller holds one of the remit's relations. Writes nothing. */
  async authorize(ctx: RequestContext, name: RemitName, subject: RemitSubject = {}): Promise<void> {
    ctx.requireUser();
    if (await this.allows(ctx, name, subject)) return;
    const { en, zh } = await this.refusal(ctx, name, subject);
    throw forbidden(en, zh, { remit: name });
  }

  /** "Only the project's manager or a cadre of 区住房和城乡建设局 may decide this item". */
  private async refusal(ctx: RequestContext, name: RemitName, subject: RemitSubject): Promise<{ en: string; zh: string }> {
    const remit = REMITS[name];
    const labels: Array<{ en: string; zh: string }> = [];
    for (const relation of remit.allowed as readonly Relation[]) labels.push(await this.label(ctx, relation, subject));
    return { en: `Only ${labels.map((l) => l.en).join(" or ")} may ${remit.verb}`, zh: refusalZh(labels.map((l) => l.zh), name) };
  }

  /** Who holds a relation to the subject, in English and Chinese: named departments where the subject names them. */
  private async label(ctx: RequestContext, relation: Relation, subject: RemitSubject): Promise<{ en: string; zh: string }> {
    const generic = { en: RELATIONS[relation].label, zh: RELATION_LABELS_ZH[relation] };
    const named = (departments: DepartmentRef[] | undefined) =>
      departments?.length ? { en: `a cadre of ${departments.map((d) => d.name).join(" or ")}`, zh: departmentCadresZh(departments.map((d) => d.name)) } : generic;
    switch (relation) {
      case "HANDLING_DEPARTMENT":
        return named(subject.handlingDepartment ? [subject.handlingDepartment] : undefined);
      case "LEAD_DEPARTMENT":
        return named(subject.leadDepartment ? [subject.leadDepartment] : undefined);
      case "PARTICIPATING_DEPARTMENT":
        return named(subject.participatingDepartments);
      case "FRONT_DESK": {
        const desk = await this.frontDesk(ctx);
        return desk ? { en: `a cadre of the front desk (${desk.name})`, zh: `前台综合受理部门（${desk.name}）的干部` } : generic;
      }
      case "RESPONSIBLE_DEPARTMENT":
        return subject.duty ? named(await this.dutyHolders(ctx, subject.duty)) : generic;
      default:
        return generic;
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

  /**
   * Whether the user is the project's active manager (项目经理人). Asked through a per-request
   * loader: every check in one tick (a page of capability fields) shares one statement.
   */
  async manages(ctx: RequestContext, userId: string, projectId: string): Promise<boolean> {
    return pairLoader(ctx, "policy.manages", "SELECT cadre_id AS u, active_project_id AS p FROM project_manager_assignment WHERE cadre_id IN (#U) AND active_project_id IN (#P)").load(`${userId}|${projectId}`);
  }

  /** Whether the user serves on the project's team now (not counting the manager); batched like `manages`. */
  async servesOnTeam(ctx: RequestContext, userId: string, projectId: string): Promise<boolean> {
    return pairLoader(ctx, "policy.servesOnTeam", "SELECT user_id AS u, project_id AS p FROM team_member WHERE user_id IN (#U) AND project_id IN (#P) AND removed_at IS NULL").load(`${userId}|${projectId}`);
  }

  /** The front-desk department (前台综合受理), named by code in FRONT_DESK_DEPARTMENT. */
  frontDesk(ctx: RequestContext): Promise<DepartmentRef | null> {
    return this.department(ctx, ctx.app.config.frontDeskDepartment);
  }

  department(ctx: RequestContext, code: string): Promise<DepartmentRef | null> {
    const load = (codes: string[]): Promise<Array<DepartmentRef & { code: string }>> =>
      ctx.manager.query(`SELECT id, name, code FROM department WHERE code IN (${codes.map(() => "?").join(", ")})`, codes);
    return keyedLoader(ctx, "policy.departmentByCode", load, (row) => row.code)
      .load(code)
      .then((row) => (row ? { id: row.id, name: row.name } : null));
  }

  /** The departments holding a standing duty, in list order. */
  dutyHolders(ctx: RequestContext, duty: DepartmentDuty): Promise<DepartmentRef[]> {
    const load = (duties: string[]): Promise<Array<DepartmentRef & { duty: string }>> =>
      ctx.manager.query(
        `SELECT d.id AS id, d.name AS name, dd.duty AS duty FROM department_duty dd JOIN department d ON d.id = dd.department_id WHERE dd.duty IN (${duties.map(() => "?").join(", ")}) ORDER BY d.sort_order, d.name`,
        duties,
      );
    return groupedLoader(ctx, "policy.dutyHolders", load, (row) => row.duty)
      .load(duty)
      .then((rows) => rows.map(({ id, name }) => ({ id, name })));
  }
}

/**
 * The request's loader of "does this (user, project) pair have a row": keys `userId|projectId`,
 * one statement per batch. `sql` selects the pairs as u and p, with #U and #P for the id lists.
 */
function pairLoader(ctx: RequestContext, name: string, sql: string) {
  const load = async (keys: string[]): Promise<string[]> => {
    const pairs = keys.map((key) => key.split("|") as [string, string]);
    const users = [...new Set(pairs.map(([u]) => u))];
    const projects = [...new Set(pairs.map(([, p]) => p))];
    const marks = (ids: string[]) => ids.map(() => "?").join(", ");
    const rows: Array<{ u: string; p: string }> = await ctx.manager.query(sql.replace("#U", marks(users)).replace("#P", marks(projects)), [...users, ...projects]);
    return rows.map((row) => `${row.u}|${row.p}`);
  };
  const loader = keyedLoader(ctx, name, load, (key) => key);
  return { load: async (key: string) => (await loader.load(key)) !== null };
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
      const relations = [...new Set(names.flatMap((name) => REMITS[name].allowed as readonly Relation[]))];
      const labels = [...new Set(relations.map((r) => RELATIONS[r].label))];
      const labelsZh = [...new Set(relations.map((r) => RELATION_LABELS_ZH[r]))];
      throw forbidden(`Only ${labels.join(" or ")} may ${REMITS[names[0]].verb}`, refusalZh(labelsZh, names[0]), { remit: names[0] });
    }
    return next();
  });
}
