import { randomUUID } from "node:crypto";
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { foreignKey, id, timestamps, varchar } from "./columns";

/** The seeded departments' names as the district writes them (code, name before, name now). */
const RENAMED: Array<[code: string, before: string, after: string]> = [
  ["DEVELOPMENT_REFORM", "发展和改革局", "区发展和改革局"],
  ["NATURAL_RESOURCES", "自然资源局", "区自然资源局"],
  ["HOUSING_CONSTRUCTION", "住房和城乡建设局", "区住房和城乡建设局"],
  ["ECOLOGY_ENVIRONMENT", "生态环境分局", "市生态环境局源城分局"],
  ["FIRE_RESCUE", "消防救援大队", "区消防救援大队"],
  ["MARKET_REGULATION", "市场监督管理局", "区市场监督管理局"],
  ["INDUSTRY_IT", "工业和信息化局", "区工业和信息化局"],
  ["WATER_AFFAIRS", "水务局", "区水务局"],
  ["POWER_SUPPLY", "供电局", "源城供电局"],
  ["TRANSPORT", "交通运输局", "区交通运输局"],
  ["GOV_SERVICES_DATA", "政务服务数据管理局", "区政务服务数据管理局"],
];
/** Departments the free-text columns named that the list lacked. */
const ADDED: Array<[code: string, name: string, sortOrder: number]> = [
  ["REAL_ESTATE_REGISTRATION", "区不动产登记中心", 120],
  ["REFORM_OFFICE", "区委改革办", 130],
];
/** Standing duties as data: who records acceptances and surveys. */
const DUTIES: Array<[code: string, duty: string]> = [
  ["HOUSING_CONSTRUCTION", "BUILDING_ACCEPTANCE"],
  ["NATURAL_RESOURCES", "SURVEY"],
];
/** Names the free text used for a listed department under another name. */
const ALIASES: Record<string, string> = { 区生态环境分局: "ECOLOGY_ENVIRONMENT", 生态环境局: "ECOLOGY_ENVIRONMENT", 区消防大队: "FIRE_RESCUE" };
const IMPORTED_PREFIX = "IMPORTED_";

const strip = (name: string) => name.trim().replace(/^(源城区|源城|区|市)/, "");

/**
 * One Department model everywhere: users belong to a department; approval items, one-window
 * routing and joint inspections (with a lead and the departments taking part) name department
 * records instead of free text; departments hold standing duties. Every free-text value becomes a
 * record (a listed department by name or alias, else a new IMPORTED_n one), no row lost.
 */
export class Departments1764200009000 implements MigrationInterface {
  name = "Departments1764200009000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [code, before, after] of RENAMED) await queryRunner.query("UPDATE department SET name = ? WHERE code = ? AND name = ?", [after, code, before]);
    for (const [code, name, sortOrder] of ADDED) {
      const exists = await queryRunner.query("SELECT id FROM department WHERE code = ?", [code]);
      if (!exists.length) await queryRunner.query("INSERT INTO department (id, code, name, sort_order) VALUES (?, ?, ?, ?)", [randomUUID(), code, name, sortOrder]);
    }

    await queryRunner.createTable(
      new Table({
        name: "department_duty",
        columns: [id(), ...timestamps(queryRunner), varchar("department_id", 36), varchar("duty", 32)],
        indices: [
          { name: "UQ_department_duty", columnNames: ["department_id", "duty"], isUnique: true },
          { name: "IDX_department_duty_duty", columnNames: ["duty"] },
        ],
        foreignKeys: [foreignKey("FK_department_duty_department", "department_id", "department")],
      }),
    );
    for (const [code, duty] of DUTIES) {
      const [department] = await queryRunner.query("SELECT id FROM department WHERE code = ?", [code]);
      if (department) await queryRunner.query("INSERT INTO department_duty (id, department_id, duty) VALUES (?, ?, ?)", [randomUUID(), department.id, duty]);
    }

    const departmentFor = await this.resolver(queryRunner);

    await this.addReference(queryRunner, "user", "department_id", "IDX_user_department", "FK_user_department");

