import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { CLAIM, publishTask } from "../board/board-helpers";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

/** What graphql-jit did in this file's servers: documents compiled, and operations its compiled code ran. */
const jit = vi.hoisted(() => ({ compiled: 0, runs: 0 }));
vi.mock("graphql-jit", async (importOriginal) => {
  const original = await importOriginal<typeof import("graphql-jit")>();
  return {
    ...original,
    compileQuery: ((...args: Parameters<typeof original.compileQuery>) => {
      const compiled = original.compileQuery(...args);
      if (!("query" in compiled)) return compiled;
      jit.compiled++;
      return { ...compiled, query: (...run: Parameters<typeof compiled.query>) => (jit.runs++, compiled.query(...run)) };
    }) as typeof original.compileQuery,
  };
});

/** One database, two servers on it: the same data answered by each engine. */
let compiled: TestServer;
let interpreted: TestServer;
const tokens: Record<"admin" | "cadre" | "enterprise", string> = { admin: "", cadre: "", enterprise: "" };
/** Fixture ids, known once beforeAll has made them. */
const ids = { task: "", project: "", otherProject: "" };

beforeAll(async () => {
  compiled = await startTestServer({ config: { graphqlEngine: "jit", slaCheckIntervalMs: 0 } });
  interpreted = await startTestServer({ share: compiled, config: { graphqlEngine: "graphql-js", slaCheckIntervalMs: 0 } });
  const admin = await compiled.user("ADMIN");
  const cadre = await compiled.user("CADRE");
  const enterprise = await makeEnterprise(compiled, "引擎企业");
  const other = await makeEnterprise(compiled, "别家企业");
  tokens.admin = admin.token;
  tokens.cadre = cadre.token;
  tokens.enterprise = (await compiled.user("ENTERPRISE", { enterpriseId: enterprise.id })).token;
  const projectId = (await makeProject(compiled, enterprise.id, { name: "引擎项目" })).id;
  ids.project = projectId;
  ids.otherProject = (await makeProject(compiled, other.id, { name: "别家项目" })).id;
  const assigned = await compiled.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId, cadreId: cadre.user.id } }, admin.token);
  expect(assigned.errors).toBeUndefined();
  for (let i = 0; i < 4; i++) await publishTask(compiled, admin.token, { title: `引擎任务 ${i}`, projectId });
  await publishTask(compiled, admin.token, { title: "无项目任务" });
  ids.task = (await publishTask(compiled, admin.token, { title: "已认领任务", projectId })).id;
  expect((await compiled.gql(CLAIM, { input: { taskId: ids.task, pledge: "按期完成" } }, cadre.token)).errors).toBeUndefined();
});
afterAll(async () => {
  await interpreted?.stop();
  await compiled?.stop();
});

interface Answer {
  status: number;
  body: any;
}

async function post(server: TestServer, body: unknown, token?: string): Promise<Answer> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: withoutStackFrames(await response.json()) };
}

/** A development answer's stack trace names each engine's own frames: compared by its first line (the error and its message). */
function withoutStackFrames(value: any): any {
  if (Array.isArray(value)) return value.map(withoutStackFrames);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === "stacktrace" && Array.isArray(inner) ? inner.slice(0, 1) : withoutStackFrames(inner)]));
}

/**
 * Each engine's answer to the same request; the compiled server's three times: graphql-js answers
 * a document's first use and queues its compilation, the compiled code the second and third.
 */
async function bothEngines(body: unknown, token?: string) {
  const expected = await post(interpreted, body, token);
  const answers = [];
  for (let use = 1; use <= 3; use++) answers.push(await post(compiled, body, token));
  return { expected, answers };
}

