import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/**
 * The outbox of causes (outbox_event), each user's inbox (notification) and muted kinds, and
 * webhooks out: the endpoints, one delivery per endpoint and event, and every attempt. Indexed
 * for an inbox page and its unread count, the relay's events not yet fanned out, the deliverer's
 * due deliveries, and a delivery's attempts.
 */
export class Notifications1764200018000 implements MigrationInterface {
  name = "Notifications1764200018000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "outbox_event",
        columns: [
          id(),
          varchar("kind", 40),
          varchar("subject_type", 32),
          varchar("subject_id", 36),
          varchar("project_id", 36, { isNullable: true }),
          timestamp("due_at", { isNullable: true }),
          { name: "urgent", type: "boolean", default: 0 },
          { name: "params", type: "text" },
          { name: "recipient_ids", type: "text" },
          varchar("dedupe_key", 191, { isNullable: true }),
          timestamp("occurred_at"),
          timestamp("fanned_out_at", { isNullable: true }),
        ],
        indices: [
          { name: "UQ_outbox_event_dedupe", columnNames: ["dedupe_key"], isUnique: true },
          { name: "IDX_outbox_event_fan_out", columnNames: ["fanned_out_at", "occurred_at"] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "notification",
        columns: [id(), varchar("recipient_id", 36), varchar("event_id", 36), timestamp("created_at"), timestamp("read_at", { isNullable: true })],
        indices: [
          { name: "IDX_notification_inbox", columnNames: ["recipient_id", "created_at", "id"] },
          { name: "IDX_notification_unread", columnNames: ["recipient_id", "read_at"] },
          { name: "IDX_notification_event", columnNames: ["event_id"] },
        ],
        foreignKeys: [foreignKey("FK_notification_recipient", "recipient_id", "user"), foreignKey("FK_notification_event", "event_id", "outbox_event")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "notification_mute",
        columns: [varchar("user_id", 36, { isPrimary: true }), varchar("kind", 40, { isPrimary: true })],
        foreignKeys: [foreignKey("FK_notification_mute_user", "user_id", "user")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "webhook",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("url", 2000),
          { name: "events", type: "text" },
          varchar("secret", 200),
          varchar("description", 200, { isNullable: true }),
          { name: "active", type: "boolean", default: 1 },
          varchar("created_by_id", 36),
        ],
        foreignKeys: [foreignKey("FK_webhook_created_by", "created_by_id", "user")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "webhook_delivery",
        columns: [
          id(),
          varchar("webhook_id", 36),
          varchar("event_id", 36),
          varchar("status", 16),
          { name: "attempts", type: "integer", default: 0 },
          timestamp("created_at"),
          timestamp("next_attempt_at"),
          timestamp("give_up_at"),
          timestamp("locked_until", { isNullable: true }),
          timestamp("delivered_at", { isNullable: true }),
          { name: "last_status_code", type: "integer", isNullable: true },
          varchar("last_error", 500, { isNullable: true }),
        ],
        indices: [
          { name: "UQ_webhook_delivery_event", columnNames: ["webhook_id", "event_id"], isUnique: true },
          { name: "IDX_webhook_delivery_due", columnNames: ["status", "next_attempt_at"] },
          { name: "IDX_webhook_delivery_list", columnNames: ["webhook_id", "created_at", "id"] },
        ],
        foreignKeys: [foreignKey("FK_webhook_delivery_webhook", "webhook_id", "webhook"), foreignKey("FK_webhook_delivery_event", "event_id", "outbox_event")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "webhook_attempt",
        columns: [
          id(),
          varchar("delivery_id", 36),
          { name: "attempt", type: "integer" },
          timestamp("started_at"),
          { name: "duration_ms", type: "integer" },
          { name: "status_code", type: "integer", isNullable: true },
          varchar("error", 500, { isNullable: true }),
        ],
        indices: [{ name: "UQ_webhook_attempt_delivery", columnNames: ["delivery_id", "attempt"], isUnique: true }],
        foreignKeys: [foreignKey("FK_webhook_attempt_delivery", "delivery_id", "webhook_delivery")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["webhook_attempt", "webhook_delivery", "webhook", "notification_mute", "notification", "outbox_event"]) await queryRunner.dropTable(table);
  }
}
