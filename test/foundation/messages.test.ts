import fs from "node:fs";
import path from "node:path";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import { createClient, type Client } from "graphql-ws";
import { isEnumType, isInputObjectType, isObjectType, type GraphQLSchema } from "graphql";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { ConfigError, loadConfig } from "../../src/config";
import { GraphQLError } from "graphql";
import { ANSWERED_CODES, ERROR_CODES, formatError } from "../../src/core/errors";
import { CODE_TEXTS } from "../../src/core/i18n/codes";
import { FIELD_LABELS } from "../../src/core/i18n/fields";
import { negotiateLocale } from "../../src/core/i18n/locale";
import { ENTITY_NAMES } from "../../src/core/i18n/messages";
import { enumLabels } from "../../src/core/labels";
import { REMITS } from "../../src/modules/policy/remits";
import { REMIT_VERBS_ZH } from "../../src/modules/policy/remits.zh";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { codeOf, startTestServer, subscribe, type TestServer } from "../support/server";
import { claim, publishTask, PUBLISH, TASK, VERIFY } from "../board/board-helpers";

const CJK = /[\u4e00-\u9fff]/;
const SRC = path.join(__dirname, "../../src");
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

/** A graphql-ws client whose upgrade request sends Accept-Language, and connectionParams as given. */
function wsClient(server: TestServer, options: { token?: string; acceptLanguage?: string; locale?: string }): Client {
  const headers = options.acceptLanguage ? { "accept-language": options.acceptLanguage } : {};
  class LanguageSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({
    url: server.wsUrl,
    webSocketImpl: LanguageSocket,
    connectionParams: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.locale ? { locale: options.locale } : {}) },
    retryAttempts: 0,
    lazy: true,
  });
}

/** The first error a subscription answers with. */
async function subscriptionError(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const sub = subscribe(client, query, variables);
  await sub.next(1, 5000).catch(() => undefined);
  const errors = sub.errors as unknown[];
  await client.dispose();
  const first = (Array.isArray(errors[0]) ? errors[0][0] : errors[0]) as { message: string; extensions?: Record<string, unknown> };
  return first;
}

describe("locale negotiation", () => {
  test("DEFAULT_LOCALE is zh-CN unless set to en, and anything else is refused at start", () => {
    expect(loadConfig({}).defaultLocale).toBe("zh-CN");
    expect(loadConfig({ DEFAULT_LOCALE: "en" }).defaultLocale).toBe("en");
    expect(loadConfig({ DEFAULT_LOCALE: "zh-cn" }).defaultLocale).toBe("zh-CN");
    expect(() => loadConfig({ DEFAULT_LOCALE: "fr" })).toThrow(ConfigError);
  });

  test("Accept-Language with q-values picks the language, Chinese ranges give zh-CN, others the default", () => {
    expect(negotiateLocale(undefined, "zh-CN")).toBe("zh-CN");
    expect(negotiateLocale("en", "zh-CN")).toBe("en");
    expect(negotiateLocale("en-US,en;q=0.9", "zh-CN")).toBe("en");
    expect(negotiateLocale("zh-CN;q=0.3, en;q=0.8", "zh-CN")).toBe("en");
    expect(negotiateLocale("en;q=0.4, zh-CN;q=0.9", "en")).toBe("zh-CN");
    expect(negotiateLocale("zh-TW", "en")).toBe("zh-CN");
    expect(negotiateLocale("zh", "en")).toBe("zh-CN");
    expect(negotiateLocale("fr, en;q=0.5", "zh-CN")).toBe("en");
    expect(negotiateLocale("fr", "zh-CN")).toBe("zh-CN");
    expect(negotiateLocale("fr", "en")).toBe("en");
    expect(negotiateLocale("*", "en")).toBe("en");
    expect(negotiateLocale("en;q=0", "zh-CN")).toBe("zh-CN");
  });
});