const PAGE_FIELDS = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ...TaskCard } }`;
const TASK_CARD = `fragment TaskCard on BoardTask { id title status category dueAt overdue pledge revision viewerCanClaim
  claimant { id name role department { code name } } publishedBy { name } project { ...ProjectName manager { name } } }
  fragment ProjectName on Project { __typename id name code stage fastTrackStatus }`;

/**
 * [name, request body, caller, compiled runs]: pages, fragments, directives, every error code we
 * can provoke, limits, mutations. Compiled runs: how many times the compiled server's compiled code
 * was called for its three answers (per operation: 2 after a first use, 3 for a document compiled
 * before; 0 where graphql-js answers, or Apollo refuses before execution; the omitted default is
 * called, refused, and re-run on graphql-js).
 */
const cases: Array<[string, () => unknown, keyof typeof tokens | undefined, number]> = [
  ["a board page with nested relations and fragments", () => ({ query: `query Board($first: Int) { taskBoard(first: $first) { ${PAGE_FIELDS} } } ${TASK_CARD}`, variables: { first: 3 } }), "cadre", 2],
  ["the next board page (cursor, literal enum and DateTimeISO arguments)", () => ({ query: `query { taskBoard(first: 2, after: null, orderBy: PUBLISHED_AT_DESC, filter: { dueBefore: "2027-01-01T00:00:00.000Z", status: OPEN }) { ${PAGE_FIELDS} } } ${TASK_CARD}` }), "admin", 2],
  ["a project page with its board tasks, aliases and __typename", () => ({ query: `query($id: ID!) { project(id: $id) { __typename ...ProjectName enterprise { name } open: boardTasks(first: 2, filter: { status: OPEN }) { totalCount edges { node { id title } } } claimed: boardTasks(filter: { status: CLAIMED }) { edges { node { id claimant { name } } } } team { __typename } } projects(first: 5) { totalCount edges { node { id name manager { name } } } } } fragment ProjectName on Project { id name code }`, variables: { id: ids.project } }), "enterprise", 2],
  ["@skip and @include with variables, on fields, fragment spreads and inline fragments", () => ({ query: `query($withClaimant: Boolean!, $skipProject: Boolean = true) { taskBoard(first: 4) { edges { node { id claimant @include(if: $withClaimant) { name } ...Project @skip(if: $skipProject) ... on BoardTask @include(if: $withClaimant) { pledge } } } } } fragment Project on BoardTask { project { name } }`, variables: { withClaimant: true } }), "cadre", 2],
  ["the same directives the other way round", () => ({ query: `query($withClaimant: Boolean!, $skipProject: Boolean = true) { taskBoard(first: 4) { edges { node { id claimant @include(if: $withClaimant) { name } ...Project @skip(if: $skipProject) ... on BoardTask @include(if: $withClaimant) { pledge } } } } } fragment Project on BoardTask { project { name } }`, variables: { withClaimant: false, skipProject: false } }), "cadre", 3],
  ["inline fragments on a union (to-dos)", () => ({ query: `{ myTodos(first: 5) { totalCount countsByKind { kind count } edges { node { kind title overdue dueAt subject { __typename ... on BoardTask { id title status } ... on ServiceTicket { id } } project { name } } } } }` }), "cadre", 0],
  ["one operation of several, chosen by name", () => ({ query: `query Me { me { id role } } query Departments { departments { code name } }`, operationName: "Departments" }), "cadre", 2],
  ["a batch of two operations", () => ([{ query: `{ me { name } }` }, { query: `query($id: ID!) { task(id: $id) { id status claimant { name } } }`, variables: { id: ids.task } }]), "cadre", 4],
  ["UNAUTHENTICATED: a signed-in field asked anonymously", () => ({ query: `{ taskBoard(first: 1) { totalCount } }` }), undefined, 2],
  ["FORBIDDEN: an ADMIN field asked by an enterprise", () => ({ query: `{ users(first: 1) { totalCount } }` }), "enterprise", 2],
  ["NOT_FOUND: another enterprise's project, beside data that stands", () => ({ query: `query($id: ID!) { project(id: $id) { id name } me { role } }`, variables: { id: ids.otherProject } }), "enterprise", 2],
  ["NOT_FOUND: a task that does not exist", () => ({ query: `{ task(id: "no-such-task") { id } }` }), "cadre", 2],
  ["BAD_USER_INPUT: a variable of the wrong type", () => ({ query: `query($first: Int) { taskBoard(first: $first) { totalCount } }`, variables: { first: "many" } }), "cadre", 0],
  ["BAD_USER_INPUT: a required variable missing", () => ({ query: `query($id: ID!) { task(id: $id) { id } }` }), "cadre", 0],
  ["BAD_USER_INPUT: an enum variable with an unknown value", () => ({ query: `query($filter: TaskBoardFilter) { taskBoard(first: 1, filter: $filter) { totalCount } }`, variables: { filter: { status: "SOMEWHERE" } } }), "cadre", 0],
  ["BAD_USER_INPUT: an input object given as a list", () => ({ query: `query($filter: TaskBoardFilter) { taskBoard(first: 1, filter: $filter) { totalCount } }`, variables: { filter: [] } }), "cadre", 0],
  ["an omitted non-null input field with a default (deferredItems = [])", () => ({ query: `mutation($input: ApplyFastTrackInput!) { applyFastTrack(input: $input) { id fastTrackStatus } }`, variables: { input: { projectId: ids.project } } }), "enterprise", 2],
  ["BAD_USER_INPUT: a mutation's input refused by validation, writing nothing", () => ({ query: `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`, variables: { input: { title: " ", description: "d", category: "KEY_WORK", dueAt: "2026-05-01T00:00:00.000Z" } } }), "admin", 2],
  ["a mutation that succeeds (the same answer twice)", () => ({ query: `mutation($input: SetMutedNotificationKindsInput!) { setMutedNotificationKinds(input: $input) { mutedKinds mutableKinds } }`, variables: { input: { kinds: ["TASK_DUE_SOON"] } } }), "cadre", 2],
  ["GRAPHQL_VALIDATION_FAILED: an unknown field", () => ({ query: `{ taskBoard(first: 1) { totalCount nope } }` }), "cadre", 0],
  ["QUERY_TOO_MANY_ALIASES", () => ({ query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(" ")} }` }), "cadre", 0],
  ["QUERY_TOO_DEEP", () => ({ query: `{ taskBoard { edges { node { project { boardTasks { edges { node { project { boardTasks { edges { node { project { name } } } } } } } } } } } } }` }), "cadre", 0],
  ["a subscription over HTTP", () => ({ query: `subscription { taskBoardChanged { type } }` }), "cadre", 0],
];

