import { In, LessThan, MoreThan } from "typeorm";
import { type AuthUser, decoyPasswordHash, hashPassword, verifyPassword } from "../../core/auth";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { AppError, badInput, notFound, unauthenticated } from "../../core/errors";
import { loaderById } from "../../core/loaders";
import { insertUnique } from "../../core/unique";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { Enterprise } from "../enterprises/enterprise.entity";
import { Department } from "../departments/department.entity";
import type { CreateUserInput, LoginInput, SetUserActiveInput } from "./account.inputs";
import { LoginFailure, User } from "./user.entity";

/** The longest username an account can have (the login_failure and user columns are this wide). */
const USERNAME_MAX_LENGTH = 64;

export function toAuthUser(user: User): AuthUser {
  return { id: user.id, username: user.username, name: user.name, role: user.role, enterpriseId: user.enterpriseId, departmentId: user.departmentId };
}

/** Accounts: sign-in with lockout, and users created by the reform office. */
export class AccountService {
  /**
   * The caller behind a verified token; a deleted or deactivated user is not signed in. Read
   * through the context's loader, batched per turn of the event loop, so a server that keeps one
   * context for sign-ins answers a burst of requests with one query per turn (nothing is cached:
   * each request reads the user afresh).
   */
  async authenticate(ctx: RequestContext, token: string): Promise<AuthUser> {
    const { userId } = await ctx.app.tokens.verify(token);
    const user = await loaderById(ctx, User, "turn").load(userId);
    if (!user || !user.active) throw unauthenticated("This account no longer signs in");
    return toAuthUser(user);
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

  /**
   * At most LOGIN_MAX_FAILURES password checks per username within LOGIN_WINDOW_MINUTES (counted
   * from its last successful sign-in) and LOGIN_MAX_FAILURES_PER_ADDRESS per client address,
   * however many arrive at once and on however many instances; the rest are refused
   * (TOO_MANY_REQUESTS) before the password is looked at. The database decides: an attempt writes
   * its row first, then counts, so an attempt in flight counts like a failure and concurrent ones
   * see each other. A refused attempt removes its row: refusals never extend the lock, which opens
   * LOGIN_WINDOW_MINUTES after the last checked failure. (While a burst is in flight, its attempts
   * about to be refused count too: a burst may be checked below the limit, never above it.)
   * A failure keeps its row as the security log; a success removes it.
   */
  async login(ctx: RequestContext, input: LoginInput): Promise<{ token: string; expiresAt: Date; user: User }> {
    const { config } = ctx.app;
    // usernames are lowercase: sign-in ignores case alike on SQLite and on MariaDB (whose collation does)
    const username = input.username.toLowerCase();
    // lowercasing can lengthen text ("İ" becomes two code units): no account has such a name, and
    // its attempt row would not fit the column (MariaDB refused it, a 500; SQLite kept it)
    if (username.length > USERNAME_MAX_LENGTH) throw unauthenticated("Wrong username or password");
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
        { retryAfterSeconds: config.loginWindowMinutes * 60 },
      );
    }
    const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !valid || !user.active) throw unauthenticated("Wrong username or password");
    await Promise.all([ctx.repo(User).update({ id: user.id }, { lastSignedInAt: now }), failures.delete({ id: attempt.id })]);
    return { ...(await ctx.app.tokens.sign(user)), user };
  }

  async createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    if (input.role === "ENTERPRISE" && !input.enterpriseId) throw badInput("enterpriseId", "An ENTERPRISE user needs enterpriseId");
    if (input.role !== "ENTERPRISE" && input.enterpriseId) throw badInput("enterpriseId", `A ${input.role} user belongs to no enterprise`);
    if (input.role === "CADRE" && !input.departmentId) throw badInput("departmentId", "A CADRE user needs departmentId: their department decides what they may do");
    if (input.role === "ENTERPRISE" && input.departmentId) throw badInput("departmentId", "An ENTERPRISE user belongs to no department");
    const passwordHash = await hashPassword(input.password);
    return ctx.transaction(async (tx) => {
      if (input.enterpriseId && !(await tx.repo(Enterprise).existsBy({ id: input.enterpriseId }))) {
        throw notFound("Enterprise", input.enterpriseId);
      }
      if (input.departmentId && !(await tx.repo(Department).existsBy({ id: input.departmentId }))) {
        throw badInput("departmentId", `No department ${input.departmentId}`);
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
      await insertUnique(() => tx.repo(User).insert(user), `Username ${input.username} is taken`, "username");
      await recordAudit(tx, { action: "user.create", entityType: "User", entityId: user.id, after: user });
      return user;
    });
  }

  /**
   * Deactivating signs a user out everywhere: their tokens stop working at once, their open
   * sockets close within WS_SESSION_CHECK_MS, and they cannot sign in until reactivated. An admin
   * cannot deactivate themself (someone must remain who can reactivate). Setting the state a user
   * already has changes nothing and records nothing.
   */
  async setUserActive(ctx: RequestContext, input: SetUserActiveInput): Promise<User> {
    if (!input.active && input.userId === ctx.requireUser().id) throw badInput("userId", "You cannot deactivate your own account");
    return ctx.transaction(async (tx) => {
      const user = await tx.repo(User).findOneBy({ id: input.userId });
      if (!user) throw notFound("User", input.userId);
      if (user.active === input.active) return user;
      const before = { ...user };
      user.active = input.active;
      await tx.repo(User).update({ id: user.id }, { active: input.active });
      await recordAudit(tx, { action: input.active ? "user.reactivate" : "user.deactivate", entityType: "User", entityId: user.id, before, after: user });
      return user;
    });
  }

  /** Of these users, the ones still active: one query, however many. */
  async activeUserIds(ctx: RequestContext, userIds: string[]): Promise<Set<string>> {
    const active = await ctx.repo(User).find({ select: { id: true }, where: { id: In(userIds), active: true } });
    return new Set(active.map((user) => user.id));
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