describe("formatError outside development", () => {
  const shaped = (error: Error, locale: "zh-CN" | "en") => {
    const wrapped = new GraphQLError(error.message, { originalError: error, path: ["field"] });
    return formatError(wrapped.toJSON(), wrapped, false, true, locale);
  };

  test("an internal failure answers INTERNAL_SERVER_ERROR in Chinese with nothing of its insides; an outage SERVICE_UNAVAILABLE", () => {
    const internal = shaped(new Error("SELECT secret FROM users failed"), "zh-CN");
    expect(internal).toEqual({ message: "服务器内部错误，请稍后重试；如持续出现请联系管理员", path: ["field"], locations: undefined, extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(shaped(new Error("SELECT secret FROM users failed"), "en").message).toBe("Internal server error");
    const outage = shaped(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "zh-CN");
    expect(outage).toMatchObject({ message: "服务暂时无法访问数据库，请稍后重试", extensions: { code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 5 } });
  });
});

describe("messages over HTTP and WebSocket (DEFAULT_LOCALE zh-CN)", () => {
  let server: TestServer;
  let admin: { token: string };
  let cadre: { token: string };
  let other: { token: string };

  beforeAll(async () => {
    server = await startTestServer({ env: { DEFAULT_LOCALE: "zh-CN" }, config: { maxQueryAliases: 3 } });
    admin = await server.user("ADMIN");
    cadre = await server.user("CADRE", { name: "张伟" });
    other = await server.user("CADRE");
  });
  afterAll(() => server?.stop());

  const gql = (query: string, variables: Record<string, unknown>, token?: string, acceptLanguage?: string) =>
    server.gql(query, variables, token, acceptLanguage ? { "accept-language": acceptLanguage } : {});

  test("a domain error is Chinese by default and English with Accept-Language: en; the code is the same", async () => {
    const task = await publishTask(server, admin.token);
    expect((await claim(server, cadre.token, task.id)).errors).toBeUndefined();
    const zh = await claim(server, other.token, task.id);
    expect(codeOf(zh)).toBe("TASK_ALREADY_CLAIMED");
    expect(zh.errors![0].message).toBe("该任务已被张伟认领");
    expect(zh.errors![0].extensions).toMatchObject({ claimantName: "张伟" });
    const en = await server.gql(`mutation($input: ClaimTaskInput!) { claimTask(input: $input) { id } }`, { input: { taskId: task.id, pledge: "按期" } }, other.token, { "accept-language": "en" });
    expect(codeOf(en)).toBe("TASK_ALREADY_CLAIMED");
    expect(en.errors![0].message).toBe("This task was already claimed by 张伟");
  });

  test("q-values choose between the two", async () => {
    const ask = (header: string) => gql(TASK, { id: UNKNOWN_ID }, admin.token, header);
    expect((await ask("zh-CN;q=0.3, en;q=0.8")).errors![0].message).toBe(`BoardTask ${UNKNOWN_ID} was not found`);
    expect((await ask("en;q=0.4, zh-CN;q=0.9")).errors![0].message).toBe(`未找到编号为 ${UNKNOWN_ID} 的任务榜任务，或您无权查看`);
    expect((await ask("fr")).errors![0].message).toMatch(CJK);
  });

  test("NOT_FOUND names the entity in Chinese; INVALID_TRANSITION names both states by their Chinese labels", async () => {
    const missing = await gql(TASK, { id: UNKNOWN_ID }, admin.token);
    expect(codeOf(missing)).toBe("NOT_FOUND");
    expect(missing.errors![0].extensions).toMatchObject({ entity: "BoardTask", id: UNKNOWN_ID });
    expect(missing.errors![0].message).toBe(`未找到编号为 ${UNKNOWN_ID} 的任务榜任务，或您无权查看`);

    const open = await publishTask(server, admin.token);
    const verify = await gql(VERIFY, { input: { taskId: open.id, fulfilled: true } }, admin.token);
    expect(codeOf(verify)).toBe("INVALID_TRANSITION");
    expect(verify.errors![0].extensions).toMatchObject({ from: "OPEN", to: "FULFILLED" });
    expect(verify.errors![0].message).toBe(`任务榜任务当前为「${enumLabels("TaskStatus")!.OPEN.zh}」，不能转为「${enumLabels("TaskStatus")!.FULFILLED.zh}」`);
  });

  test("a validation failure names the field in Chinese and says what is wrong, with numbers", async () => {
    const input = { title: "t", description: "d", category: "KEY_WORK", dueAt: "2030-01-01T00:00:00Z" };
    const long = await gql(PUBLISH, { input: { ...input, title: "长".repeat(201) } }, admin.token);
    expect(codeOf(long)).toBe("BAD_USER_INPUT");
    expect(long.errors![0].extensions!.field).toBe("title");
    expect(long.errors![0].message).toBe("标题不能超过 200 个字符（现为 201 个）");

    const blank = await gql(PUBLISH, { input: { ...input, title: "   " } }, admin.token);
    expect(blank.errors![0].extensions!.field).toBe("title");
    expect(blank.errors![0].message).toBe("标题不能为空白，至少要有一个可见的字");

    const empty = await gql(PUBLISH, { input: { ...input, title: "" } }, admin.token);
    expect(empty.errors![0].message).toBe("标题不能为空");

    const past = await gql(PUBLISH, { input: { ...input, dueAt: "2020-01-01T00:00:00Z" } }, admin.token);
    expect(past.errors![0].extensions!.field).toBe("dueAt");
    expect(past.errors![0].message).toBe("截止时间须晚于当前时间");

    const english = await gql(PUBLISH, { input: { ...input, title: "长".repeat(201) } }, admin.token, "en");
    expect(english.errors![0].message).toBe("Invalid title: title must be shorter than or equal to 200 characters");
  });

  test("graphql-js' own errors (validation, parse, variable coercion) and the query limits answer in Chinese, codes unchanged", async () => {
    const unknownField = await gql(`{ nope }`, {}, admin.token);
    expect(codeOf(unknownField)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(unknownField.errors![0].message).toMatch(/^类型 Query 没有字段 nope（Cannot query field "nope" on type "Query"\.）$/);

    const parse = await gql(`{ me {`, {}, admin.token);
    expect(codeOf(parse)).toBe("GRAPHQL_PARSE_FAILED");
    expect(parse.errors![0].message).toMatch(/^查询语句有语法错误（Syntax Error/);

    const badDate = await gql(PUBLISH, { input: { title: "t", description: "d", category: "KEY_WORK", dueAt: "not a date" } }, admin.token);
    expect(codeOf(badDate)).toBe("BAD_USER_INPUT");
    expect(badDate.errors![0].message).toMatch(/^变量 \$input 中「截止时间」（input\.dueAt）的值 "not a date" 无效：不是有效的日期时间/);

    const missingField = await gql(PUBLISH, { input: { title: "t", description: "d", category: "KEY_WORK" } }, admin.token);
    expect(codeOf(missingField)).toBe("BAD_USER_INPUT");
    expect(missingField.errors![0].message).toMatch(/缺少必填项「截止时间」（dueAt）/);

    const ranges = Array.from({ length: 4 }, (_, i) => `d${i}: workingDaysBetween(from: "2026-01-01", to: "2026-02-0${i + 1}")`).join(" ");
    const aliases = await gql(`{ ${ranges} }`, {}, admin.token);
    expect(codeOf(aliases)).toBe("QUERY_TOO_MANY_ALIASES");
    expect(aliases.errors![0].message).toBe("查询中的别名字段超过 3 个，请分批查询");
  });

  test("a refused token and the HTTP layer's own answers (404, bad JSON, batch too large, 413, CSRF) are Chinese too", async () => {
    const badToken = await gql(`{ __typename }`, {}, "not-a-token");
    expect(codeOf(badToken)).toBe("UNAUTHENTICATED");
    expect(badToken.errors![0].message).toBe("登录凭证无效，请重新登录");

    const base = server.url.replace(/\/graphql$/, "");
    const nowhere = (await (await fetch(`${base}/nowhere`)).json()) as any;
    expect(nowhere.errors[0]).toMatchObject({ extensions: { code: "NOT_FOUND" }, message: expect.stringMatching(/^地址 \/nowhere 不存在/) });
    expect(((await (await fetch(`${base}/nowhere`, { headers: { "accept-language": "en" } })).json()) as any).errors[0].message).toBe("Nothing at /nowhere; GraphQL is at /graphql");

    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const notJson = await post("{ not json");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).errors[0]).toMatchObject({ extensions: { code: "BAD_REQUEST" }, message: expect.stringMatching(/^请求内容不是有效的 JSON/) });

    const batch = await post(JSON.stringify(Array.from({ length: server.config.maxBatchOperations + 1 }, () => ({ query: "{ __typename }" }))));
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as any).errors[0]).toMatchObject({ extensions: { code: "BATCH_TOO_LARGE" }, message: expect.stringMatching(/^一次批量请求最多包含 \d+ 个操作/) });

    const large = await post(JSON.stringify({ query: "{ __typename }", padding: "x".repeat(1024 * 1024) }));
    expect(large.status).toBe(413);
    expect(((await large.json()) as any).errors[0]).toMatchObject({ extensions: { code: "PAYLOAD_TOO_LARGE" }, message: expect.stringMatching(/^请求内容超过 \d+ 字节的上限/) });

    const csrf = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`);
    expect(csrf.status).toBe(400);
    expect(((await csrf.json()) as any).errors[0]).toMatchObject({ extensions: { code: "BAD_REQUEST" }, message: expect.stringMatching(/^请求被跨站请求伪造（CSRF）防护拦截/) });
  });

  test("a subscription's error is Chinese by default, English by the upgrade's Accept-Language or connectionParams.locale", async () => {
    const query = `subscription($projectId: ID) { urgentRequests(projectId: $projectId) { type } }`;
    const zh = await subscriptionError(wsClient(server, { token: admin.token }), query, { projectId: UNKNOWN_ID });
    expect(zh.extensions).toMatchObject({ code: "NOT_FOUND", entity: "Project" });
    expect(zh.message).toBe(`未找到编号为 ${UNKNOWN_ID} 的项目，或您无权查看`);

    const byHeader = await subscriptionError(wsClient(server, { token: admin.token, acceptLanguage: "en-GB, zh;q=0.5" }), query, { projectId: UNKNOWN_ID });
    expect(byHeader.extensions).toMatchObject({ code: "NOT_FOUND" });
    expect(byHeader.message).toBe(`Project ${UNKNOWN_ID} was not found`);

    const byParams = await subscriptionError(wsClient(server, { token: admin.token, acceptLanguage: "zh-CN", locale: "en" }), query, { projectId: UNKNOWN_ID });
    expect(byParams.message).toBe(`Project ${UNKNOWN_ID} was not found`);

    const anonymous = await subscriptionError(wsClient(server, {}), query);
    expect(anonymous.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(anonymous.message).toMatch(/^请先登录/);

    const invalid = await subscriptionError(wsClient(server, { token: admin.token }), `subscription { urgentRequests { nope } }`);
    expect(invalid.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
    expect(invalid.message).toMatch(/^类型 UrgentRequestEvent 没有字段 nope/);
  });

  test("a FORBIDDEN from the remit table names who may, in Chinese", async () => {
    const enterprise = await makeEnterprise(server);
    const project = await makeProject(server, enterprise.id);
    const refused = await gql(
      `mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`,
      { input: { projectId: project.id, cadreId: UNKNOWN_ID } },
      cadre.token,
    );
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0].message).toBe("只有区委改革办（管理员）才能指定项目经理人");
  });
});

describe("DEFAULT_LOCALE=en", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { DEFAULT_LOCALE: "en" } });
  });
  afterAll(() => server?.stop());

  test("answers English without Accept-Language, Chinese when asked for, over HTTP and WebSocket", async () => {
    const admin = await server.user("ADMIN");
    expect((await server.gql(TASK, { id: UNKNOWN_ID }, admin.token)).errors![0].message).toBe(`BoardTask ${UNKNOWN_ID} was not found`);
    expect((await server.gql(TASK, { id: UNKNOWN_ID }, admin.token, { "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" })).errors![0].message).toBe(
      `未找到编号为 ${UNKNOWN_ID} 的任务榜任务，或您无权查看`,
    );
    const query = `subscription($projectId: ID) { urgentRequests(projectId: $projectId) { type } }`;
    expect((await subscriptionError(wsClient(server, { token: admin.token }), query, { projectId: UNKNOWN_ID })).message).toBe(`Project ${UNKNOWN_ID} was not found`);
    expect((await subscriptionError(wsClient(server, { token: admin.token, locale: "zh-CN" }), query, { projectId: UNKNOWN_ID })).message).toBe(
      `未找到编号为 ${UNKNOWN_ID} 的项目，或您无权查看`,
    );
  });
});

describe("the catalog covers everything a client can receive", () => {
  let server: TestServer;
  let schema: GraphQLSchema;
  beforeAll(async () => {
    server = await startTestServer();
    schema = server.app.schema;
  });
  afterAll(() => server?.stop());

  test("enum ErrorCode holds every code the server answers with, each described in English and Chinese and labelled", () => {
    const type = schema.getType("ErrorCode");
    expect(type && isEnumType(type)).toBe(true);
    const values = isEnumType(type) ? type.getValues() : [];
    expect(values.map((v) => v.name)).toEqual([...ANSWERED_CODES]);
    for (const value of values) expect(value.description).toMatch(CJK);
    expect(Object.keys(enumLabels("ErrorCode")!)).toEqual([...ANSWERED_CODES]);
    // every code has its zh-CN message and label
    for (const code of ANSWERED_CODES) {
      expect(CODE_TEXTS[code].message, code).toMatch(CJK);
      expect(CODE_TEXTS[code].zh, code).toMatch(CJK);
    }
    // Apollo's own codes, and every code literal the server and the core answer with
    for (const code of Object.values(ApolloServerErrorCode)) expect(ANSWERED_CODES, code).toContain(code);
    const literals = new Set<string>(ERROR_CODES);
    const files = [path.join(SRC, "server.ts"), ...fs.readdirSync(path.join(SRC, "core")).filter((f) => f.endsWith(".ts")).map((f) => path.join(SRC, "core", f))];
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bcode: "([A-Z_]+)"|errorBody\("([A-Z_]+)"|new HttpError\([^;]*?"([A-Z_]+)"\)|new AppError\(\s*"([A-Z_]+)"/g)) literals.add(m[1] ?? m[2] ?? m[3] ?? m[4]);
    }
    expect(literals.size).toBeGreaterThan(ERROR_CODES.length);
    for (const code of literals) expect(ANSWERED_CODES, code).toContain(code);
  });

  test("every input field and argument of the schema has a Chinese label", () => {
    const names = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) names.add(field.name);
      if (isObjectType(type)) for (const field of Object.values(type.getFields())) for (const arg of field.args) names.add(arg.name);
    }
    const missing = [...names].filter((name) => !FIELD_LABELS[name]);
    expect(missing).toEqual([]);
  });

  test("every remit has its Chinese verb", () => {
    expect(Object.keys(REMITS).filter((name) => !(REMIT_VERBS_ZH as Record<string, string>)[name])).toEqual([]);
  });

  /**
   * Every throw site in src gives its Chinese message: badInput's third argument, conflict's and
   * forbidden's second, AppError's third, insertUnique's { en, zh }; NOT_FOUND and
   * INVALID_TRANSITION name an entity the catalog has a Chinese name for.
   */
  test("every throw site in src carries a Chinese message, and every entity named has a Chinese name", () => {
    const problems: string[] = [];
    const sourceFiles = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : []));
    const skip = new Set(["core/errors.ts", "core/unique.ts"].map((f) => path.join(SRC, f)));
    let sites = 0;
    for (const file of sourceFiles(SRC)) {
      if (skip.has(file) || file.includes(`${path.sep}i18n${path.sep}`)) continue;
      const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
      const where = (node: ts.Node) => `${path.relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const chinese = (arg: ts.Expression | undefined) => !!arg && (CJK.test(arg.getText()) || /zh/i.test(arg.getText()));
      const entity = (arg: ts.Expression | undefined, node: ts.Node) => {
        if (arg && ts.isStringLiteral(arg) && !ENTITY_NAMES[arg.text]) problems.push(`${where(node)}: entity ${arg.text} has no Chinese name`);
      };
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
          const callee = node.expression.getText();
          const args = [...(node.arguments ?? [])];
          const check = (ok: boolean) => {
            sites++;
            if (!ok) problems.push(`${where(node)}: ${node.getText().slice(0, 120)}`);
          };
          if (ts.isNewExpression(node) && callee === "AppError") check(chinese(args[2]));
          else if (ts.isCallExpression(node)) {
            if (callee === "badInput") check(chinese(args[2]));
            else if (callee === "conflict" || callee === "forbidden") check(chinese(args[1]));
            else if (callee === "unauthenticated") check(args.length === 0 || chinese(args[1]));
            else if (callee === "refused") check(args.length === 1 || chinese(args[2]));
            else if (callee === "insertUnique") check(!!args[1] && ts.isObjectLiteralExpression(args[1]) && chinese(args[1]));
            else if (callee === "notFound" || callee === "invalidTransition") {
              sites++;
              entity(args[0], node);
            } else if (callee === "assertTransition") {
              sites++;
              entity(args[1], node);
            }
          }
        }
        if (ts.isPropertyAssignment(node) && node.name.getText() === "entity") entity(node.initializer, node);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(sites).toBeGreaterThan(200);
    expect(problems).toEqual([]);
  });
});
