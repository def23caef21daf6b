import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { SignJWT } from "jose";
import type { Client } from "graphql-ws";
import { AuditEntry } from "../../src/core/audit";
import { TokenService } from "../../src/core/auth";
import { LoginFailure, SessionRevocation, User } from "../../src/modules/accounts/user.entity";
import { BOARD_SUBSCRIPTION, liveSocket, receivesEvents } from "../support/live-board";
import { codeOf, startTestServer, TEST_PASSWORD, type GraphQLResponse, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";

// Accounts and sessions over HTTP and WebSocket: passwords, activation, logout, revoking every
// token, renewal, and the sockets of what was revoked, on one instance and across two.

const TTL_SECONDS = 3600;
const MAX_AGE_HOURS = 3;
const CONFIG = { jwtTtlSeconds: TTL_SECONDS, sessionMaxAgeHours: MAX_AGE_HOURS, loginMaxFailures: 3, wsSessionCheckMs: 200 };

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token expiresAt signedInAt user { id } } }`;
const ME = `{ me { id username } }`;
const CHANGE = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { token expiresAt signedInAt user { id username } } }`;
const RESET = `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { id username } }`;
const DEACTIVATE = `mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { id active } }`;
const REACTIVATE = `mutation($input: ReactivateUserInput!) { reactivateUser(input: $input) { id active } }`;
const SET_ACTIVE = `mutation($input: SetUserActiveInput!) { setUserActive(input: $input) { id active } }`;
const LOGOUT = `mutation { logout }`;
const RENEW = `mutation { renewToken { token expiresAt signedInAt user { id } } }`;
const REVOKE_ALL = `mutation($input: RevokeAllSessionsInput) { revokeAllSessions(input: $input) { id } }`;
const BOARD = BOARD_SUBSCRIPTION;

let server: TestServer;
let admin: { user: User; token: string };

beforeAll(async () => {
  server = await startTestServer({ config: CONFIG });
  admin = await server.user("ADMIN");
});
afterAll(() => server?.stop());

const users = (on: TestServer = server) => on.app.services.dataSource.getRepository(User);
const audits = (on: TestServer = server) => on.app.services.dataSource.getRepository(AuditEntry);

/** A sign-in with the password, as a front end does: a session of its own. */
async function signIn(username: string, password = TEST_PASSWORD, on: TestServer = server): Promise<{ token: string; expiresAt: string; signedInAt: string }> {
  const res = await on.gql(LOGIN, { input: { username, password } });
  expect(res.errors).toBeUndefined();
  const { token, expiresAt, signedInAt } = res.data.login;
  return { token, expiresAt, signedInAt };
}

/** A fresh cadre and one sign-in of theirs. */
async function signedInCadre(on: TestServer = server) {
  const { user } = await on.user("CADRE");
  const { token, expiresAt, signedInAt } = await signIn(user.username, TEST_PASSWORD, on);
  return { user, token, expiresAt, signedInAt };
}

/** The refusal's code and reason for a request with this token, or "OK" when it worked. */
async function refusal(token: string, on: TestServer = server): Promise<string> {
  const res = await on.gql(ME, {}, token);
  if (!res.errors) return "OK";
  return `${codeOf(res)}:${res.errors[0].extensions?.reason}`;
}

/** Every row that a rejected input must leave as it was. */
async function accountState(on: TestServer = server) {
  const { dataSource } = on.app.services;
  return {
    users: await dataSource.getRepository(User).find({ order: { id: "ASC" } }),
    audits: await dataSource.getRepository(AuditEntry).count(),
    revocations: await dataSource.getRepository(SessionRevocation).count(),
  };
}

const errorOf = (res: GraphQLResponse) => ({ code: codeOf(res), field: res.errors?.[0]?.extensions?.field, reason: res.errors?.[0]?.extensions?.reason });

/** Moves the service clock for one test and puts it back after. */
function advanceForThisTest(on: TestServer, ms: number) {
  const start = on.clock.now();
  onTestFinished(() => on.clock.set(start));
  on.clock.advance(ms);
}

