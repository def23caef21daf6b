import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { RawSqlResultsToEntityTransformer } from "typeorm/query-builder/transformer/RawSqlResultsToEntityTransformer";
import type { Alias } from "typeorm/query-builder/Alias";
import { leanQuery } from "../../src/core/loaders";
import { User } from "../../src/modules/accounts/user.entity";
import { BoardTask } from "../../src/modules/board/board-task.entity";
import { Project } from "../../src/modules/projects/project.entity";
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
  const repo = server.app.services.dataSource.getRepository(BoardTask);
  const now = server.clock.now();
  const at = (days: number) => new Date(now.getTime() + days * 86_400_000 + 123);
  const tasks: Array<Partial<BoardTask>> = [
    { status: "OPEN" },
    { status: "OPEN", projectId: project.id },
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
  expect(lean).toHaveLength(4);
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
  expect(lean[3].project?.totalInvestment).toBe("123456789.01");
  expect(lean[3].project?.startedOnCommitment).toBe(true);
  expect(lean[3].verifiedAt?.toISOString()).toBe(full[3].verifiedAt?.toISOString());
});

test("a lean read refuses statements whose raw rows are not one entity each", async () => {
  await expect(leanQuery(page().select("task.id")).getMany()).rejects.toThrow(/selected whole/);
  const toMany = server.app.services.dataSource.getRepository(User).createQueryBuilder("user").leftJoinAndSelect(BoardTask, "task", "task.claimant_id = user.id");
  await expect(leanQuery(toMany).getMany()).rejects.toThrow(/to-one relation/);
});

test("a taskBoard page reads its tasks, claimants and projects without TypeORM's entity transformer", async () => {
  const transform = vi.spyOn(RawSqlResultsToEntityTransformer.prototype, "transform");
  try {
    const res = await server.gql(`{ taskBoard(first: 10) { edges { node { id dueAt claimant { name } project { name manager { name } } } } } }`, {}, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.taskBoard.edges).toHaveLength(4);
    // the caller and the managers still come through loaders that TypeORM builds; the page's rows do not
    const built = transform.mock.calls.map(([, alias]) => (alias as Alias).name);
    expect(built).not.toContain("task");
  } finally {
    transform.mockRestore();
  }
});
