import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { TimestampColumn } from "../../core/base.entity";
import type { TaskCategory, TaskEventType, TaskStatus } from "./board-task.entity";

/**
 * One numbered board change, as the subscription announced it: written in the change's own
 * transaction, numbered by the board_sequence counter (commit order, no gaps), deleted once older
 * than BOARD_CHANGES_RETENTION_HOURS. What boardChangesSince answers from.
 */
@Entity("board_change")
@Index("IDX_board_change_at", ["at"])
export class BoardChange {
  @PrimaryColumn({ type: "integer" })
  sequence: number;

  @Column({ name: "task_id", type: "varchar", length: 36 })
  taskId: string;

  @Column({ type: "varchar", length: 16 })
  type: TaskEventType;

  @Column({ name: "actor_id", type: "varchar", length: 36 })
  actorId: string;

  @TimestampColumn("at")
  at: Date;

  @Column({ type: "varchar", length: 16 })
  category: TaskCategory;

  @Column({ name: "project_id", type: "varchar", length: 36, nullable: true })
  projectId: string | null;

  /** The task's status right after the change. */
  @Column({ type: "varchar", length: 16 })
  status: TaskStatus;
}
