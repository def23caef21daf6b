
import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import { changesOf } from "../../core/changes";
import type { RequestContext } from "../../core/context";
import { loaderById } from "../../core/loaders";
import { conflict, notFound } from "../../core/errors";
import { onUniqueViolation } from "../../core/unique";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { enterpriseScope, seesEnterprise } from "./enterprise-access";
import type { CreateEnterpriseInput, UpdateEnterpriseInput } from "./enterprise.inputs";
import { Enterprise } from "./enterprise.entity";

const codeTaken = (creditCode: string) => conflict(`Credit code ${creditCode} is already registered`, `统一社会信用代码 ${creditCode} 已登记过`, { field: "creditCode" });

/** Enterprises: created and edited by the reform office; an ENTERPRISE user sees only its own. */
export class EnterpriseService {
  /** A unified social credit code belongs to one enterprise only (CONFLICT on the field otherwise). */
  create(ctx: RequestContext, input: CreateEnterpriseInput): Promise<Enterprise> {
    return idempotent(ctx, "createEnterprise", Enterprise, input, (tx) => this.createOnce(tx, input));
  }

  private async createOnce(ctx: RequestContext, input: CreateEnterpriseInput): Promise<Enterprise> {
    return ctx.transaction(async (tx) => {
      const enterprise = tx.repo(Enterprise).create({ ...input, createdAt: tx.clock.now() });
      await onUniqueViolation(() => tx.repo(Enterprise).insert(enterprise), () => codeTaken(input.creditCode));
      await recordAudit(tx, { action: "enterprise.create", entityType: "Enterprise", entityId: enterprise.id, after: enterprise });
      return enterprise;
    });
  }

  async update(ctx: RequestContext, input: UpdateEnterpriseInput): Promise<Enterprise> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(Enterprise).findOneBy({ id: input.id });
      if (!before) throw notFound("Enterprise", input.id);
      const { id, ...changes } = input;
      const after = tx.repo(Enterprise).merge(tx.repo(Enterprise).create({ ...before }), changesOf(changes));
      await onUniqueViolation(() => tx.repo(Enterprise).save(after), () => codeTaken(after.creditCode));
      await recordAudit(tx, { action: "enterprise.update", entityType: "Enterprise", entityId: id, before, after });
      return after;
    });
  }

  /** One enterprise the caller may see; another enterprise's answers NOT_FOUND to an ENTERPRISE user. */
  async findVisible(ctx: RequestContext, id: string): Promise<Enterprise> {
    const enterprise = await this.visible(ctx, id);
    if (!enterprise) throw notFound("Enterprise", id);
    return enterprise;
  }

  /** The enterprise a user acts for, or null: none, or (to an ENTERPRISE caller) another enterprise's. */
  ofUser(ctx: RequestContext, user: { enterpriseId: string | null }): Promise<Enterprise | null> {
    return user.enterpriseId ? this.visible(ctx, user.enterpriseId) : Promise.resolve(null);
  }

  private async visible(ctx: RequestContext, id: string): Promise<Enterprise | null> {
    return seesEnterprise(ctx, id) ? loaderById(ctx, Enterprise).load(id) : null;
  }

  /** Enterprises by name; an ENTERPRISE user's list holds its own only. */
  async list(ctx: RequestContext, args: ConnectionArgs): Promise<Connection<Enterprise>> {
    const scope = enterpriseScope(ctx);
    const query = ctx.repo(Enterprise).createQueryBuilder("enterprise");
    if (scope !== null) query.where("enterprise.id = :scope", { scope });
    return paginate(query, args, { name: "name", direction: "ASC", keys: [{ column: "enterprise.name", value: (e) => e.name }], idColumn: "enterprise.id" });
  }
}

export const enterpriseService = new EnterpriseService();
