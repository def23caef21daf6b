import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/** Projects of enterprises, with milestones and fast-track status. */
export class Projects1764200001000 implements MigrationInterface {
  name = "Projects1764200001000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const date = (name: string) => ({ name, type: "date", isNullable: true });
    await queryRunner.createTable(
      new Table({
        name: "project",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("code", 24),
          varchar("name", 200),
          varchar("enterprise_id", 36),
          varchar("industry", 16),
          { name: "total_investment", type: "decimal", precision: 18, scale: 2 },
          varchar("land_parcel", 100, { isNullable: true }),
          varchar("stage", 24, { default: "'PRE_LANDING'" }),
          varchar("fast_track_status", 16, { default: "'NOT_APPLIED'" }),
          timestamp("fast_track_admitted_at", { isNullable: true }),
          varchar("fast_track_admitted_by_id", 36, { isNullable: true }),
          date("signed_on"),
          date("land_contract_on"),
          date("construction_start_on"),
          date("completion_on"),
          date("certificate_on"),
          date("pre_acceptance_on"),
          date("trial_production_on"),
        ],
        indices: [
          { name: "UQ_project_code", columnNames: ["code"], isUnique: true },
          { name: "IDX_project_enterprise", columnNames: ["enterprise_id", "created_at", "id"] },
          { name: "IDX_project_created", columnNames: ["created_at", "id"] },
        ],
        foreignKeys: [foreignKey("FK_project_enterprise", "enterprise_id", "enterprise")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("project");
  }
}
