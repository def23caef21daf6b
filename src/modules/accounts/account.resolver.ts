import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { CreateUserInput, LoginInput, LoginPayload } from "./account.inputs";
import { accountService } from "./account.service";
import { User } from "./user.entity";
import { loadUser } from "./user-loader";

const UserConnection = ConnectionType(User);

@Resolver(() => User)
export class AccountResolver {
  @Mutation(() => LoginPayload, { description: "Sign in. Repeated failures for one username lock it for a while (TOO_MANY_REQUESTS)." })
  login(@Ctx() ctx: RequestContext, @Arg("input") input: LoginInput): Promise<LoginPayload> {
    return accountService.login(ctx, input);
  }

  @Authorized()
  @Query(() => User, { description: "The signed-in caller." })
  me(@Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, ctx.requireUser().id);
  }

  @Authorized("ADMIN")
  @Query(() => UserConnection, { description: "Every user, ordered by username (ADMIN)." })
  users(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return accountService.list(ctx, args);
  }

  @Authorized("ADMIN")
  @Mutation(() => User, { description: "Create a user (ADMIN). A taken username answers CONFLICT." })
  createUser(@Ctx() ctx: RequestContext, @Arg("input") input: CreateUserInput): Promise<User> {
    return accountService.createUser(ctx, input);
  }
}
