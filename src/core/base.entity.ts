import { randomUUID } from "node:crypto";
import { BeforeInsert, Column, CreateDateColumn, PrimaryColumn, UpdateDateColumn, type ColumnOptions } from "typeorm";

/** A UTC timestamp, stored the same way on SQLite and MariaDB (precision 6: what TypeORM's date columns default to on MariaDB). */
export const TIMESTAMP: ColumnOptions = { type: "datetime", precision: 6 };

/** Common to every table: an opaque UUID id and technical timestamps. */
export abstract class BaseEntity {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @CreateDateColumn({ name: "created_at", ...TIMESTAMP } as ColumnOptions)
  createdAt: Date;

  @UpdateDateColumn({ name: "updated_at", ...TIMESTAMP } as ColumnOptions)
  updatedAt: Date;

  /**
   * Sets the timestamps here rather than by column default: SQLite's datetime('now') keeps whole
   * seconds in another text format than TypeORM writes, which would break keyset cursors.
   */
  @BeforeInsert()
  assignId(): void {
    this.id ??= randomUUID();
    this.createdAt ??= new Date();
    this.updatedAt ??= this.createdAt;
  }
}

/** A nullable timestamp column. */
export const TimestampColumn = (name: string, nullable = false) => Column({ ...TIMESTAMP, name, nullable } as ColumnOptions);
