import { TableForeignKey, type QueryRunner, type TableColumnOptions } from "typeorm";

/** Column shapes shared by every migration, matching src/core/base.entity.ts on both dialects. */
export const id = (): TableColumnOptions => ({ name: "id", type: "varchar", length: "36", isPrimary: true });

export const timestamp = (name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: "datetime",
  precision: 6,
  ...options,
});

/** created_at and updated_at as TypeORM's Create/UpdateDateColumn make them on each dialect. */
export const timestamps = (queryRunner: QueryRunner): TableColumnOptions[] =>
  queryRunner.connection.driver.options.type === "better-sqlite3"
    ? [timestamp("created_at", { default: "datetime('now')" }), timestamp("updated_at", { default: "datetime('now')" })]
    : [
        timestamp("created_at", { default: "CURRENT_TIMESTAMP(6)" }),
        timestamp("updated_at", { default: "CURRENT_TIMESTAMP(6)", onUpdate: "CURRENT_TIMESTAMP(6)" }),
      ];

export const varchar = (name: string, length: number, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: "varchar",
  length: String(length),
  ...options,
});

/** A foreign key as TypeORM's @ManyToOne + @JoinColumn({ foreignKeyConstraintName }) describes it. */
export const foreignKey = (name: string, column: string, referencedTable: string): TableForeignKey =>
  new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: referencedTable,
    referencedColumnNames: ["id"],
    onDelete: "NO ACTION",
    onUpdate: "NO ACTION",
  });
