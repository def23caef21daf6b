import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Enterprise } from "../enterprises/enterprise.entity";
import { Department } from "../departments/department.entity";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { ROLES, type Role } from "../../core/auth";
import { enumOf } from "../../core/enums";
import { labelEnum } from "../../core/labels";

export const RoleEnum = enumOf(ROLES);
registerEnumType(RoleEnum, {
  name: "Role",
  description: "What a user is to the district's service.",
  valuesConfig: labelEnum<Role>("Role", {
    ADMIN: { zh: "区委改革办", en: "Reform office", description: "The district reform office; runs the board and the model." },
    CADRE: { zh: "干部", en: "Cadre", description: "An official who claims board tasks and serves on project teams." },
    ENTERPRISE: { zh: "企业", en: "Enterprise", description: "Staff of one enterprise; sees only that enterprise's records." },
  }),
});

/** A person who signs in. An ENTERPRISE user belongs to exactly one enterprise, a CADRE to one department. */
@ObjectType({ description: "A person who signs in to the service." })
@Entity("user")
@Index("IDX_user_enterprise", ["enterpriseId"])
@Index("IDX_user_department", ["departmentId"])
@Index("UQ_user_username", ["username"], { unique: true })
export class User extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field()
  @Column({ type: "varchar", length: 64 })
  username: string;

  @Column({ name: "password_hash", type: "varchar", length: 255 })
  passwordHash: string;

  @Field({ description: "Full name as shown to others." })
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => RoleEnum)
  @Column({ type: "varchar", length: 16 })
  role: Role;

  @Column({ name: "enterprise_id", type: "varchar", length: 36, nullable: true })
  enterpriseId: string | null;

  @ManyToOne(() => Enterprise, { nullable: true })
  @JoinColumn({ name: "enterprise_id", foreignKeyConstraintName: "FK_user_enterprise" })
  enterprise?: Enterprise | null;

  /** 部门: a CADRE's department (required), which decides its remits; ADMIN may have one (区委改革办); ENTERPRISE none. */
  @Column({ name: "department_id", type: "varchar", length: 36, nullable: true })
  departmentId: string | null;

  @ManyToOne(() => Department, { nullable: true })
  @JoinColumn({ name: "department_id", foreignKeyConstraintName: "FK_user_department" })
  department?: Department | null;

  /** A deactivated user cannot sign in, their tokens stop working at once and their open sockets close (4403) within WS_SESSION_CHECK_MS. */
  @Field({ description: "false once an ADMIN deactivated the user (deactivateUser): they cannot sign in, their tokens stop working and their open subscriptions close (4403); reactivateUser lets them sign in again (their earlier tokens stay revoked)." })
  @Column({ type: "boolean", default: true })
  active: boolean;

  /**
   * Every token carries the version it was made with; a token of an older version is revoked.
   * Raised by changePassword, resetPassword, revokeAllSessions and a deactivation. Not in the API.
   */
  @Column({ name: "token_version", type: "integer", default: 0 })
  tokenVersion: number;

  /** The last successful sign-in: failures before it no longer count toward the lockout. Not in the API. */
  @TimestampColumn("last_signed_in_at", true)
  lastSignedInAt: Date | null;

  @Field()
  declare createdAt: Date;
}

/**
 * One failed sign-in: counted for the lockout window (per username, from the user's last
 * successful sign-in, and per client address) and kept as a security log for
 * LOGIN_FAILURE_RETENTION_DAYS, then deleted. Every attempt writes its row before the password is
 * checked, so an attempt in flight counts like a failure; a success or a refusal removes its row.
 */
@Entity("login_failure")
@Index("IDX_login_failure_username", ["username", "attemptedAt"])
@Index("IDX_login_failure_address", ["clientAddress", "attemptedAt"])
@Index("IDX_login_failure_attempted", ["attemptedAt"])
export class LoginFailure extends BaseEntity {
  @Column({ type: "varchar", length: 64 })
  username: string;

  @Column({ name: "client_address", type: "varchar", length: 64, nullable: true })
  clientAddress: string | null;

  @TimestampColumn("attempted_at")
  attemptedAt: Date;
}

/**
 * A signed-out session (logout): every token of that sign-in is refused, the ones renewed from it
 * too, while the user's other sign-ins keep working. Its id is the session's id (the tokens' sid).
 * Kept until no token of the session could still be valid (expiresAt), then deleted by the
 * retention job; read with the user in the statement that identifies the caller.
 */
@Entity("session_revocation")
@Index("IDX_session_revocation_user", ["userId"])
@Index("IDX_session_revocation_expires", ["expiresAt"])
export class SessionRevocation extends BaseEntity {
  @Column({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "FK_session_revocation_user" })
  user?: User;

  /** When the session's last token expires at the latest: the row means nothing after it. */
  @TimestampColumn("expires_at")
  expiresAt: Date;
}
