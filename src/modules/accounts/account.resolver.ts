import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { CreateUserInput, LoginInput, LoginPayload, SetUserActiveInput } from "./account.inputs";
import { accountService } from "./account.service";
import { User } from "./user.entity";
import { loadUser } from "./user-loader";

const UserConnection = ConnectionType(User);

@Resolver(() => User)
export class AccountResolver {
  @Remit("login")
  @Mutation(() => LoginPayload, {
    description: described("login", "Sign in. Too many failed sign-ins for one username, or from one client address, refuse further attempts for a while (TOO_MANY_REQUESTS, with retryAfterSeconds) without checking the password."),
  })
  login(@Ctx() ctx: RequestContext, @Arg("input") input: LoginInput): Promise<LoginPayload> {
    return accountService.login(ctx, input);
  }

  @Authorized()
  @Query(() => User, { description: "The signed-in caller." })
  me(@Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, ctx.requireUser().id);
  }

  @Authorized("ADMIN")
  @Query(() => UserConnection, { description: "Every user, ordered by username." })
  users(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return accountService.list(ctx, args);
  }

  @Remit("createUser")
  @Mutation(() => User, { description: described("createUser", "Create a user. A taken username answers CONFLICT.") })
  createUser(@Ctx() ctx: RequestContext, @Arg("input") input: CreateUserInput): Promise<User> {
    return accountService.createUser(ctx, input);
  }

  @Remit("setUserActive")
  @Mutation(() => User, {
    description: described("setUserActive", "Deactivate or reactivate a user (not yourself). A deactivated user's tokens stop working at once and their open subscriptions close (4403) within seconds."),
  })
  setUserActive(@Ctx() ctx: RequestContext, @Arg("input") input: SetUserActiveInput): Promise<User> {
    return accountService.setUserActive(ctx, input);
  }
}
