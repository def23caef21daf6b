import type { Clock } from "../core/clock";
import type { RequestContext } from "../core/context";
import type { DemoRefs } from "./seed";
import { In } from "typeorm";
import type { BoardTask, TaskCategory } from "../modules/board/board-task.entity";
import { Project } from "../modules/projects/project.entity";
import { taskLifecycleService } from "../modules/board/task-lifecycle.service";

const DAY = 86_400_000;
export const DEMO_BOARD_CADRES = ["cadre.zhang", "cadre.li", "cadre.wang", "cadre.chen", "cadre.liu", "cadre.huang"];

/** The demo projects the major-project tasks serve (project.seed names them), with the work each needs. */
const PROJECTS = ["力升创投科技园二期", "聚芯源半导体二期", "源城共享产业园", "特区建工·源城智能建造产业园", "华润怡宝河源饮料基地二期"];
const PROJECT_WORK = ["交地即开工保障", "水电气接入", "施工许可并联审批", "规划许可提速", "竣工联合验收"];
const REFORMS = ["容缺受理清单", "双向承诺书范本", "多测合一", "一门式一网式受理", "负面清单动态管理", "信用修复机制", "综合查一次", "风险分级监管", "熔断机制", "交地同步开工", "竣工同步发证"];
const REFORM_VERBS = ["制定并推行", "试点评估"];
const WORKS = ["重点项目走访", "急诊服务响应", "项目经理人培训", "一项目一专班组建", "审批时限监测", "政策宣讲进园区", "企业诉求台账", "工作日历编制", "周期监管细则宣贯", "预诊服务", "会诊机制"];
const WORK_AREAS = ["(第一季度)", "(第二季度)", "(第三季度)"];

function demoTitles(): Array<{ title: string; category: TaskCategory; project?: string }> {
  const major = PROJECTS.flatMap((project) => PROJECT_WORK.map((w) => ({ title: `${project} ${w}`, project }))).slice(0, 21);
  const reform = REFORMS.flatMap((r) => REFORM_VERBS.map((v) => `${v}${r}`)).slice(0, 22);
  const work = WORKS.flatMap((w) => WORK_AREAS.map((a) => `${w}${a}`)).slice(0, 24);
  const tagged = [
    ...major.map(({ title, project }) => ({ title, project, category: "MAJOR_PROJECT" as const })),
    ...reform.map((title) => ({ title, category: "KEY_REFORM" as const })),
    ...work.map((title) => ({ title, category: "KEY_WORK" as const })),
  ];
  // Interleave the categories along the publication timeline.
  return tagged.map((t, i) => ({ t, key: (i * 37) % tagged.length })).sort((a, b) => a.key - b.key).map(({ t }) => t);
}

/** One step of a task's story: who acts, at which instant, doing what (through the board's services). */
interface Step {
  at: Date;
  /** Order among steps at the same instant: verifications first (they free the claimant's workload). */
  rank: number;
  /** The task's place on the publication timeline, then the step's place in the task's story: a stable order. */
  task: number;
  seq: number;
  username: string;
  run(ctx: RequestContext): Promise<unknown>;
}

/** A clock fixed at one instant: the step's own moment. */
const at = (instant: Date): Clock => ({ now: () => new Date(instant) });

/**
 * The district's board as reported: 67 tasks across the three categories, published every three
 * days over the last ~200 days, the major-project tasks linked to the projects they serve. Each
 * task has a story told through the board's services, each step as its demo user at its own
 * instant (admin publishes, a cadre claims with its pledge, reports progress, sometimes gives the
 * task back to another cadre, submits; admin verifies, sometimes sends it back first). Steps whose
 * instant is still to come are not taken, so where each task stands, and every figure, is what its
 * history produced by today: the newest are not claimed yet, the recent ones in progress, the rest
 * fulfilled before their due dates (兑现率 100%, all of them claimed, as the district reported).
 * All steps of all tasks run in time order, so the claim limit holds as in life.
 */
