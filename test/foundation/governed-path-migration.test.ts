import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { acrossMigration } from "../support/migration-rows";

// The GovernedPath migration on a database that already holds rows: each project's fast-track
// status becomes what the path says (admitted only on a letter both signed; the breaker's state is
// the project's), its stage follows its milestones, a start without a permit is a start on
// commitment, and the catalog, approval items and applications get what the gates read. No row lost.
test("existing projects are put where the governed path says, no row lost, and down() restores the earlier statuses", async () => {
  const enterpriseId = randomUUID();
  const userId = randomUUID();
  const permitId = randomUUID();
  const projects = {
    unsigned: randomUUID(), // ADMITTED with a draft letter only
    onCommitment: randomUUID(), // ADMITTED, signed, started without a permit
    withPermit: randomUUID(), // ADMITTED, signed, started after its permit was approved
    suspended: randomUUID(), // breaker SUSPENDED
    reapply: randomUUID(), // breaker REAPPLY
    never: randomUUID(), // NOT_APPLIED, land only
  };
  await acrossMigration("GovernedPath1764200010000", async (old) => {
    await old.query("INSERT INTO enterprise (id, name, credit_code, legal_representative, contact) VALUES (?, '企业', '91441602MA4W1TQJ1W', '张三', '0762')", [enterpriseId]);
    await old.query("INSERT INTO `user` (id, username, password_hash, name, role) VALUES (?, 'office', 'x', '办公室', 'ADMIN')", [userId]);
    const department = (await old.query("SELECT id FROM department WHERE code = 'HOUSING_CONSTRUCTION'"))[0].id;
    let n = 0;
    for (const [key, id] of Object.entries(projects)) {
      const admitted = key !== "never";
      await old.query(
        "INSERT INTO project (id, code, name, enterprise_id, industry, total_investment, stage, fast_track_status, land_contract_on, construction_start_on) VALUES (?, ?, ?, ?, 'C3971', 1.00, 'PRE_LANDING', ?, '2026-01-10', ?)",
        [id, `2026-441602-30-01-00000${++n}`, key, enterpriseId, admitted ? "ADMITTED" : "NOT_APPLIED", key === "never" || key === "unsigned" ? null : "2026-02-01"],
      );
      if (!admitted) continue;
      const signed = key !== "unsigned";
      await old.query("INSERT INTO commitment_letter (id, project_id, version, status, signed_at) VALUES (?, ?, 1, ?, ?)", [randomUUID(), id, signed ? "SIGNED" : "DRAFT", signed ? "2026-01-05 02:00:00" : null]);
    }
    await old.query("INSERT INTO approval_item (id, project_id, kind, department_id, status, approved_on) VALUES (?, ?, 'CONSTRUCTION_PERMIT', ?, 'APPROVED', '2026-01-20')", [randomUUID(), projects.withPermit, department]);
    await old.query("INSERT INTO approval_item (id, project_id, kind, department_id, status) VALUES (?, ?, 'CONSTRUCTION_PERMIT', ?, 'SUBMITTED')", [permitId, projects.onCommitment, department]);
    await old.query(
      "INSERT INTO application (id, project_id, application_class, title, status, department_id, received_by_id, received_at) VALUES (?, ?, 'CONSTRUCTION_PERMIT', '施工许可', 'ROUTED', ?, ?, '2026-01-06 02:00:00')",
      [randomUUID(), projects.onCommitment, department, userId],
    );
    await old.query(
      "INSERT INTO application (id, project_id, application_class, title, status, received_by_id, received_at) VALUES (?, ?, 'FILING', '备案', 'RECEIVED', ?, '2026-01-07 02:00:00')",
      [randomUUID(), projects.onCommitment, userId],
    );
    for (const [key, state] of [["suspended", "SUSPENDED"], ["reapply", "REAPPLY"]] as const) {
      await old.query("INSERT INTO circuit_breaker (project_id, state, changed_at) VALUES (?, ?, '2026-08-01 02:00:00')", [projects[key], state]);
    }
  }, async (migrated) => {
    const rows = await migrated.query("SELECT name, fast_track_status AS status, stage, started_on_commitment AS started FROM project ORDER BY name");
    expect(rows.map((r: any) => [r.name, r.status, r.stage, Boolean(Number(r.started))])).toEqual([
      ["never", "NOT_APPLIED", "LAND_OBTAINED", false],
      ["onCommitment", "ADMITTED", "UNDER_CONSTRUCTION", true],
      ["reapply", "NOT_APPLIED", "UNDER_CONSTRUCTION", true],
      ["suspended", "SUSPENDED", "UNDER_CONSTRUCTION", true],
      ["unsigned", "APPLIED", "LAND_OBTAINED", false],
      ["withPermit", "ADMITTED", "UNDER_CONSTRUCTION", false],
    ]);
    const letters = await migrated.query("SELECT p.name AS name, l.status AS status FROM commitment_letter l JOIN project p ON p.id = l.project_id ORDER BY p.name");
    expect(letters.map((l: any) => [l.name, l.status])).toEqual([
      ["onCommitment", "SIGNED"],
      ["reapply", "TERMINATED"],
      ["suspended", "SIGNED"],
      ["unsigned", "DRAFT"],
      ["withPermit", "SIGNED"],
    ]);
    const catalog = await migrated.query("SELECT code, approval_kind AS kind FROM deferrable_item ORDER BY code");
    expect(catalog).toHaveLength(9);
    for (const item of catalog) expect(item.kind, item.code).toBeTruthy();
    expect(catalog.find((c: any) => c.code === "CONSTRUCTION_PERMIT").kind).toBe("CONSTRUCTION_PERMIT");
    const items = await migrated.query("SELECT kind, promised_working_days AS days FROM approval_item ORDER BY kind");
    expect(items.map((i: any) => [i.kind, Number(i.days)])).toEqual([["CONSTRUCTION_PERMIT", 3], ["CONSTRUCTION_PERMIT", 3]]);
    const applications = await migrated.query("SELECT application_class AS cls, approval_item_id AS item FROM application ORDER BY received_at");
    expect(applications).toEqual([{ cls: "CONSTRUCTION_PERMIT", item: permitId }, { cls: "FILING", item: null }]);

    // and back: the two statuses the earlier schema knew, every row still there
    await migrated.undoLastMigration({ transaction: "each" });
    const restored = await migrated.query("SELECT name, fast_track_status AS status FROM project ORDER BY name");
    expect(restored.map((r: any) => [r.name, r.status])).toEqual([
      ["never", "NOT_APPLIED"],
      ["onCommitment", "ADMITTED"],
      ["reapply", "NOT_APPLIED"],
      ["suspended", "ADMITTED"],
      ["unsigned", "ADMITTED"],
      ["withPermit", "ADMITTED"],
    ]);
    expect((await migrated.query("SELECT status FROM commitment_letter WHERE status NOT IN ('DRAFT', 'SIGNED')")).length).toBe(0);
    expect((await migrated.query("SELECT id FROM application")).length).toBe(2);
  });
});
