import { afterAll, beforeAll, expect, test } from "vitest";
import { addDays, addMonths, districtDate } from "../../src/core/dates";
import { describeDemoLogins, DEMO_PASSWORD } from "../../src/demo/seed";
import { codeOf, startTestServer, type TestServer } from "../support/server";

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

const PATH = `{ projects(first: 100) { edges { node { id name stage fastTrackStatus startedOnCommitment constructionStartOn
  commitmentLetters { version status signedAt enterpriseSignedAt governmentSignedAt }
  circuitBreaker { state stopWorkOrder suspendedAt rectificationDueOn } circuitBreakerEvents { fromState toState reason at } } } } }`;
const pathOf = async () => (await server.gql(PATH, {}, tokens.admin)).data.projects.edges.map((e: any) => e.node);
const named = (projects: any[], name: string) => projects.find((p) => p.name === name);
const today = () => districtDate(server.clock.now());

test("the demo shows the path: a project at each fast-track status, each in the stage its milestones give", async () => {
  const projects = await pathOf();
  const statusOf = Object.fromEntries(projects.map((p: any) => [p.name, [p.fastTrackStatus, p.stage]]));
  expect(statusOf).toEqual({
    "特区建工·绿色建材基地": ["NOT_APPLIED", "PRE_LANDING"],
    "华润怡宝河源饮料基地二期": ["APPLIED", "LAND_OBTAINED"],
    "特区建工·源城智能建造产业园": ["ADMITTED", "UNDER_CONSTRUCTION"],
    "华润怡宝河源饮料生产基地": ["ADMITTED", "IN_PRODUCTION"],
    "聚芯源半导体二期": ["ADMITTED", "UNDER_CONSTRUCTION"],
    "源城共享产业园": ["ADMITTED", "UNDER_CONSTRUCTION"],
    "力升创投科技园二期": ["SUSPENDED", "UNDER_CONSTRUCTION"],
  });
  // APPLIED: the enterprise signed, the government has not, so it is not admitted and cannot start on commitment
  const applied = named(projects, "华润怡宝河源饮料基地二期");
  expect(applied.commitmentLetters).toEqual([expect.objectContaining({ version: 1, status: "DRAFT", signedAt: null, governmentSignedAt: null, enterpriseSignedAt: expect.any(String) })]);
  const start = await server.gql(`mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id } }`, { input: { projectId: applied.id, milestone: "CONSTRUCTION_START", on: today() } }, tokens.admin);
  expect(codeOf(start)).toBe("START_NOT_PERMITTED");
  // one started on its permit, the others on their signed letters (承诺即开工)
  expect(named(projects, "华润怡宝河源饮料生产基地").startedOnCommitment).toBe(false);
  for (const name of ["特区建工·源城智能建造产业园", "聚芯源半导体二期", "源城共享产业园", "力升创投科技园二期"]) expect(named(projects, name).startedOnCommitment, name).toBe(true);
});

test("聚芯源二期 started on commitment without a permit, its letter signed 5 months ago: a month short of the breaker", async () => {
  const projects = await pathOf();
  const juxin = named(projects, "聚芯源半导体二期");
  expect(juxin).toMatchObject({ fastTrackStatus: "ADMITTED", startedOnCommitment: true, circuitBreaker: { state: "ACTIVE", stopWorkOrder: null }, circuitBreakerEvents: [] });
  const signed = juxin.commitmentLetters.find((l: any) => l.status === "SIGNED");
  expect(districtDate(new Date(signed.signedAt))).toBe(addMonths(today(), -5));
  const permit = (await server.gql(`query($id: ID!) { approvalItems(projectId: $id, first: 50) { edges { node { kind status } } } }`, { id: juxin.id }, tokens.admin))
    .data.approvalItems.edges.map((e: any) => e.node).find((i: any) => i.kind === "CONSTRUCTION_PERMIT");
  expect(permit.status).not.toBe("APPROVED");
});

