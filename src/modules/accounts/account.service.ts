import { idempotent } from "../../core/idempotency";
import crypto from "node:crypto";
import DataLoader from "dataloader";
import { LessThan, MoreThan } from "typeorm";
import { type AuthUser, decoyPasswordHash, hashPassword, refused, type SessionState, type TokenClaims, verifyPassword } from "../../core/auth";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { AppError, badInput, notFound, unauthenticated, zhLabel } from "../../core/errors";
import { insertUnique, onUniqueViolation } from "../../core/unique";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { Enterprise } from "../enterprises/enterprise.entity";
import { Department } from "../departments/department.entity";
import { policyService } from "../policy/policy.service";
import type { ChangePasswordInput, CreateUserInput, LoginInput, ResetPasswordInput, RevokeAllSessionsInput } from "./account.inputs";
import { LoginFailure, SessionRevocation, User } from "./user.entity";

/** The longest username an account can have (the login_failure and user columns are this wide). */
const USERNAME_MAX_LENGTH = 64;

export function toAuthUser(user: User, session?: TokenClaims): AuthUser {
  return { id: user.id, username: user.username, name: user.name, role: user.role, enterpriseId: user.enterpriseId, departmentId: user.departmentId, session };
}

export interface SessionCheck {
  state: SessionState;
  user: User | null;
}

/** What a sign-in answers: a token, its expiry, the session's start and the user. */
export interface SignedIn {
  token: string;
  expiresAt: Date;
  signedInAt: Date;
  user: User;
}

/**
 * Accounts and sessions: sign-in with lockout, passwords, activation, and the sessions a sign-in
 * starts.
 *
 * Sessions and renewal (the choice: renewToken, not refresh tokens). A sign-in with a password
 * (login, changePassword) starts a session; its token carries the session id (sid), a token id
 * (jti), the user's token version (ver) and the sign-in time (auth_time), and lives JWT_TTL_SECONDS.
 * Before it expires, renewToken trades it for a new token of the same session, as long as the
 * session is younger than SESSION_MAX_AGE_HOURS (no token outlives that: its expiry is capped
 * there), so an open page stays signed in through a working day and never beyond the limit
 * without the password. The renewed token keeps working until its own expiry: a request in flight
 * or another tab holding it is not broken by the renewal, and a socket connected with it keeps
 * running. One refresh-token secret the client must guard apart from the access token would
 * add a second credential and a second flow for no gain here: a token is the credential, and it
 * is revocable at once.
 *
 * Revocation, read on every request with the user in the one statement that identifies the
 * caller (no extra round trip, and at once on every instance sharing the database): logout ends
 * the session (every token of that sign-in, renewed ones too; other sign-ins of the user keep
 * working); raising the user's token version (changePassword, resetPassword, revokeAllSessions,
 * deactivation) revokes every token made before.
 */
export class AccountService {
  /**
   * The caller behind a verified token; UNAUTHENTICATED (with its reason) once the session was
   * revoked or the user deactivated or deleted. Read through the context's loader, batched per turn
   * of the event loop, so a server that keeps one context for sign-ins answers a burst of requests
   * with one statement per turn (nothing is cached: each request reads the user and its session
   * state afresh).
   */
  async authenticate(ctx: RequestContext, token: string, linkPath?: string): Promise<AuthUser> {
    const claims = linkPath === undefined ? await ctx.app.tokens.verify(token) : await ctx.app.tokens.verifyLink(token, linkPath);
    const { state, user } = await sessionLoader(ctx, this).load(claims);
    if (state === "DEACTIVATED") throw refused("ACCOUNT_DEACTIVATED");
    if (state === "REVOKED") throw refused("TOKEN_REVOKED");
    return toAuthUser(user!, claims);
  }

