import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { acrossMigration } from "../support/migration-rows";

// The Departments migration turns the free-text department columns into department records on a
// database that already holds rows: every row keeps its department, a name no department has
// becomes a department of its own, and nothing is lost.
test("free-text departments become department records, no row lost, on the database the suite runs on", async () => {
  const enterpriseId = randomUUID();
  const projectId = randomUUID();
  const userId = randomUUID();
  await acrossMigration("Departments1764200009000", async (old) => {
    await old.query("INSERT INTO enterprise (id, name, credit_code, legal_representative, contact) VALUES (?, '企业', '91441602MA4W1TQJ1W', '张三', '0762')", [enterpriseId]);
    await old.query("INSERT INTO project (id, code, name, enterprise_id, industry, total_investment) VALUES (?, '2026-441602-30-01-000001', '项目', ?, 'C3971', 1.00)", [projectId, enterpriseId]);
    await old.query("INSERT INTO `user` (id, username, password_hash, name, role) VALUES (?, 'office', 'x', '办公室', 'ADMIN')", [userId]);
    const items: Array<[string, string]> = [
      ["CONSTRUCTION_PERMIT", "区住房和城乡建设局"],
      ["PROPERTY_REGISTRATION", "区不动产登记中心"],
      ["ENVIRONMENTAL_IMPACT", "区生态环境分局"],
      ["FILING", "区气象局"],
    ];
    for (const [kind, department] of items) {
      await old.query("INSERT INTO approval_item (id, project_id, kind, department, status) VALUES (?, ?, ?, ?, 'NOT_STARTED')", [randomUUID(), projectId, kind, department]);
    }
    await old.query(
      "INSERT INTO application (id, project_id, application_class, title, status, department, received_by_id, received_at) VALUES (?, ?, 'FILING', '备案', 'ROUTED', '区发展和改革局', ?, '2026-01-05 02:00:00')",
      [randomUUID(), projectId, userId],
    );
    await old.query(
      "INSERT INTO application (id, project_id, application_class, title, status, department, received_by_id, received_at) VALUES (?, ?, 'FILING', '备案', 'RECEIVED', NULL, ?, '2026-01-06 02:00:00')",
      [randomUUID(), projectId, userId],
    );
    await old.query("INSERT INTO joint_inspection (id, project_id, scheduled_on, departments, status, scheduled_by_id) VALUES (?, ?, '2026-02-01', ?, 'SCHEDULED', ?)", [
      randomUUID(), projectId, JSON.stringify(["区住房和城乡建设局", "区消防救援大队", "区气象局"]), userId,
    ]);
  }, async (migrated) => {
    const approvals = await migrated.query("SELECT a.kind AS kind, d.code AS code, d.name AS name FROM approval_item a JOIN department d ON d.id = a.department_id ORDER BY a.kind");
    expect(approvals.map((a: any) => [a.kind, a.code, a.name])).toEqual([
      ["CONSTRUCTION_PERMIT", "HOUSING_CONSTRUCTION", "区住房和城乡建设局"],
      ["ENVIRONMENTAL_IMPACT", "ECOLOGY_ENVIRONMENT", "市生态环境局源城分局"],
      ["FILING", "IMPORTED_1", "区气象局"],
      ["PROPERTY_REGISTRATION", "REAL_ESTATE_REGISTRATION", "区不动产登记中心"],
    ]);
    const applications = await migrated.query("SELECT a.status AS status, d.code AS code FROM application a LEFT JOIN department d ON d.id = a.department_id ORDER BY a.received_at");
    expect(applications.map((a: any) => [a.status, a.code])).toEqual([["ROUTED", "DEVELOPMENT_REFORM"], ["RECEIVED", null]]);
    const [inspection] = await migrated.query("SELECT d.code AS lead FROM joint_inspection i JOIN department d ON d.id = i.lead_department_id");
    expect(inspection.lead).toBe("HOUSING_CONSTRUCTION");
    const participants = await migrated.query("SELECT d.code AS code FROM joint_inspection_department j JOIN department d ON d.id = j.department_id ORDER BY j.sort_order");
    // the same unknown name is the one department it became before, not a second
    expect(participants.map((p: any) => p.code)).toEqual(["HOUSING_CONSTRUCTION", "FIRE_RESCUE", "IMPORTED_1"]);
    const duties = await migrated.query("SELECT d.code AS code, dd.duty AS duty FROM department_duty dd JOIN department d ON d.id = dd.department_id ORDER BY dd.duty");
    expect(duties.map((d: any) => [d.code, d.duty])).toEqual([["HOUSING_CONSTRUCTION", "BUILDING_ACCEPTANCE"], ["NATURAL_RESOURCES", "SURVEY"]]);

    // and back: each row's text is its department's full name (as the approval kinds wrote it)
    await migrated.undoLastMigration({ transaction: "each" });
    const restored = await migrated.query("SELECT kind, department FROM approval_item ORDER BY kind");
    expect(restored.map((a: any) => [a.kind, a.department])).toEqual([
      ["CONSTRUCTION_PERMIT", "区住房和城乡建设局"],
      ["ENVIRONMENTAL_IMPACT", "市生态环境局源城分局"],
      ["FILING", "区气象局"],
      ["PROPERTY_REGISTRATION", "区不动产登记中心"],
    ]);
  });
});
