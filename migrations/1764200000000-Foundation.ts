import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamps, timestamp, varchar } from "./columns";

/** Accounts, sign-in failures, the audit trail, and enterprises (which ENTERPRISE users belong to). */
export class Foundation1764200000000 implements MigrationInterface {
  name = "Foundation1764200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "enterprise",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("name", 200),
          varchar("credit_code", 18),
          varchar("legal_representative", 100),
          varchar("contact", 200),
        ],
        indices: [{ name: "UQ_enterprise_credit_code", columnNames: ["credit_code"], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "user",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("username", 64),
          varchar("password_hash", 255),
          varchar("name", 100),
          varchar("role", 16),
          varchar("enterprise_id", 36, { isNullable: true }),
          { name: "active", type: "boolean", default: 1 },
        ],
        indices: [
          { name: "UQ_user_username", columnNames: ["username"], isUnique: true },
          { name: "IDX_user_enterprise", columnNames: ["enterprise_id"] },
        ],
        foreignKeys: [foreignKey("FK_user_enterprise", "enterprise_id", "enterprise")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "login_failure",
        columns: [id(), ...timestamps(queryRunner), varchar("username", 64), varchar("client_address", 64, { isNullable: true }), timestamp("attempted_at")],
        indices: [
          { name: "IDX_login_failure_username", columnNames: ["username", "attempted_at"] },
          { name: "IDX_login_failure_address", columnNames: ["client_address", "attempted_at"] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "audit_entry",
        columns: [
          id(),
          varchar("actor_id", 36, { isNullable: true }),
          varchar("action", 64),
          varchar("entity_type", 64),
          varchar("entity_id", 36),
          timestamp("at"),
          { name: "before", type: "text", isNullable: true },
          { name: "after", type: "text", isNullable: true },
        ],
        indices: [{ name: "IDX_audit_entity", columnNames: ["entity_type", "entity_id", "at", "id"] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["audit_entry", "login_failure", "user", "enterprise"]) await queryRunner.dropTable(table);
  }
}
