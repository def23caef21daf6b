import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { LoginFailure, User } from "../../src/modules/accounts/user.entity";
import { codeOf, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

let server: TestServer;
let adminToken: string;
const logLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer({
    // the cost tests below send up to 300 aliases
    config: { maxQueryDepth: 3, maxQueryCost: 500, maxQueryAliases: 300, maxBatchOperations: 3, loginMaxFailuresPerAddress: 4, logLevel: "info" },
    logLines,
  });
  adminToken = (await server.user("ADMIN")).token;
});
afterAll(() => server?.stop());

const counts = async () => ({
  users: await server.app.services.dataSource.getRepository(User).count(),
  audits: await server.app.services.dataSource.getRepository(AuditEntry).count(),
});

test("a query deeper than the limit is refused with QUERY_TOO_DEEP before it runs", async () => {
  const ok = await server.gql(`{ users { edges { node { username } } } }`, {}, adminToken);
  expect(ok.errors).toBeUndefined();
  const deep = `{ auditTrail(entityType: "User", entityId: "x") { edges { node { actor { name } } } } }`;
  const res = await server.gql(deep, {}, adminToken);
  expect(codeOf(res)).toBe("QUERY_TOO_DEEP");
  expect(res.data).toBeUndefined();
  // fragments count by the fields they hold, not as a level of their own
  const throughFragment = await server.gql(`{ ...Trail } fragment Trail on Query { auditTrail(entityType: "User", entityId: "x") { edges { node { actor { name } } } } }`, {}, adminToken);
  expect(codeOf(throughFragment)).toBe("QUERY_TOO_DEEP");
  expect((await server.gql(`{ ...Users } fragment Users on Query { users { edges { node { username } } } }`, {}, adminToken)).errors).toBeUndefined();
});

test("more aliased fields than MAX_QUERY_ALIASES are refused with QUERY_TOO_MANY_ALIASES before any runs, those in fragments too", async () => {
  const aliases = (n: number, prefix = "m") => Array.from({ length: n }, (_, i) => `${prefix}${i}: me { id }`).join(" ");
  const refused = await server.gql(`{ ${aliases(301)} }`, {}, adminToken);
  expect(refused.status).toBe(400);
  expect(codeOf(refused)).toBe("QUERY_TOO_MANY_ALIASES");
  expect(refused.errors![0].extensions!.maxAliases).toBe(300);
  expect(refused.data).toBeUndefined();
  const spread = await server.gql(`{ ${aliases(200)} ...More } fragment More on Query { ${aliases(101, "f")} }`, {}, adminToken);
  expect(codeOf(spread)).toBe("QUERY_TOO_MANY_ALIASES");
  // at the limit the aliases pass; the cost limit (500) then refuses 300 fields of 2
  expect(codeOf(await server.gql(`{ ${aliases(300)} }`, {}, adminToken))).toBe("QUERY_TOO_COMPLEX");
});

test("a document that fails validation answers 400 GRAPHQL_VALIDATION_FAILED before any limit walks it (fragment cycles)", async () => {
  for (const cycle of [
    `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`,
    `query { users { ...U } } fragment U on UserConnection { edges { node { id } } ...U }`,
  ]) {
    const res = await server.gql(cycle, {}, adminToken);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.errors![0].message).toMatch(/Cannot spread fragment/);
  }
});

test("a subscription sent over HTTP answers 400 BAD_REQUEST pointing to the WebSocket on the same URL", async () => {
  const res = await server.gql(`subscription { taskBoardChanged { type } }`, {}, adminToken);
  expect(res.status).toBe(400);
  expect(codeOf(res)).toBe("BAD_REQUEST");
  expect(res.errors![0].message).toMatch(/WebSocket.*graphql-ws/);
  expect(res.data).toBeUndefined();
});

