import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { MoreThanOrEqual } from "typeorm";
import type { AppConfig } from "../../src/config";
import { LoginFailure } from "../../src/modules/accounts/user.entity";
import { codeOf, startTestServer, TEST_PASSWORD, type GraphQLResponse, type TestServer } from "../support/server";

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token } }`;
const WINDOW_MINUTES = 15;
const BURST = 40;

const signIn = (on: TestServer, username: string, password = "wrong-password") => on.gql(LOGIN, { input: { username, password } });

/** Failed sign-ins recorded in the current window (tests move the clock a window on between runs). */
const failuresNow = (on: TestServer, where: { username?: string } = {}) =>
  on.app.services.dataSource
    .getRepository(LoginFailure)
    .countBy({ ...where, attemptedAt: MoreThanOrEqual(new Date(on.clock.now().getTime() - WINDOW_MINUTES * 60_000 + 1)) });

/** Every answer is a checked wrong password or a refusal before any check: how many of each. */
function tally(responses: GraphQLResponse[]) {
  const codes = responses.map(codeOf);
  expect(codes.filter((code) => code !== "UNAUTHENTICATED" && code !== "TOO_MANY_REQUESTS")).toEqual([]);
  for (const refused of responses.filter((r) => codeOf(r) === "TOO_MANY_REQUESTS")) {
    expect(refused.errors![0].extensions!.retryAfterSeconds).toBe(WINDOW_MINUTES * 60);
  }
  return { checked: codes.filter((code) => code === "UNAUTHENTICATED").length, refused: codes.filter((code) => code === "TOO_MANY_REQUESTS").length };
}

interface Limit {
  rule: string;
  config: Partial<AppConfig>;
  max: number;
  /** The username of the i-th wrong guess against `owner`. */
  guess(owner: string, i: number): string;
  /** The failures the limit counts. */
  counted(on: TestServer, owner: string): Promise<number>;
}

const LIMITS: Limit[] = [
  {
    rule: "LOGIN_MAX_FAILURES per username",
    config: { loginMaxFailures: 3, loginMaxFailuresPerAddress: 10_000 },
    max: 3,
    guess: (owner) => owner,
    counted: (on, owner) => failuresNow(on, { username: owner }),
  },
  {
    // every test request comes from 127.0.0.1: guesses at many usernames share one address
    rule: "LOGIN_MAX_FAILURES_PER_ADDRESS per client address",
    config: { loginMaxFailures: 10_000, loginMaxFailuresPerAddress: 5 },
    max: 5,
    guess: (owner, i) => `${owner}.guess${i}`,
    counted: (on) => failuresNow(on),
  },
];

describe.each(LIMITS)("$rule", ({ config, max, guess, counted }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { ...config, loginWindowMinutes: WINDOW_MINUTES } });
  });
  afterAll(() => server?.stop());
  beforeEach(() => server.clock.advance((WINDOW_MINUTES + 1) * 60_000));

  test(`${BURST} concurrent wrong sign-ins: at most the limit are password-checked, the rest refused without a check`, async () => {
    const owner = (await server.user("CADRE")).user.username;
    const { checked, refused } = tally(await Promise.all(Array.from({ length: BURST }, (_, i) => signIn(server, guess(owner, i)))));
    expect(checked).toBeLessThanOrEqual(max);
    expect(refused).toBe(BURST - checked);
    // a checked guess leaves its failure row; a refused one leaves nothing
    expect(await counted(server, owner)).toBe(checked);
  });

  test("a right password sent among concurrent guesses, once the limit is taken, gets no token", async () => {
    const owner = (await server.user("CADRE")).user.username;
    // the limit's worth of guesses, counted from the moment they arrive, while they are still being checked
    const first = Promise.all(Array.from({ length: max }, (_, i) => signIn(server, guess(owner, i))));
    await expect.poll(() => counted(server, owner), { timeout: 5_000, interval: 5 }).toBe(max);
    const rest = Promise.all(Array.from({ length: BURST - max - 1 }, (_, i) => signIn(server, guess(owner, max + i))));
    const right = await signIn(server, owner, TEST_PASSWORD);
    expect(right.data?.login).toBeUndefined();
    expect(codeOf(right)).toBe("TOO_MANY_REQUESTS");
    // a guess of the first batch still counting when the rest arrive may be refused too (below the
    // limit, never above it): the rule under test is that nothing past the limit is checked
    const firstTally = tally(await first);
    expect(firstTally.checked + firstTally.refused).toBe(max);
    expect(firstTally.checked).toBeGreaterThan(0);
    expect(tally(await rest)).toEqual({ checked: 0, refused: BURST - max - 1 });
    expect(await counted(server, owner)).toBe(firstTally.checked);
  });
});

test("two instances sharing one database hold both limits together", async () => {
  const config = { loginMaxFailures: 3, loginMaxFailuresPerAddress: 5, loginWindowMinutes: WINDOW_MINUTES };
  const a = await startTestServer({ config });
  const b = await startTestServer({ share: a, config });
  try {
    const owner = (await a.user("CADRE")).user.username;
    const responses = await Promise.all(
      Array.from({ length: BURST }, (_, i) => signIn(i % 2 ? a : b, i % 4 < 2 ? owner : `${owner}.guess${i}`)),
    );
    const { checked } = tally(responses);
    expect(checked).toBeLessThanOrEqual(5);
    expect(await failuresNow(a, { username: owner })).toBeLessThanOrEqual(3);
    expect(await failuresNow(a)).toBe(checked);
  } finally {
    await b.stop();
    await a.stop();
  }
});

test("refused sign-ins do not extend the lock: it opens LOGIN_WINDOW_MINUTES after the last checked failure", async () => {
  const server = await startTestServer({ config: { loginMaxFailures: 3, loginWindowMinutes: WINDOW_MINUTES } });
  try {
    const owner = (await server.user("CADRE")).user.username;
    for (let i = 0; i < 3; i++) expect(codeOf(await signIn(server, owner))).toBe("UNAUTHENTICATED");
    server.clock.advance((WINDOW_MINUTES - 1) * 60_000);
    // a guesser who keeps trying while locked out
    expect(tally(await Promise.all(Array.from({ length: 10 }, () => signIn(server, owner))))).toEqual({ checked: 0, refused: 10 });
    expect(await failuresNow(server, { username: owner })).toBe(3);
    server.clock.advance(2 * 60_000);
    expect((await signIn(server, owner, TEST_PASSWORD)).data.login.token).toEqual(expect.any(String));
  } finally {
    await server.stop();
  }
});

test("a username that lowercasing makes too long for any account answers UNAUTHENTICATED on both databases, and writes nothing", async () => {
  const server = await startTestServer();
  try {
    const res = await server.gql(`mutation($u: String!) { login(input: { username: $u, password: "whatever-password" }) { token } }`, { u: "\u0130".repeat(64) });
    expect(res.status).toBe(200);
    expect(codeOf(res)).toBe("UNAUTHENTICATED");
    expect(await server.app.services.dataSource.getRepository(LoginFailure).count()).toBe(0);
  } finally {
    await server.stop();
  }
});
