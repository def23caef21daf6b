import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/**
 * Sessions that can end before their tokens expire. The user's token version (raised by a password
 * change or reset, revokeAllSessions and a deactivation) revokes every token made before; a
 * signed-out session (logout) is a row until its tokens would have expired anyway. Both are read
 * with the user in the one statement that identifies the caller.
 */
export class Sessions1764200014000 implements MigrationInterface {
  name = "Sessions1764200014000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("user", new TableColumn({ name: "token_version", type: "integer", default: 0 }));
    await queryRunner.createTable(
      new Table({
        name: "session_revocation",
        columns: [id(), ...timestamps(queryRunner), varchar("user_id", 36), timestamp("expires_at")],
        indices: [
          { name: "IDX_session_revocation_user", columnNames: ["user_id"] },
          { name: "IDX_session_revocation_expires", columnNames: ["expires_at"] },
        ],
        foreignKeys: [foreignKey("FK_session_revocation_user", "user_id", "user")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("session_revocation");
    await queryRunner.dropColumn("user", "token_version");
  }
}