test("a query costing more than the limit is refused with QUERY_TOO_COMPLEX; lists cost by first", async () => {
  const before = await counts();
  const cheap = await server.gql(`{ users(first: 10) { edges { node { username name } } } }`, {}, adminToken);
  expect(cheap.errors).toBeUndefined();
  const costly = await server.gql(`{ a: users(first: 100) { edges { node { username name role } } } b: users(first: 100) { edges { node { username name role } } } }`, {}, adminToken);
  expect(codeOf(costly)).toBe("QUERY_TOO_COMPLEX");
  expect(costly.errors![0].extensions!.maxCost).toBe(500);
  // 300 aliased creations cost more than 500: refused before the first one runs
  const creations = Array.from({ length: 300 }, (_, i) => `u${i}: createUser(input: {username: "costly.${i}", password: "long-enough-pw", name: "x", role: CADRE}) { id }`);
  const mutation = await server.gql(`mutation { ${creations.join(" ")} }`, {}, adminToken);
  expect(codeOf(mutation)).toBe("QUERY_TOO_COMPLEX");
  expect(await counts()).toEqual(before);
});

test("a list without paging counts as 5 items, each alias again; a connection's edges only by its first", async () => {
  const lists = (n: number) => Array.from({ length: n }, (_, i) => `d${i}: departments { id name }`).join(" ");
  expect((await server.gql(`{ ${lists(45)} }`, {}, adminToken)).errors).toBeUndefined();
  const refused = await server.gql(`{ ${lists(50)} }`, {}, adminToken);
  expect(refused.errors![0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", cost: 50 * (1 + 5 * 2) });
});

test("one query text costs what its variables ask for, each time it is sent", async () => {
  const USERS = `query Users($first: Int, $after: String) { a: users(first: $first, after: $after) { edges { node { username name role } } } b: users(first: 100) { edges { node { username } } } }`;
  // b alone costs 1 + 100 × 3 = 301; a costs 1 + first × 5 (its `first` defaults to 20 when absent: 101)
  for (let round = 0; round < 2; round++) {
    expect((await server.gql(USERS, { first: 10 }, adminToken)).errors).toBeUndefined();
    const costly = await server.gql(USERS, { first: 100 }, adminToken);
    expect(codeOf(costly)).toBe("QUERY_TOO_COMPLEX");
    expect(costly.errors![0].extensions!.cost).toBe(301 + 1 + 100 * 5);
    expect((await server.gql(USERS, {}, adminToken)).errors).toBeUndefined();
    // an explicit null is a page of 20 as well, under its own key
    expect((await server.gql(USERS, { first: null }, adminToken)).errors).toBeUndefined();
  }
  // asked without first, a connection is still a page of 20: five such lists cost 5 x (1 + 20 x 5) = 505
  const pages = Array.from({ length: 5 }, (_, i) => `p${i}: users { edges { node { username name role } } }`).join(" ");
  const unbounded = await server.gql(`{ ${pages} }`, {}, adminToken);
  expect(codeOf(unbounded)).toBe("QUERY_TOO_COMPLEX");
  expect(unbounded.errors![0].extensions!.cost).toBe(505);
  // @include and @skip decide what is counted: a kept estimate never serves other directive values
  const GUARDED = `query Guarded($all: Boolean!) { a: users(first: 100) @include(if: $all) { edges { node { username name role } } } b: users(first: 1) { edges { node { username } } } }`;
  for (let round = 0; round < 2; round++) {
    expect((await server.gql(GUARDED, { all: false }, adminToken)).errors).toBeUndefined();
    expect(codeOf(await server.gql(GUARDED, { all: true }, adminToken))).toBe("QUERY_TOO_COMPLEX");
  }
  const badVariable = await server.gql(USERS, { first: "ten" }, adminToken);
  expect(codeOf(badVariable)).toBe("BAD_USER_INPUT");
  // a known estimate skips the estimator's own check of the variables: execution still refuses them
  const CREATE = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { id } }`;
  const created = await server.gql(CREATE, { input: { username: "estimate.ok", password: "long-enough-pw", name: "x", role: "ADMIN" } }, adminToken);
  expect(created.errors).toBeUndefined();
  const before = await counts();
  const refused = await server.gql(CREATE, { input: { username: "estimate.bad", password: "long-enough-pw", name: "x", role: "NOBODY" } }, adminToken);
  expect(refused.status).toBe(400);
  expect(codeOf(refused)).toBe("BAD_USER_INPUT");
  expect(await counts()).toEqual(before);
});

test("a batch with more operations than allowed is refused whole; a small batch runs", async () => {
  const op = { query: "{ __typename }" };
  const small = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([op, op]) });
  expect(small.status).toBe(200);
  expect(await small.json()).toEqual([{ data: { __typename: "Query" } }, { data: { __typename: "Query" } }]);
  const before = await counts();
  const create = { query: `mutation { createUser(input: {username: "batch.user", password: "long-enough-pw", name: "x", role: ADMIN}) { id } }` };
  const big = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify([create, op, op, op]),
  });
  expect(big.status).toBe(400);
  expect(((await big.json()) as any).errors[0].extensions.code).toBe("BATCH_TOO_LARGE");
  expect(await counts()).toEqual(before);
});

test("sign-in failures from one client address are limited across usernames", async () => {
  const LOGIN = `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }`;
  for (let i = 0; i < 4; i++) expect(codeOf(await server.gql(LOGIN, { u: `guess${i}`, p: "wrong-password" }))).toBe("UNAUTHENTICATED");
  const someone = await server.user("CADRE");
  const blocked = await server.gql(LOGIN, { u: someone.user.username, p: TEST_PASSWORD });
  expect(codeOf(blocked)).toBe("TOO_MANY_REQUESTS");
  expect(await server.app.services.dataSource.getRepository(LoginFailure).count()).toBe(4);
});

test("metrics count operations by name and outcome; log lines carry the request id and never a secret", async () => {
  await server.gql(`query WhoAmI { me { username } }`, {}, adminToken, { "x-request-id": "req-123" });
  await server.gql(`mutation SignIn { login(input: {username: "nobody", password: "secret-password-123"}) { token } }`);
  const metrics = await server.metrics();
  expect(metrics).toMatch(/graphql_requests_total\{operation="WhoAmI",outcome="ok"\} 1/);
  expect(metrics).toMatch(/graphql_request_duration_seconds_bucket\{le="[^"]+",operation="WhoAmI"\}/);
  expect(metrics).toContain("graphql_ws_subscriptions");
  expect(metrics).toContain("db_pool_connections");
  const lines = logLines.map((l) => JSON.parse(l));
  expect(lines.find((l) => l.requestId === "req-123")).toMatchObject({ operation: "WhoAmI", msg: "graphql" });
  expect(lines.find((l) => l.operation === "SignIn")).toMatchObject({ errorCodes: ["TOO_MANY_REQUESTS"] });
  const all = logLines.join("\n");
  expect(all).not.toContain("secret-password-123");
  expect(all).not.toContain(adminToken);
});

test("at debug level each request is logged with its variables and headers, its secrets censored at any depth", async () => {
  const lines: string[] = [];
  const debug = await startTestServer({ share: server, config: { logLevel: "debug" }, logLines: lines });
  try {
    const { token } = await debug.user("ADMIN");
    const CREATE = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { id } }`;
    await debug.gql(CREATE, { input: { username: "debug.logged", password: "secret-password-456", name: "x", role: "ADMIN" } }, token, { cookie: "session=secret-cookie-789" });
    const logged = lines.map((line) => JSON.parse(line)).find((line) => line.msg === "graphql request" && String(line.query).includes("Create"));
    // the line is there and carries the request: a secret in it would be seen
    expect(logged.variables.input).toMatchObject({ username: "debug.logged", password: "[redacted]" });
    expect(logged.headers).toMatchObject({ authorization: "[redacted]", cookie: "[redacted]", "content-type": "application/json" });
    const all = lines.join("\n");
    for (const secret of ["secret-password-456", token, "secret-cookie-789"]) expect(all).not.toContain(secret);
  } finally {
    await debug.stop();
  }
});
