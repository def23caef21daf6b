import { Args, Authorized, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { TodoArgs } from "./todo.inputs";
import { todoService } from "./todo.service";
import { Todo, TodoConnection } from "./todo.types";

@Resolver(() => Todo)
export class TodoResolver {
  @Authorized()
  @Query(() => TodoConnection, {
    description:
      "待办: everything waiting on the caller now, most urgent first (due time ascending, none last; then TodoKind order; then the record's id): tickets assigned to them to acknowledge or resolve, " +
      "board tasks they hold (ADMIN: submitted tasks to verify), deferred materials their enterprise owes, approvals and one-window applications waiting in their department, " +
      "joint inspections and findings of their department, commitment letters awaiting their side's signature, resolved tickets they raised to confirm. Each is something the caller may do by the policy table and must do now by the record's state; an enterprise user sees its own enterprise's only.",
  })
  myTodos(@Ctx() ctx: RequestContext, @Args() args: TodoArgs) {
    return todoService.myTodos(ctx, args);
  }
}