describe("graphql-jit and graphql-js give the same answers", () => {
  test.each(cases)("%s", async (_name, body, caller, compiledRuns) => {
    const runsBefore = jit.runs;
    const { expected, answers } = await bothEngines(body(), caller && tokens[caller]);
    for (const answer of answers) expect(answer).toEqual(expected);
    expect(jit.runs - runsBefore).toBe(compiledRuns);
  });

  test("a bad variable the query limits no longer look at (the cost is kept per page size) is judged as graphql-js judges it", async () => {
    const query = `query($filter: TaskBoardFilter) { taskBoard(first: 2, filter: $filter) { totalCount } }`;
    const valid = await bothEngines({ query, variables: { filter: { status: "OPEN" } } }, tokens.cadre);
    for (const answer of valid.answers) expect(answer).toEqual(valid.expected);
    // graphql-jit alone takes a list for an input object (as {})
    const { expected, answers } = await bothEngines({ query, variables: { filter: [] } }, tokens.cadre);
    expect(expected.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    for (const answer of answers) expect(answer).toEqual(expected);
  });

  test("an ordinary error thrown below a resolver (a missing table) answers the same in development: code, message, path, first stack line", async () => {
    const { dataSource } = compiled.app.services;
    await dataSource.query("ALTER TABLE department RENAME TO department_gone");
    try {
      const runsBefore = jit.runs;
      const { expected, answers } = await bothEngines({ query: `{ departments { code } me { id } }` }, tokens.cadre);
      expect(jit.runs - runsBefore).toBe(2);
      expect(expected.body.errors[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
      expect(expected.body.errors[0].extensions.stacktrace[0]).toMatch(/department/);
      for (const answer of answers) expect(answer).toEqual(expected);
    } finally {
      await dataSource.query("ALTER TABLE department_gone RENAME TO department");
    }
  });
});

test("the jit engine answers a document's first use with graphql-js, compiles it once, then runs it compiled; graphql-js compiles nothing", async () => {
  const query = `query CompiledOnce { me { id name role } }`;
  const before = { ...jit };
  await post(interpreted, { query }, tokens.cadre);
  await post(interpreted, { query }, tokens.cadre);
  expect(jit).toEqual(before);
  const first = await post(compiled, { query }, tokens.cadre);
  expect(jit.runs).toBe(before.runs);
  const second = await post(compiled, { query }, tokens.cadre);
  const third = await post(compiled, { query }, tokens.cadre);
  expect(jit).toEqual({ compiled: before.compiled + 1, runs: before.runs + 2 });
  // each operation of a text is compiled of its own
  for (const operationName of ["CompiledOnce", "Other", "Other"]) await post(compiled, { query: `${query} query Other { me { id } }`, operationName }, tokens.cadre);
  expect(jit).toEqual({ compiled: before.compiled + 3, runs: before.runs + 3 });
  expect(second).toEqual(first);
  expect(third).toEqual(first);
  expect(first.body.data.me.role).toBe("CADRE");
});
