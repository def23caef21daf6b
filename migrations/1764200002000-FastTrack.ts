import { randomUUID } from "node:crypto";
import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamp, timestamps, varchar } from "./columns";

/** The district's nine deferrable items (容缺清单), reference data the reform office may edit later. */
const DEFERRABLE_ITEMS: Array<[code: string, name: string, description: string]> = [
  ["ENVIRONMENTAL_IMPACT", "环境影响评价", "环评批复或备案"],
  ["DESIGN_PLAN_REVIEW", "设计方案审查", "建设工程设计方案审查意见"],
  ["CONSTRUCTION_PERMIT", "施工许可", "建筑工程施工许可证"],
  ["FIRE_DESIGN_REVIEW", "消防设计审查", "消防设计审查意见"],
  ["CONSTRUCTION_DRAWING_REVIEW", "施工图审查", "施工图设计文件审查合格书"],
  ["CONSTRUCTION_PLANNING_PERMIT", "建设工程规划许可", "建设工程规划许可证"],
  ["ENERGY_REVIEW", "节能审查", "固定资产投资项目节能审查意见"],
  ["SOIL_WATER_CONSERVATION", "水土保持方案", "水土保持方案审批"],
  ["CIVIL_AIR_DEFENCE_REVIEW", "人防设计审查", "人防工程设计审查意见"],
];

/** Standard clauses of the two-way commitment letter (承诺条款范本). */
const CLAUSE_TEMPLATES: Array<[code: string, party: string, title: string, body: string, itemCode: string | null, dueDays: number | null]> = [
  ["ENT_EIA", "ENTERPRISE", "完成环境影响评价", "企业承诺于{dueOn}前取得{project}的环评批复并报送。", "ENVIRONMENTAL_IMPACT", null],
  ["ENT_FIRE_DESIGN", "ENTERPRISE", "完成消防设计审查", "企业承诺于{dueOn}前完成{project}的消防设计审查。", "FIRE_DESIGN_REVIEW", null],
  ["ENT_DESIGN_PLAN", "ENTERPRISE", "完成设计方案审查", "企业承诺于{dueOn}前完成{project}的设计方案审查。", "DESIGN_PLAN_REVIEW", null],
  ["ENT_DRAWING_REVIEW", "ENTERPRISE", "完成施工图审查", "企业承诺于{dueOn}前完成{project}的施工图审查。", "CONSTRUCTION_DRAWING_REVIEW", null],
  ["ENT_CONSTRUCTION_PERMIT", "ENTERPRISE", "取得施工许可", "企业承诺于{dueOn}前取得{project}的施工许可证。", "CONSTRUCTION_PERMIT", null],
  ["ENT_PLANNING_PERMIT", "ENTERPRISE", "取得建设工程规划许可", "企业承诺于{dueOn}前取得{project}的建设工程规划许可证。", "CONSTRUCTION_PLANNING_PERMIT", null],
  ["ENT_ENERGY_REVIEW", "ENTERPRISE", "完成节能审查", "企业承诺于{dueOn}前完成{project}的节能审查。", "ENERGY_REVIEW", null],
  ["ENT_SOIL_WATER", "ENTERPRISE", "完成水土保持方案审批", "企业承诺于{dueOn}前完成{project}的水土保持方案审批。", "SOIL_WATER_CONSERVATION", null],
  ["ENT_CIVIL_AIR_DEFENCE", "ENTERPRISE", "完成人防设计审查", "企业承诺于{dueOn}前完成{project}的人防设计审查。", "CIVIL_AIR_DEFENCE_REVIEW", null],
  ["GOV_SERVICE_TEAM", "GOVERNMENT", "一项目一专班", "政府承诺于{dueOn}前为{project}组建服务专班并明确项目经理人。", null, 7],
  ["GOV_EMERGENCY_RESPONSE", "GOVERNMENT", "急诊诉求限时响应", "政府承诺对{project}的急诊诉求24小时内响应、3个工作日内解决，承诺期至{dueOn}。", null, 365],
  ["GOV_PARALLEL_APPROVAL", "GOVERNMENT", "交地同步开工并联审批", "政府承诺于{dueOn}前完成{project}备案、规划许可、施工许可的并联审批服务。", null, 30],
];

const bool = (name: string) => ({ name, type: "boolean", default: 1 });
const int = (name: string, isNullable = false) => ({ name, type: "integer", isNullable, ...(isNullable ? {} : { default: 0 }) });
const date = (name: string, isNullable = true) => ({ name, type: "date", isNullable });

