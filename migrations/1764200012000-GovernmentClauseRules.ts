import { randomUUID } from "node:crypto";
import type { MigrationInterface, QueryRunner } from "typeorm";

/** The seeded government templates: their text as GovernmentClauseRules makes it, the rule that judges them, and the text before. */
const GOVERNMENT_TEMPLATES: Array<{ code: string; rule: string; workingDays: number | null; body: string; previous: string }> = [
  {
    code: "GOV_SERVICE_TEAM",
    rule: "SERVICE_TEAM_IN_PLACE",
    workingDays: 5,
    body: "政府承诺自本承诺书签署之日起{workingDays}个工作日内为{project}组建服务专班并明确项目经理人。",
    previous: "政府承诺于{dueOn}前为{project}组建服务专班并明确项目经理人。",
  },
  {
    code: "GOV_EMERGENCY_RESPONSE",
    rule: "EMERGENCY_RESPONSE",
    workingDays: null,
    body: "政府承诺对{project}的急诊诉求{ackHours}小时内响应、{resolveHours}小时内解决，承诺期至{dueOn}。",
    previous: "政府承诺对{project}的急诊诉求24小时内响应、3个工作日内解决，承诺期至{dueOn}。",
  },
  {
    code: "GOV_PARALLEL_APPROVAL",
    rule: "APPROVALS_ON_TIME",
    workingDays: null,
    body: "政府承诺并联办理{project}的备案、规划许可、施工许可，自本承诺书签署之日起至{dueOn}受理的每项审批均在其承诺办结时限（工作日）内办结。",
    previous: "政府承诺于{dueOn}前完成{project}备案、规划许可、施工许可的并联审批服务。",
  },
];

const NO_ADDED_ITEMS = {
  code: "GOV_NO_ADDED_ITEMS",
  title: "严禁增设审批监管事项",
  body: "政府承诺至{dueOn}严禁对{project}增设法律法规规定之外的审批或监管事项：审批限于审批事项目录，监管限于本承诺书签署时有效的细则标准。",
  dueDays: 365,
  sortOrder: 13,
};

/**
 * Government commitments judged by facts: a clause template carries the rule the deadline sweep
 * judges its government clauses by (and the N of SERVICE_TEAM_IN_PLACE); a letter's clause copies
 * it and records the judgement. The seeded government texts take their figures from the rule and
 * the EMERGENCY ticket SLA ({workingDays}, {ackHours}, {resolveHours}); 严禁增设 joins them; the
 * clauses already drafted get the rule of their template (their text, as signed, stays).
 */
export class GovernmentClauseRules1764200012000 implements MigrationInterface {
  name = "GovernmentClauseRules1764200012000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // plain ALTER TABLE: TypeORM's SQLite addColumn rebuilds the table
    await queryRunner.query("ALTER TABLE clause_template ADD COLUMN rule varchar(32) NULL");
    await queryRunner.query("ALTER TABLE clause_template ADD COLUMN rule_working_days integer NULL");
    await queryRunner.query("ALTER TABLE commitment_clause ADD COLUMN rule varchar(32) NULL");
    await queryRunner.query("ALTER TABLE commitment_clause ADD COLUMN rule_working_days integer NULL");
    await queryRunner.query("ALTER TABLE commitment_clause ADD COLUMN judgement text NULL");

    for (const t of GOVERNMENT_TEMPLATES) {
      await queryRunner.query("UPDATE clause_template SET body = ?, rule = ?, rule_working_days = ? WHERE code = ? AND party = 'GOVERNMENT'", [t.body, t.rule, t.workingDays, t.code]);
    }
    const [{ n }] = await queryRunner.query("SELECT COUNT(*) AS n FROM clause_template WHERE code = ?", [NO_ADDED_ITEMS.code]);
    if (Number(n) === 0) {
      await queryRunner.query(
        "INSERT INTO clause_template (id, code, party, title, body, deferrable_item_code, due_days, rule, rule_working_days, active, sort_order) VALUES (?, ?, 'GOVERNMENT', ?, ?, NULL, ?, 'NO_ADDED_ITEMS', NULL, 1, ?)",
        [randomUUID(), NO_ADDED_ITEMS.code, NO_ADDED_ITEMS.title, NO_ADDED_ITEMS.body, NO_ADDED_ITEMS.dueDays, NO_ADDED_ITEMS.sortOrder],
      );
    }
    // the clauses drafted so far judged by their template's rule (templates the reform office added have none: ADMIN judges those)
    await queryRunner.query(
      "UPDATE commitment_clause SET rule = (SELECT t.rule FROM clause_template t WHERE t.code = commitment_clause.template_code)," +
        " rule_working_days = (SELECT t.rule_working_days FROM clause_template t WHERE t.code = commitment_clause.template_code)" +
        " WHERE party = 'GOVERNMENT'",
    );
    // a rule clause the old sweep breached on its date alone is judged again, by its rule, at the next sweep
    await queryRunner.query("UPDATE commitment_clause SET fulfilment_status = 'PENDING', fulfilled_on = NULL WHERE party = 'GOVERNMENT' AND rule IS NOT NULL AND fulfilment_status = 'BREACHED'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM clause_template WHERE code = ? AND NOT EXISTS (SELECT 1 FROM commitment_clause c WHERE c.template_code = clause_template.code)", [NO_ADDED_ITEMS.code]);
    for (const t of GOVERNMENT_TEMPLATES) await queryRunner.query("UPDATE clause_template SET body = ? WHERE code = ? AND body = ?", [t.previous, t.code, t.body]);
    await queryRunner.query("ALTER TABLE commitment_clause DROP COLUMN judgement");
    await queryRunner.query("ALTER TABLE commitment_clause DROP COLUMN rule_working_days");
    await queryRunner.query("ALTER TABLE commitment_clause DROP COLUMN rule");
    await queryRunner.query("ALTER TABLE clause_template DROP COLUMN rule_working_days");
    await queryRunner.query("ALTER TABLE clause_template DROP COLUMN rule");
  }
}
