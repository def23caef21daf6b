import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import { changesOf } from "../../core/changes";
import type { RequestContext } from "../../core/context";
import { badInput, notFound, zhLabel } from "../../core/errors";
import { insertUnique } from "../../core/unique";
import { DeferrableItem } from "../fast-track/deferrable-item.entity";
import { ClauseTemplate, type GovernmentClauseRule, type Party } from "./commitment.entity";
import type { CreateClauseTemplateInput, UpdateClauseTemplateInput } from "./commitment.inputs";

/**
 * A template's rule as a whole: only a GOVERNMENT template carries a rule (BAD_USER_INPUT `rule`);
 * SERVICE_TEAM_IN_PLACE needs its N of working days and no other rule takes one
 * (`ruleWorkingDays`); a body saying `{workingDays}` needs that N (`body`).
 */
function checkRule(template: { party: Party; rule: GovernmentClauseRule | null; ruleWorkingDays: number | null; body: string }): void {
  if (template.rule && template.party !== "GOVERNMENT") throw badInput("rule", "Only a GOVERNMENT clause is judged by a rule", "只有政府方承诺条款才按规则判定");
  if (template.rule === "SERVICE_TEAM_IN_PLACE" && template.ruleWorkingDays === null) {
    throw badInput("ruleWorkingDays", "SERVICE_TEAM_IN_PLACE needs the working days after signing by which the manager is in place", `“${zhLabel("GovernmentClauseRule", "SERVICE_TEAM_IN_PLACE")}”规则须填写签署后多少个工作日内项目经理人到位`);
  }
  if (template.rule !== "SERVICE_TEAM_IN_PLACE" && template.ruleWorkingDays !== null) throw badInput("ruleWorkingDays", "Only SERVICE_TEAM_IN_PLACE takes working days", `只有“${zhLabel("GovernmentClauseRule", "SERVICE_TEAM_IN_PLACE")}”规则需要填写工作日数`);
  if (template.body.includes("{workingDays}") && template.ruleWorkingDays === null) throw badInput("body", "{workingDays} is filled from ruleWorkingDays, which the template lacks", "条款正文中的 {workingDays} 取自规则工作日数，但该范本没有填写规则工作日数");
}

/** 承诺条款范本: the reform office's clause templates. Editing one never changes drafted letters. */
export class ClauseTemplateService {
  /** Codes are unique; only ENTERPRISE clauses follow a deferrable item, which must exist; only GOVERNMENT clauses carry a rule. */
  create(ctx: RequestContext, input: CreateClauseTemplateInput): Promise<ClauseTemplate> {
    return idempotent(ctx, "createClauseTemplate", ClauseTemplate, input, (tx) => this.createOnce(tx, input));
  }

  private async createOnce(ctx: RequestContext, input: CreateClauseTemplateInput): Promise<ClauseTemplate> {
    return ctx.transaction(async (tx) => {
      if (input.deferrableItemCode) {
        if (input.party !== "ENTERPRISE") throw badInput("deferrableItemCode", "Only an ENTERPRISE clause follows a deferrable item", "只有企业方承诺条款才能对应容缺事项");
        if (!(await tx.repo(DeferrableItem).existsBy({ code: input.deferrableItemCode }))) throw badInput("deferrableItemCode", `No deferrable item ${input.deferrableItemCode}`, `没有编码为 ${input.deferrableItemCode} 的容缺事项`);
      }
      const template = tx.repo(ClauseTemplate).create({
        deferrableItemCode: null, dueDays: null, rule: null, ruleWorkingDays: null, sortOrder: 0, active: true,
        ...changesOf(input, ["deferrableItemCode", "dueDays", "rule", "ruleWorkingDays"]),
      });
      checkRule(template);
      await insertUnique(() => tx.repo(ClauseTemplate).insert(template), { en: `Clause template ${input.code} exists`, zh: `编码为 ${input.code} 的承诺条款范本已存在` }, "code");
      await recordAudit(tx, { action: "clauseTemplate.create", entityType: "ClauseTemplate", entityId: template.id, after: template });
      return template;
    });
  }

  /** The same checks on the template as edited; letters already drafted keep their clauses (and rules). */
  async update(ctx: RequestContext, input: UpdateClauseTemplateInput): Promise<ClauseTemplate> {
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(ClauseTemplate).findOneBy({ id: input.id });
      if (!before) throw notFound("ClauseTemplate", input.id);
      const { id, ...changes } = input;
      const defined = changesOf(changes, ["dueDays", "rule", "ruleWorkingDays"]);
      checkRule({ ...before, ...defined });
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
