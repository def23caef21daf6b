import { ArrayMaxSize, ArrayUnique, IsIn, IsOptional, IsUUID } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { TICKET_STAGES, TICKET_STATUSES, TicketStageEnum, TicketStatusEnum, type TicketStage, type TicketStatus } from "./ticket.states";
import { RequiredText } from "../../core/validation";

@InputType()
export class OpenServiceTicketInput {
  @Field(() => ID)
  @IsUUID()
  projectId: string;

  @Field(() => TicketStageEnum)
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
  @IsUUID("all", { each: true })
  @ArrayUnique()
  @ArrayMaxSize(20)
  departmentIds?: string[];

  @Field(() => ID, { nullable: true, description: "A cadre serving on the project; the project's manager when omitted." })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
}

@InputType({ description: "A status change of a ticket, with an optional note for its timeline." })
export class TicketStatusInput {
  @Field(() => ID)
  @IsUUID()
  ticketId: string;

  @Field(() => String, { nullable: true, description: "Up to 2000 characters, kept on the timeline." })
  @IsOptional()
  @RequiredText(2000)
  note?: string;
}

@InputType()
export class CommentOnTicketInput {
  @Field(() => ID)
  @IsUUID()
  ticketId: string;

  @Field({ description: "1-5000 characters." })
  @RequiredText(5000)
  body: string;
}

@InputType()
export class ReassignTicketInput {
  @Field(() => ID)
  @IsUUID()
  ticketId: string;

  @Field(() => ID, { description: "A cadre serving on the project (its manager or a team member)." })
  @IsUUID()
  assigneeId: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @RequiredText(2000)
  reason?: string;
}

@InputType()
export class EscalateTicketInput {
  @Field(() => ID)
  @IsUUID()
  ticketId: string;

  @Field(() => TicketStageEnum, { description: "A more urgent stage than the ticket's." })
  @IsIn(TICKET_STAGES)
  toStage: TicketStage;

  @Field({ description: "Why it is more urgent, 1-2000 characters." })
  @RequiredText(2000)
  reason: string;

  @Field(() => [ID], { nullable: true, description: "Departments to add to the consultation (CONSULTATION needs at least one in all)." })
  @IsOptional()
  @IsUUID("all", { each: true })
  @ArrayUnique()
  @ArrayMaxSize(20)
  departmentIds?: string[];
}

@InputType()
export class ServiceTicketFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  projectId?: string;

  @Field(() => TicketStageEnum, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_STAGES)
  stage?: TicketStage;

  @Field(() => TicketStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @Field(() => Boolean, { nullable: true, description: "true: an acknowledge or resolve deadline was missed; false: none was." })
  @IsOptional()
  breached?: boolean;
}