  /**
   * The state of each token's session, in one statement however many: the users with the
   * signed-out sessions among these (for HTTP sign-ins batched per turn, and for every open
   * socket at once).
   */
  async sessionStates(ctx: RequestContext, tokens: readonly TokenClaims[]): Promise<SessionCheck[]> {
    if (!tokens.length) return [];
    const userIds = [...new Set(tokens.map((t) => t.userId))];
    const sessionIds = [...new Set(tokens.map((t) => t.sessionId))];
    const { entities, raw } = await ctx
      .repo(User)
      .createQueryBuilder("user")
      .leftJoin(SessionRevocation, "revocation", "revocation.userId = user.id AND revocation.id IN (:...sessionIds)", { sessionIds })
      .addSelect("revocation.id", "revoked_session_id")
      .where("user.id IN (:...userIds)", { userIds })
      .getRawAndEntities<{ revoked_session_id: string | null }>();
    const users = new Map(entities.map((user) => [user.id, user]));
    const revoked = new Set(raw.map((row) => row.revoked_session_id).filter((id): id is string => !!id));
    return tokens.map((claims) => {
      const user = users.get(claims.userId) ?? null;
      if (!user || !user.active) return { state: "DEACTIVATED", user };
      if (user.tokenVersion !== claims.version || revoked.has(claims.sessionId)) return { state: "REVOKED", user };
      return { state: "ACTIVE", user };
    });
  }

  /**
   * Deletes failed sign-ins past their retention (LOGIN_FAILURE_RETENTION_DAYS); they are read
   * only within the lockout window. How many went.
   */
  async pruneLoginFailures(ctx: RequestContext): Promise<number> {
    const cutoff = new Date(ctx.clock.now().getTime() - ctx.app.config.loginFailureRetentionDays * 86_400_000);
    const result = await ctx.repo(LoginFailure).delete({ attemptedAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  /** Deletes signed-out sessions none of whose tokens can still be valid. How many went. */
  async pruneSessionRevocations(ctx: RequestContext): Promise<number> {
    const result = await ctx.repo(SessionRevocation).delete({ expiresAt: LessThan(ctx.clock.now()) });
    return result.affected ?? 0;
  }

  /**
   * Sign-in. At most LOGIN_MAX_FAILURES password checks per username within LOGIN_WINDOW_MINUTES
   * (counted from its last successful sign-in) and LOGIN_MAX_FAILURES_PER_ADDRESS per client
   * address (see checkPassword). A success starts a session.
   */
  async login(ctx: RequestContext, input: LoginInput): Promise<SignedIn> {
    // usernames are lowercase: sign-in ignores case alike on SQLite and on MariaDB (whose collation does)
    const username = input.username.toLowerCase();
    // lowercasing can lengthen text ("İ" becomes two code units): no account has such a name, and
    // its attempt row would not fit the column (MariaDB refused it, a 500; SQLite kept it)
    if (username.length > USERNAME_MAX_LENGTH) throw unauthenticated("Wrong username or password", "用户名或密码错误");
    const user = await this.checkPassword(ctx, username, input.password, () => unauthenticated("Wrong username or password", "用户名或密码错误"));
    return this.startSession(ctx, user);
  }

  /**
   * One password check, counted toward the lockout: at most LOGIN_MAX_FAILURES per username within
   * LOGIN_WINDOW_MINUTES (counted from its last successful sign-in) and
   * LOGIN_MAX_FAILURES_PER_ADDRESS per client address, however many arrive at once and on however
   * many instances; the rest are refused (TOO_MANY_REQUESTS) before the password is looked at. The
   * database decides: an attempt writes its row first, then counts, so an attempt in flight counts
   * like a failure and concurrent ones see each other. A refused attempt removes its row: refusals
   * never extend the lock, which opens LOGIN_WINDOW_MINUTES after the last checked failure. (While
   * a burst is in flight, its attempts about to be refused count too: a burst may be checked below
   * the limit, never above it.) A failure keeps its row as the security log and answers `wrong()`;
   * a success removes it and stamps the user's last sign-in.
   */
  private async checkPassword(ctx: RequestContext, username: string, password: string, wrong: () => AppError): Promise<User> {
    const { config } = ctx.app;
    const now = ctx.clock.now();
    const since = new Date(now.getTime() - config.loginWindowMinutes * 60_000);
    const failures = ctx.repo(LoginFailure);
    const attempt = failures.create({ username, clientAddress: ctx.clientAddress, attemptedAt: now });
    await failures.insert(attempt);
    const user = await ctx.repo(User).findOneBy({ username });
    const countFrom = user?.lastSignedInAt && user.lastSignedInAt > since ? user.lastSignedInAt : since;
    const [byUsername, byAddress] = await Promise.all([
      failures.countBy({ username, attemptedAt: MoreThan(countFrom) }),
      ctx.clientAddress ? failures.countBy({ clientAddress: ctx.clientAddress, attemptedAt: MoreThan(since) }) : 0,
    ]);
    if (byUsername > config.loginMaxFailures || byAddress > config.loginMaxFailuresPerAddress) {
      await failures.delete({ id: attempt.id });
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `Too many failed sign-ins; try again in ${config.loginWindowMinutes} minutes`,
        `登录失败次数过多，请 ${config.loginWindowMinutes} 分钟后再试`,
        { retryAfterSeconds: config.loginWindowMinutes * 60 },
      );
    }
    const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !valid || !user.active) throw wrong();
    await Promise.all([ctx.repo(User).update({ id: user.id }, { lastSignedInAt: now }), failures.delete({ id: attempt.id })]);
    user.lastSignedInAt = now;
    return user;
  }

  /** A new session for the user, signed in now: its first token, capped at SESSION_MAX_AGE_HOURS. */
  private async startSession(ctx: RequestContext, user: User): Promise<SignedIn> {
    const signedInAt = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000);
    const { token, expiresAt } = await ctx.app.tokens.sign(user, { sessionId: crypto.randomUUID(), signedInAt, endsAt: this.sessionEnd(ctx, signedInAt) });
    return { token, expiresAt, signedInAt, user };
  }

