import { LessThan, MoreThan } from "typeorm";
import { type AuthUser, decoyPasswordHash, hashPassword, verifyPassword } from "../../core/auth";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { AppError, badInput, notFound, unauthenticated } from "../../core/errors";
import { loaderById } from "../../core/loaders";
import { insertUnique } from "../../core/unique";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { Enterprise } from "../enterprises/enterprise.entity";
import type { CreateUserInput, LoginInput } from "./account.inputs";
import { LoginFailure, User } from "./user.entity";

export function toAuthUser(user: User): AuthUser {
  return { id: user.id, username: user.username, name: user.name, role: user.role, enterpriseId: user.enterpriseId };
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
    const userId = await ctx.app.tokens.verify(token);
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
   * Refuses a username with too many recent failures (since its last successful sign-in) and a
   * client address with many more, before looking at the password, so guessing stays slow
   * whatever the guess. Failures are kept as a log; a success only stops counting them.
   */
  async login(ctx: RequestContext, input: LoginInput): Promise<{ token: string; expiresAt: Date; user: User }> {
    const { config } = ctx.app;
    // usernames are lowercase: sign-in ignores case alike on SQLite and on MariaDB (whose collation does)
    const username = input.username.toLowerCase();
    const now = ctx.clock.now();
    const since = new Date(now.getTime() - config.loginWindowMinutes * 60_000);
    const failures = ctx.repo(LoginFailure);
    const user = await ctx.repo(User).findOneBy({ username });
    const countFrom = user?.lastSignedInAt && user.lastSignedInAt > since ? user.lastSignedInAt : since;
    const [byUsername, byAddress] = await Promise.all([
      failures.countBy({ username, attemptedAt: MoreThan(countFrom) }),
      ctx.clientAddress ? failures.countBy({ clientAddress: ctx.clientAddress, attemptedAt: MoreThan(since) }) : 0,
    ]);
    if (byUsername >= config.loginMaxFailures || byAddress >= config.loginMaxFailuresPerAddress) {
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `Too many failed sign-ins; try again in ${config.loginWindowMinutes} minutes`,
        { retryAfterSeconds: config.loginWindowMinutes * 60 },
      );
    }
    const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !valid || !user.active) {
      await failures.insert(failures.create({ username, clientAddress: ctx.clientAddress, attemptedAt: now }));
      throw unauthenticated("Wrong username or password");
    }
    await ctx.repo(User).update({ id: user.id }, { lastSignedInAt: now });
    return { ...(await ctx.app.tokens.sign(user)), user };
  }

  async createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    if (input.role === "ENTERPRISE" && !input.enterpriseId) throw badInput("enterpriseId", "An ENTERPRISE user needs enterpriseId");
    if (input.role !== "ENTERPRISE" && input.enterpriseId) throw badInput("enterpriseId", `A ${input.role} user belongs to no enterprise`);
    const passwordHash = await hashPassword(input.password);
    return ctx.transaction(async (tx) => {
      if (input.enterpriseId && !(await tx.repo(Enterprise).existsBy({ id: input.enterpriseId }))) {
        throw notFound("Enterprise", input.enterpriseId);
      }
      const user = tx.repo(User).create({
        username: input.username,
        passwordHash,
        name: input.name,
        role: input.role,
        enterpriseId: input.enterpriseId ?? null,
        active: true,
      });
      // the unique key decides, so two concurrent sign-ups of one username cannot both pass a check
      await insertUnique(() => tx.repo(User).insert(user), `Username ${input.username} is taken`, "username");
      await recordAudit(tx, { action: "user.create", entityType: "User", entityId: user.id, after: user });
      return user;
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
