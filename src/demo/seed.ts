import { In, IsNull, Not } from "typeorm";
import type { AppServices } from "../core/context";
import { RequestContext } from "../core/context";
import { hashPassword, type AuthUser } from "../core/auth";
import type { Clock } from "../core/clock";
import { toAuthUser } from "../modules/accounts/account.service";
import { enterpriseService } from "../modules/enterprises/enterprise.service";
import { recordAudit } from "../core/audit";
import { User } from "../modules/accounts/user.entity";
import { ProjectManagerAssignment } from "../modules/teams/project-manager-assignment.entity";
import { TeamMember } from "../modules/teams/team-member.entity";
import { Department, DepartmentDutyRow, type DepartmentCode, type DepartmentDuty } from "../modules/departments/department.entity";
import { seedBoard } from "./board.seed";
import { seedProjects } from "./project.seed";
import { seedTeamsAndTickets } from "./ticket.seed";
import { seedSupervision } from "./supervision.seed";

/** The one password of every demo login; the demo set is for trying the API, never for production. */
export const DEMO_PASSWORD = "demo-password-2026";

export interface DemoLogin {
  username: string;
  role: string;
  name: string;
  /** The department a cadre (or the reform office's admin) belongs to, by code. */
  departmentCode?: DepartmentCode;
}

export const DEMO_ENTERPRISES = [
  { key: "tqjg", name: "河源特区建工集团有限公司", creditCode: "91441602MA4W1TQJ1W", legalRepresentative: "陈建国", contact: "0762-3100001" },
  { key: "crby", name: "华润怡宝饮料(河源)有限公司", creditCode: "91441602MA4W2CRB21", legalRepresentative: "李怡宝", contact: "0762-3100002" },
  { key: "lsct", name: "河源力升创投科技有限公司", creditCode: "91441602MA4W3LCT3B", legalRepresentative: "王力升", contact: "0762-3100003" },
  { key: "jxy", name: "河源聚芯源半导体有限公司", creditCode: "91441602MA4W4JXY4C", legalRepresentative: "赵聚芯", contact: "0762-3100004" },
  { key: "gxcy", name: "源城共享产业园运营有限公司", creditCode: "91441602MA4W5GXC56", legalRepresentative: "刘共享", contact: "0762-3100005" },
];

export const DEMO_USERS: Array<DemoLogin & { enterpriseKey?: string }> = [
  { username: "admin", role: "ADMIN", name: "区委改革办 管理员", departmentCode: "REFORM_OFFICE" },
  { username: "cadre.zhang", role: "CADRE", name: "张伟", departmentCode: "DEVELOPMENT_REFORM" },
  { username: "cadre.li", role: "CADRE", name: "李娜", departmentCode: "NATURAL_RESOURCES" },
  { username: "cadre.wang", role: "CADRE", name: "王强", departmentCode: "HOUSING_CONSTRUCTION" },
  { username: "cadre.chen", role: "CADRE", name: "陈静", departmentCode: "ECOLOGY_ENVIRONMENT" },
  { username: "cadre.liu", role: "CADRE", name: "刘洋", departmentCode: "FIRE_RESCUE" },
  { username: "cadre.huang", role: "CADRE", name: "黄敏", departmentCode: "MARKET_REGULATION" },
  // 前台综合受理: takes applications in and routes them (FRONT_DESK_DEPARTMENT)
  { username: "cadre.zhao", role: "CADRE", name: "赵敏", departmentCode: "GOV_SERVICES_DATA" },
  { username: "cadre.sun", role: "CADRE", name: "孙磊", departmentCode: "INDUSTRY_IT" },
  ...DEMO_ENTERPRISES.map((e) => ({ username: `ent.${e.key}`, role: "ENTERPRISE", name: `${e.legalRepresentative} (${e.name})`, enterpriseKey: e.key })),
];

/** What module seeders build on: the demo enterprises and users by key/username. */
export interface DemoRefs {
  enterpriseIds: Map<string, string>;
  userIds: Map<string, string>;
  /** This transaction acting as a demo user on a dated clock (how the seeders build a history). */
  as(tx: RequestContext, username: string, clock: Clock): RequestContext;
  /** The demo cadre of a department by code (admin where the demo has none): who acts for it. */
  cadreOf(code: DepartmentCode): string;
}

