import { createUnionType, Field, ID, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../../core/pagination";
import { BoardTask } from "../board/board-task.entity";
import { CommitmentLetter } from "../commitments/commitment.entity";
import { DeferredItem } from "../fast-track/deferred-item.entity";
import { ApprovalItem } from "../instep/approval.entity";
import { Application } from "../intake/application.entity";
import { Project } from "../projects/project.entity";
import { InspectionFinding, JointInspection } from "../supervision/supervision.entity";
import { ServiceTicket } from "../tickets/service-ticket.entity";
import { TodoKindEnum, type TodoKind } from "./todo.kinds";

const SUBJECT_TYPES = [BoardTask, ServiceTicket, ApprovalItem, Application, DeferredItem, JointInspection, InspectionFinding, CommitmentLetter] as const;
export type TodoSubjectValue = InstanceType<(typeof SUBJECT_TYPES)[number]>;

export const TodoSubject = createUnionType({
  name: "TodoSubject",
  description: "The record a to-do is about, as its own type: act on it with that type's mutations.",
  types: () => SUBJECT_TYPES,
  resolveType: (value) => SUBJECT_TYPES.find((type) => value instanceof type)?.name,
});

/** 待办: one thing that waits on the caller now, about one record. */
@ObjectType({ description: "待办: something the caller may and must act on now, about one record." })
export class Todo {
  @Field(() => ID, { description: "Stable for the same kind and record (opaque)." })
  id: string;

  @Field(() => TodoKindEnum)
  kind: TodoKind;

  @Field({ description: "What to do, in the caller's language (Accept-Language)." })
  title: string;

  @Field(() => Date, { nullable: true, description: "By when: the record's own deadline (a date-only deadline ends with its day in the district, UTC+8); null when it has none." })
  dueAt: Date | null;

  @Field({ description: "The due time has passed (a record its module marked OVERDUE always is)." })
  overdue: boolean;

  @Field(() => Project, { nullable: true, description: "The project it concerns; null when none (a board task serving no project)." })
  project: Project | null;

  @Field(() => TodoSubject)
  subject: TodoSubjectValue;
}

@ObjectType({ description: "How many to-dos of one kind wait on the caller, for a badge." })
export class TodoCount {
  @Field(() => TodoKindEnum) kind: TodoKind;
  @Field(() => Int) count: number;
  @Field(() => Int, { description: "How many of them are overdue." }) overdue: number;
}

@ObjectType("TodoEdge")
export class TodoEdge {
  @Field() cursor: string;
  @Field(() => Todo) node: Todo;
}

@ObjectType({ description: "A page of the caller's to-dos, most urgent first (Relay cursor connection), with counts by kind." })
export class TodoConnection {
  @Field(() => [TodoEdge]) edges: TodoEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int, { description: "How many to-dos of the kinds asked for wait on the caller, over all pages." }) totalCount: number;
  @Field(() => [TodoCount], { description: "Every kind asked for (all kinds when `kinds` is omitted), in TodoKind order, with its count (0 when none waits): the counts follow the `kinds` filter, as totalCount does." })
  countsByKind: TodoCount[];
}
