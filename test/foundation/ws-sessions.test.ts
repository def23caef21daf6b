import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import type { Client } from "graphql-ws";
import { AuditEntry } from "../../src/core/audit";
import { User } from "../../src/modules/accounts/user.entity";
import { liveSocket, receivesEvents } from "../support/live-board";
import { codeOf, startTestServer, type TestServer } from "../support/server";

const SET_ACTIVE = `mutation($input: SetUserActiveInput!) { setUserActive(input: $input) { id username active } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token } }`;
const TTL_SECONDS = 3600;

let server: TestServer;
let admin: { user: User; token: string };

beforeAll(async () => {
  // the session check keeps its default interval (WS_SESSION_CHECK_MS, 2 s)
  server = await startTestServer({ config: { jwtTtlSeconds: TTL_SECONDS } });
  admin = await server.user("ADMIN");
});
afterAll(() => server?.stop());



/** Runs one new operation on this client: the errors it got, or [] once it answered with data. */
function operationErrors(client: Client): Promise<Array<{ message: string; extensions?: Record<string, unknown> }>> {
  return new Promise((resolve) => {
    let errors: Array<{ message: string; extensions?: Record<string, unknown> }> = [];
    // a query completes by itself (unsubscribing from inside `next` would release the client's lock twice)
    client.subscribe(
      { query: `{ me { id } }` },
      {
        next: (value) => void (errors = (value.errors as never) ?? []),
        error: (error) => resolve(Array.isArray(error) ? error : [{ message: String(error) }]),
        complete: () => resolve(errors),
      },
    );
  });
}

const checksRun = async (on: TestServer) => Number(/sweep_runs_total\{sweep="ws-sessions",outcome="ok"\} (\d+)/.exec(await on.metrics())?.[1] ?? 0);

test("a socket is closed with 4401 once its token expires by the service clock", async () => {
  const cadre = await server.user("CADRE");
  const socket = await liveSocket(server, cadre.token);
  const start = server.clock.now();
  onTestFinished(() => server.clock.set(start));
  server.clock.advance(TTL_SECONDS * 1000 - 60_000);
  const runs = await checksRun(server);
  await expect.poll(() => checksRun(server), { timeout: 5_000, interval: 50 }).toBeGreaterThan(runs + 1);
  expect(socket.closed()).toBeUndefined();

  server.clock.advance(60_000);
  await expect.poll(socket.closed, { timeout: 5_000, interval: 50 }).toEqual({ code: 4401, reason: expect.stringMatching(/token expired/i) });
});