    await queryRunner.addColumn("approval_item", new TableColumn(varchar("department_id", 36, { isNullable: true })));
    for (const { department } of await queryRunner.query("SELECT DISTINCT department FROM approval_item")) {
      await queryRunner.query("UPDATE approval_item SET department_id = ? WHERE department = ?", [await departmentFor(department), department]);
    }
    await queryRunner.dropColumn("approval_item", "department");
    await queryRunner.changeColumn("approval_item", "department_id", new TableColumn(varchar("department_id", 36)));
    await this.indexAndKey(queryRunner, "approval_item", "department_id", "IDX_approval_item_department", "FK_approval_item_department");

    await queryRunner.addColumn("application", new TableColumn(varchar("department_id", 36, { isNullable: true })));
    for (const { department } of await queryRunner.query("SELECT DISTINCT department FROM application WHERE department IS NOT NULL")) {
      await queryRunner.query("UPDATE application SET department_id = ? WHERE department = ?", [await departmentFor(department), department]);
    }
    await queryRunner.dropColumn("application", "department");
    await this.indexAndKey(queryRunner, "application", "department_id", "IDX_application_department", "FK_application_department");

    await queryRunner.createTable(
      new Table({
        name: "joint_inspection_department",
        columns: [id(), ...timestamps(queryRunner), varchar("inspection_id", 36), varchar("department_id", 36), { name: "sort_order", type: "integer", default: 0 }],
        indices: [
          { name: "UQ_joint_inspection_department", columnNames: ["inspection_id", "department_id"], isUnique: true },
          { name: "IDX_joint_inspection_department_department", columnNames: ["department_id"] },
        ],
        foreignKeys: [
          foreignKey("FK_joint_inspection_department_inspection", "inspection_id", "joint_inspection"),
          foreignKey("FK_joint_inspection_department_department", "department_id", "department"),
        ],
      }),
    );
    await queryRunner.addColumn("joint_inspection", new TableColumn(varchar("lead_department_id", 36, { isNullable: true })));
    const [reformOffice] = await queryRunner.query("SELECT id FROM department WHERE code = 'REFORM_OFFICE'");
    for (const inspection of await queryRunner.query("SELECT id, departments FROM joint_inspection")) {
      const names: string[] = (() => {
        try {
          const parsed = JSON.parse(inspection.departments);
          return Array.isArray(parsed) ? parsed.map(String) : [];
        } catch {
          return [];
        }
      })();
      const ids: string[] = [];
      for (const name of names) {
        const departmentId = await departmentFor(name);
        if (!ids.includes(departmentId)) ids.push(departmentId);
      }
      for (const [i, departmentId] of ids.entries()) {
        await queryRunner.query("INSERT INTO joint_inspection_department (id, inspection_id, department_id, sort_order) VALUES (?, ?, ?, ?)", [randomUUID(), inspection.id, departmentId, i]);
      }
      // the first department named arranged it; an inspection that named none is the reform office's
      await queryRunner.query("UPDATE joint_inspection SET lead_department_id = ? WHERE id = ?", [ids[0] ?? reformOffice.id, inspection.id]);
    }
    await queryRunner.dropColumn("joint_inspection", "departments");
    await queryRunner.changeColumn("joint_inspection", "lead_department_id", new TableColumn(varchar("lead_department_id", 36)));
    await this.indexAndKey(queryRunner, "joint_inspection", "lead_department_id", "IDX_joint_inspection_lead_department", "FK_joint_inspection_lead_department");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // the participants are read first: with their table gone, joint_inspection can be rebuilt on SQLite
    const participants = new Map<string, string[]>();
    for (const row of await queryRunner.query(
      "SELECT j.inspection_id AS inspection, d.name AS name FROM joint_inspection_department j JOIN department d ON d.id = j.department_id ORDER BY j.inspection_id, j.sort_order",
    )) {
      participants.set(row.inspection, [...(participants.get(row.inspection) ?? []), row.name]);
    }
    await queryRunner.dropTable("joint_inspection_department");
    await this.dropReference(queryRunner, "joint_inspection", "lead_department_id", "IDX_joint_inspection_lead_department", "FK_joint_inspection_lead_department", async () => {
      await queryRunner.addColumn("joint_inspection", new TableColumn({ name: "departments", type: "text", isNullable: true }));
      for (const inspection of await queryRunner.query("SELECT id FROM joint_inspection")) {
        await queryRunner.query("UPDATE joint_inspection SET departments = ? WHERE id = ?", [JSON.stringify(participants.get(inspection.id) ?? []), inspection.id]);
      }
      await queryRunner.changeColumn("joint_inspection", "departments", new TableColumn({ name: "departments", type: "text" }));
    });

