import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { RawSqlResultsToEntityTransformer } from "typeorm/query-builder/transformer/RawSqlResultsToEntityTransformer";
import type { Alias } from "typeorm/query-builder/Alias";
import { Brackets, SelectQueryBuilder } from "typeorm";
import { LeanSelectQueryBuilder, leanQuery, statementShape } from "../../src/core/loaders";
import { User } from "../../src/modules/accounts/user.entity";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { ProjectManagerAssignment } from "../../src/modules/teams/project-manager-assignment.entity";
import { joinActiveManager, type WithActiveManager } from "../../src/modules/teams/team.loaders";
import { makeEnterprise, makeProject } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let admin: { user: { id: string }; token: string };

/** Tasks with and without a claimant and a project, one fulfilled (every timestamp set). */
beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  admin = await server.user("ADMIN");
  const cadre = await server.user("CADRE");
  const enterprise = await makeEnterprise(server, "精简读取企业");
  const project = await makeProject(server, enterprise.id, { totalInvestment: "123456789.01", startedOnCommitment: true, signedOn: "2026-01-05" } as Partial<Project>);
  const unmanaged = await makeProject(server, enterprise.id);
  const assigned = await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId: project.id, cadreId: cadre.user.id } }, admin.token);
  expect(assigned.errors).toBeUndefined();
  const repo = server.app.services.dataSource.getRepository(BoardTask);
  const now = server.clock.now();
  const at = (days: number) => new Date(now.getTime() + days * 86_400_000 + 123);
  const tasks: Array<Partial<BoardTask>> = [
    { status: "OPEN" },
    { status: "OPEN", projectId: project.id },
    { status: "OPEN", projectId: unmanaged.id },
    { status: "CLAIMED", claimantId: cadre.user.id, claimedAt: at(1), firstClaimedAt: at(1), pledge: "按期完成" },
    {
      status: "FULFILLED", projectId: project.id, claimantId: cadre.user.id, claimedAt: at(1), firstClaimedAt: at(1), pledge: "按期完成", submittedAt: at(2),
      verifiedAt: at(3), verifiedById: admin.user.id, verificationComment: "已核验", revision: 4,
    },
  ];
  for (const [i, fields] of tasks.entries()) {
    await repo.insert(repo.create({ title: `任务 ${i}`, description: "d", category: "KEY_WORK", publishedById: admin.user.id, publishedAt: now, dueAt: at(10 + i), ...fields } as Partial<BoardTask>));
  }
});
afterAll(() => server?.stop());

const page = () =>
  server.app.services.dataSource.getRepository(BoardTask).createQueryBuilder("task").leftJoinAndSelect("task.claimant", "claimant").leftJoinAndSelect("task.project", "project").orderBy("task.dueAt", "ASC");

test("a lean read gives the entities TypeORM builds, as instances of their classes, with the same converted values", async () => {
  const full = await page().getMany();
  const lean = await leanQuery(page()).getMany();
  expect(lean).toHaveLength(5);
  expect(lean).toEqual(full);
  for (const task of lean) {
    expect(task).toBeInstanceOf(BoardTask);
    expect(task.dueAt).toBeInstanceOf(Date);
    if (task.claimant) expect(task.claimant).toBeInstanceOf(User);
    if (task.project) expect(task.project).toBeInstanceOf(Project);
  }
  // a relation whose join found no row is null, as TypeORM sets it
  expect(lean[0].claimant).toBeNull();
  expect(lean[0].project).toBeNull();
  expect(lean[4].project?.totalInvestment).toBe("123456789.01");
  expect(lean[4].project?.startedOnCommitment).toBe(true);
  expect(lean[4].verifiedAt?.toISOString()).toBe(full[4].verifiedAt?.toISOString());
});

test("a lean read with the projects' managers joined (leftJoinAndMapOne) gives what TypeORM builds, null where a project has none", async () => {
  const withManagers = () => joinActiveManager(page(), "project");
  const full = await withManagers().getMany();
  const lean = await leanQuery(withManagers()).getMany();
  expect(lean).toEqual(full);
  const managerOf = (task: BoardTask) => (task.project as (Project & WithActiveManager) | null)?.activeManager;
  expect(managerOf(lean[1])).toBeInstanceOf(ProjectManagerAssignment);
  expect(managerOf(lean[1])?.cadre).toBeInstanceOf(User);
  expect(managerOf(lean[2])).toBeNull();
  expect(lean[0].project).toBeNull();
});

