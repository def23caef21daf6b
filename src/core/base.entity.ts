import { randomUUID } from "node:crypto";
import { BeforeInsert, Column, CreateDateColumn, EventSubscriber, PrimaryColumn, UpdateDateColumn, type ColumnOptions, type EntitySubscriberInterface, type ObjectLiteral, type Repository, type UpdateEvent } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import type { Clock } from "./clock";

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

/**
 * Inserts several rows in one statement and leaves each object as it was given, with the id and
 * timestamps assignId gave it, so that the caller may use `rows[i].id`. repository.insert(rows)
 * does not where the database has no INSERT ... RETURNING (SQLite, MySQL; MariaDB from 10.5 has
 * it): there it re-selects the rows by id, in no set order, and merges the answers into the
 * objects by position, so that the objects' ids can come back swapped (and costs a statement).
 */
export async function insertRows<T extends BaseEntity>(repo: Repository<T>, rows: T[]): Promise<void> {
  if (rows.length) await repo.createQueryBuilder().insert().values(rows as QueryDeepPartialEntity<T>[]).updateEntity(false).execute();
}

/** A nullable timestamp column. */
export const TimestampColumn = (name: string, nullable = false) => Column({ ...TIMESTAMP, name, nullable } as ColumnOptions);

/**
 * Stamps updated_at by the service clock on every query-builder UPDATE (repo.update, increment,
 * the conditional state changes) that does not set it. Left to TypeORM, such an update writes
 * CURRENT_TIMESTAMP: the database's own time, in whole seconds, earlier than the change it records.
 * A class per clock, since TypeORM makes its subscribers itself.
 */
export function updateStamper(clock: Clock): new () => EntitySubscriberInterface {
  @EventSubscriber()
  class UpdateStamper implements EntitySubscriberInterface {
    beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
      const column = event.metadata.updateDateColumn;
      // databaseEntity is set only by save(), which stamps the column itself
      if (column && event.entity && !event.databaseEntity && event.entity[column.propertyName] === undefined) {
        event.entity[column.propertyName] = clock.now();
      }
    }
  }
  return UpdateStamper;
}