export async function seedBoard(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const now = tx.clock.now().getTime();
  const titles = demoTitles();
  const total = titles.length;
  const projects = new Map((await tx.repo(Project).findBy({ name: In(PROJECTS) })).map((p) => [p.name, p.id]));
  const ids = new Map<number, string>();
  const idOf = (i: number) => {
    const id = ids.get(i);
    if (!id) throw new Error(`demo board task ${i} was not published before its next step`);
    return id;
  };
  const steps: Step[] = [];

  titles.forEach(({ title, category, project }, i) => {
    const fromEnd = total - i; // 1 for the newest
    // the two newest went up in the last day; the others every three days before
    const publishedAt = new Date(now - (fromEnd <= 2 ? fromEnd * 0.4 : fromEnd * 3) * DAY);
    const dueAt = new Date(publishedAt.getTime() + (60 + (i % 4) * 15) * DAY);
    let seq = 0;
    const step = (when: Date, username: string, run: (ctx: RequestContext) => Promise<unknown>, rank = 1) => {
      if (when.getTime() <= now) steps.push({ at: when, rank, task: i, seq: seq++, username, run });
    };
    const later = (from: Date, days: number) => new Date(from.getTime() + days * DAY);
    const projectId = project ? projects.get(project) : undefined;
    if (project && !projectId) throw new Error(`demo project ${project} is missing`);

    step(publishedAt, "admin", async (ctx) => {
      const task: BoardTask = await taskLifecycleService.publish(ctx, {
        title,
        description: `一榜双令 任务榜 — ${title}。责任单位揭榜认领, 按承诺时限完成, 区委改革办核验兑现。`,
        category,
        dueAt,
        ...(projectId ? { projectId } : {}),
      });
      ids.set(i, task.id);
    });
    let claimant = DEMO_BOARD_CADRES[i % DEMO_BOARD_CADRES.length];
    let claimedAt = later(publishedAt, 1.1 + (i % 3));
    const pledge = (by: Date) => `${Math.round((dueAt.getTime() - by.getTime()) / DAY)}天内完成: ${title}`;
    const first = claimant;
    step(claimedAt, first, (ctx) => taskLifecycleService.claim(ctx, { taskId: idOf(i), pledge: pledge(claimedAt) }));
    if (i % 11 === 5) {
      // given back after a change of post, and claimed by the next cadre the day after
      const releasedAt = later(claimedAt, 2);
      step(releasedAt, first, (ctx) => taskLifecycleService.release(ctx, { taskId: idOf(i), reason: "岗位调整, 交由其他同志揭榜" }));
      claimant = DEMO_BOARD_CADRES[(i + 1) % DEMO_BOARD_CADRES.length];
      claimedAt = later(releasedAt, 1);
      const second = claimant;
      const reclaimedAt = claimedAt;
      step(reclaimedAt, second, (ctx) => taskLifecycleService.claim(ctx, { taskId: idOf(i), pledge: pledge(reclaimedAt) }));
    }
    const holder = claimant;
    if (i % 3 === 0) step(later(claimedAt, 1), holder, (ctx) => taskLifecycleService.reportProgress(ctx, { taskId: idOf(i), note: "已召开专题协调会, 按计划推进" }));
    let submittedAt = later(claimedAt, 20 + (i % 10));
    step(submittedAt, holder, (ctx) => taskLifecycleService.submit(ctx, { taskId: idOf(i), note: "已完成, 请核验" }));
    if (i % 7 === 0) {
      // sent back for evidence, then submitted again
      const sentBackAt = later(submittedAt, 2);
      step(sentBackAt, "admin", (ctx) => taskLifecycleService.sendBack(ctx, { taskId: idOf(i), comment: "请补充佐证材料后重新提交" }), 0);
      submittedAt = later(sentBackAt, 5);
      step(submittedAt, holder, (ctx) => taskLifecycleService.submit(ctx, { taskId: idOf(i), note: "已补充佐证材料" }));
    }
    step(later(submittedAt, 3), "admin", (ctx) => taskLifecycleService.verify(ctx, { taskId: idOf(i), fulfilled: true, comment: "经核验, 已兑现" }), 0);
  });

  steps.sort((a, b) => a.at.getTime() - b.at.getTime() || a.rank - b.rank || a.task - b.task || a.seq - b.seq);
  for (const s of steps) await s.run(refs.as(tx, s.username, at(s.at)));
}
