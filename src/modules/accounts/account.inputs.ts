import { IsIn, IsOptional, IsUUID, Length, Matches, MaxLength, MinLength } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { ROLES, type Role } from "../../core/auth";
import { RoleEnum, User } from "./user.entity";
import { ComparedText, PasswordText } from "../../core/text-input";
import { RequiredText } from "../../core/validation";

/** Lowercase, so that sign-in, which ignores case, names one account on SQLite and on MariaDB alike. */
const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;
const USERNAME_RULE = "username must be 3-64 lowercase letters, digits, dots, dashes or underscores";

const MIN_PASSWORD_LENGTH = 10;

@InputType()
export class LoginInput {
  @Field()
  @Length(1, 64)
  username: string;

  @Field()
  @ComparedText()
  @Length(1, 200)
  password: string;
}

@ObjectType({ description: "A signed-in session: send the token as `Authorization: Bearer <token>`." })
export class LoginPayload {
  @Field({ description: "A signed JWT." })
  token: string;

  @Field()
  expiresAt: Date;

  @Field(() => User)
  user: User;
}

@InputType()
export class CreateUserInput {
  @Field({ description: "3-64 characters: lowercase letters, digits, dot, dash, underscore (sign-in ignores case, so CADRE.ZHANG cannot stand beside cadre.zhang)." })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  @Field({ description: `At least ${MIN_PASSWORD_LENGTH} characters, kept exactly as typed (not Unicode-normalized); control and bidirectional-formatting characters are refused.` })
  @PasswordText()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(200)
  password: string;

  @Field()
  @RequiredText(100)
  name: string;

  @Field(() => RoleEnum)
  @IsIn(ROLES)
  role: Role;

  @Field(() => ID, { nullable: true, description: "Required for ENTERPRISE users, not allowed for others." })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @Field(() => ID, { nullable: true, description: "部门: required for CADRE users (it decides their remits), allowed for ADMIN (区委改革办), not allowed for ENTERPRISE users." })
  @IsOptional()
  @IsUUID()
  departmentId?: string;
}

@InputType()
export class SetUserActiveInput {
  @Field(() => ID)
  @IsUUID()
  userId: string;

  @Field({ description: "false signs the user out everywhere and stops their sign-ins; true lets them sign in again." })
  active: boolean;
}
