import { IdempotencyKeyField } from "../../core/idempotency";
import { StatusInField } from "../../core/status-filter";
import { ArrayMaxSize, ArrayUnique, IsIn, IsOptional } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { TICKET_STAGES, TICKET_STATUSES, TicketStageEnum, TicketStatusEnum, type TicketStage, type TicketStatus } from "./ticket.states";
import { RequiredText, IsId } from "../../core/validation";

@InputType({ description: "A service ticket in one of the four modes (预诊, 导诊, 会诊, 急诊)." })
export class OpenServiceTicketInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The project." })
  @IsId()
  projectId: string;

  @Field(() => TicketStageEnum, { description: "The service mode (预诊, 导诊, 会诊, 急诊), which sets the deadlines." })
  @IsIn(TICKET_STAGES)
  stage: TicketStage;

  @Field({ description: "1-200 characters." })
  @RequiredText(200)
  title: string;

  @Field({ description: "1-5000 characters." })
  @RequiredText(5000)
  description: string;

  @Field(() => [ID], { nullable: true, description: "Departments to consult; at least one for CONSULTATION." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayUnique()
  @ArrayMaxSize(20)
  departmentIds?: string[];

  @Field(() => ID, { nullable: true, description: "A cadre serving on the project; the project's manager when omitted." })
  @IsOptional()
  @IsId()
  assigneeId?: string;

  @Field(() => [ID], { nullable: true, description: "Files for the ticket (a site plan, a photo, a letter): up to 20 uploads of the caller (POST /files), attached to the ticket." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayMaxSize(20)
  attachmentIds?: string[];
}

@InputType({ description: "A status change of a ticket, with an optional note for its timeline." })
export class TicketStatusInput {
  @Field(() => ID, { description: "The ticket." })
  @IsId()
  ticketId: string;

  @Field(() => String, { nullable: true, description: "Up to 2000 characters, kept on the timeline." })
  @IsOptional()
  @RequiredText(2000)
  note?: string;
}

@InputType({ description: "A comment on a ticket." })
export class CommentOnTicketInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field(() => ID, { description: "The ticket." })
  @IsId()
  ticketId: string;

  @Field({ description: "1-5000 characters." })
  @RequiredText(5000)
  body: string;

  @Field(() => [ID], { nullable: true, description: "Files for the comment: up to 20 uploads of the caller (POST /files), attached to the comment's timeline entry." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayMaxSize(20)
  attachmentIds?: string[];
}

@InputType({ description: "Give a ticket to another cadre." })
export class ReassignTicketInput {
  @Field(() => ID, { description: "The ticket." })
  @IsId()
  ticketId: string;

  @Field(() => ID, { description: "A cadre serving on the project (its manager or a team member)." })
  @IsId()
  assigneeId: string;

  @Field(() => String, { nullable: true, description: "Why it is given to another cadre." })
  @IsOptional()
  @RequiredText(2000)
  reason?: string;
}

@InputType({ description: "Escalate a ticket to a more urgent service mode." })
export class EscalateTicketInput {
  @Field(() => ID, { description: "The ticket." })
  @IsId()
  ticketId: string;

  @Field(() => TicketStageEnum, { description: "A more urgent stage than the ticket's." })
  @IsIn(TICKET_STAGES)
  toStage: TicketStage;

  @Field({ description: "Why it is more urgent, 1-2000 characters." })
  @RequiredText(2000)
  reason: string;

  @Field(() => [ID], { nullable: true, description: "Departments to add to the consultation (CONSULTATION needs at least one in all)." })
  @IsOptional()
  @IsId({ each: true })
  @ArrayUnique()
  @ArrayMaxSize(20)
  departmentIds?: string[];
}

@InputType({ description: "Narrows the tickets; all given conditions must hold." })
export class ServiceTicketFilter {
  @Field(() => ID, { nullable: true, description: "Only this project's tickets." })
  @IsOptional()
  @IsId()
  projectId?: string;

  @Field(() => TicketStageEnum, { nullable: true, description: "Only tickets in this mode." })
  @IsOptional()
  @IsIn(TICKET_STAGES)
  stage?: TicketStage;

  @Field(() => TicketStatusEnum, { nullable: true, description: "Only tickets in this status." })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @StatusInField(TicketStatusEnum, TICKET_STATUSES)
  statusIn?: TicketStatus[];

  @Field(() => ID, { nullable: true, description: "Only tickets assigned to this cadre." })
  @IsOptional()
  @IsId()
  assigneeId?: string;

  @Field(() => Boolean, { nullable: true, description: "true: an acknowledge or resolve deadline was missed; false: none was." })
  @IsOptional()
  breached?: boolean;
}
