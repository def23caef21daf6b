import { TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/** Failed sign-ins are deleted once past their retention: the job finds them by time alone. */
export class LoginFailureRetention1764200007000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("login_failure", new TableIndex({ name: "IDX_login_failure_attempted", columnNames: ["attempted_at"] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("login_failure", "IDX_login_failure_attempted");
  }
}
