import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";

/**
 * 项目经理人: one cadre leads a project's service team for a period. The history keeps every
 * assignment (who, from, to, by whom). `activeProjectId` equals `projectId` while the assignment
 * is active and is NULL once ended; its UNIQUE index lets only one active row exist per project
 * on both databases (NULLs never collide), whatever the concurrency.
 */
@ObjectType({ description: "项目经理人 assignment: a cadre leading a project's team from startedAt until endedAt." })
@Entity("project_manager_assignment")
@Index("UQ_pma_active_project", ["activeProjectId"], { unique: true })
@Index("IDX_pma_project", ["projectId", "startedAt", "id"])
@Index("IDX_pma_cadre", ["cadreId", "endedAt"])
export class ProjectManagerAssignment extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_pma_project" })
  project?: Project;

  /** projectId while active, NULL after; the one-active-manager constraint. */
  @Column({ name: "active_project_id", type: "varchar", length: 36, nullable: true })
  activeProjectId: string | null;

  @Column({ name: "cadre_id", type: "varchar", length: 36 })
  cadreId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "cadre_id", foreignKeyConstraintName: "FK_pma_cadre" })
  cadre?: User;

  @Field({ description: "When this cadre became the manager." })
  @TimestampColumn("started_at")
  startedAt: Date;

  @Column({ name: "started_by_id", type: "varchar", length: 36, nullable: true })
  startedById: string | null;

  @Field(() => Date, { nullable: true, description: "When the assignment ended (reassignment); null while active." })
  @TimestampColumn("ended_at", true)
  endedAt: Date | null;

  @Column({ name: "ended_by_id", type: "varchar", length: 36, nullable: true })
  endedById: string | null;
}