/** Each module's demo records, in dependency order; each runs inside the seeding transaction. */
const moduleSeeders: Array<(tx: RequestContext, refs: DemoRefs) => Promise<void>> = [
  // the projects along the path, their approvals in step (instep.seed runInStep) included
  seedProjects,
  // after the projects: managers, teams and tickets for the projects that exist by then
  seedTeamsAndTickets,
  seedBoard,
  // last: risk levels, an inspection, and the deadline sweep (20 days ago, and today) that trips the breaker
  seedSupervision,
];

export async function isEmptyDatabase(services: AppServices): Promise<boolean> {
  return (await services.dataSource.getRepository(User).count()) === 0;
}

/**
 * Loads the demo set in one transaction: users and enterprises here; each module's
 * own demo records follow through its seeder.
 */
export async function seedDemo(services: AppServices): Promise<DemoLogin[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const ctx = RequestContext.system(services);
  await ctx.transaction(async (tx) => {
    const enterpriseIds = new Map<string, string>();
    const userIds = new Map<string, string>();
    for (const { key, ...fields } of DEMO_ENTERPRISES) enterpriseIds.set(key, (await enterpriseService.create(tx, fields)).id);
    const users = new Map<string, AuthUser>();
    const departments = new Map((await tx.repo(Department).find()).map((d) => [d.code, d.id]));
    for (const demo of DEMO_USERS) {
      const user = tx.repo(User).create({
        username: demo.username,
        name: demo.name,
        role: demo.role as User["role"],
        passwordHash,
        enterpriseId: demo.enterpriseKey ? enterpriseIds.get(demo.enterpriseKey)! : null,
        departmentId: demo.departmentCode ? (departments.get(demo.departmentCode) ?? null) : null,
        active: true,
      });
      await tx.repo(User).insert(user);
      userIds.set(user.username, user.id);
      users.set(user.username, toAuthUser(user));
      await recordAudit(tx, { action: "user.create", entityType: "User", entityId: user.id, after: user });
    }
    const as = (on: RequestContext, username: string, clock: Clock) => {
      const user = users.get(username);
      if (!user) throw new Error(`demo user ${username} is missing`);
      return on.actingAs(user, clock);
    };
    const cadreOf = (code: DepartmentCode) => DEMO_USERS.find((u) => u.role === "CADRE" && u.departmentCode === code)?.username ?? "admin";
    for (const seed of moduleSeeders) await seed(tx, { enterpriseIds, userIds, as, cadreOf });
  });
  return DEMO_USERS;
}

const DUTY_LABELS: Record<DepartmentDuty, string> = { BUILDING_ACCEPTANCE: "分栋验收 building acceptance", SURVEY: "多测合一 surveys" };

/**
 * The demo logins as they stand in the database, one line each: who is who (role, department or
 * enterprise, standing duties, the projects they manage or serve on), so a newcomer picks the
 * login for what they want to try.
 */
export async function describeDemoLogins(services: AppServices): Promise<string[]> {
  const users = await services.dataSource.getRepository(User).find({
    where: { username: In(DEMO_USERS.map((u) => u.username)) },
    relations: { department: true, enterprise: true },
    order: { role: "ASC", username: "ASC" },
  });
  const managing = await services.dataSource.getRepository(ProjectManagerAssignment).find({ where: { activeProjectId: Not(IsNull()) }, relations: { project: true } });
  const serving = await services.dataSource.getRepository(TeamMember).find({ where: { removedAt: IsNull() }, relations: { project: true } });
  const standing = await services.dataSource.getRepository(DepartmentDutyRow).find();
  return users.map((user) => {
    const projects = managing.filter((a) => a.cadreId === user.id).map((a) => a.project!.name);
    const duties = [
      user.department?.code === services.config.frontDeskDepartment ? "前台综合受理 front desk" : null,
      ...standing.filter((d) => user.role === "CADRE" && d.departmentId === user.departmentId).map((d) => DUTY_LABELS[d.duty]),
      projects.length ? `项目经理人 of ${projects.join(", ")}` : null,
      ...serving.filter((m) => m.userId === user.id).map((m) => `专班 ${m.role} of ${m.project!.name}`),
    ].filter(Boolean);
    const where = user.enterprise?.name ?? user.department?.name;
    return `${user.username} [${user.role}] ${user.name}${where ? `, ${where}` : ""}${duties.length ? ` (${duties.join("; ")})` : ""}`;
  });
}