    await this.dropReference(queryRunner, "application", "department_id", "IDX_application_department", "FK_application_department", async () => {
      await queryRunner.addColumn("application", new TableColumn(varchar("department", 100, { isNullable: true })));
      await queryRunner.query("UPDATE application SET department = (SELECT d.name FROM department d WHERE d.id = application.department_id)");
    });
    await this.dropReference(queryRunner, "approval_item", "department_id", "IDX_approval_item_department", "FK_approval_item_department", async () => {
      await queryRunner.addColumn("approval_item", new TableColumn(varchar("department", 100, { isNullable: true })));
      await queryRunner.query("UPDATE approval_item SET department = (SELECT d.name FROM department d WHERE d.id = approval_item.department_id)");
      await queryRunner.changeColumn("approval_item", "department", new TableColumn(varchar("department", 100)));
    });
    await this.dropReference(queryRunner, "user", "department_id", "IDX_user_department", "FK_user_department");
    await queryRunner.dropTable("department_duty");

    // departments this migration added go again unless something else now refers to them
    const added = [...ADDED.map(([code]) => code)];
    for (const { code } of await queryRunner.query(`SELECT code FROM department WHERE code LIKE '${IMPORTED_PREFIX}%'`)) added.push(code);
    for (const code of added) {
      await queryRunner.query(
        "DELETE FROM department WHERE code = ? AND id NOT IN (SELECT department_id FROM team_member) AND id NOT IN (SELECT department_id FROM service_ticket_department)",
        [code],
      );
    }
    for (const [code, before, after] of RENAMED) await queryRunner.query("UPDATE department SET name = ? WHERE code = ? AND name = ?", [before, code, after]);
  }

  /** Finds the department a free-text name means, making an IMPORTED_n record for a name no department has. */
  private async resolver(queryRunner: QueryRunner): Promise<(name: string) => Promise<string>> {
    const departments: Array<{ id: string; code: string; name: string; sort_order: number }> = await queryRunner.query("SELECT id, code, name, sort_order FROM department");
    return async (raw: string) => {
      const name = String(raw ?? "").trim() || "未注明部门";
      const found =
        departments.find((d) => d.name === name) ??
        departments.find((d) => d.code === ALIASES[name]) ??
        departments.find((d) => strip(d.name) === strip(name));
      if (found) return found.id;
      const imported = departments.filter((d) => d.code.startsWith(IMPORTED_PREFIX)).length + 1;
      const created = {
        id: randomUUID(),
        code: `${IMPORTED_PREFIX}${imported}`,
        name: name.slice(0, 100),
        sort_order: Math.max(0, ...departments.map((d) => Number(d.sort_order))) + 10,
      };
      await queryRunner.query("INSERT INTO department (id, code, name, sort_order) VALUES (?, ?, ?, ?)", [created.id, created.code, created.name, created.sort_order]);
      departments.push(created);
      return created.id;
    };
  }

  private async addReference(queryRunner: QueryRunner, table: string, column: string, index: string, key: string): Promise<void> {
    await queryRunner.addColumn(table, new TableColumn(varchar(column, 36, { isNullable: true })));
    await this.indexAndKey(queryRunner, table, column, index, key);
  }

  private async indexAndKey(queryRunner: QueryRunner, table: string, column: string, index: string, key: string): Promise<void> {
    await queryRunner.createIndex(table, new TableIndex({ name: index, columnNames: [column] }));
    await queryRunner.createForeignKey(table, foreignKey(key, column, "department"));
  }

  /** Drops a department reference; `restore` first brings back what it replaced, while the reference can still be read. */
  private async dropReference(queryRunner: QueryRunner, table: string, column: string, index: string, key: string, restore?: () => Promise<void>): Promise<void> {
    if (restore) await restore();
    await queryRunner.dropForeignKey(table, key);
    await queryRunner.dropIndex(table, index);
    await queryRunner.dropColumn(table, column);
  }
}
