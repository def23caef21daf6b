import { randomUUID } from "node:crypto";
import { recordAudit } from "../core/audit";
import type { RequestContext } from "../core/context";
import type { DemoRefs } from "./seed";
import { BoardTask, BoardTaskEvent, CadreWorkload, type TaskCategory, type TaskEventType, type TaskStatus } from "../modules/board/board-task.entity";

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

/**
 * The district's board as reported: 67 tasks across the three categories, published over the
 * last ~200 days; the 2 newest still OPEN, the next 7 CLAIMED, 5 SUBMITTED, the rest verified
 * FULFILLED (兑现率 100%). Rows are written directly, with their timelines and workload counts.
 */
export async function seedBoard(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const now = tx.clock.now().getTime();
  const adminId = refs.userIds.get("admin")!;
  const cadreIds = DEMO_BOARD_CADRES.map((u) => refs.userIds.get(u)!);
  const titles = demoTitles();
  const total = titles.length;
  const tasks: BoardTask[] = [];
  const events: BoardTaskEvent[] = [];
  const workload = new Map<string, number>(cadreIds.map((id) => [id, 0]));

  titles.forEach(({ title, category }, i) => {
    const fromEnd = total - i; // 1 for the newest
    const status: TaskStatus = fromEnd <= 2 ? "OPEN" : fromEnd <= 9 ? "CLAIMED" : fromEnd <= 14 ? "SUBMITTED" : "FULFILLED";
    const publishedAt = new Date(now - fromEnd * 3 * DAY);
    const dueAt = new Date(publishedAt.getTime() + (60 + (i % 4) * 15) * DAY);
    const claimantId = status === "OPEN" ? null : cadreIds[i % cadreIds.length];
    const claimedAt = claimantId ? new Date(publishedAt.getTime() + (1 + (i % 3)) * DAY) : null;
    const id = randomUUID();
    const timeline: Array<[TaskEventType, string, TaskStatus | null, TaskStatus | null, string | null, Date]> = [
      ["PUBLISHED", adminId, null, "OPEN", null, publishedAt],
    ];
    let submittedAt: Date | null = null;
    let verifiedAt: Date | null = null;
    if (claimantId && claimedAt) {
      const pledge = `${Math.round((dueAt.getTime() - claimedAt.getTime()) / DAY)}天内完成: ${title}`;
      timeline.push(["CLAIMED", claimantId, "OPEN", "CLAIMED", pledge, claimedAt]);
      if (i % 3 === 0) timeline.push(["PROGRESS", claimantId, null, null, "已召开专题协调会, 按计划推进", new Date(claimedAt.getTime() + DAY)]);
      if (status === "SUBMITTED" || status === "FULFILLED") {
        submittedAt = new Date(claimedAt.getTime() + (status === "SUBMITTED" ? 2 : 20 + (i % 10)) * DAY);
        timeline.push(["SUBMITTED", claimantId, "CLAIMED", "SUBMITTED", "已完成, 请核验", submittedAt]);
      }
      if (status === "FULFILLED") {
        verifiedAt = new Date(submittedAt!.getTime() + 3 * DAY);
        timeline.push(["FULFILLED", adminId, "SUBMITTED", "FULFILLED", "经核验, 已兑现", verifiedAt]);
      } else if (status !== "OPEN") {
        workload.set(claimantId, workload.get(claimantId)! + 1);
      }
    }
    tasks.push(
      tx.repo(BoardTask).create({
        id,
        title,
        description: `一榜双令 任务榜 — ${title}。责任单位揭榜认领, 按承诺时限完成, 区委改革办核验兑现。`,
        category,
        projectId: null,
        publishedById: adminId,
        publishedAt,
        dueAt,
        status,
        claimantId,
        pledge: timeline.find((e) => e[0] === "CLAIMED")?.[4] ?? null,
        claimedAt,
        firstClaimedAt: claimedAt,
        submittedAt,
        verifiedAt,
        verifiedById: verifiedAt ? adminId : null,
        verificationComment: verifiedAt ? "经核验, 已兑现" : null,
        withdrawnAt: null,
        revision: timeline.length,
      }),
    );
    timeline.forEach(([type, actorId, fromStatus, toStatus, note, at], seq) => {
      events.push(tx.repo(BoardTaskEvent).create({ id: randomUUID(), taskId: id, seq: seq + 1, actorId, type, fromStatus, toStatus, note, at }));
    });
  });

  await tx.repo(BoardTask).insert(tasks);
  for (let start = 0; start < events.length; start += 100) await tx.repo(BoardTaskEvent).insert(events.slice(start, start + 100));
  await tx.repo(CadreWorkload).insert([...workload].map(([cadreId, openTasks]) => ({ cadreId, openTasks })));
  await recordAudit(tx, tasks.map((task) => ({ action: "boardTask.seed", entityType: "BoardTask", entityId: task.id, after: task })));
}
