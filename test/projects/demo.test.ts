import { afterAll, beforeAll, expect, test } from "vitest";
import { describeDemoLogins, DEMO_PASSWORD } from "../../src/modules/seed";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  server = await startTestServer({ config: { seedDemo: true } });
  for (const username of ["admin", "ent.jxy"]) {
    const res = await server.gql(`mutation($input: LoginInput!) { login(input: $input) { token } }`, { input: { username, password: DEMO_PASSWORD } });
    tokens[username] = res.data.login.token;
  }
});
afterAll(() => server?.stop());

test("the demo holds the district's named projects in division 441602, with milestones and fast-track status", async () => {
  const res = await server.gql(`{ projects(first: 100) { totalCount edges { node { code name stage fastTrackStatus totalInvestment landContractOn constructionStartOn trialProductionOn enterprise { name } } } } }`, {}, tokens.admin);
  const projects = res.data.projects.edges.map((e: any) => e.node);
  expect(projects.map((p: any) => p.name)).toEqual(expect.arrayContaining(["特区建工·源城智能建造产业园", "华润怡宝河源饮料生产基地", "力升创投科技园二期", "聚芯源半导体二期", "源城共享产业园"]));
  for (const p of projects) expect(p.code).toMatch(/^\d{4}-441602-\d{2}-\d{2}-\d{6}$/);
  const started = projects.filter((p: any) => p.landContractOn && p.landContractOn === p.constructionStartOn).map((p: any) => p.name);
  expect(started).toEqual(expect.arrayContaining(["力升创投科技园二期", "聚芯源半导体二期", "源城共享产业园"]));
  expect(projects.find((p: any) => p.name === "聚芯源半导体二期").totalInvestment).toBe("12345678901.23");
  expect(projects.filter((p: any) => p.fastTrackStatus === "NOT_APPLIED")).toHaveLength(1);
});

test("deferred items in each state, letters signed, half-signed and amended, and applications at each step", async () => {
  const res = await server.gql(`{ projects(first: 100) { edges { node { name deferredItems { status } commitmentLetters { version status } applications { status } } } } }`, {}, tokens.admin);
  const nodes = res.data.projects.edges.map((e: any) => e.node);
  const statuses = new Set(nodes.flatMap((n: any) => n.deferredItems.map((d: any) => d.status)));
  expect([...statuses].sort()).toEqual(["OVERDUE", "PENDING", "SUPPLIED"]);
  const jxy = nodes.find((n: any) => n.name === "聚芯源半导体二期");
  expect(jxy.commitmentLetters).toEqual([{ version: 1, status: "SIGNED" }, { version: 2, status: "DRAFT" }]);
  const letterStates = new Set(nodes.flatMap((n: any) => n.commitmentLetters.map((l: any) => l.status)));
  expect([...letterStates].sort()).toEqual(["DRAFT", "SIGNED"]);
  const applicationStates = new Set(nodes.flatMap((n: any) => n.applications.map((a: any) => a.status)));
  expect([...applicationStates].sort()).toEqual(["APPROVED", "ISSUED", "RECEIVED", "REJECTED", "ROUTED"]);
  const negative = await server.gql(`{ negativeList { totalCount } }`, {}, tokens.admin);
  expect(negative.data.negativeList.totalCount).toBeGreaterThan(0);
});

test("a demo enterprise user sees only its own projects", async () => {
  const res = await server.gql(`{ projects { edges { node { name enterprise { name } } } } }`, {}, tokens["ent.jxy"]);
  expect(res.data.projects.edges.map((e: any) => e.node.name)).toEqual(["聚芯源半导体二期"]);
});

test("the printed demo logins say who is who: role, department or enterprise, front desk, standing duties, projects managed and served on", async () => {
  const lines = await describeDemoLogins(server.app.services);
  const of = (username: string) => lines.find((line) => line.startsWith(`${username} `));
  expect(of("admin")).toBe("admin [ADMIN] 区委改革办 管理员, 区委改革办");
  expect(of("cadre.zhao")).toBe("cadre.zhao [CADRE] 赵敏, 区政务服务数据管理局 (前台综合受理 front desk)");
  expect(of("cadre.wang")).toMatch(/^cadre\.wang \[CADRE\] 王强, 区住房和城乡建设局 \(分栋验收 building acceptance/);
  expect(of("cadre.li")).toMatch(/^cadre\.li \[CADRE\] 李娜, 区自然资源局 \(多测合一 surveys/);
  expect(of("ent.jxy")).toBe("ent.jxy [ENTERPRISE] 赵聚芯 (河源聚芯源半导体有限公司), 河源聚芯源半导体有限公司");
  // every project of the demo has its manager among the logins, named on the manager's line
  const projects = (await server.gql(`{ projects(first: 100) { edges { node { name manager { username } } } } }`, {}, tokens.admin)).data.projects.edges.map((e: any) => e.node);
  for (const project of projects) expect(of(project.manager.username), project.name).toContain(project.name);
  expect(of("cadre.huang")).toMatch(/专班 \S+ of /);
  for (const line of lines.filter((l) => l.includes("[CADRE]"))) expect(line).toMatch(/, 区|, 市|, 源城/);
});
