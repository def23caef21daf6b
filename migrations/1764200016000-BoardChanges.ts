import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { timestamp, varchar } from "./columns";

/**
 * The board's change feed: every board event numbered by a counter row that each change's
 * transaction bumps as its last statements (so numbers follow commit order, with no gaps), and
 * the changes themselves, kept for a bounded time (BOARD_CHANGES_RETENTION_HOURS) so a client
 * that reconnects catches up with boardChangesSince. No foreign keys: the feed is pruned, and a
 * key check would take more locks while the counter is held.
 */
export class BoardChanges1764200016000 implements MigrationInterface {
  name = "BoardChanges1764200016000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "board_sequence",
        columns: [varchar("name", 16, { isPrimary: true }), { name: "value", type: "integer", default: 0 }],
      }),
    );
    // change: the last sequence given out (and committed, once read outside its transaction);
    // pruned: every change up to it has been deleted.
    await queryRunner.query("INSERT INTO board_sequence (name, value) VALUES ('change', 0), ('pruned', 0)");
    await queryRunner.createTable(
      new Table({
        name: "board_change",
        columns: [
          { name: "sequence", type: "integer", isPrimary: true },
          varchar("task_id", 36),
          varchar("type", 16),
          varchar("actor_id", 36),
          timestamp("at"),
          varchar("category", 16),
          varchar("project_id", 36, { isNullable: true }),
          varchar("status", 16),
        ],
        indices: [{ name: "IDX_board_change_at", columnNames: ["at"] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("board_change");
    await queryRunner.dropTable("board_sequence");
  }
}
