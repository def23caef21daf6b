import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, timestamp, varchar } from "./columns";

/**
 * Idempotency keys of create mutations (src/core/idempotency.ts): one row per user, mutation and
 * key (the unique key decides between concurrent attempts), pruned by creation time.
 */
export class IdempotencyKeys1764200015000 implements MigrationInterface {
  name = "IdempotencyKeys1764200015000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "idempotency_key",
        columns: [
          id(),
          varchar("user_id", 36),
          varchar("mutation", 64),
          varchar("key_hash", 64),
          varchar("request_hash", 64),
          varchar("result_type", 64, { isNullable: true }),
          varchar("result_id", 36, { isNullable: true }),
          timestamp("created_at"),
        ],
        indices: [
          { name: "UQ_idempotency_key_scope", columnNames: ["user_id", "mutation", "key_hash"], isUnique: true },
          { name: "IDX_idempotency_key_created", columnNames: ["created_at"] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("idempotency_key");
  }
}
