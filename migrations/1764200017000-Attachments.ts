import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, varchar } from "./columns";

/**
 * Uploads and attachments, one table: an upload is a row with no owner yet (owner_type NULL);
 * attaching sets owner_type, owner_id and attached_at once. Indexed for a page of owners' files,
 * a user's uploads in the last hour and unattached bytes, the sweep of day-old unattached
 * uploads, and whether any row still names a blob (sha256).
 */
export class Attachments1764200017000 implements MigrationInterface {
  name = "Attachments1764200017000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "attachment",
        columns: [
          id(),
          varchar("sha256", 64),
          varchar("name", 255),
          varchar("content_type", 127),
          { name: "size", type: "integer" },
          varchar("uploaded_by_id", 36),
          timestamp("uploaded_at"),
          varchar("owner_type", 32, { isNullable: true }),
          varchar("owner_id", 36, { isNullable: true }),
          timestamp("attached_at", { isNullable: true }),
        ],
        indices: [
          { name: "IDX_attachment_owner", columnNames: ["owner_type", "owner_id", "uploaded_at", "id"] },
          { name: "IDX_attachment_uploader", columnNames: ["uploaded_by_id", "uploaded_at"] },
          { name: "IDX_attachment_unattached", columnNames: ["owner_type", "uploaded_at"] },
          { name: "IDX_attachment_sha256", columnNames: ["sha256"] },
        ],
        foreignKeys: [foreignKey("FK_attachment_uploaded_by", "uploaded_by_id", "user")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("attachment");
  }
}
