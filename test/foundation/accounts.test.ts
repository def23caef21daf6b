import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { LoginFailure, User } from "../../src/modules/accounts/user.entity";
import { codeOf, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";
import { countStatements } from "../support/sql-count";
import { makeEnterprise } from "../support/fixtures";

let server: TestServer;
let admin: { user: User; token: string };
let cadre: { user: User; token: string };
let market: string;

beforeAll(async () => {
  server = await startTestServer({ config: { loginMaxFailures: 3, jwtTtlSeconds: 8 * 3600 } });
  admin = await server.user("ADMIN", { username: "reform.office" });
  cadre = await server.user("CADRE", { username: "cadre.one" });
  market = (await server.department("MARKET_REGULATION")).id;
});
afterAll(() => server?.stop());

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token expiresAt user { id username role } } }`;
const ME = `{ me { id username name role active } }`;
const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id username name role } }`;

describe("login and me", () => {
  test("a right password gives a token that works for me", async () => {
    const res = await server.gql(LOGIN, { input: { username: "cadre.one", password: TEST_PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect(res.data.login.user).toMatchObject({ username: "cadre.one", role: "CADRE" });
    expect(new Date(res.data.login.expiresAt).getTime()).toBe(Math.floor(server.clock.now().getTime() / 1000) * 1000 + 8 * 3600_000);
    const me = await server.gql(ME, {}, res.data.login.token);
    expect(me.data.me).toMatchObject({ id: cadre.user.id, username: "cadre.one", role: "CADRE", active: true });
  });

  test("a wrong password or unknown user answers UNAUTHENTICATED without saying which", async () => {
    const wrong = await server.gql(LOGIN, { input: { username: "cadre.one", password: "not-the-password" } });
    const unknown = await server.gql(LOGIN, { input: { username: "nobody.here", password: "not-the-password" } });
    expect(codeOf(wrong)).toBe("UNAUTHENTICATED");
    expect(codeOf(unknown)).toBe("UNAUTHENTICATED");
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
    // a later success keeps the failure as a log
    await server.gql(LOGIN, { input: { username: "cadre.one", password: TEST_PASSWORD } });
    expect(await server.app.services.dataSource.getRepository(LoginFailure).countBy({ username: "cadre.one" })).toBe(1);
  });

  test("me without a token is UNAUTHENTICATED; a bad token is refused with 401, never treated as anonymous", async () => {
    expect(codeOf(await server.gql(ME))).toBe("UNAUTHENTICATED");
    const bad = await server.gql(ME, {}, "not.a.jwt");
    expect(bad.status).toBe(401);
    expect(codeOf(bad)).toBe("UNAUTHENTICATED");
    const badPublic = await server.gql("{ __typename }", {}, "not.a.jwt");
    expect(codeOf(badPublic)).toBe("UNAUTHENTICATED");
    const forged = admin.token.slice(0, -4) + "AAAA";
    expect(codeOf(await server.gql(ME, {}, forged))).toBe("UNAUTHENTICATED");
  });

  test("a token works until its expiry and is refused after it", async () => {
    const { token } = await server.app.services.tokens.sign(cadre.user);
    const start = server.clock.now();
    onTestFinished(() => server.clock.set(start));
    server.clock.advance(8 * 3600_000 - 5_000);
    expect((await server.gql(ME, {}, token)).data.me.id).toBe(cadre.user.id);
    server.clock.advance(10_000);
    const res = await server.gql(ME, {}, token);
    expect(codeOf(res)).toBe("UNAUTHENTICATED");
    expect(res.errors![0].message).toMatch(/expired/i);
  });

  test("a burst of signed-in requests reads its callers in a few batched statements, each caller afresh", async () => {
    const callers = await Promise.all(Array.from({ length: 30 }, (_, i) => server.user("CADRE", { username: `burst.${i}` })));
    const burst = () => Promise.all(callers.map((caller) => server.gql("{ __typename }", {}, caller.token)));
    await burst(); // each token's signature is checked once; later requests only check its expiry
    const { result, statements, parameters } = await countStatements(server, burst);
    expect(result.map((res) => res.errors)).toEqual(callers.map(() => undefined));
    // every caller, and their session's state, is read from the database on every request (a
    // deactivated account or a revoked session stops at once) …
    const read = new Set(parameters.flat());
    for (const caller of callers) expect(read).toContain(caller.user.id);
    expect(statements.every((sql) => /session_revocation/.test(sql))).toBe(true);
    // … but the requests arriving in one turn of the event loop share a statement
    expect(statements.length).toBeLessThan(10);
  });

  test("usernames are lowercase, and sign-in ignores case (alike on SQLite and MariaDB)", async () => {
    const upper = await server.gql(CREATE_USER, { input: { username: "Cadre.One", password: "long-enough-pw", name: "x", role: "CADRE" } }, admin.token);
    expect(codeOf(upper)).toBe("BAD_USER_INPUT");
    expect(upper.errors![0].extensions!.field).toBe("username");
    const signedIn = await server.gql(LOGIN, { input: { username: "CADRE.one", password: TEST_PASSWORD } });
    expect(signedIn.data.login.user).toMatchObject({ id: cadre.user.id, username: "cadre.one" });
  });

  test("a deactivated user's token stops working at once", async () => {
    const temp = await server.user("CADRE");
    await server.app.services.dataSource.getRepository(User).update({ id: temp.user.id }, { active: false });
    expect(codeOf(await server.gql(ME, {}, temp.token))).toBe("UNAUTHENTICATED");
  });
});

test("failed sign-ins are kept as a security log for their retention, then the server's periodic job deletes them", async () => {
  const other = await startTestServer({ config: { sweepIntervalMs: 50, loginFailureRetentionDays: 180 } });
  try {
    const failures = other.app.services.dataSource.getRepository(LoginFailure);
    const now = other.clock.now().getTime();
    const days = (n: number) => new Date(now - n * 86_400_000);
    await failures.insert([
      failures.create({ username: "old.guess", clientAddress: "10.0.0.9", attemptedAt: days(181) }),
      failures.create({ username: "kept.guess", clientAddress: "10.0.0.9", attemptedAt: days(179) }),
    ]);
    expect(codeOf(await other.gql(LOGIN, { input: { username: "fresh.guess", password: "wrong-password" } }))).toBe("UNAUTHENTICATED");
    await expect.poll(() => failures.countBy({ username: "old.guess" }), { timeout: 5_000, interval: 25 }).toBe(0);
    expect((await failures.find({ order: { attemptedAt: "ASC" } })).map((f) => f.username)).toEqual(["kept.guess", "fresh.guess"]);
    expect(await other.metrics()).toMatch(/sweep_runs_total\{sweep="login-failure-retention",outcome="ok"\} [1-9]/);
  } finally {
    await other.stop();
  }
});

test("a successful sign-in stops counting the failures before it toward the lockout, and keeps them", async () => {
  await server.user("CADRE", { username: "forgetful.user" });
  const attempt = (password: string) => {
    server.clock.advance(1000);
    return server.gql(LOGIN, { input: { username: "forgetful.user", password } });
  };
  for (let i = 0; i < 2; i++) expect(codeOf(await attempt("wrong-password"))).toBe("UNAUTHENTICATED");
  expect((await attempt(TEST_PASSWORD)).errors).toBeUndefined();
  for (let i = 0; i < 2; i++) expect(codeOf(await attempt("wrong-password"))).toBe("UNAUTHENTICATED");
  expect((await attempt(TEST_PASSWORD)).errors).toBeUndefined(); // two since the last success: under the limit of 3
  for (let i = 0; i < 3; i++) expect(codeOf(await attempt("wrong-password"))).toBe("UNAUTHENTICATED");
  expect(codeOf(await attempt(TEST_PASSWORD))).toBe("TOO_MANY_REQUESTS");
  expect(await server.app.services.dataSource.getRepository(LoginFailure).countBy({ username: "forgetful.user" })).toBe(7);
});

test("repeated failures lock the username for the window, then it opens again", async () => {
  const victim = await server.user("CADRE", { username: "locked.user" });
  for (let i = 0; i < 3; i++) {
    expect(codeOf(await server.gql(LOGIN, { input: { username: "locked.user", password: "wrong-password" } }))).toBe("UNAUTHENTICATED");
  }
  const locked = await server.gql(LOGIN, { input: { username: "locked.user", password: TEST_PASSWORD } });
  expect(codeOf(locked)).toBe("TOO_MANY_REQUESTS");
  expect(locked.errors![0].extensions!.retryAfterSeconds).toBe(15 * 60);
  server.clock.advance(16 * 60_000);
  const open = await server.gql(LOGIN, { input: { username: "locked.user", password: TEST_PASSWORD } });
  expect(open.data.login.user.id).toBe(victim.user.id);
});

describe("createUser", () => {
  test("ADMIN creates a user who can then sign in; the audit trail records it without the hash", async () => {
    const res = await server.gql(CREATE_USER, { input: { username: "new.cadre", password: "long-enough-pw", name: "新 干部", role: "CADRE", departmentId: market } }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.createUser).toMatchObject({ username: "new.cadre", name: "新 干部", role: "CADRE" });
    const login = await server.gql(LOGIN, { input: { username: "new.cadre", password: "long-enough-pw" } });
    expect(login.data.login.user.username).toBe("new.cadre");
    const entries = await server.app.services.dataSource.getRepository(AuditEntry).findBy({ entityId: res.data.createUser.id });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: "user.create", entityType: "User", actorId: admin.user.id, before: null });
    expect(entries[0].after).toContain("new.cadre");
    expect(entries[0].after).not.toContain("scrypt");
  });

  test("a CADRE or ENTERPRISE user cannot create users (FORBIDDEN), anonymous is UNAUTHENTICATED", async () => {
    const input = { username: "sneaky", password: "long-enough-pw", name: "x", role: "ADMIN" };
    expect(codeOf(await server.gql(CREATE_USER, { input }, cadre.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(CREATE_USER, { input }))).toBe("UNAUTHENTICATED");
    expect(await server.app.services.dataSource.getRepository(User).existsBy({ username: "sneaky" })).toBe(false);
  });

  test("a duplicate username answers CONFLICT and writes nothing", async () => {
    const users = server.app.services.dataSource.getRepository(User);
    const before = await users.count();
    const res = await server.gql(CREATE_USER, { input: { username: "cadre.one", password: "long-enough-pw", name: "dup", role: "CADRE", departmentId: market } }, admin.token);
    expect(codeOf(res)).toBe("CONFLICT");
    expect(res.errors![0].extensions!.field).toBe("username");
    expect(await users.count()).toBe(before);
  });

  test.each([
    [{ username: "ab", password: "long-enough-pw", name: "x", role: "CADRE" }, "username"],
    [{ username: "short.pw", password: "short", name: "x", role: "CADRE" }, "password"],
    [{ username: "no.name", password: "long-enough-pw", name: "", role: "CADRE" }, "name"],
    [{ username: "ent.without", password: "long-enough-pw", name: "x", role: "ENTERPRISE" }, "enterpriseId"],
  ])("bad input %j answers BAD_USER_INPUT on %s and writes nothing", async (input, field) => {
    const users = server.app.services.dataSource.getRepository(User);
    const audits = server.app.services.dataSource.getRepository(AuditEntry);
    const [userCount, auditCount] = [await users.count(), await audits.count()];
    const res = await server.gql(CREATE_USER, { input }, admin.token);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].extensions!.field).toBe(field);
    expect(await users.count()).toBe(userCount);
    expect(await audits.count()).toBe(auditCount);
  });

  describe("departments (部门): a cadre's department decides their remits", () => {
    const CREATE_WITH_DEPARTMENT = `mutation($input: CreateUserInput!) { createUser(input: $input) { id role department { code name } } }`;
    const writes = async () => [await server.app.services.dataSource.getRepository(User).count(), await server.app.services.dataSource.getRepository(AuditEntry).count()];
    const refused = async (input: Record<string, unknown>, field: string) => {
      const before = await writes();
      const res = await server.gql(CREATE_WITH_DEPARTMENT, { input: { password: "long-enough-pw", name: "x", ...input } }, admin.token);
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
      expect(res.errors![0].extensions!.field).toBe(field);
      expect(await writes()).toEqual(before);
      expect(await server.app.services.dataSource.getRepository(User).existsBy({ username: input.username as string })).toBe(false);
    };

    test("a CADRE needs a department: without one BAD_USER_INPUT on departmentId, nothing written", async () => {
      await refused({ username: "cadre.nodept", role: "CADRE" }, "departmentId");
      const housing = await server.department("HOUSING_CONSTRUCTION");
      const res = await server.gql(CREATE_WITH_DEPARTMENT, { input: { username: "cadre.housing", password: "long-enough-pw", name: "住建 干部", role: "CADRE", departmentId: housing.id } }, admin.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.createUser).toMatchObject({ role: "CADRE", department: { code: "HOUSING_CONSTRUCTION", name: "区住房和城乡建设局" } });
      expect((await server.app.services.dataSource.getRepository(User).findOneByOrFail({ id: res.data.createUser.id })).departmentId).toBe(housing.id);
    });

    test("an ENTERPRISE user belongs to no department: BAD_USER_INPUT on departmentId, nothing written", async () => {
      const enterpriseId = (await makeEnterprise(server, "部门测试企业")).id;
      await refused({ username: "ent.withdept", role: "ENTERPRISE", enterpriseId, departmentId: market }, "departmentId");
    });

    test("an ADMIN may have a department (区委改革办), or none", async () => {
      const reform = await server.department("REFORM_OFFICE");
      const res = await server.gql(CREATE_WITH_DEPARTMENT, { input: { username: "admin.reform", password: "long-enough-pw", name: "改革办", role: "ADMIN", departmentId: reform.id } }, admin.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.createUser).toMatchObject({ role: "ADMIN", department: { code: "REFORM_OFFICE", name: "区委改革办" } });
      const none = await server.gql(CREATE_WITH_DEPARTMENT, { input: { username: "admin.nodept", password: "long-enough-pw", name: "x", role: "ADMIN" } }, admin.token);
      expect(none.errors).toBeUndefined();
      expect(none.data.createUser.department).toBeNull();
    });

    test("an unknown department answers BAD_USER_INPUT on departmentId, nothing written", async () => {
      await refused({ username: "cadre.nowhere", role: "CADRE", departmentId: "00000000-0000-4000-8000-000000000000" }, "departmentId");
    });

    test("me tells a cadre their department; an enterprise user has none", async () => {
      const fire = await server.department("FIRE_RESCUE");
      const cadreOfFire = await server.user("CADRE", { departmentId: fire.id });
      const me = await server.gql(`{ me { department { code name } } }`, {}, cadreOfFire.token);
      expect(me.errors).toBeUndefined();
      expect(me.data.me.department).toEqual({ code: "FIRE_RESCUE", name: "区消防救援大队" });
      const ent = await server.user("ENTERPRISE");
      expect((await server.gql(`{ me { department { code } } }`, {}, ent.token)).data.me.department).toBeNull();
    });
  });

  test("an unknown role is rejected by the schema before any resolver runs", async () => {
    const res = await server.gql(CREATE_USER, { input: { username: "x.y.z", password: "long-enough-pw", name: "x", role: "KING" } }, admin.token);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
  });
});