  private sessionEnd(ctx: RequestContext, signedInAt: Date): Date {
    return new Date(signedInAt.getTime() + ctx.app.config.sessionMaxAgeHours * 3_600_000);
  }

  /**
   * 续期: a new token of the caller's session, for a client whose token has not expired yet. It
   * expires JWT_TTL_SECONDS from now, or at the session's end (SESSION_MAX_AGE_HOURS after the
   * sign-in with a password) if that comes first; past that end the session cannot be renewed
   * (UNAUTHENTICATED, reason SESSION_MAX_AGE): sign in again. The token renewed keeps working
   * until its own expiry (see the class comment). Audited as session.renew.
   */
  async renewToken(ctx: RequestContext): Promise<SignedIn> {
    const caller = ctx.requireUser();
    const session = caller.session;
    if (!session) throw unauthenticated();
    const endsAt = this.sessionEnd(ctx, session.signedInAt);
    if (ctx.clock.now() >= endsAt) throw refused("SESSION_MAX_AGE");
    return ctx.transaction(async (tx) => {
      const user = await tx.repo(User).findOneBy({ id: caller.id });
      if (!user) throw refused("ACCOUNT_DEACTIVATED");
      const { token, expiresAt, claims } = await tx.app.tokens.sign({ id: user.id, role: user.role, tokenVersion: session.version }, { sessionId: session.sessionId, signedInAt: session.signedInAt, endsAt });
      await recordAudit(tx, {
        action: "session.renew",
        entityType: "Session",
        entityId: session.sessionId,
        before: { tokenId: session.tokenId, expiresAt: session.expiresAt },
        after: { tokenId: claims.tokenId, expiresAt },
      });
      return { token, expiresAt, signedInAt: session.signedInAt, user };
    });
  }

  /**
   * 退出登录: ends the caller's session. The token it was called with, and every token renewed
   * from the same sign-in, are refused from now on (UNAUTHENTICATED, reason TOKEN_REVOKED) on
   * every instance; sockets connected with them close (4403) within WS_SESSION_CHECK_MS. The
   * user's other sign-ins keep working. Audited as session.logout.
   */
  async logout(ctx: RequestContext): Promise<boolean> {
    const caller = ctx.requireUser();
    const session = caller.session;
    if (!session) throw unauthenticated();
    const sessionEnd = this.sessionEnd(ctx, session.signedInAt);
    const expiresAt = session.expiresAt > sessionEnd ? session.expiresAt : sessionEnd;
    // a concurrent logout of the same session won: it is ended, as asked
    await onUniqueViolation(
      () =>
        ctx.transaction(async (tx) => {
          const now = tx.clock.now();
          await tx.repo(SessionRevocation).insert(tx.repo(SessionRevocation).create({ id: session.sessionId, userId: caller.id, expiresAt, createdAt: now, updatedAt: now }));
          await recordAudit(tx, { action: "session.logout", entityType: "Session", entityId: session.sessionId, after: { userId: caller.id, signedInAt: session.signedInAt, tokenId: session.tokenId } });
        }),
      () => refused("TOKEN_REVOKED"),
    );
    return true;
  }

