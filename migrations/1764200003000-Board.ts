import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/** The public task board: tasks, their timeline, fault-tolerance reviews and each cadre's workload (claim limit). */
export class Board1764200003000 implements MigrationInterface {
  name = "Board1764200003000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const int = (name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: "integer", ...options });
    await queryRunner.createTable(
      new Table({
        name: "board_task",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("title", 200),
          { name: "description", type: "text" },
          varchar("category", 16),
          varchar("project_id", 36, { isNullable: true }),
          varchar("published_by_id", 36),
          timestamp("published_at"),
          timestamp("due_at"),
          varchar("status", 16, { default: "'OPEN'" }),
          varchar("claimant_id", 36, { isNullable: true }),
          varchar("pledge", 1000, { isNullable: true }),
          timestamp("claimed_at", { isNullable: true }),
          timestamp("first_claimed_at", { isNullable: true }),
          timestamp("submitted_at", { isNullable: true }),
          timestamp("verified_at", { isNullable: true }),
          varchar("verified_by_id", 36, { isNullable: true }),
          varchar("verification_comment", 1000, { isNullable: true }),
          timestamp("withdrawn_at", { isNullable: true }),
          int("revision", { default: 0 }),
        ],
        indices: [
          { name: "IDX_board_task_status_due", columnNames: ["status", "due_at", "id"] },
          { name: "IDX_board_task_due", columnNames: ["due_at", "id"] },
          { name: "IDX_board_task_published", columnNames: ["published_at", "id"] },
          { name: "IDX_board_task_claimant", columnNames: ["claimant_id", "status"] },
          { name: "IDX_board_task_project", columnNames: ["project_id"] },
          { name: "IDX_board_task_published_by", columnNames: ["published_by_id"] },
          { name: "IDX_board_task_verified_by", columnNames: ["verified_by_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_board_task_project", "project_id", "project"),
          foreignKey("FK_board_task_published_by", "published_by_id", "user"),
          foreignKey("FK_board_task_claimant", "claimant_id", "user"),
          foreignKey("FK_board_task_verified_by", "verified_by_id", "user"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "board_task_event",
        columns: [
          id(),
          varchar("task_id", 36),
          int("seq"),
          varchar("actor_id", 36),
          varchar("type", 16),
          varchar("from_status", 16, { isNullable: true }),
          varchar("to_status", 16, { isNullable: true }),
          varchar("note", 1000, { isNullable: true }),
          timestamp("at"),
        ],
        indices: [
          { name: "UQ_board_task_event_seq", columnNames: ["task_id", "seq"], isUnique: true },
          { name: "IDX_board_task_event_actor", columnNames: ["actor_id", "type"] },
        ],
        foreignKeys: [
          foreignKey("FK_board_task_event_task", "task_id", "board_task"),
          foreignKey("FK_board_task_event_actor", "actor_id", "user"),
        ],
      }),
    );
    const aspects = ["nature", "basis", "motive", "duty", "procedure", "attitude"];
    await queryRunner.createTable(
      new Table({
        name: "fault_tolerance_review",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("task_id", 36),
          varchar("cadre_id", 36),
          varchar("reviewer_id", 36),
          ...aspects.flatMap((a): TableColumnOptions[] => [{ name: `${a}_favourable`, type: "boolean" }, varchar(`${a}_note`, 500)]),
          varchar("decision", 16),
          timestamp("reviewed_at"),
        ],
        indices: [
          { name: "UQ_fault_tolerance_review_task", columnNames: ["task_id"], isUnique: true },
          { name: "IDX_fault_tolerance_review_cadre", columnNames: ["cadre_id", "decision"] },
          { name: "IDX_fault_tolerance_review_reviewer", columnNames: ["reviewer_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_fault_tolerance_review_task", "task_id", "board_task"),
          foreignKey("FK_fault_tolerance_review_cadre", "cadre_id", "user"),
          foreignKey("FK_fault_tolerance_review_reviewer", "reviewer_id", "user"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "cadre_workload",
        columns: [varchar("cadre_id", 36, { isPrimary: true }), int("open_tasks", { default: 0 })],
        foreignKeys: [foreignKey("FK_cadre_workload_cadre", "cadre_id", "user")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["cadre_workload", "fault_tolerance_review", "board_task_event", "board_task"]) await queryRunner.dropTable(table);
  }
}
