import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, varchar } from "./columns";

/** 容而不缺: the approval kind each seeded deferrable material stands in for. */
const APPROVAL_KIND_OF_ITEM: Record<string, string> = {
  ENVIRONMENTAL_IMPACT: "ENVIRONMENTAL_IMPACT",
  DESIGN_PLAN_REVIEW: "PLANNING_PERMIT",
  CONSTRUCTION_PERMIT: "CONSTRUCTION_PERMIT",
  FIRE_DESIGN_REVIEW: "FIRE_DESIGN_REVIEW",
  CONSTRUCTION_DRAWING_REVIEW: "CONSTRUCTION_DRAWING_REVIEW",
  CONSTRUCTION_PLANNING_PERMIT: "PLANNING_PERMIT",
  ENERGY_REVIEW: "FILING",
  SOIL_WATER_CONSERVATION: "SOIL_WATER_CONSERVATION",
  // 人防设计审查 is part of the joint drawing review (施工图联审)
  CIVIL_AIR_DEFENCE_REVIEW: "CONSTRUCTION_DRAWING_REVIEW",
};

/** 承诺办结时限 by kind, as src/modules/approval-kinds/approval-kinds.ts had them when this ran. */
const PROMISED_WORKING_DAYS: Record<string, number> = {
  FILING: 1, LAND_USE_PLANNING_PERMIT: 5, PLANNING_PERMIT: 5, ENVIRONMENTAL_IMPACT: 10, SOIL_WATER_CONSERVATION: 10, FIRE_DESIGN_REVIEW: 5,
  CONSTRUCTION_DRAWING_REVIEW: 5, CONSTRUCTION_PERMIT: 3, JOINT_ACCEPTANCE: 5, COMPLETION_FILING: 1, PROPERTY_REGISTRATION: 5, TRIAL_PRODUCTION: 5,
};

/**
 * One governed path. The project's fast-track status follows the path (ADMITTED only with a
 * letter both parties signed; SUSPENDED and EXITED from its circuit breaker), its stage follows its
 * milestones, and it records whether it started on commitment. Deferrable materials name the
 * approval they stand in for, approval items their promised working days, and a one-window
 * application the approval item it is about. Existing rows are brought to what the path says.
 */
export class GovernedPath1764200010000 implements MigrationInterface {
  name = "GovernedPath1764200010000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // plain ALTER TABLE: TypeORM's SQLite addColumn rebuilds the table, and dropping the old
    // project or deferrable_item table would cascade into the rows that reference them
    await queryRunner.query("ALTER TABLE project ADD COLUMN started_on_commitment boolean NOT NULL DEFAULT 0");
    await queryRunner.query(
      "UPDATE project SET started_on_commitment = 1 WHERE construction_start_on IS NOT NULL AND fast_track_status = 'ADMITTED'" +
        " AND NOT EXISTS (SELECT 1 FROM approval_item p WHERE p.project_id = project.id AND p.kind = 'CONSTRUCTION_PERMIT' AND p.status = 'APPROVED' AND p.approved_on <= project.construction_start_on)",
    );
    await queryRunner.query(
      "UPDATE project SET stage = CASE WHEN trial_production_on IS NOT NULL THEN 'IN_PRODUCTION' WHEN completion_on IS NOT NULL THEN 'COMPLETED'" +
        " WHEN construction_start_on IS NOT NULL THEN 'UNDER_CONSTRUCTION' WHEN land_contract_on IS NOT NULL THEN 'LAND_OBTAINED' ELSE 'PRE_LANDING' END",
    );
    // admitted only on a letter both parties signed; the breaker's state is the project's
    await queryRunner.query(
      "UPDATE project SET fast_track_status = 'APPLIED' WHERE fast_track_status = 'ADMITTED' AND NOT EXISTS (SELECT 1 FROM commitment_letter l WHERE l.project_id = project.id AND l.status = 'SIGNED')",
    );
    for (const [breaker, status] of [["SUSPENDED", "SUSPENDED"], ["AWAITING_DECISION", "SUSPENDED"], ["EXITED", "EXITED"], ["REAPPLY", "NOT_APPLIED"]]) {
      await queryRunner.query(`UPDATE project SET fast_track_status = ? WHERE id IN (SELECT b.project_id FROM circuit_breaker b WHERE b.state = ?)`, [status, breaker]);
    }
    await queryRunner.query(
      "UPDATE commitment_letter SET status = 'TERMINATED' WHERE project_id IN (SELECT b.project_id FROM circuit_breaker b WHERE b.state IN ('EXITED', 'REAPPLY'))",
    );

    await queryRunner.query("ALTER TABLE deferrable_item ADD COLUMN approval_kind varchar(32) NULL");
    for (const [code, kind] of Object.entries(APPROVAL_KIND_OF_ITEM)) await queryRunner.query("UPDATE deferrable_item SET approval_kind = ? WHERE code = ?", [kind, code]);

    await queryRunner.query("ALTER TABLE approval_item ADD COLUMN promised_working_days integer NOT NULL DEFAULT 5");
    for (const [kind, days] of Object.entries(PROMISED_WORKING_DAYS)) await queryRunner.query("UPDATE approval_item SET promised_working_days = ? WHERE kind = ?", [days, kind]);

    await queryRunner.addColumn("application", new TableColumn(varchar("approval_item_id", 36, { isNullable: true })));
    await queryRunner.query(
      "UPDATE application SET approval_item_id = (SELECT i.id FROM approval_item i WHERE i.project_id = application.project_id AND i.kind = application.application_class)",
    );
    await queryRunner.createIndex("application", new TableIndex({ name: "IDX_application_approval_item", columnNames: ["approval_item_id"] }));
    await queryRunner.createForeignKey("application", foreignKey("FK_application_approval_item", "approval_item_id", "approval_item"));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey("application", "FK_application_approval_item");
    await queryRunner.dropIndex("application", "IDX_application_approval_item");
    await queryRunner.dropColumn("application", "approval_item_id");
    await queryRunner.query("ALTER TABLE approval_item DROP COLUMN promised_working_days");
    await queryRunner.query("ALTER TABLE deferrable_item DROP COLUMN approval_kind");
    // the statuses the earlier schema knew: on the fast track or not, a letter drafted or signed
    await queryRunner.query("UPDATE commitment_letter SET status = 'DRAFT' WHERE status IN ('WITHDRAWN', 'TERMINATED')");
    await queryRunner.query("UPDATE project SET fast_track_status = 'ADMITTED' WHERE fast_track_status IN ('APPLIED', 'SUSPENDED')");
    await queryRunner.query("UPDATE project SET fast_track_status = 'NOT_APPLIED' WHERE fast_track_status = 'EXITED'");
    await queryRunner.query("ALTER TABLE project DROP COLUMN started_on_commitment");
  }
}
