import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { ServiceTicket } from "./service-ticket.entity";
import { TicketEventTypeEnum, TicketStageEnum, TicketStatusEnum, type TicketEventType, type TicketStage, type TicketStatus } from "./ticket.states";

/** One entry of a ticket's timeline: a comment, status change, reassignment, escalation or SLA breach. Never edited. */
@ObjectType({ description: "One entry of a ticket's timeline." })
@Entity("ticket_event")
@Index("UQ_ticket_event_seq", ["ticketId", "seq"], { unique: true })
export class TicketEvent extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Column({ name: "ticket_id", type: "varchar", length: 36 })
  ticketId: string;

  @ManyToOne(() => ServiceTicket)
  @JoinColumn({ name: "ticket_id", foreignKeyConstraintName: "FK_ticket_event_ticket" })
  ticket?: ServiceTicket;

  /** Position on the ticket's timeline, 1, 2, 3, ... (entries may share a clock time). */
  @Field(() => Int, { description: "Position on the ticket's timeline, from 1." })
  @Column({ type: "integer" })
  seq: number;

  @Field(() => TicketEventTypeEnum)
  @Column({ type: "varchar", length: 24 })
  type: TicketEventType;

  /** null when the system acted (SLA checker, auto-close). */
  @Column({ name: "actor_id", type: "varchar", length: 36, nullable: true })
  actorId: string | null;

  @Field({ description: "When it happened (service clock)." })
  @TimestampColumn("at")
  at: Date;

  @Field(() => TicketStatusEnum, { nullable: true })
  @Column({ name: "from_status", type: "varchar", length: 16, nullable: true })
  fromStatus: TicketStatus | null;

  @Field(() => TicketStatusEnum, { nullable: true })
  @Column({ name: "to_status", type: "varchar", length: 16, nullable: true })
  toStatus: TicketStatus | null;

  @Field(() => TicketStageEnum, { nullable: true })
  @Column({ name: "from_stage", type: "varchar", length: 16, nullable: true })
  fromStage: TicketStage | null;

  @Field(() => TicketStageEnum, { nullable: true })
  @Column({ name: "to_stage", type: "varchar", length: 16, nullable: true })
  toStage: TicketStage | null;

  /** The new assignee of a REASSIGNED entry. */
  @Column({ name: "assignee_id", type: "varchar", length: 36, nullable: true })
  assigneeId: string | null;

  @Field(() => String, { nullable: true, description: "The comment, or the reason given for a change." })
  @Column({ type: "text", nullable: true })
  body: string | null;
}
