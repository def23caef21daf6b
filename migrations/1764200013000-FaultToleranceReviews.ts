import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/** What a review written before reasons were required says in place of one. */
const NO_WRITTEN_REASON = "本审查早于书面理由要求，未记录书面理由（原决定即规则建议）。";

/**
 * Makes columns nullable or not, keeping all else as the database has it (the unique key on task_id
 * among it: a new TableColumn would tell MariaDB's changeColumn to drop it). SQLite's changeColumns
 * matches the old columns by object, not by name.
 */
async function changeNullable(queryRunner: QueryRunner, tableName: string, nullable: Record<string, boolean>): Promise<void> {
  const table = (await queryRunner.getTable(tableName))!;
  const changes = Object.entries(nullable).map(([name, isNullable]) => {
    const oldColumn = table.findColumnByName(name)!;
    const newColumn = oldColumn.clone();
    newColumn.isNullable = isNullable;
    return { oldColumn, newColumn };
  });
  await queryRunner.changeColumns(table, changes);
}

/**
 * 容错 as the seed describes it. A review covers a FAILED board task or an approval decision made
 * under 容缺 (task_id now nullable, approval_item_id unique beside it); the rule's suggestion is kept
 * beside the reviewer's decision (back-filled: the decision was the rule's), with the written reason
 * (back-filled with a note that the review predates written reasons) and the reason for departing
 * from the suggestion. 纠错: corrections ordered by reviews (fault_correction).
 *
 * On SQLite a column becomes nullable only by rebuilding its table, which TypeORM's changeColumns
 * does (copy, drop, rename): safe here, since no table referenced fault_tolerance_review before
 * this migration; fault_correction, which does, is created after the rebuilds and dropped before
 * them on the way down.
 */
export class FaultToleranceReviews1764200013000 implements MigrationInterface {
  name = "FaultToleranceReviews1764200013000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = "fault_tolerance_review";
    await queryRunner.addColumns(table, [
      new TableColumn(varchar("approval_item_id", 36, { isNullable: true })),
      new TableColumn(varchar("suggested_decision", 16, { isNullable: true })),
      new TableColumn(varchar("reason", 2000, { isNullable: true })),
      new TableColumn(varchar("departure_reason", 2000, { isNullable: true })),
    ]);
    await queryRunner.query("UPDATE fault_tolerance_review SET suggested_decision = decision, reason = ?", [NO_WRITTEN_REASON]);
    await changeNullable(queryRunner, table, { task_id: true, suggested_decision: false, reason: false });
    await queryRunner.createIndex(table, new TableIndex({ name: "UQ_fault_tolerance_review_approval_item", columnNames: ["approval_item_id"], isUnique: true }));
    await queryRunner.createForeignKey(table, foreignKey("FK_fault_tolerance_review_approval_item", "approval_item_id", "approval_item"));

    await queryRunner.createTable(
      new Table({
        name: "fault_correction",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("review_id", 36),
          varchar("owner_id", 36),
          varchar("description", 2000),
          { name: "due_on", type: "date" },
          varchar("status", 16, { default: "'ORDERED'" }),
          timestamp("submitted_at", { isNullable: true }),
          varchar("note", 2000, { isNullable: true }),
          varchar("comment", 2000, { isNullable: true }),
          timestamp("completed_at", { isNullable: true }),
          varchar("completed_by_id", 36, { isNullable: true }),
        ],
        indices: [
          { name: "UQ_fault_correction_review", columnNames: ["review_id"], isUnique: true },
          { name: "IDX_fault_correction_owner", columnNames: ["owner_id", "status"] },
          { name: "IDX_fault_correction_due", columnNames: ["due_on", "id"] },
          { name: "IDX_fault_correction_completed_by", columnNames: ["completed_by_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_fault_correction_review", "review_id", "fault_tolerance_review"),
          foreignKey("FK_fault_correction_owner", "owner_id", "user"),
          foreignKey("FK_fault_correction_completed_by", "completed_by_id", "user"),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = "fault_tolerance_review";
    await queryRunner.dropTable("fault_correction");
    // the earlier schema knows only reviews of board tasks
    await queryRunner.query("DELETE FROM fault_tolerance_review WHERE task_id IS NULL");
    await queryRunner.dropForeignKey(table, "FK_fault_tolerance_review_approval_item");
    await queryRunner.dropIndex(table, "UQ_fault_tolerance_review_approval_item");
    await queryRunner.dropColumns(table, ["approval_item_id", "suggested_decision", "reason", "departure_reason"]);
    await changeNullable(queryRunner, table, { task_id: false });
  }
}
