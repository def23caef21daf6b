import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import {
  ChangePasswordInput,
  CreateUserInput,
  DeactivateUserInput,
  LoginInput,
  LoginPayload,
  ReactivateUserInput,
  ResetPasswordInput,
  RevokeAllSessionsInput,
  SetUserActiveInput,
} from "./account.inputs";
import { accountService } from "./account.service";
import { User } from "./user.entity";
import { loadUser } from "./user-loader";

const UserConnection = ConnectionType(User);

@Resolver(() => User)
export class AccountResolver {
  @Remit("login")
  @Mutation(() => LoginPayload, {
    description: described("login", "Sign in (登录): starts a session. Too many failed sign-ins for one username, or from one client address, refuse further attempts for a while (TOO_MANY_REQUESTS, with retryAfterSeconds) without checking the password."),
  })
  login(@Ctx() ctx: RequestContext, @Arg("input") input: LoginInput): Promise<LoginPayload> {
    return accountService.login(ctx, input);
  }

  @Remit("renewToken")
  @Mutation(() => LoginPayload, {
    description: described(
      "renewToken",
      "Renew the token (续期) this request is sent with, before it expires: a new token of the same session, expiring JWT_TTL_SECONDS from now or at the session's end (SESSION_MAX_AGE_HOURS after signing in), whichever comes first. The token renewed keeps working until its own expiry (requests in flight and open subscriptions are not broken). Past the session's end: UNAUTHENTICATED (reason SESSION_MAX_AGE), sign in again; an expired token cannot be renewed (reason TOKEN_EXPIRED).",
    ),
  })
  renewToken(@Ctx() ctx: RequestContext): Promise<LoginPayload> {
    return accountService.renewToken(ctx);
  }

  @Remit("logout")
  @Mutation(() => Boolean, {
    description: described(
      "logout",
      "Sign out (退出登录): ends the session of the token this request is sent with. That token, and tokens renewed from the same sign-in, answer UNAUTHENTICATED (reason TOKEN_REVOKED) from now on, and subscriptions opened with them close (4403) within seconds; your other sign-ins keep working. Answers true.",
    ),
  })
  logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    return accountService.logout(ctx);
  }

  @Remit("revokeAllSessions", "revokeUserSessions")
  @Mutation(() => User, {
    description: described(
      "revokeAllSessions",
      "Revoke every token of a user (退出所有登录), the one this request is sent with included when they are yours: each answers UNAUTHENTICATED (reason TOKEN_REVOKED) from now on and subscriptions opened with them close (4403) within seconds. Without input (or without id), your own. To stay signed in here while signing out elsewhere, use changePassword.",
    ),
  })
  revokeAllSessions(@Ctx() ctx: RequestContext, @Arg("input", () => RevokeAllSessionsInput, { nullable: true }) input?: RevokeAllSessionsInput): Promise<User> {
    return accountService.revokeAllSessions(ctx, input);
  }

  @Remit("changePassword")
  @Mutation(() => LoginPayload, {
    description: described(
      "changePassword",
      "Change your own password (修改密码). A wrong currentPassword answers BAD_USER_INPUT (field currentPassword) and counts toward the sign-in lockout (TOO_MANY_REQUESTS). Every other token of yours is revoked; the answer is a new session's token to use from now on.",
    ),
  })
  changePassword(@Ctx() ctx: RequestContext, @Arg("input") input: ChangePasswordInput): Promise<LoginPayload> {
    return accountService.changePassword(ctx, input);
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

  @Remit("resetPassword")
  @Mutation(() => User, {
    description: described("resetPassword", "Set another user's password (重置密码), for one who forgot theirs; not your own (BAD_USER_INPUT: use changePassword). Every token of that user is revoked and their open subscriptions close (4403) within seconds."),
  })
  resetPassword(@Ctx() ctx: RequestContext, @Arg("input") input: ResetPasswordInput): Promise<User> {
    return accountService.resetPassword(ctx, input);
  }

  @Remit("deactivateUser")
  @Mutation(() => User, {
    description: described("deactivateUser", "Deactivate a user (停用账号), not yourself: they cannot sign in, their tokens are revoked at once (reactivation does not bring them back) and their open subscriptions close (4403) within seconds. Deactivating a deactivated user changes nothing."),
  })
  deactivateUser(@Ctx() ctx: RequestContext, @Arg("input") input: DeactivateUserInput): Promise<User> {
    return accountService.setActive(ctx, input.id, false);
  }

  @Remit("reactivateUser")
  @Mutation(() => User, {
    description: described("reactivateUser", "Reactivate a deactivated user (启用账号): they can sign in again (with a new sign-in; their earlier tokens stay revoked). Reactivating an active user changes nothing."),
  })
  reactivateUser(@Ctx() ctx: RequestContext, @Arg("input") input: ReactivateUserInput): Promise<User> {
    return accountService.setActive(ctx, input.id, true);
  }

  @Remit("setUserActive")
  @Mutation(() => User, {
    deprecationReason: "Use deactivateUser / reactivateUser",
    description: described("setUserActive", "Deactivate or reactivate a user (not yourself), as deactivateUser and reactivateUser do."),
  })
  setUserActive(@Ctx() ctx: RequestContext, @Arg("input") input: SetUserActiveInput): Promise<User> {
    return accountService.setActive(ctx, input.userId, input.active, "userId");
  }
}
