import { ArrayMaxSize, IsIn, IsOptional } from "class-validator";
import { ArgsType, Field } from "type-graphql";
import { ConnectionArgs } from "../../core/pagination";
import { TODO_KINDS, TodoKindEnum, type TodoKind } from "./todo.kinds";

@ArgsType()
export class TodoArgs extends ConnectionArgs {
  @Field(() => [TodoKindEnum], { nullable: true, description: "Only these kinds (the page, totalCount and countsByKind alike); every kind when omitted, none for an empty list." })
  @IsOptional()
  @IsIn(TODO_KINDS, { each: true })
  @ArrayMaxSize(TODO_KINDS.length)
  kinds?: TodoKind[];
}
