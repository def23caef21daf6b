import { ManualClock } from "../core/clock";
import type { RequestContext } from "../core/context";
import { Project } from "../modules/projects/project.entity";
import type { DemoRefs } from "./seed";
import { Department, type DepartmentCode } from "../modules/departments/department.entity";
import { teamService } from "../modules/teams/team.service";
import { ticketService } from "../modules/tickets/ticket.service";

const HOUR = 3_600_000;

/** Demo cadres who lead and serve on teams, each for their own department (the front desk serves at the window instead). */
const CADRES: Array<[username: string, department: DepartmentCode]> = [
  ["cadre.sun", "INDUSTRY_IT"],
  ["cadre.zhang", "DEVELOPMENT_REFORM"],
  ["cadre.li", "NATURAL_RESOURCES"],
  ["cadre.wang", "HOUSING_CONSTRUCTION"],
  ["cadre.chen", "ECOLOGY_ENVIRONMENT"],
  ["cadre.liu", "FIRE_RESCUE"],
  ["cadre.huang", "MARKET_REGULATION"],
];

/**
 * Demo managers, teams and tickets for whatever projects exist when it runs (none: nothing).
 * Everything goes through the services as the demo users would act, on a clock of its own so the
 * 聚芯源 water-and-power emergency can be raised ten days ago and resolved within its 3 days.
 */
export async function seedTeamsAndTickets(tx: RequestContext, refs: DemoRefs): Promise<void> {
  const projects = await tx.repo(Project).find({ order: { code: "ASC" } });
  if (!projects.length) return;
  const clock = new ManualClock(new Date(tx.clock.now().getTime() - 10 * 24 * HOUR));
  const as = (username: string) => refs.as(tx, username, clock);
  const departments = new Map((await tx.repo(Department).find()).map((d) => [d.code, d.id]));
  const enterpriseUser = new Map([...refs.enterpriseIds].map(([key, id]) => [id, `ent.${key}`]));
  const usable = projects.filter((p) => enterpriseUser.has(p.enterpriseId));

  for (const [i, project] of projects.entries()) {
    const [manager] = CADRES[i % CADRES.length];
    // 一项目一专班: the team is formed the day the project is registered, long before its letter binds it
    const formed = new ManualClock(new Date(Math.min(project.createdAt.getTime(), clock.now().getTime())));
    await teamService.assignProjectManager(refs.as(tx, "admin", formed), { projectId: project.id, cadreId: refs.userIds.get(manager)! });
    for (const [offset, role] of [[1, "联络员"], [3, "审批专员"]] as const) {
      const [member, department] = CADRES[(i + offset) % CADRES.length];
      await teamService.addTeamMember(refs.as(tx, manager, formed), { projectId: project.id, userId: refs.userIds.get(member)!, departmentId: departments.get(department)!, role });
    }
  }
  if (!usable.length) return;

  const managerOf = (project: Project) => CADRES[projects.indexOf(project) % CADRES.length][0];
  const pick = (key: string, fallback: number) =>
    usable.find((p) => p.enterpriseId === refs.enterpriseIds.get(key)) ?? usable[fallback % usable.length];

  // 急诊: 聚芯源's site gets water and power within 3 days.
  const jxy = pick("jxy", 0);
  const owner = enterpriseUser.get(jxy.enterpriseId)!;
  const emergency = await ticketService.open(as(owner), {
    projectId: jxy.id,
    stage: "EMERGENCY",
    title: "二期厂房临时用水用电接入",
    description: "设备进场在即，厂区尚未通水通电，请协调水务、供电部门尽快接入。",
    departmentIds: [departments.get("WATER_AFFAIRS")!, departments.get("POWER_SUPPLY")!],
  });
  clock.advance(HOUR);
  await ticketService.acknowledge(as(managerOf(jxy)), { ticketId: emergency.id, note: "已受理，当日组织水务、供电现场勘查" });
  clock.advance(HOUR);
  await ticketService.start(as(managerOf(jxy)), { ticketId: emergency.id });
  clock.advance(20 * HOUR);
  await ticketService.comment(as(managerOf(jxy)), { ticketId: emergency.id, body: "供电局已排期架设临时线路，水务局同步铺设接驳管道。" });
  clock.advance(48 * HOUR);
  await ticketService.resolve(as(managerOf(jxy)), { ticketId: emergency.id, note: "3天内完成通水通电" });
  clock.advance(4 * HOUR);
  await ticketService.close(as(owner), { ticketId: emergency.id, note: "已通水通电，确认办结" });

  // The other three modes, raised in the last few hours.
  clock.set(new Date(tx.clock.now().getTime() - 3 * HOUR));
  const gxcy = pick("gxcy", 1);
  const preDiagnosis = await ticketService.open(as(enterpriseUser.get(gxcy.enterpriseId)!), {
    projectId: gxcy.id,
    stage: "PRE_DIAGNOSIS",
    title: "落地前用地规划与产业准入预诊",
    description: "项目签约前，请专班就用地规划条件和产业准入提前把脉。",
  });
  clock.advance(HOUR);
  await ticketService.acknowledge(as(managerOf(gxcy)), { ticketId: preDiagnosis.id });

  const lsct = pick("lsct", 2);
  await ticketService.open(as(enterpriseUser.get(lsct.enterpriseId)!), {
    projectId: lsct.id,
    stage: "GUIDANCE",
    title: "施工许可并联审批导诊",
    description: "拿地后希望同步办理备案、规划许可和施工许可，请导诊材料清单和时序。",
  });

  const tqjg = pick("tqjg", 3);
  const consultation = await ticketService.open(as(enterpriseUser.get(tqjg.enterpriseId)!), {
    projectId: tqjg.id,
    stage: "CONSULTATION",
    title: "环评与消防设计联合会诊",
    description: "厂房涉及危化品仓储，环评与消防设计要求相互影响，请多部门会诊。",
    departmentIds: [departments.get("ECOLOGY_ENVIRONMENT")!, departments.get("FIRE_RESCUE")!, departments.get("HOUSING_CONSTRUCTION")!],
  });
  clock.advance(HOUR);
  await ticketService.acknowledge(as(managerOf(tqjg)), { ticketId: consultation.id, note: "已约定周三联合会商" });
}