test("力升创投二期 is SUSPENDED with its stop-work order, tripped by the sweep from its facts; a sweep now changes nothing", async () => {
  const projects = await pathOf();
  const lisheng = named(projects, "力升创投科技园二期");
  expect(lisheng.circuitBreaker.state).toBe("SUSPENDED");
  expect(lisheng.circuitBreaker.stopWorkOrder).toMatch(/^停工整改: started on commitment \(承诺即开工\)/);
  // the overdue material nobody recorded as a cause, and the cause the reform office recorded
  expect(lisheng.circuitBreaker.stopWorkOrder).toContain("deferred material FIRE_DESIGN_REVIEW");
  expect(lisheng.circuitBreaker.stopWorkOrder).toContain("FUNDS_NOT_IN_PLACE");
  // the sweep of 20 days ago tripped it; it rectifies until RECTIFICATION_DAYS after that
  expect(districtDate(new Date(lisheng.circuitBreaker.suspendedAt))).toBe(addDays(today(), -20));
  expect(lisheng.circuitBreaker.rectificationDueOn).toBe(addDays(today(), -20 + server.app.services.config.rectificationDays));
  expect(lisheng.circuitBreakerEvents.map((e: any) => [e.fromState, e.toState, e.reason])).toEqual([["ACTIVE", "SUSPENDED", lisheng.circuitBreaker.stopWorkOrder]]);
  const dashboard = (await server.gql(`{ supervisionDashboard { suspendedProjects { name circuitBreaker { stopWorkOrder } } } }`, {}, tokens.admin)).data.supervisionDashboard;
  expect(dashboard.suspendedProjects).toEqual([{ name: "力升创投科技园二期", circuitBreaker: { stopWorkOrder: lisheng.circuitBreaker.stopWorkOrder } }]);
  // the stop-work order bites
  const work = await server.gql(`mutation($input: RecordProjectMilestoneInput!) { recordProjectMilestone(input: $input) { id } }`, { input: { projectId: lisheng.id, milestone: "PRE_ACCEPTANCE", on: today() } }, tokens.admin);
  expect(codeOf(work)).toBe("STOP_WORK_ORDER");
  // the audit trail shows the trip, with the project's stop-work order beside it
  const trail = (await server.gql(`query($id: ID!) { auditTrail(entityType: "CircuitBreaker", entityId: $id) { edges { node { action after } } } }`, { id: lisheng.id }, tokens.admin)).data.auditTrail.edges.map((e: any) => e.node);
  expect(trail.map((e: any) => e.action)).toContain("circuitBreaker.suspended");
  const projectTrail = (await server.gql(`query($id: ID!) { auditTrail(entityType: "Project", entityId: $id, first: 100) { edges { node { action } } } }`, { id: lisheng.id }, tokens.admin)).data.auditTrail.edges.map((e: any) => e.node.action);
  expect(projectTrail).toEqual(expect.arrayContaining(["project.applyFastTrack", "project.admitFastTrack", "project.milestone", "project.stopWorkOrder"]));

  // the server's sweep at start finds the demo as the seed left it
  const report = (await server.gql(`mutation { runDeadlineSweep { overdueDeferredItems breachedClauses overdueFindings suspendedProjects awaitingDecision creditRecords } }`, {}, tokens.admin)).data.runDeadlineSweep;
  expect(report).toEqual({ overdueDeferredItems: 0, breachedClauses: 0, overdueFindings: 0, suspendedProjects: 0, awaitingDecision: 0, creditRecords: 0 });
  expect((await pathOf()).map((p: any) => [p.name, p.fastTrackStatus])).toEqual(projects.map((p: any) => [p.name, p.fastTrackStatus]));
});

test("the demo is made by the services: every decided approval item has the audit entry of its decision, every start its milestone entry", async () => {
  const projects = await pathOf();
  let decided = 0;
  for (const project of projects) {
    const items = (await server.gql(`query($id: ID!) { approvalItems(projectId: $id, first: 50) { edges { node { id kind status } } } }`, { id: project.id }, tokens.admin)).data.approvalItems.edges.map((e: any) => e.node);
    for (const item of items.filter((i: any) => i.status === "APPROVED" || i.status === "REJECTED")) {
      const trail = (await server.gql(`query($id: ID!) { auditTrail(entityType: "ApprovalItem", entityId: $id) { edges { node { action actor { username } } } } }`, { id: item.id }, tokens.admin)).data.auditTrail.edges.map((e: any) => e.node);
      const decision = trail.find((e: any) => e.action === (item.status === "APPROVED" ? "approval.approve" : "approval.reject"));
      expect(decision, `${project.name} ${item.kind}`).toBeDefined();
      expect(decision.actor, `${project.name} ${item.kind}`).not.toBeNull();
      expect(trail.map((e: any) => e.action)).not.toContain("approval.seed");
      decided++;
    }
    if (project.constructionStartOn) {
      const trail = (await server.gql(`query($id: ID!) { auditTrail(entityType: "Project", entityId: $id, first: 100) { edges { node { action after } } } }`, { id: project.id }, tokens.admin)).data.auditTrail.edges.map((e: any) => e.node);
      expect(trail.find((e: any) => e.action === "project.milestone" && e.after.milestone === "CONSTRUCTION_START"), project.name).toBeDefined();
    }
  }
  expect(decided).toBeGreaterThan(10);
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
