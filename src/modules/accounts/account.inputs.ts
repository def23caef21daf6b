import { IdempotencyKeyField } from "../../core/idempotency";
import { IsIn, IsOptional, Length, Matches, MaxLength, MinLength } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { ROLES, type Role } from "../../core/auth";
import { RoleEnum, User } from "./user.entity";
import { ComparedText, PasswordText } from "../../core/text-input";
import { RequiredText, IsId } from "../../core/validation";

/** Lowercase, so that sign-in, which ignores case, names one account on SQLite and on MariaDB alike. */
const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;
const USERNAME_RULE = "username must be 3-64 lowercase letters, digits, dots, dashes or underscores";

const MIN_PASSWORD_LENGTH = 10;
/** The rules every password being set follows (createUser, changePassword, resetPassword). */
const NEW_PASSWORD_RULES = `At least ${MIN_PASSWORD_LENGTH} characters, kept exactly as typed (not Unicode-normalized); control and bidirectional-formatting characters are refused.`;

@InputType({ description: "Sign-in (登录) with a username and password." })
export class LoginInput {
  @Field({ description: "The username (用户名); case does not matter." })
  @Length(1, 64)
  username: string;

  @Field({ description: "The password (密码), as typed." })
  @ComparedText()
  @Length(1, 200)
  password: string;
}

@ObjectType({
  description:
    "A signed-in session (会话): send the token as `Authorization: Bearer <token>` over HTTP, and as connectionParams.authorization when a WebSocket connects. " +
    "Before expiresAt, renewToken gives a new token of the same session, up to SESSION_MAX_AGE_HOURS after signing in; then sign in again. " +
    "A refused token answers UNAUTHENTICATED with extensions.reason: TOKEN_EXPIRED (renew sooner, or sign in again), TOKEN_REVOKED (signed out, or all sessions revoked), ACCOUNT_DEACTIVATED, TOKEN_INVALID. " +
    "WebSocket close codes: 4401 the token expired (sign in or renew, then reconnect); 4403 the token was refused or revoked, or the account deactivated (at connect, or closed later by the server within WS_SESSION_CHECK_MS).",
})
export class LoginPayload {
  @Field({ description: "A signed JWT, valid until expiresAt unless revoked (logout, revokeAllSessions, a password change or reset, deactivation)." })
  token: string;

  @Field({ description: "When the token stops working: JWT_TTL_SECONDS after it was made, or earlier at the session's end (SESSION_MAX_AGE_HOURS after signing in)." })
  expiresAt: Date;

  @Field({ description: "When this session was signed in with a password; renewals keep it, and SESSION_MAX_AGE_HOURS counts from it." })
  signedInAt: Date;

  @Field(() => User, { description: "The signed-in user." })
  user: User;
}

@InputType({ description: "A new account: ADMIN (区委改革办), CADRE (干部, with a department) or ENTERPRISE (企业 staff, with their enterprise)." })
export class CreateUserInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "3-64 characters: lowercase letters, digits, dot, dash, underscore (sign-in ignores case, so CADRE.ZHANG cannot stand beside cadre.zhang)." })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  @Field({ description: NEW_PASSWORD_RULES })
  @PasswordText()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(200)
  password: string;

  @Field({ description: "The person's name as shown to others." })
  @RequiredText(100)
  name: string;

  @Field(() => RoleEnum, { description: "What the user is: ADMIN, CADRE or ENTERPRISE." })
  @IsIn(ROLES)
  role: Role;

  @Field(() => ID, { nullable: true, description: "Required for ENTERPRISE users, not allowed for others." })
  @IsOptional()
  @IsId()
  enterpriseId?: string;

  @Field(() => ID, { nullable: true, description: "部门: required for CADRE users (it decides their remits), allowed for ADMIN (区委改革办), not allowed for ENTERPRISE users." })
  @IsOptional()
  @IsId()
  departmentId?: string;
}

@InputType({ description: "Deactivate or reactivate a user (deprecated with setUserActive)." })
export class SetUserActiveInput {
  @Field(() => ID, { description: "The user." })
  @IsId()
  userId: string;

  @Field({ description: "false signs the user out everywhere and stops their sign-ins; true lets them sign in again." })
  active: boolean;
}

@InputType({ description: "Change your own password (修改密码): the current one proves it is you." })
export class ChangePasswordInput {
  @Field({ description: "Your current password (当前密码), as typed." })
  @ComparedText()
  @Length(1, 200)
  currentPassword: string;

  @Field({ description: `The new password (新密码), different from the current one. ${NEW_PASSWORD_RULES}` })
  @PasswordText()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(200)
  newPassword: string;
}

@InputType({ description: "Set another user's password (重置密码), for a user who forgot theirs." })
export class ResetPasswordInput {
  @Field(() => ID, { description: "The user whose password is set; not yourself (use changePassword)." })
  @IsId()
  id: string;

  @Field({ description: `The new password (新密码), to be handed to the user. ${NEW_PASSWORD_RULES}` })
  @PasswordText()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(200)
  newPassword: string;
}

@InputType({ description: "Deactivate a user (停用账号)." })
export class DeactivateUserInput {
  @Field(() => ID, { description: "The user to deactivate; not yourself." })
  @IsId()
  id: string;
}

@InputType({ description: "Reactivate a deactivated user (启用账号)." })
export class ReactivateUserInput {
  @Field(() => ID, { description: "The user to reactivate." })
  @IsId()
  id: string;
}

@InputType({ description: "Whose sessions to end (退出所有登录)." })
export class RevokeAllSessionsInput {
  @Field(() => ID, { nullable: true, description: "The user whose every token is revoked; omitted (or your own id): yours. Another user's: ADMIN only." })
  @IsOptional()
  @IsId()
  id?: string;
}