  /**
   * 修改密码: the caller's own password, proven by the current one. The current password is
   * checked as a sign-in is, counted toward the same lockout (a stolen token cannot be used to
   * guess the password): a wrong one answers BAD_USER_INPUT on currentPassword and changes
   * nothing (its failed attempt stays in the security log, as a failed sign-in's does). The new
   * password follows createUser's rules and must differ from the current one. Every other token
   * of the user is revoked (token version); the answer is a new session's token.
   */
  async changePassword(ctx: RequestContext, input: ChangePasswordInput): Promise<SignedIn> {
    const caller = ctx.requireUser();
    if (input.newPassword === input.currentPassword) throw badInput("newPassword", "The new password must differ from the current one", "新密码不能与当前密码相同");
    await this.checkPassword(ctx, caller.username, input.currentPassword, () => badInput("currentPassword", "The current password is wrong", "当前密码不正确"));
    const passwordHash = await hashPassword(input.newPassword);
    const user = await ctx.transaction((tx) => this.setPassword(tx, caller.id, passwordHash, "user.changePassword"));
    return this.startSession(ctx, user);
  }

  /**
   * 重置密码: ADMIN sets another user's password (not their own: that is changePassword, which
   * asks for the current one), with createUser's rules, and revokes every token of that user.
   */
  async resetPassword(ctx: RequestContext, input: ResetPasswordInput): Promise<User> {
    if (input.id === ctx.requireUser().id) throw badInput("id", "Use changePassword for your own password: it asks for the current one", "修改本人密码请使用“修改密码”（changePassword），需要输入当前密码");
    const passwordHash = await hashPassword(input.newPassword);
    return ctx.transaction((tx) => this.setPassword(tx, input.id, passwordHash, "user.resetPassword"));
  }

  /** A new password hash and a raised token version, audited (never with the hash). */
  private async setPassword(tx: RequestContext, userId: string, passwordHash: string, action: string): Promise<User> {
    const before = await tx.repo(User).findOneBy({ id: userId });
    if (!before) throw notFound("User", userId);
    await tx.repo(User).update({ id: userId }, { passwordHash, tokenVersion: () => "token_version + 1" });
    const user = await tx.repo(User).findOneByOrFail({ id: userId });
    await recordAudit(tx, { action, entityType: "User", entityId: userId, before: { tokenVersion: before.tokenVersion }, after: { tokenVersion: user.tokenVersion } });
    return user;
  }

  /**
   * 退出所有登录: revokes every token of a user (token version), the caller's own included: the
   * caller's own with no id (or their own id), another user's as ADMIN only. Open sockets of those
   * tokens close (4403) within WS_SESSION_CHECK_MS. Audited as user.revokeSessions.
   */
  async revokeAllSessions(ctx: RequestContext, input: RevokeAllSessionsInput | undefined): Promise<User> {
    const caller = ctx.requireUser();
    const userId = input?.id ?? caller.id;
    if (userId !== caller.id) await policyService.authorize(ctx, "revokeUserSessions");
    return ctx.transaction(async (tx) => {
      const before = await tx.repo(User).findOneBy({ id: userId });
      if (!before) throw notFound("User", userId);
      await tx.repo(User).update({ id: userId }, { tokenVersion: () => "token_version + 1" });
      const user = await tx.repo(User).findOneByOrFail({ id: userId });
      await recordAudit(tx, { action: "user.revokeSessions", entityType: "User", entityId: userId, before: { tokenVersion: before.tokenVersion }, after: { tokenVersion: user.tokenVersion } });
      return user;
    });
  }

  createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    return idempotent(ctx, "createUser", User, input, (tx) => this.createUserOnce(tx, input));
  }

  private async createUserOnce(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    if (input.role === "ENTERPRISE" && !input.enterpriseId) throw badInput("enterpriseId", "An ENTERPRISE user needs enterpriseId", "企业用户须指定所属企业（enterpriseId）");
    if (input.role !== "ENTERPRISE" && input.enterpriseId) throw badInput("enterpriseId", `A ${input.role} user belongs to no enterprise`, `“${zhLabel("Role", input.role)}”用户不属于任何企业，不能指定企业`);
    if (input.role === "CADRE" && !input.departmentId) throw badInput("departmentId", "A CADRE user needs departmentId: their department decides what they may do", "干部用户须指定所在部门（departmentId）：部门决定其职责权限");
    if (input.role === "ENTERPRISE" && input.departmentId) throw badInput("departmentId", "An ENTERPRISE user belongs to no department", "企业用户不属于任何部门，不能指定部门");
    const passwordHash = await hashPassword(input.password);
    return ctx.transaction(async (tx) => {
      if (input.enterpriseId && !(await tx.repo(Enterprise).existsBy({ id: input.enterpriseId }))) {
        throw notFound("Enterprise", input.enterpriseId);
      }
      if (input.departmentId && !(await tx.repo(Department).existsBy({ id: input.departmentId }))) {
        throw badInput("departmentId", `No department ${input.departmentId}`, `没有编号为 ${input.departmentId} 的部门`);
      }
      const user = tx.repo(User).create({
        username: input.username,
        passwordHash,
        name: input.name,
        role: input.role,
        enterpriseId: input.enterpriseId ?? null,
        departmentId: input.departmentId ?? null,
        active: true,
      });
      // the unique key decides, so two concurrent sign-ups of one username cannot both pass a check
      await insertUnique(() => tx.repo(User).insert(user), { en: `Username ${input.username} is taken`, zh: `用户名 ${input.username} 已被使用` }, "username");
      await recordAudit(tx, { action: "user.create", entityType: "User", entityId: user.id, after: user });
      return user;
    });
  }

  /**
   * 停用 / 启用. Deactivating signs a user out everywhere: their tokens are revoked at once (token
   * version: reactivation does not bring them back), their open sockets close (4403) within
   * WS_SESSION_CHECK_MS, and they cannot sign in until reactivated. An admin cannot deactivate
   * themself (someone must remain who can reactivate). Setting the state a user already has
   * changes nothing and records nothing. `field` names the input's id field in a refusal.
   */
  async setActive(ctx: RequestContext, userId: string, active: boolean, field = "id"): Promise<User> {
    if (!active && userId === ctx.requireUser().id) throw badInput(field, "You cannot deactivate your own account", "不能停用自己的账号");
    return ctx.transaction(async (tx) => {
      const user = await tx.repo(User).findOneBy({ id: userId });
      if (!user) throw notFound("User", userId);
      if (user.active === active) return user;
      const before = { ...user };
      await tx.repo(User).update({ id: user.id }, active ? { active } : { active, tokenVersion: () => "token_version + 1" });
      const after = await tx.repo(User).findOneByOrFail({ id: user.id });
      await recordAudit(tx, { action: active ? "user.reactivate" : "user.deactivate", entityType: "User", entityId: user.id, before, after });
      return after;
    });
  }

  /** Users ordered by username. */
  async list(ctx: RequestContext, args: ConnectionArgs): Promise<Connection<User>> {
    const query = ctx.repo(User).createQueryBuilder("user");
    return paginate(query, args, {
      name: "username",
      direction: "ASC",
      keys: [{ column: "user.username", value: (u) => u.username }],
      idColumn: "user.id",
    });
  }
}

export const accountService = new AccountService();

/**
 * The context's loader of session states: every sign-in arriving in one turn of the event loop
 * (concurrent requests, each after its own token check) shares one statement.
 */
const sessionLoader = (ctx: RequestContext, accounts: AccountService) =>
  ctx.loader("accounts.sessions.turn", () =>
    new DataLoader<TokenClaims, SessionCheck>((tokens) => accounts.sessionStates(ctx, tokens), { cache: false, batchScheduleFn: (send) => void setImmediate(send) }),
  );