test("a lean read refuses statements whose raw rows are not one entity each", async () => {
  await expect(leanQuery(page().select("task.id")).getMany()).rejects.toThrow(/selected whole/);
  const toMany = server.app.services.dataSource.getRepository(User).createQueryBuilder("user").leftJoinAndSelect(BoardTask, "task", "task.claimant_id = user.id");
  await expect(leanQuery(toMany).getMany()).rejects.toThrow(/to-one relation/);
  const mappedMany = server.app.services.dataSource.getRepository(User).createQueryBuilder("user").leftJoinAndMapMany("user.tasks", BoardTask, "task", "task.claimant_id = user.id");
  await expect(leanQuery(mappedMany).getMany()).rejects.toThrow(/to-one relation/);
});

test("a taskBoard page reads its tasks, claimants and projects without TypeORM's entity transformer", async () => {
  const transform = vi.spyOn(RawSqlResultsToEntityTransformer.prototype, "transform");
  try {
    const res = await server.gql(`{ taskBoard(first: 10) { edges { node { id dueAt claimant { name } project { name manager { name } } } } } }`, {}, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.taskBoard.edges).toHaveLength(5);
    expect(res.data.taskBoard.edges.map((e: { node: { project: { manager: { name: string } | null } | null } }) => e.node.project && (e.node.project.manager ? "managed" : "none"))).toEqual([null, "managed", "none", null, "managed"]);
    // the caller still comes through a loader that TypeORM builds; the page's rows, managers included, do not
    const built = transform.mock.calls.map(([, alias]) => (alias as Alias).name);
    expect(built).not.toContain("task");
    expect(built).not.toContain("assignment");
  } finally {
    transform.mockRestore();
  }
});

test("a lean statement's SQL text is built once per shape, and statements that differ in anything get their own", async () => {
  const variants = () => [
    page(),
    page().where("task.status = :status", { status: "OPEN" }),
    page().where("task.status = :status", { status: "CLAIMED" }),
    page().where("task.category = :status", { status: "OPEN" }),
    page().where("task.status = :status", { status: "OPEN" }).andWhere("task.projectId = :projectId", { projectId: "x" }),
    page().where("task.status = :status", { status: "OPEN" }).orWhere("task.projectId = :projectId", { projectId: "x" }),
    page().orderBy("task.dueAt", "DESC"),
    page().addOrderBy("task.id", "ASC"),
    page().limit(5),
    page().limit(6),
    page().limit(5).offset(5),
    page().leftJoinAndSelect("task.verifiedBy", "verifier"),
    page().leftJoin("task.verifiedBy", "verifier"),
    joinActiveManager(page(), "project"),
    page().select("task.id").addSelect("task.title", "heading"),
    page().addSelect("task.title", "heading"),
  ];
  const expected = variants().map((query) => query.getQuery());
  // the same text for other parameter values (bound per request), a text of its own for every other change
  expect(expected[2]).toBe(expected[1]);
  expect(new Set(expected).size).toBe(expected.length - 1);
  for (let round = 0; round < 2; round++) expect(variants().map((query) => leanQuery(query).getQuery())).toEqual(expected);

  // shapes the key does not describe are built by TypeORM every time
  expect(statementShape(page().where(new Brackets((q) => q.where("task.status = 'OPEN'"))).expressionMap)).toBeNull();
  expect(statementShape(page().distinct(true).expressionMap)).toBeNull();
  expect(statementShape(page().groupBy("task.status").expressionMap)).toBeNull();
  expect(statementShape(page().take(5).expressionMap)).toBeNull();
  expect(statementShape(page().setLock("pessimistic_write").expressionMap)).toBeNull();
  expect(statementShape(page().useIndex("IDX_board_task_due").expressionMap)).toBeNull();
  expect(statementShape(page().comment("report").expressionMap)).toBeNull();
  expect(statementShape(page().maxExecutionTime(1000).expressionMap)).toBeNull();
  expect(statementShape(page().having("COUNT(*) > 1").expressionMap)).toBeNull();
  expect(statementShape(page().skip(5).expressionMap)).toBeNull();
  expect(statementShape(page().addCommonTableExpression("SELECT 1 AS one", "ones").expressionMap)).toBeNull();
  expect(statementShape(page().expressionMap)).not.toBeNull();

  // a board page asked twice builds its statement's text once
  const built = vi.spyOn(SelectQueryBuilder.prototype, "getQuery");
  try {
    const query = `{ taskBoard(first: 3, filter: { search: "任务" }) { edges { node { id } } } }`;
    for (let i = 0; i < 2; i++) expect((await server.gql(query, {}, admin.token)).errors).toBeUndefined();
    expect(built.mock.contexts.filter((context) => context instanceof LeanSelectQueryBuilder)).toHaveLength(1);
  } finally {
    built.mockRestore();
  }
});
