import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";
import { foreignKey, id, timestamps, varchar } from "./columns";

/**
 * Three in step: approval items side by side with their few real dependencies (as data),
 * 多测合一 survey commissions and shared results, buildings accepted one by one, and the
 * ADMIN overrides of the official working-day calendar.
 */
export class InStep1764200005000 implements MigrationInterface {
  name = "InStep1764200005000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const date = (name: string, isNullable = true): TableColumnOptions => ({ name, type: "date", isNullable });
    const bool = (name: string): TableColumnOptions => ({ name, type: "boolean" });
    await queryRunner.createTable(
      new Table({
        name: "calendar_day",
        columns: [id(), ...timestamps(queryRunner), date("date", false), bool("workday"), varchar("note", 200, { isNullable: true }), varchar("set_by_id", 36, { isNullable: true })],
        indices: [{ name: "UQ_calendar_day_date", columnNames: ["date"], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "calendar_year",
        columns: [id(), ...timestamps(queryRunner), { name: "year", type: "integer" }, varchar("note", 200, { isNullable: true }), varchar("declared_by_id", 36, { isNullable: true })],
        indices: [{ name: "UQ_calendar_year_year", columnNames: ["year"], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "survey_commission",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("stage", 16),
          varchar("surveyor", 200),
          date("commissioned_on", false),
          varchar("commissioned_by_id", 36, { isNullable: true }),
        ],
        indices: [{ name: "UQ_survey_commission_project_stage", columnNames: ["project_id", "stage"], isUnique: true }],
        foreignKeys: [foreignKey("FK_survey_commission_project", "project_id", "project")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "survey_result",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("commission_id", 36),
          varchar("project_id", 36),
          varchar("stage", 16),
          varchar("reference", 100),
          varchar("summary", 1000, { isNullable: true }),
          date("delivered_on", false),
        ],
        indices: [
          { name: "UQ_survey_result_commission", columnNames: ["commission_id"], isUnique: true },
          { name: "IDX_survey_result_project", columnNames: ["project_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_survey_result_commission", "commission_id", "survey_commission"),
          foreignKey("FK_survey_result_project", "project_id", "project"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "approval_item",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("kind", 32),
          varchar("department", 100),
          varchar("status", 16, { default: "'NOT_STARTED'" }),
          date("submitted_on"),
          date("approved_on"),
          date("rejected_on"),
          varchar("note", 500, { isNullable: true }),
          varchar("handled_by_id", 36, { isNullable: true }),
          varchar("survey_result_id", 36, { isNullable: true }),
        ],
        indices: [
          { name: "UQ_approval_item_project_kind", columnNames: ["project_id", "kind"], isUnique: true },
          { name: "IDX_approval_item_handled_by", columnNames: ["handled_by_id"] },
          { name: "IDX_approval_item_survey_result", columnNames: ["survey_result_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_approval_item_project", "project_id", "project"),
          foreignKey("FK_approval_item_handled_by", "handled_by_id", "user"),
          foreignKey("FK_approval_item_survey_result", "survey_result_id", "survey_result"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "approval_dependency",
        columns: [id(), ...timestamps(queryRunner), varchar("kind", 32), varchar("requires_kind", 32)],
        indices: [{ name: "UQ_approval_dependency", columnNames: ["kind", "requires_kind"], isUnique: true }],
      }),
    );
    // The real dependencies only; everything else runs side by side.
    const dependencies: Array<[string, string, string]> = [
      ["5b0e3c1a-0001-4000-8000-000000000001", "PLANNING_PERMIT", "LAND_USE_PLANNING_PERMIT"], // 工程规划许可 needs the land-use planning permit
      ["5b0e3c1a-0001-4000-8000-000000000002", "CONSTRUCTION_PERMIT", "PLANNING_PERMIT"], // 施工许可 needs the 工程规划许可
      ["5b0e3c1a-0001-4000-8000-000000000003", "COMPLETION_FILING", "JOINT_ACCEPTANCE"], // 竣工验收备案 records the passed 联合验收
      ["5b0e3c1a-0001-4000-8000-000000000004", "PROPERTY_REGISTRATION", "JOINT_ACCEPTANCE"], // 首次登记 needs the passed acceptance
    ];
    for (const [rowId, kind, requires] of dependencies) {
      await queryRunner.query("INSERT INTO approval_dependency (id, kind, requires_kind) VALUES (?, ?, ?)", [rowId, kind, requires]);
    }
    await queryRunner.createTable(
      new Table({
        name: "building",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("name", 100),
          varchar("part_kind", 16),
          bool("required_for_trial_production"),
          date("accepted_on"),
        ],
        indices: [{ name: "UQ_building_project_name", columnNames: ["project_id", "name"], isUnique: true }],
        foreignKeys: [foreignKey("FK_building_project", "project_id", "project")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "building_acceptance",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("building_id", 36),
          date("inspected_on", false),
          bool("passed"),
          varchar("note", 500, { isNullable: true }),
          varchar("recorded_by_id", 36, { isNullable: true }),
        ],
        indices: [{ name: "IDX_building_acceptance_building", columnNames: ["building_id", "inspected_on"] }],
        foreignKeys: [foreignKey("FK_building_acceptance_building", "building_id", "building")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["building_acceptance", "building", "approval_dependency", "approval_item", "survey_result", "survey_commission", "calendar_year", "calendar_day"]) {
      await queryRunner.dropTable(table);
    }
  }
}
