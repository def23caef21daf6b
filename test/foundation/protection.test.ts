import { afterAll, beforeAll, expect, test } from "vitest";
import { AuditEntry } from "../../src/core/audit";
import { LoginFailure, User } from "../../src/modules/accounts/user.entity";
import { codeOf, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

let server: TestServer;
let adminToken: string;
const logLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer({
    config: { maxQueryDepth: 3, maxQueryCost: 500, maxBatchOperations: 3, loginMaxFailuresPerAddress: 4, logLevel: "info" },
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
  const created = await server.gql(CREATE, { input: { username: "estimate.ok", password: "long-enough-pw", name: "x", role: "CADRE" } }, adminToken);
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
  const create = { query: `mutation { createUser(input: {username: "batch.user", password: "long-enough-pw", name: "x", role: CADRE}) { id } }` };
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
