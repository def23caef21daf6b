import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { acrossMigration } from "../support/migration-rows";

// The GovernmentClauseRules migration on clauses already drafted: each government clause takes its
// template's rule, one the old sweep breached on its date alone waits to be judged by that rule,
// and a government clause of a template without a rule keeps what ADMIN recorded.
test("drafted government clauses take their template's rule; date-only breaches are judged again", async () => {
  const letterId = randomUUID();
  await acrossMigration("GovernmentClauseRules1764200012000", async (old) => {
    const enterpriseId = randomUUID();
    const projectId = randomUUID();
    await old.query("INSERT INTO enterprise (id, name, credit_code, legal_representative, contact) VALUES (?, '企业', '91441602MA4W1TQJ1W', '张三', '0762')", [enterpriseId]);
    await old.query(
      "INSERT INTO project (id, code, name, enterprise_id, industry, total_investment, stage, fast_track_status) VALUES (?, '2026-441602-30-01-000001', 'p', ?, 'C3971', 1.00, 'PRE_LANDING', 'ADMITTED')",
      [projectId, enterpriseId],
    );
    await old.query("INSERT INTO commitment_letter (id, project_id, version, status, signed_at) VALUES (?, ?, 1, 'SIGNED', '2026-01-05 02:00:00')", [letterId, projectId]);
    const clause = (code: string, party: string, status: string) =>
      old.query("INSERT INTO commitment_clause (id, letter_id, party, template_code, title, text, due_on, fulfilment_status, sort_order) VALUES (?, ?, ?, ?, ?, 't', '2026-02-01', ?, 0)", [randomUUID(), letterId, party, code, code, status]);
    await clause("GOV_SERVICE_TEAM", "GOVERNMENT", "BREACHED");
    await clause("GOV_EMERGENCY_RESPONSE", "GOVERNMENT", "PENDING");
    await clause("GOV_CUSTOM", "GOVERNMENT", "BREACHED");
    await clause("ENT_CUSTOM", "ENTERPRISE", "BREACHED");
  }, async (migrated) => {
    const rows = await migrated.query("SELECT template_code AS code, rule, fulfilment_status AS status FROM commitment_clause ORDER BY template_code");
    expect(rows).toEqual([
      { code: "ENT_CUSTOM", rule: null, status: "BREACHED" },
      { code: "GOV_CUSTOM", rule: null, status: "BREACHED" },
      { code: "GOV_EMERGENCY_RESPONSE", rule: "EMERGENCY_RESPONSE", status: "PENDING" },
      { code: "GOV_SERVICE_TEAM", rule: "SERVICE_TEAM_IN_PLACE", status: "PENDING" },
    ]);
    const template = (await migrated.query("SELECT body FROM clause_template WHERE code = 'GOV_EMERGENCY_RESPONSE'"))[0];
    expect(template.body).toContain("{ackHours}");
    await migrated.undoLastMigration({ transaction: "each" });
    expect(Number((await migrated.query("SELECT COUNT(*) AS n FROM commitment_clause"))[0].n)).toBe(4);
  });
});
