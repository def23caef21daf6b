import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { timestamp } from "./columns";

/** A user's last successful sign-in: failed sign-ins stay as a log, and only those after it count toward the lockout. */
export class UserLastSignIn1764200008000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("user", new TableColumn(timestamp("last_signed_in_at", { isNullable: true })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("user", "last_signed_in_at");
  }
}
