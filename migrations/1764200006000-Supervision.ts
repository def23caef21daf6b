import { randomUUID } from "node:crypto";
import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/** The district's 26 supervision standards (26项细则标准), reference data the ADMIN edits later. */
export const SUPERVISION_STANDARDS: Array<[string, string, "BEFORE" | "DURING" | "AFTER"]> = [
  ["S01", "双向承诺书内容完整性审查", "BEFORE"],
  ["S02", "企业资质与信用核验", "BEFORE"],
  ["S03", "项目备案信息核查", "BEFORE"],
  ["S04", "容缺材料清单与承诺时限核对", "BEFORE"],
  ["S05", "负面清单比对", "BEFORE"],
  ["S06", "用地手续核查", "BEFORE"],
  ["S07", "项目资金到位承诺核查", "BEFORE"],
  ["S08", "环境影响承诺核查", "BEFORE"],
  ["S09", "施工现场安全管理", "DURING"],
  ["S10", "工程质量检测", "DURING"],
  ["S11", "消防安全措施落实", "DURING"],
  ["S12", "扬尘污染防治", "DURING"],
  ["S13", "特种设备安全", "DURING"],
  ["S14", "农民工工资支付保障", "DURING"],
  ["S15", "施工许可按期取得", "DURING"],
  ["S16", "容缺材料按期补齐", "DURING"],
  ["S17", "施工图与审查意见一致性", "DURING"],
  ["S18", "建筑节能措施落实", "DURING"],
  ["S19", "水土保持措施落实", "DURING"],
  ["S20", "人防工程建设", "DURING"],
  ["S21", "限时联合验收", "AFTER"],
  ["S22", "竣工验收备案", "AFTER"],
  ["S23", "不动产登记材料完整性", "AFTER"],
  ["S24", "多测合一成果核验", "AFTER"],
  ["S25", "试生产条件核查", "AFTER"],
  ["S26", "承诺履约情况评估与结果追溯", "AFTER"],
];

export class Supervision1764200006000 implements MigrationInterface {
  name = "Supervision1764200006000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "supervision_standard",
        columns: [id(), ...timestamps(queryRunner), varchar("code", 16), varchar("title", 200), varchar("phase", 8), { name: "active", type: "boolean", default: 1 }],
        indices: [{ name: "UQ_supervision_standard_code", columnNames: ["code"], isUnique: true }],
      }),
    );
    for (const [code, title, phase] of SUPERVISION_STANDARDS) {
      await queryRunner.query("INSERT INTO supervision_standard (id, code, title, phase, active) VALUES (?, ?, ?, ?, ?)", [randomUUID(), code, title, phase, 1]);
    }
    await queryRunner.createTable(
      new Table({
        name: "project_supervision",
        columns: [{ ...varchar("project_id", 36), isPrimary: true }, varchar("risk_level", 8, { default: "'MEDIUM'" })],
        foreignKeys: [foreignKey("FK_project_supervision_project", "project_id", "project")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "joint_inspection",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          { name: "scheduled_on", type: "date" },
          { name: "departments", type: "text" },
          varchar("status", 12, { default: "'SCHEDULED'" }),
          varchar("scheduled_by_id", 36),
          timestamp("completed_at", { isNullable: true }),
        ],
        indices: [{ name: "IDX_joint_inspection_project", columnNames: ["project_id", "scheduled_on"] }],
        foreignKeys: [foreignKey("FK_joint_inspection_project", "project_id", "project")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "inspection_finding",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("inspection_id", 36),
          varchar("standard_id", 36),
          { name: "passed", type: "boolean" },
          varchar("note", 500, { isNullable: true }),
          { name: "follow_up_due_on", type: "date", isNullable: true },
          varchar("follow_up_status", 8),
          timestamp("follow_up_resolved_at", { isNullable: true }),
        ],
        indices: [
          { name: "UQ_inspection_finding_standard", columnNames: ["inspection_id", "standard_id"], isUnique: true },
          { name: "IDX_inspection_finding_follow_up", columnNames: ["follow_up_status", "follow_up_due_on"] },
        ],
        foreignKeys: [
          foreignKey("FK_inspection_finding_inspection", "inspection_id", "joint_inspection"),
          foreignKey("FK_inspection_finding_standard", "standard_id", "supervision_standard"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "credit_record",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("enterprise_id", 36),
          varchar("responsible_person", 100),
          varchar("severity", 16),
          varchar("reason", 500),
          varchar("source_type", 32),
          varchar("source_id", 36),
          timestamp("recorded_at"),
          timestamp("expires_at"),
          timestamp("lifted_at", { isNullable: true }),
          varchar("lifted_by_id", 36, { isNullable: true }),
          varchar("lift_reason", 500, { isNullable: true }),
        ],
        indices: [
          { name: "UQ_credit_record_source", columnNames: ["source_type", "source_id"], isUnique: true },
          { name: "IDX_credit_record_enterprise", columnNames: ["enterprise_id", "recorded_at", "id"] },
        ],
        foreignKeys: [foreignKey("FK_credit_record_enterprise", "enterprise_id", "enterprise")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "circuit_breaker",
        columns: [
          { ...varchar("project_id", 36), isPrimary: true },
          varchar("state", 20),
          varchar("stop_work_order", 500, { isNullable: true }),
          timestamp("suspended_at", { isNullable: true }),
          { name: "rectification_due_on", type: "date", isNullable: true },
          timestamp("rectified_at", { isNullable: true }),
          varchar("decision_reason", 500, { isNullable: true }),
          timestamp("changed_at"),
        ],
        foreignKeys: [foreignKey("FK_circuit_breaker_project", "project_id", "project")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "circuit_breaker_event",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("from_state", 20),
          varchar("to_state", 20),
          varchar("actor_id", 36, { isNullable: true }),
          varchar("reason", 500),
          timestamp("at"),
        ],
        indices: [{ name: "IDX_circuit_breaker_event_project", columnNames: ["project_id", "at"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "delay_cause",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("attributed_to", 12),
          varchar("cause", 24),
          varchar("note", 500, { isNullable: true }),
          varchar("recorded_by_id", 36),
          timestamp("recorded_at"),
        ],
        indices: [{ name: "IDX_delay_cause_project", columnNames: ["project_id", "recorded_at"] }],
        foreignKeys: [foreignKey("FK_delay_cause_project", "project_id", "project")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["delay_cause", "circuit_breaker_event", "circuit_breaker", "credit_record", "inspection_finding", "joint_inspection", "project_supervision", "supervision_standard"]) await queryRunner.dropTable(table);
  }
}
