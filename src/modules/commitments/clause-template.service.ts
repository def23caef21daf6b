import { recordAudit } from "../../core/audit";
import { changesOf } from "../../core/changes";
import type { RequestContext } from "../../core/context";
import { badInput, notFound } from "../../core/errors";
import { insertUnique } from "../../core/unique";
import { DeferrableItem } from "../fast-track/deferrable-item.entity";
import { ClauseTemplate } from "./commitment.entity";
import type { CreateClauseTemplateInput, UpdateClauseTemplateInput } from "./commitment.inputs";

/** 承诺条款范本: the reform office's clause templates. Editing one never changes drafted letters. */
export class ClauseTemplateService {
  /** Codes are unique; only ENTERPRISE clauses follow a deferrable item, which must exist. */
  async create(ctx: RequestContext, input: CreateClauseTemplateInput): Promise<ClauseTemplate> {
    return ctx.transaction(async (tx) => {
      if (input.deferrableItemCode) {
        if (input.party !== "ENTERPRISE") throw badInput("deferrableItemCode", "Only an ENTERPRISE clause follows a deferrable item");
        if (!(await tx.repo(DeferrableItem).existsBy({ code: input.deferrableItemCode }))) throw badInput("deferrableItemCode", `No deferrable item ${input.deferrableItemCode}`);
      }
      const template = tx.repo(ClauseTemplate).create({ deferrableItemCode: null, dueDays: null, sortOrder: 0, active: true, ...changesOf(input, ["deferrableItemCode", "dueDays"]) });
      await insertUnique(() => tx.repo(ClauseTemplate).insert(template), `Clause template ${input.code} exists`, "code");
      await recordAudit(tx, { action: "clauseTemplate.create", entityType: "ClauseTemplate", entityId: template.id, after: template });
      return template;
    });
  }

  async update(ctx: RequestContext, input: UpdateClauseTemplateInput): Promise<ClauseTemplate> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(ClauseTemplate).findOneBy({ id: input.id });
      if (!before) throw notFound("ClauseTemplate", input.id);
      const { id, ...changes } = input;
      const defined = changesOf(changes, ["dueDays"]);
      if (Object.keys(defined).length) await tx.repo(ClauseTemplate).update({ id }, defined);
      const after = await tx.repo(ClauseTemplate).findOneByOrFail({ id });
      await recordAudit(tx, { action: "clauseTemplate.update", entityType: "ClauseTemplate", entityId: id, before, after });
      return after;
    });
  }

  list(ctx: RequestContext, includeInactive: boolean): Promise<ClauseTemplate[]> {
    return ctx.repo(ClauseTemplate).find({ where: includeInactive ? {} : { active: true }, order: { sortOrder: "ASC", code: "ASC" } });
  }
}

export const clauseTemplateService = new ClauseTemplateService();