describe("changePassword", () => {
  test("a wrong current password is refused on currentPassword and changes nothing; the failed attempt is logged and counts toward the lockout", async () => {
    const cadre = await signedInCadre();
    const before = await accountState();
    const res = await server.gql(CHANGE, { input: { currentPassword: "not-the-password", newPassword: "a-brand-new-password" } }, cadre.token);
    expect(errorOf(res)).toEqual({ code: "BAD_USER_INPUT", field: "currentPassword", reason: undefined });
    expect(res.data?.changePassword ?? null).toBeNull();
    expect(await accountState()).toEqual(before);
    expect(await refusal(cadre.token)).toBe("OK");
    expect(await server.app.services.dataSource.getRepository(LoginFailure).countBy({ username: cadre.user.username })).toBe(1);
    // the old password still signs in, the new one does not
    await signIn(cadre.user.username);
    expect(codeOf(await server.gql(LOGIN, { input: { username: cadre.user.username, password: "a-brand-new-password" } }))).toBe("UNAUTHENTICATED");
  });

  test("guessing the current password through a token is locked out like sign-in (LOGIN_MAX_FAILURES)", async () => {
    const cadre = await signedInCadre();
    advanceForThisTest(server, 0);
    for (let i = 0; i < 3; i++) {
      server.clock.advance(1000); // after the sign-in: failures from it on count
      expect(codeOf(await server.gql(CHANGE, { input: { currentPassword: `wrong-guess-${i}`, newPassword: "a-brand-new-password" } }, cadre.token))).toBe("BAD_USER_INPUT");
    }
    const locked = await server.gql(CHANGE, { input: { currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-password" } }, cadre.token);
    expect(codeOf(locked)).toBe("TOO_MANY_REQUESTS");
    expect((await users().findOneByOrFail({ id: cadre.user.id })).passwordHash).toBe(cadre.user.passwordHash);
  });

  test.each([
    [{ currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }, "newPassword"],
    [{ currentPassword: TEST_PASSWORD, newPassword: "short" }, "newPassword"],
    [{ currentPassword: TEST_PASSWORD, newPassword: "ten-chars\u202e-bidi" }, "newPassword"],
    [{ currentPassword: "", newPassword: "a-brand-new-password" }, "currentPassword"],
  ])("a new password breaking the rules (%j) is refused on %s and writes nothing", async (input, field) => {
    const cadre = await signedInCadre();
    const before = await accountState();
    const failures = await server.app.services.dataSource.getRepository(LoginFailure).count();
    const res = await server.gql(CHANGE, { input }, cadre.token);
    expect(errorOf(res)).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(await accountState()).toEqual(before);
    // refused before the password was looked at: not an attempt either
    expect(await server.app.services.dataSource.getRepository(LoginFailure).count()).toBe(failures);
  });

  test("revokes every other token of the user and answers a new session's token; the new password signs in, the old does not; audited without the hash", async () => {
    const cadre = await signedInCadre();
    const elsewhere = await signIn(cadre.user.username);
    const res = await server.gql(CHANGE, { input: { currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-password" } }, cadre.token);
    expect(res.errors).toBeUndefined();
    const fresh = res.data.changePassword;
    expect(fresh.user).toEqual({ id: cadre.user.id, username: cadre.user.username });
    expect(new Date(fresh.signedInAt).getTime()).toBe(Math.floor(server.clock.now().getTime() / 1000) * 1000);
    expect(new Date(fresh.expiresAt).getTime()).toBe(new Date(fresh.signedInAt).getTime() + TTL_SECONDS * 1000);

    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(elsewhere.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(fresh.token)).toBe("OK");
    expect(codeOf(await server.gql(LOGIN, { input: { username: cadre.user.username, password: TEST_PASSWORD } }))).toBe("UNAUTHENTICATED");
    await signIn(cadre.user.username, "a-brand-new-password");

    const entries = await audits().findBy({ entityId: cadre.user.id, action: "user.changePassword" });
    expect(entries).toHaveLength(1);
    expect(entries[0].actorId).toBe(cadre.user.id);
    for (const text of [entries[0].before, entries[0].after]) {
      expect(text).not.toMatch(/scrypt|passwordHash|brand-new|correct-horse/);
    }
    expect(JSON.parse(entries[0].after!).tokenVersion).toBe(JSON.parse(entries[0].before!).tokenVersion + 1);
  });

  test("anonymous is UNAUTHENTICATED", async () => {
    expect(codeOf(await server.gql(CHANGE, { input: { currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-password" } }))).toBe("UNAUTHENTICATED");
  });
});

describe("resetPassword (ADMIN)", () => {
  test("sets another user's password and revokes all their tokens; audited without the hash", async () => {
    const cadre = await signedInCadre();
    const res = await server.gql(RESET, { input: { id: cadre.user.id, newPassword: "handed-over-password" } }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.resetPassword).toEqual({ id: cadre.user.id, username: cadre.user.username });
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(admin.token)).toBe("OK");
    expect(codeOf(await server.gql(LOGIN, { input: { username: cadre.user.username, password: TEST_PASSWORD } }))).toBe("UNAUTHENTICATED");
    await signIn(cadre.user.username, "handed-over-password");
    const [entry] = await audits().findBy({ entityId: cadre.user.id, action: "user.resetPassword" });
    expect(entry.actorId).toBe(admin.user.id);
    expect(`${entry.before}${entry.after}`).not.toMatch(/scrypt|handed-over/);
  });

  test("not one's own password, not an unknown user, not a short password, not by a cadre: each refused and nothing written", async () => {
    const cadre = await signedInCadre();
    const before = await accountState();
    expect(errorOf(await server.gql(RESET, { input: { id: admin.user.id, newPassword: "handed-over-password" } }, admin.token))).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    expect(codeOf(await server.gql(RESET, { input: { id: "00000000-0000-4000-8000-000000000000", newPassword: "handed-over-password" } }, admin.token))).toBe("NOT_FOUND");
    expect(errorOf(await server.gql(RESET, { input: { id: cadre.user.id, newPassword: "short" } }, admin.token))).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    expect(codeOf(await server.gql(RESET, { input: { id: admin.user.id, newPassword: "handed-over-password" } }, cadre.token))).toBe("FORBIDDEN");
    expect(await accountState()).toEqual(before);
    expect(await refusal(cadre.token)).toBe("OK");
  });
});

describe("deactivateUser and reactivateUser (ADMIN)", () => {
  test("deactivating stops the user's tokens and sign-ins; reactivating lets them sign in again while their earlier tokens stay revoked; each audited once", async () => {
    const cadre = await signedInCadre();
    const deactivated = await server.gql(DEACTIVATE, { input: { id: cadre.user.id } }, admin.token);
    expect(deactivated.data.deactivateUser).toEqual({ id: cadre.user.id, active: false });
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:ACCOUNT_DEACTIVATED");
    expect(codeOf(await server.gql(LOGIN, { input: { username: cadre.user.username, password: TEST_PASSWORD } }))).toBe("UNAUTHENTICATED");
    // the same state again changes nothing
    const auditCount = await audits().count();
    expect((await server.gql(DEACTIVATE, { input: { id: cadre.user.id } }, admin.token)).data.deactivateUser.active).toBe(false);
    expect(await audits().count()).toBe(auditCount);

    // entries of one instant have no order: the reactivation comes a second later
    server.clock.advance(1000);
    const reactivated = await server.gql(REACTIVATE, { input: { id: cadre.user.id } }, admin.token);
    expect(reactivated.data.reactivateUser).toEqual({ id: cadre.user.id, active: true });
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal((await signIn(cadre.user.username)).token)).toBe("OK");
    const entries = await audits().find({ where: { entityId: cadre.user.id }, order: { at: "ASC" } });
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ["user.deactivate", admin.user.id],
      ["user.reactivate", admin.user.id],
    ]);
  });

  test("not oneself, not an unknown user, not a bad id, not by a cadre: refused and nothing written", async () => {
    const cadre = await signedInCadre();
    const before = await accountState();
    expect(errorOf(await server.gql(DEACTIVATE, { input: { id: admin.user.id } }, admin.token))).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    expect(codeOf(await server.gql(DEACTIVATE, { input: { id: "00000000-0000-4000-8000-000000000000" } }, admin.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(REACTIVATE, { input: { id: "not-a-uuid" } }, admin.token))).toBe("BAD_USER_INPUT");
    expect(codeOf(await server.gql(DEACTIVATE, { input: { id: admin.user.id } }, cadre.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(REACTIVATE, { input: { id: cadre.user.id } }, cadre.token))).toBe("FORBIDDEN");
    expect(await accountState()).toEqual(before);
  });

  test("setUserActive still works, through the same rules, and is deprecated in the schema", async () => {
    const cadre = await signedInCadre();
    expect((await server.gql(SET_ACTIVE, { input: { userId: cadre.user.id, active: false } }, admin.token)).data.setUserActive.active).toBe(false);
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:ACCOUNT_DEACTIVATED");
    expect((await server.gql(SET_ACTIVE, { input: { userId: cadre.user.id, active: true } }, admin.token)).data.setUserActive.active).toBe(true);
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    const fields = (await server.gql(`{ __type(name: "Mutation") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`)).data.__type.fields;
    expect(fields.find((f: { name: string }) => f.name === "setUserActive")).toEqual({ name: "setUserActive", isDeprecated: true, deprecationReason: "Use deactivateUser / reactivateUser" });
    for (const name of ["deactivateUser", "reactivateUser", "changePassword", "resetPassword", "logout", "renewToken", "revokeAllSessions"]) {
      expect(fields.find((f: { name: string }) => f.name === name)).toMatchObject({ isDeprecated: false });
    }
  });
});

describe("logout", () => {
  test("ends the session of the token it was called with: that token and the ones renewed from it are refused, another sign-in of the same user still works; audited", async () => {
    const cadre = await signedInCadre();
    const other = await signIn(cadre.user.username);
    const renewed = (await server.gql(RENEW, {}, cadre.token)).data.renewToken;
    const res = await server.gql(LOGOUT, {}, renewed.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.logout).toBe(true);
    expect(await refusal(renewed.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(other.token)).toBe("OK");
    expect(codeOf(await server.gql(RENEW, {}, cadre.token))).toBe("UNAUTHENTICATED");
    // a second logout with the same token: already signed out
    expect(errorOf(await server.gql(LOGOUT, {}, renewed.token))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    const entries = await audits().findBy({ action: "session.logout", actorId: cadre.user.id });
    expect(entries).toHaveLength(1);
    expect(entries[0].entityType).toBe("Session");
    expect(entries[0].after).not.toContain(renewed.token);
  });

  test("anonymous is UNAUTHENTICATED", async () => {
    expect(codeOf(await server.gql(LOGOUT))).toBe("UNAUTHENTICATED");
  });

  test("signed-out sessions are deleted by the periodic job once none of their tokens can be valid, and their tokens stay refused", async () => {
    const other = await startTestServer({ config: { ...CONFIG, sweepIntervalMs: 50 } });
    try {
      const revocations = other.app.services.dataSource.getRepository(SessionRevocation);
      const cadre = await signedInCadre(other);
      expect((await other.gql(LOGOUT, {}, cadre.token)).data.logout).toBe(true);
      const runs = async () => Number(/sweep_runs_total\{sweep="session-revocation-retention",outcome="ok"\} (\d+)/.exec(await other.metrics())?.[1] ?? 0);
      const seen = await runs();
      await expect.poll(runs, { timeout: 5_000, interval: 25 }).toBeGreaterThan(seen + 1);
      expect(await revocations.countBy({ userId: cadre.user.id })).toBe(1);
      other.clock.advance(MAX_AGE_HOURS * 3_600_000 + 1000);
      await expect.poll(() => revocations.countBy({ userId: cadre.user.id }), { timeout: 5_000, interval: 25 }).toBe(0);
      expect(await refusal(cadre.token, other)).toBe("UNAUTHENTICATED:TOKEN_EXPIRED");
    } finally {
      await other.stop();
    }
  });
});

describe("revokeAllSessions", () => {
  test("of oneself: every token of the caller is refused, the one used too; a new sign-in works; audited", async () => {
    const cadre = await signedInCadre();
    const other = await signIn(cadre.user.username);
    const res = await server.gql(REVOKE_ALL, {}, cadre.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.revokeAllSessions.id).toBe(cadre.user.id);
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(other.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal((await signIn(cadre.user.username)).token)).toBe("OK");
    expect(await audits().countBy({ action: "user.revokeSessions", entityId: cadre.user.id, actorId: cadre.user.id })).toBe(1);
    // one's own id is oneself
    const again = await signIn(cadre.user.username);
    expect((await server.gql(REVOKE_ALL, { input: { id: cadre.user.id } }, again.token)).errors).toBeUndefined();
    expect(await refusal(again.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
  });

  test("of another user, by ADMIN: that user's tokens are refused, the admin's keep working", async () => {
    const cadre = await signedInCadre();
    const res = await server.gql(REVOKE_ALL, { input: { id: cadre.user.id } }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(admin.token)).toBe("OK");
    expect(await audits().countBy({ action: "user.revokeSessions", entityId: cadre.user.id, actorId: admin.user.id })).toBe(1);
  });

  test("of another user by a cadre: FORBIDDEN naming who may, nothing written; an unknown user: NOT_FOUND", async () => {
    const cadre = await signedInCadre();
    const victim = await signedInCadre();
    const before = await accountState();
    const res = await server.gql(REVOKE_ALL, { input: { id: victim.user.id } }, cadre.token);
    expect(codeOf(res)).toBe("FORBIDDEN");
    expect(res.errors![0].message).toMatch(/^Only the reform office \(ADMIN\) may revoke another user's sessions/);
    expect(codeOf(await server.gql(REVOKE_ALL, { input: { id: "00000000-0000-4000-8000-000000000000" } }, admin.token))).toBe("NOT_FOUND");
    expect(await accountState()).toEqual(before);
    expect(await refusal(victim.token)).toBe("OK");
  });
});

describe("renewToken", () => {
  test("before expiry: a new token of the same session, expiring JWT_TTL_SECONDS later; the renewed one works to its own expiry, then only the new one; audited", async () => {
    const cadre = await signedInCadre();
    advanceForThisTest(server, (TTL_SECONDS - 600) * 1000);
    const res = await server.gql(RENEW, {}, cadre.token);
    expect(res.errors).toBeUndefined();
    const renewed = res.data.renewToken;
    expect(renewed.user.id).toBe(cadre.user.id);
    expect(renewed.signedInAt).toBe(cadre.signedInAt);
    expect(new Date(renewed.expiresAt).getTime()).toBe(Math.floor(server.clock.now().getTime() / 1000) * 1000 + TTL_SECONDS * 1000);
    expect(renewed.token).not.toBe(cadre.token);
    expect(await refusal(renewed.token)).toBe("OK");
    expect(await refusal(cadre.token)).toBe("OK");
    server.clock.advance(600_000);
    expect(await refusal(cadre.token)).toBe("UNAUTHENTICATED:TOKEN_EXPIRED");
    expect(await refusal(renewed.token)).toBe("OK");
    const [entry] = await audits().findBy({ action: "session.renew", actorId: cadre.user.id });
    expect(entry.entityType).toBe("Session");
    expect(`${entry.before}${entry.after}`).not.toContain(cadre.token);
  });

  test("after expiry: refused (UNAUTHENTICATED, TOKEN_EXPIRED)", async () => {
    const cadre = await signedInCadre();
    advanceForThisTest(server, TTL_SECONDS * 1000);
    expect(errorOf(await server.gql(RENEW, {}, cadre.token))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
  });

  test("no further than SESSION_MAX_AGE_HOURS after the sign-in: the last renewal ends there, and then the session is over", async () => {
    const cadre = await signedInCadre();
    const start = server.clock.now();
    onTestFinished(() => server.clock.set(start));
    const sessionEnd = new Date(cadre.signedInAt).getTime() + MAX_AGE_HOURS * 3_600_000;
    let token = cadre.token;
    const expiries: number[] = [];
    // renewals at 0:50, 1:40 and 2:30 after signing in
    for (let i = 0; i < 3; i++) {
      server.clock.advance((TTL_SECONDS - 600) * 1000);
      const res = await server.gql(RENEW, {}, token);
      expect(res.errors, `renewal ${i}`).toBeUndefined();
      token = res.data.renewToken.token;
      expiries.push(new Date(res.data.renewToken.expiresAt).getTime());
    }
    // each renewal gains up to an hour, until the session's end caps it
    expect(expiries.at(-1)).toBe(sessionEnd);
    expect(expiries.every((at) => at <= sessionEnd)).toBe(true);
    server.clock.set(new Date(sessionEnd - 1000));
    expect(await refusal(token)).toBe("OK");
    server.clock.set(new Date(sessionEnd));
    expect(await refusal(token)).toBe("UNAUTHENTICATED:TOKEN_EXPIRED");
    expect(errorOf(await server.gql(RENEW, {}, token))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
  });

  test("a token whose session outlived SESSION_MAX_AGE_HOURS (one made under a longer limit) is not renewed: SESSION_MAX_AGE", async () => {
    // a token of 10 hours, signed without the session's cap (as under an earlier, longer limit)
    const { user } = await server.user("CADRE");
    const longer = new TokenService(() => new TextEncoder().encode(server.config.jwtSecret), 10 * 3600, server.clock);
    const { token } = await longer.sign(user);
    advanceForThisTest(server, MAX_AGE_HOURS * 3_600_000);
    expect(await refusal(token)).toBe("OK");
    expect(errorOf(await server.gql(RENEW, {}, token))).toMatchObject({ code: "UNAUTHENTICATED", reason: "SESSION_MAX_AGE" });
  });

  test("a revoked or deactivated session cannot be renewed", async () => {
    const cadre = await signedInCadre();
    await server.gql(DEACTIVATE, { input: { id: cadre.user.id } }, admin.token);
    expect(errorOf(await server.gql(RENEW, {}, cadre.token))).toMatchObject({ code: "UNAUTHENTICATED", reason: "ACCOUNT_DEACTIVATED" });
    const other = await signedInCadre();
    await server.gql(REVOKE_ALL, {}, other.token);
    expect(errorOf(await server.gql(RENEW, {}, other.token))).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
  });
});

describe("tokens", () => {
  test("a token without a session (as made before sessions) is refused: TOKEN_INVALID", async () => {
    const { user } = await server.user("CADRE");
    const secret = new TextEncoder().encode(server.config.jwtSecret);
    const now = Math.floor(server.clock.now().getTime() / 1000);
    const legacy = await new SignJWT({ role: "CADRE" }).setProtectedHeader({ alg: "HS256" }).setSubject(user.id).setIssuedAt(now).setExpirationTime(now + 3600).sign(secret);
    expect(await refusal(legacy)).toBe("UNAUTHENTICATED:TOKEN_INVALID");
  });

  test("checking revocation costs no statement more: a signed-in request reads its caller and session state in one", async () => {
    const cadre = await signedInCadre();
    await server.gql("{ __typename }", {}, cadre.token); // its signature is checked once
    const { result, statements } = await countStatements(server, () => server.gql("{ __typename }", {}, cadre.token));
    expect(result.errors).toBeUndefined();
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/session_revocation/);
  });
});


/** How a connect with this token ends: the close code and reason (a refused connect). */
function refusedConnect(on: TestServer, token: string): Promise<{ code: number; reason: string }> {
  const client: Client = on.ws(token);
  return new Promise((resolve) => {
    client.on("closed", (event) => {
      const { code, reason } = event as { code: number; reason: string };
      resolve({ code, reason });
    });
    client.subscribe({ query: BOARD }, { next: () => {}, error: () => {}, complete: () => {} });
  });
}

const checksRun = async (on: TestServer) => Number(/sweep_runs_total\{sweep="ws-sessions",outcome="ok"\} (\d+)/.exec(await on.metrics())?.[1] ?? 0);
/** Waits until the periodic socket check ran twice more: whatever it would close, it closed. */
async function twoChecks(on: TestServer) {
  const runs = await checksRun(on);
  await expect.poll(() => checksRun(on), { timeout: 5_000, interval: 25 }).toBeGreaterThan(runs + 1);
}


describe("open sockets follow their session", () => {
  const REVOKED = { code: 4403, reason: expect.stringMatching(/revoked/i) };

  test("logout closes the sockets of that session (4403); a socket of another sign-in of the same user stays open and live", async () => {
    const cadre = await signedInCadre();
    const other = await signIn(cadre.user.username);
    const [mine, theirs] = [await liveSocket(server, cadre.token), await liveSocket(server, other.token)];
    expect((await server.gql(LOGOUT, {}, cadre.token)).data.logout).toBe(true);
    await expect.poll(mine.closed, { timeout: 5_000, interval: 25 }).toEqual(REVOKED);
    await twoChecks(server);
    expect(theirs.closed()).toBeUndefined();
    await receivesEvents(server, admin.token, theirs.board);
  });

  test("revokeAllSessions, changePassword and resetPassword close the sockets of the tokens they revoke (4403)", async () => {
    const a = await signedInCadre();
    const socketA = await liveSocket(server, a.token);
    await server.gql(REVOKE_ALL, {}, a.token);
    await expect.poll(socketA.closed, { timeout: 5_000, interval: 25 }).toEqual(REVOKED);

    const b = await signedInCadre();
    const elsewhere = await signIn(b.user.username);
    const socketB = await liveSocket(server, elsewhere.token);
    const changed = await server.gql(CHANGE, { input: { currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-password" } }, b.token);
    expect(changed.errors).toBeUndefined();
    await expect.poll(socketB.closed, { timeout: 5_000, interval: 25 }).toEqual(REVOKED);
    // the token changePassword answered opens a socket that stays
    const afterChange = await liveSocket(server, changed.data.changePassword.token);
    await twoChecks(server);
    expect(afterChange.closed()).toBeUndefined();

    const c = await signedInCadre();
    const socketC = await liveSocket(server, c.token);
    await server.gql(RESET, { input: { id: c.user.id, newPassword: "handed-over-password" } }, admin.token);
    await expect.poll(socketC.closed, { timeout: 5_000, interval: 25 }).toEqual(REVOKED);
  });

  test("deactivateUser closes the user's sockets (4403, deactivated)", async () => {
    const cadre = await signedInCadre();
    const socket = await liveSocket(server, cadre.token);
    await server.gql(DEACTIVATE, { input: { id: cadre.user.id } }, admin.token);
    await expect.poll(socket.closed, { timeout: 5_000, interval: 25 }).toEqual({ code: 4403, reason: expect.stringMatching(/deactivated/i) });
  });

  test("renewing a socket's token elsewhere leaves the socket open and live; it closes with 4401 when the token it connected with expires", async () => {
    const cadre = await signedInCadre();
    const socket = await liveSocket(server, cadre.token);
    advanceForThisTest(server, (TTL_SECONDS - 600) * 1000);
    const renewed = await server.gql(RENEW, {}, cadre.token);
    expect(renewed.errors).toBeUndefined();
    await twoChecks(server);
    expect(socket.closed()).toBeUndefined();
    await receivesEvents(server, admin.token, socket.board);
    server.clock.advance(600_000);
    await expect.poll(socket.closed, { timeout: 5_000, interval: 25 }).toEqual({ code: 4401, reason: expect.stringMatching(/expired/i) });
    // the renewed token connects
    const next = await liveSocket(server, renewed.data.renewToken.token);
    await twoChecks(server);
    expect(next.closed()).toBeUndefined();
  });

  test("a connect with a revoked token is refused with 4403, with an expired one with 4401, with a deactivated user's with 4403", async () => {
    const revoked = await signedInCadre();
    await server.gql(LOGOUT, {}, revoked.token);
    expect(await refusedConnect(server, revoked.token)).toEqual(REVOKED);

    const deactivated = await signedInCadre();
    await server.gql(DEACTIVATE, { input: { id: deactivated.user.id } }, admin.token);
    expect(await refusedConnect(server, deactivated.token)).toEqual({ code: 4403, reason: expect.stringMatching(/no longer signs in/i) });

    const expired = await signedInCadre();
    advanceForThisTest(server, TTL_SECONDS * 1000);
    expect(await refusedConnect(server, expired.token)).toEqual({ code: 4401, reason: expect.stringMatching(/expired/i) });
  });
});

describe("two instances sharing the database", () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ config: CONFIG });
    b = await startTestServer({ share: a, config: CONFIG });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  test("a logout on one instance refuses the token on the other at once, though the other had checked its signature already", async () => {
    const cadre = await signedInCadre(a);
    expect(await refusal(cadre.token, b)).toBe("OK");
    expect((await a.gql(LOGOUT, {}, cadre.token)).data.logout).toBe(true);
    expect(await refusal(cadre.token, b)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
  });

  test("revoking all of a user's tokens on one instance refuses them on the other and closes the user's socket there (4403)", async () => {
    const adminOfA = await a.user("ADMIN");
    const cadre = await signedInCadre(a);
    const onB = await liveSocket(b, cadre.token);
    expect(await refusal(cadre.token, b)).toBe("OK");
    expect((await a.gql(REVOKE_ALL, { input: { id: cadre.user.id } }, adminOfA.token)).errors).toBeUndefined();
    expect(await refusal(cadre.token, b)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    await expect.poll(onB.closed, { timeout: 5_000, interval: 25 }).toEqual({ code: 4403, reason: expect.stringMatching(/revoked/i) });
  });

  test("a password changed on one instance revokes the old token on the other; the new token works there", async () => {
    const cadre = await signedInCadre(a);
    expect(await refusal(cadre.token, b)).toBe("OK");
    const changed = await a.gql(CHANGE, { input: { currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-password" } }, cadre.token);
    expect(changed.errors).toBeUndefined();
    expect(await refusal(cadre.token, b)).toBe("UNAUTHENTICATED:TOKEN_REVOKED");
    expect(await refusal(changed.data.changePassword.token, b)).toBe("OK");
  });
});