describe("setUserActive", () => {
  test("deactivating a user closes their open sockets with 4403 within 5 s; others stay open and keep receiving events", async () => {
    const cadre = await server.user("CADRE");
    const bystander = await server.user("CADRE");
    const [target, other] = [await liveSocket(server, cadre.token), await liveSocket(server, bystander.token)];
    await receivesEvents(server, admin.token, target.board);

    const res = await server.gql(SET_ACTIVE, { input: { userId: cadre.user.id, active: false } }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.setUserActive).toEqual({ id: cadre.user.id, username: cadre.user.username, active: false });
    await expect.poll(target.closed, { timeout: 5_000, interval: 50 }).toEqual({ code: 4403, reason: expect.stringMatching(/deactivated/i) });

    const runs = await checksRun(server);
    await expect.poll(() => checksRun(server), { timeout: 5_000, interval: 50 }).toBeGreaterThan(runs + 1);
    expect(other.closed()).toBeUndefined();
    await receivesEvents(server, admin.token, other.board);
  });

  test("is audited; a deactivated user cannot use a token or sign in until reactivated, and their earlier tokens stay revoked; setting the same state changes nothing", async () => {
    const { user, token } = await server.user("CADRE");
    const audits = server.app.services.dataSource.getRepository(AuditEntry);
    expect((await server.gql(SET_ACTIVE, { input: { userId: user.id, active: false } }, admin.token)).errors).toBeUndefined();
    expect(codeOf(await server.gql(`{ me { id } }`, {}, token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await server.gql(LOGIN, { input: { username: user.username, password: "correct-horse-battery" } }))).toBe("UNAUTHENTICATED");
    expect((await server.gql(SET_ACTIVE, { input: { userId: user.id, active: false } }, admin.token)).data.setUserActive.active).toBe(false);

    const reactivated = await server.gql(SET_ACTIVE, { input: { userId: user.id, active: true } }, admin.token);
    expect(reactivated.data.setUserActive.active).toBe(true);
    const stale = await server.gql(`{ me { id active } }`, {}, token);
    expect(codeOf(stale)).toBe("UNAUTHENTICATED");
    expect(stale.errors![0].extensions!.reason).toBe("TOKEN_REVOKED");
    const signedIn = await server.gql(LOGIN, { input: { username: user.username, password: "correct-horse-battery" } });
    expect((await server.gql(`{ me { id active } }`, {}, signedIn.data.login.token)).data.me).toEqual({ id: user.id, active: true });
    const entries = await audits.find({ where: { entityId: user.id }, order: { at: "ASC", action: "ASC" } });
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ["user.deactivate", admin.user.id],
      ["user.reactivate", admin.user.id],
    ]);
    expect(JSON.parse(entries[0].before!)).toMatchObject({ active: true });
    expect(JSON.parse(entries[0].after!)).toMatchObject({ active: false });
    expect(entries[0].after).not.toContain("scrypt");
  });

  test("only an ADMIN may, never on themself; bad input answers a code and writes nothing", async () => {
    const cadre = await server.user("CADRE");
    const users = server.app.services.dataSource.getRepository(User);
    const audits = server.app.services.dataSource.getRepository(AuditEntry);
    const auditCount = await audits.count();
    const input = (userId: string, active = false) => ({ input: { userId, active } });
    expect(codeOf(await server.gql(SET_ACTIVE, input(admin.user.id), cadre.token))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(SET_ACTIVE, input(admin.user.id)))).toBe("UNAUTHENTICATED");
    const self = await server.gql(SET_ACTIVE, input(admin.user.id), admin.token);
    expect(codeOf(self)).toBe("BAD_USER_INPUT");
    expect(self.errors![0].extensions!.field).toBe("userId");
    expect(codeOf(await server.gql(SET_ACTIVE, input("00000000-0000-4000-8000-000000000000"), admin.token))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(SET_ACTIVE, input("not-a-uuid"), admin.token))).toBe("BAD_USER_INPUT");
    expect((await users.findOneByOrFail({ id: admin.user.id })).active).toBe(true);
    expect(await audits.count()).toBe(auditCount);
  });
});

describe("each new operation on a socket re-reads its caller", () => {
  let quiet: TestServer;
  beforeAll(async () => {
    // no periodic check in the way: only the per-operation check can refuse
    quiet = await startTestServer({ config: { jwtTtlSeconds: TTL_SECONDS, wsSessionCheckMs: 3_600_000 } });
  });
  afterAll(() => quiet?.stop());

  test("a deactivated user's new subscribe is refused", async () => {
    const quietAdmin = await quiet.user("ADMIN");
    const cadre = await quiet.user("CADRE");
    const socket = await liveSocket(quiet, cadre.token);
    expect(await operationErrors(socket.client)).toEqual([]);
    await quiet.gql(SET_ACTIVE, { input: { userId: cadre.user.id, active: false } }, quietAdmin.token);
    const refused = await operationErrors(socket.client);
    expect(refused.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(refused[0].message).toMatch(/no longer signs in/);
  });

  test("a new subscribe after the token expired is refused", async () => {
    const cadre = await quiet.user("CADRE");
    const socket = await liveSocket(quiet, cadre.token);
    expect(await operationErrors(socket.client)).toEqual([]);
    quiet.clock.advance(TTL_SECONDS * 1000);
    const refused = await operationErrors(socket.client);
    expect(refused.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(refused[0].message).toMatch(/expired/i);
  });
});

test("a deactivation on one instance closes the user's socket held by another instance sharing the database", async () => {
  const a = await startTestServer({ config: { jwtTtlSeconds: TTL_SECONDS } });
  const b = await startTestServer({ share: a, config: { jwtTtlSeconds: TTL_SECONDS } });
  try {
    const adminOfA = await a.user("ADMIN");
    const cadre = await a.user("CADRE");
    const onB = await liveSocket(b, cadre.token);
    expect((await a.gql(SET_ACTIVE, { input: { userId: cadre.user.id, active: false } }, adminOfA.token)).errors).toBeUndefined();
    await expect.poll(onB.closed, { timeout: 5_000, interval: 50 }).toEqual({ code: 4403, reason: expect.stringMatching(/deactivated/i) });
  } finally {
    await b.stop();
    await a.stop();
  }
});
