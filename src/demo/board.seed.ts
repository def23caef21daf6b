import type { Clock } from "../core/clock";
import type { RequestContext } from "../core/context";
import type { DemoRefs } from "./seed";
import type { BoardTask, TaskCategory, TaskStatus } from "../modules/board/board-task.entity";
import { taskLifecycleService } from "../modules/board/task-lifecycle.service";

const DAY = 86_400_000;
export const DEMO_BOARD_CADRES = ["cadre.zhang", "cadre.li", "cadre.wang", "cadre.chen", "cadre.liu", "cadre.huang"];

const PROJECTS = ["力升创投二期", "聚芯源二期", "共享产业园", "特区建工产业基地", "华润怡宝扩产"];
const PROJECT_WORK = ["交地即开工保障", "水电气接入", "施工许可并联审批", "规划许可提速", "竣工联合验收"];
const REFORMS = ["容缺受理清单", "双向承诺书范本", "多测合一", "一门式一网式受理", "负面清单动态管理", "信用修复机制", "综合查一次", "风险分级监管", "熔断机制", "交地同步开工", "竣工同步发证"];
const REFORM_VERBS = ["制定并推行", "试点评估"];
const WORKS = ["重点项目走访", "急诊服务响应", "项目经理人培训", "一项目一专班组建", "审批时限监测", "政策宣讲进园区", "企业诉求台账", "工作日历编制", "周期监管细则宣贯", "预诊服务", "会诊机制"];
const WORK_AREAS = ["(第一季度)", "(第二季度)", "(第三季度)"];

function demoTitles(): Array<{ title: string; category: TaskCategory }> {
  const major = PROJECTS.flatMap((p) => PROJECT_WORK.map((w) => `${p} ${w}`)).slice(0, 21);
  const reform = REFORMS.flatMap((r) => REFORM_VERBS.map((v) => `${v}${r}`)).slice(0, 22);
  const work = WORKS.flatMap((w) => WORK_AREAS.map((a) => `${w}${a}`)).slice(0, 24);
  const tagged = [
    ...major.map((title) => ({ title, category: "MAJOR_PROJECT" as const })),
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
 * The district's board as reported: 67 tasks across the three categories, published over the
 * last ~200 days; the 2 newest still OPEN, the next 7 CLAIMED, 5 SUBMITTED, the rest verified
 * FULFILLED (兑现率 100%). Made through the board's services, each step as its demo user at its
 * own instant (admin publishes and verifies, the cadre claims with its pledge, reports progress
 * and submits), all steps of all tasks in time order, so the claim limit holds as in life: a
 * cadre's finished tasks are verified before its later claims.
 */
export async function seedBoard(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const now = tx.clock.now().getTime();
  const titles = demoTitles();
  const total = titles.length;
  const ids = new Map<number, string>();
  const idOf = (i: number) => {
    const id = ids.get(i);
    if (!id) throw new Error(`demo board task ${i} was not published before its next step`);
    return id;
  };
  const steps: Step[] = [];

  titles.forEach(({ title, category }, i) => {
    const fromEnd = total - i; // 1 for the newest
    const status: TaskStatus = fromEnd <= 2 ? "OPEN" : fromEnd <= 9 ? "CLAIMED" : fromEnd <= 14 ? "SUBMITTED" : "FULFILLED";
    const publishedAt = new Date(now - fromEnd * 3 * DAY);
    const dueAt = new Date(publishedAt.getTime() + (60 + (i % 4) * 15) * DAY);
    const claimant = status === "OPEN" ? null : DEMO_BOARD_CADRES[i % DEMO_BOARD_CADRES.length];
    let seq = 0;
    const step = (when: Date, username: string, run: (ctx: RequestContext) => Promise<unknown>, rank = 1) =>
      steps.push({ at: when, rank, task: i, seq: seq++, username, run });

    step(publishedAt, "admin", async (ctx) => {
      const task: BoardTask = await taskLifecycleService.publish(ctx, {
        title,
        description: `一榜双令 任务榜 — ${title}。责任单位揭榜认领, 按承诺时限完成, 区委改革办核验兑现。`,
        category,
        dueAt,
      });
      ids.set(i, task.id);
    });
    if (!claimant) return;
    const claimedAt = new Date(publishedAt.getTime() + (1 + (i % 3)) * DAY);
    const pledge = `${Math.round((dueAt.getTime() - claimedAt.getTime()) / DAY)}天内完成: ${title}`;
    step(claimedAt, claimant, (ctx) => taskLifecycleService.claim(ctx, { taskId: idOf(i), pledge }));
    if (i % 3 === 0) {
      step(new Date(claimedAt.getTime() + DAY), claimant, (ctx) => taskLifecycleService.reportProgress(ctx, { taskId: idOf(i), note: "已召开专题协调会, 按计划推进" }));
    }
    if (status === "CLAIMED") return;
    const submittedAt = new Date(claimedAt.getTime() + (status === "SUBMITTED" ? 2 : 20 + (i % 10)) * DAY);
    step(submittedAt, claimant, (ctx) => taskLifecycleService.submit(ctx, { taskId: idOf(i), note: "已完成, 请核验" }));
    if (status === "SUBMITTED") return;
    const verifiedAt = new Date(submittedAt.getTime() + 3 * DAY);
    step(verifiedAt, "admin", (ctx) => taskLifecycleService.verify(ctx, { taskId: idOf(i), fulfilled: true, comment: "经核验, 已兑现" }), 0);
  });

  steps.sort((a, b) => a.at.getTime() - b.at.getTime() || a.rank - b.rank || a.task - b.task || a.seq - b.seq);
  for (const s of steps) await s.run(refs.as(tx, s.username, at(s.at)));
}