/** 双容双诺: negative list, deferrable catalog and deferred items, commitment letters, one-window intake. */
export class FastTrack1764200002000 implements MigrationInterface {
  name = "FastTrack1764200002000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "negative_list_entry",
        columns: [id(), ...timestamps(queryRunner), varchar("industry_code", 16), varchar("category", 100), varchar("reason", 500)],
        indices: [{ name: "UQ_negative_list_industry", columnNames: ["industry_code"], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "deferrable_item",
        columns: [id(), ...timestamps(queryRunner), varchar("code", 48), varchar("name", 100), varchar("description", 500, { isNullable: true }), bool("active"), int("sort_order")],
        indices: [{ name: "UQ_deferrable_item_code", columnNames: ["code"], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "deferred_item",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("deferrable_item_id", 36),
          date("promised_by", false),
          varchar("status", 16, { default: "'PENDING'" }),
          date("supplied_on"),
          varchar("supplied_by_id", 36, { isNullable: true }),
          timestamp("overdue_at", { isNullable: true }),
        ],
        indices: [
          { name: "UQ_deferred_item_project_item", columnNames: ["project_id", "deferrable_item_id"], isUnique: true },
          { name: "IDX_deferred_item_status", columnNames: ["status", "promised_by"] },
          { name: "IDX_deferred_item_deferrable", columnNames: ["deferrable_item_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_deferred_item_project", "project_id", "project"),
          foreignKey("FK_deferred_item_deferrable", "deferrable_item_id", "deferrable_item"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "clause_template",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("code", 48),
          varchar("party", 16),
          varchar("title", 200),
          { name: "body", type: "text" },
          varchar("deferrable_item_code", 48, { isNullable: true }),
          int("due_days", true),
          bool("active"),
          int("sort_order"),
        ],
        indices: [{ name: "UQ_clause_template_code", columnNames: ["code"], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "commitment_letter",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          int("version"),
          varchar("amends_id", 36, { isNullable: true }),
          varchar("status", 16, { default: "'DRAFT'" }),
          varchar("drafted_by_id", 36, { isNullable: true }),
          timestamp("enterprise_signed_at", { isNullable: true }),
          varchar("enterprise_signed_by_id", 36, { isNullable: true }),
          timestamp("government_signed_at", { isNullable: true }),
          varchar("government_signed_by_id", 36, { isNullable: true }),
          timestamp("signed_at", { isNullable: true }),
        ],
        indices: [{ name: "UQ_commitment_letter_version", columnNames: ["project_id", "version"], isUnique: true }],
        foreignKeys: [foreignKey("FK_commitment_letter_project", "project_id", "project")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "commitment_clause",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("letter_id", 36),
          varchar("party", 16),
          varchar("template_code", 48),
          varchar("title", 200),
          { name: "text", type: "text" },
          date("due_on"),
          varchar("deferred_item_id", 36, { isNullable: true }),
          varchar("fulfilment_status", 16, { default: "'PENDING'" }),
          date("fulfilled_on"),
          int("sort_order"),
        ],
        indices: [
          { name: "IDX_commitment_clause_letter", columnNames: ["letter_id", "sort_order"] },
          { name: "IDX_commitment_clause_deferred", columnNames: ["deferred_item_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_commitment_clause_letter", "letter_id", "commitment_letter"),
          foreignKey("FK_commitment_clause_deferred", "deferred_item_id", "deferred_item"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "application",
        columns: [
          id(),
          ...timestamps(queryRunner),
          varchar("project_id", 36),
          varchar("application_class", 32),
          varchar("title", 200),
          varchar("status", 16, { default: "'RECEIVED'" }),
          varchar("department", 100, { isNullable: true }),
          varchar("received_by_id", 36),
          timestamp("received_at"),
          varchar("routed_by_id", 36, { isNullable: true }),
          timestamp("routed_at", { isNullable: true }),
          varchar("decided_by_id", 36, { isNullable: true }),
          timestamp("decided_at", { isNullable: true }),
          varchar("decision_note", 500, { isNullable: true }),
          varchar("issued_by_id", 36, { isNullable: true }),
          timestamp("issued_at", { isNullable: true }),
        ],
        indices: [
          { name: "IDX_application_project", columnNames: ["project_id", "received_at", "id"] },
          { name: "IDX_application_status", columnNames: ["status", "received_at", "id"] },
        ],
        foreignKeys: [foreignKey("FK_application_project", "project_id", "project")],
      }),
    );

    for (const [i, [code, name, description]] of DEFERRABLE_ITEMS.entries()) {
      await queryRunner.query("INSERT INTO deferrable_item (id, code, name, description, active, sort_order) VALUES (?, ?, ?, ?, 1, ?)", [randomUUID(), code, name, description, i + 1]);
    }
    for (const [i, [code, party, title, body, itemCode, dueDays]] of CLAUSE_TEMPLATES.entries()) {
      await queryRunner.query(
        "INSERT INTO clause_template (id, code, party, title, body, deferrable_item_code, due_days, active, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
        [randomUUID(), code, party, title, body, itemCode, dueDays, i + 1],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["application", "commitment_clause", "commitment_letter", "clause_template", "deferred_item", "deferrable_item", "negative_list_entry"]) {
      await queryRunner.dropTable(table);
    }
  }
}
