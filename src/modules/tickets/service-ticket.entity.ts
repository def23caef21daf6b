import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { Department } from "../departments/department.entity";
import { TicketStageEnum, TicketStatusEnum, type TicketStage, type TicketStatus } from "./ticket.states";

/**
 * 服务工单: a request for the project's team in one of the four modes. SLA deadlines are set
 * from the stage when opened (and brought forward on escalation); a breach is stamped once
 * (ackBreachedAt / resolveBreachedAt) by the conditional update of whichever checker gets there first.
 */
@ObjectType({ description: "服务工单: a request to a project's service team (预诊, 导诊, 会诊 or 急诊)." })
@Entity("service_ticket")
@Index("IDX_ticket_project", ["projectId", "openedAt", "id"])
@Index("IDX_ticket_opened", ["openedAt", "id"])
@Index("IDX_ticket_assignee", ["assigneeId", "status"])
@Index("IDX_ticket_status_ack_due", ["status", "ackDueAt"])
@Index("IDX_ticket_status_resolve_due", ["status", "resolveDueAt"])
export class ServiceTicket extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_ticket_project" })
  project?: Project;

  @Field(() => TicketStageEnum)
  @Column({ type: "varchar", length: 16 })
  stage: TicketStage;

  @Field(() => TicketStatusEnum)
  @Column({ type: "varchar", length: 16, default: "OPEN" })
  status: TicketStatus;

  @Field()
  @Column({ type: "varchar", length: 200 })
  title: string;

  @Field()
  @Column({ type: "text" })
  description: string;

  @Column({ name: "raised_by_id", type: "varchar", length: 36 })
  raisedById: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "raised_by_id", foreignKeyConstraintName: "FK_ticket_raised_by" })
  raisedBy?: User;

  @Column({ name: "assignee_id", type: "varchar", length: 36, nullable: true })
  assigneeId: string | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: "assignee_id", foreignKeyConstraintName: "FK_ticket_assignee" })
  assignee?: User | null;

  @Field({ description: "When it was raised (service clock)." })
  @TimestampColumn("opened_at")
  openedAt: Date;

  /** Timeline entries so far: bumped (row-locked) for each entry, giving its sequence number. */
  @Column({ name: "event_count", type: "integer", default: 0 })
  eventCount: number;

  @Field({ description: "Acknowledge by this time (SLA of the stage)." })
  @TimestampColumn("ack_due_at")
  ackDueAt: Date;

  @Field({ description: "Resolve by this time (SLA of the stage)." })
  @TimestampColumn("resolve_due_at")
  resolveDueAt: Date;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("acknowledged_at", true)
  acknowledgedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "When it was last resolved; cleared on reopen." })
  @TimestampColumn("resolved_at", true)
  resolvedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("closed_at", true)
  closedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "When the acknowledge deadline was found missed (announced once)." })
  @TimestampColumn("ack_breached_at", true)
  ackBreachedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "When the resolve deadline was found missed (announced once)." })
  @TimestampColumn("resolve_breached_at", true)
  resolveBreachedAt: Date | null;

  @Field()
  declare createdAt: Date;

  @Field()
  declare updatedAt: Date;
}

/** A department consulted on a ticket (required for 会诊). */
@Entity("service_ticket_department")
@Index("UQ_ticket_department", ["ticketId", "departmentId"], { unique: true })
@Index("IDX_ticket_department_department", ["departmentId"])
export class TicketDepartment extends BaseEntity {
  @Column({ name: "ticket_id", type: "varchar", length: 36 })
  ticketId: string;

  @ManyToOne(() => ServiceTicket)
  @JoinColumn({ name: "ticket_id", foreignKeyConstraintName: "FK_ticket_department_ticket" })
  ticket?: ServiceTicket;

  @Column({ name: "department_id", type: "varchar", length: 36 })
  departmentId: string;

  @ManyToOne(() => Department)
  @JoinColumn({ name: "department_id", foreignKeyConstraintName: "FK_ticket_department_department" })
  department?: Department;
}
