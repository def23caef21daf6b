import { randomUUID } from "node:crypto";
import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/** The district departments a team and a consultation draw on (reference data, editable by ADMIN afterwards). */
const DEPARTMENTS: Array<[code: string, name: string]> = [
  ["DEVELOPMENT_REFORM", "发展和改革局"],
  ["NATURAL_RESOURCES", "自然资源局"],
  ["HOUSING_CONSTRUCTION", "住房和城乡建设局"],
  ["ECOLOGY_ENVIRONMENT", "生态环境分局"],
  ["FIRE_RESCUE", "消防救援大队"],
  ["MARKET_REGULATION", "市场监督管理局"],
  ["INDUSTRY_IT", "工业和信息化局"],
  ["WATER_AFFAIRS", "水务局"],
  ["POWER_SUPPLY", "供电局"],
  ["TRANSPORT", "交通运输局"],
  ["GOV_SERVICES_DATA", "政务服务数据管理局"],
];

/** Project managers and service teams (一项目一专班), departments, and four-mode service tickets with SLA. */
export class TeamsTickets1764200004000 implements MigrationInterface {
  name = "TeamsTickets1764200004000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "department",
        columns: [id(), ...timestamps(queryRunner), varchar("code", 32), varchar("name", 100), { name: "sort_order", type: "integer", default: 0 }],
        indices: [{ name: "UQ_department_code", columnNames: ["code"], isUnique: true }],
      }),
    );
    for (const [i, [code, name]] of DEPARTMENTS.entries()) {
      await queryRunner.query("INSERT INTO department (id, code, name, sort_order) VALUES (?, ?, ?, ?)", [randomUUID(), code, name, (i + 1) * 10]);
    }
    await queryRunner.createTable(
      new Table({
        name: "project_manager_assignment",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("active_project_id", 36, { isNullable: true }),
          varchar("cadre_id", 36),
          timestamp("started_at"),
          varchar("started_by_id", 36, { isNullable: true }),
          timestamp("ended_at", { isNullable: true }),
          varchar("ended_by_id", 36, { isNullable: true }),
        ],
        indices: [
          { name: "UQ_pma_active_project", columnNames: ["active_project_id"], isUnique: true },
          { name: "IDX_pma_project", columnNames: ["project_id", "started_at", "id"] },
          { name: "IDX_pma_cadre", columnNames: ["cadre_id", "ended_at"] },
        ],
        foreignKeys: [foreignKey("FK_pma_project", "project_id", "project"), foreignKey("FK_pma_cadre", "cadre_id", "user")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "team_member",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("user_id", 36),
          varchar("department_id", 36),
          varchar("role", 50),
          varchar("active_key", 73, { isNullable: true }),
          varchar("added_by_id", 36, { isNullable: true }),
          timestamp("removed_at", { isNullable: true }),
          varchar("removed_by_id", 36, { isNullable: true }),
        ],
        indices: [
          { name: "UQ_team_member_active", columnNames: ["active_key"], isUnique: true },
          { name: "IDX_team_member_project", columnNames: ["project_id", "removed_at"] },
          { name: "IDX_team_member_user", columnNames: ["user_id", "removed_at"] },
        ],
        foreignKeys: [
          foreignKey("FK_team_member_project", "project_id", "project"),
          foreignKey("FK_team_member_user", "user_id", "user"),
          foreignKey("FK_team_member_department", "department_id", "department"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "service_ticket",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("stage", 16),
          varchar("status", 16, { default: "'OPEN'" }),
          varchar("title", 200),
          { name: "description", type: "text" },
          varchar("raised_by_id", 36),
          varchar("assignee_id", 36, { isNullable: true }),
          timestamp("opened_at"),
          { name: "event_count", type: "integer", default: 0 },
          timestamp("ack_due_at"),
          timestamp("resolve_due_at"),
          timestamp("acknowledged_at", { isNullable: true }),
          timestamp("resolved_at", { isNullable: true }),
          timestamp("closed_at", { isNullable: true }),
          timestamp("ack_breached_at", { isNullable: true }),
          timestamp("resolve_breached_at", { isNullable: true }),
        ],
        indices: [
          { name: "IDX_ticket_project", columnNames: ["project_id", "opened_at", "id"] },
          { name: "IDX_ticket_opened", columnNames: ["opened_at", "id"] },
          { name: "IDX_ticket_assignee", columnNames: ["assignee_id", "status"] },
          { name: "IDX_ticket_status_ack_due", columnNames: ["status", "ack_due_at"] },
          { name: "IDX_ticket_status_resolve_due", columnNames: ["status", "resolve_due_at"] },
        ],
        foreignKeys: [
          foreignKey("FK_ticket_project", "project_id", "project"),
          foreignKey("FK_ticket_raised_by", "raised_by_id", "user"),
          foreignKey("FK_ticket_assignee", "assignee_id", "user"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "service_ticket_department",
        columns: [id(), ...timestamps(queryRunner), varchar("ticket_id", 36), varchar("department_id", 36)],
        indices: [
          { name: "UQ_ticket_department", columnNames: ["ticket_id", "department_id"], isUnique: true },
          { name: "IDX_ticket_department_department", columnNames: ["department_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_ticket_department_ticket", "ticket_id", "service_ticket"),
          foreignKey("FK_ticket_department_department", "department_id", "department"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "ticket_event",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("ticket_id", 36),
          { name: "seq", type: "integer" },
          varchar("type", 24),
          varchar("actor_id", 36, { isNullable: true }),
          timestamp("at"),
          varchar("from_status", 16, { isNullable: true }),
          varchar("to_status", 16, { isNullable: true }),
          varchar("from_stage", 16, { isNullable: true }),
          varchar("to_stage", 16, { isNullable: true }),
          varchar("assignee_id", 36, { isNullable: true }),
          { name: "body", type: "text", isNullable: true },
        ],
        indices: [{ name: "UQ_ticket_event_seq", columnNames: ["ticket_id", "seq"], isUnique: true }],
        foreignKeys: [foreignKey("FK_ticket_event_ticket", "ticket_id", "service_ticket")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["ticket_event", "service_ticket_department", "service_ticket", "team_member", "project_manager_assignment", "department"]) {
      await queryRunner.dropTable(table);
    }
  }
}
