import { idempotent } from "../../core/idempotency";
import { recordAudit } from "../../core/audit";
import type { RequestContext } from "../../core/context";
import { badInput, conflict, notFound } from "../../core/errors";
import { paginate, type Connection, type ConnectionArgs } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { findVisibleProject } from "../projects/project-access";
import { onRaceLoss } from "../../core/unique";
import { policyService, servedBy } from "../policy/policy.service";
import { Department } from "../departments/department.entity";
import { ProjectManagerAssignment } from "./project-manager-assignment.entity";
import { activeManagerLoader, activeMembersLoader, managerHistoryLoader, type WithActiveManager } from "./team.loaders";
import type { AddTeamMemberInput, AssignProjectManagerInput, RemoveTeamMemberInput } from "./team.inputs";
import { ServiceTeam, TeamMember } from "./team-member.entity";

const memberKey = (projectId: string, userId: string) => `${projectId}:${userId}`;

/** 一项目一专班: project managers and their teams. */
export class TeamService {
  /** The active manager's user id of a project, or null. */
  async activeManagerId(ctx: RequestContext, projectId: string): Promise<string | null> {
    const active = await ctx.repo(ProjectManagerAssignment).findOneBy({ activeProjectId: projectId });
    return active?.cadreId ?? null;
  }

  /** Whether the user now leads or serves on the project's team. */
  servesOn(ctx: RequestContext, projectId: string, userId: string): Promise<boolean> {
    return ctx.repo(Project).createQueryBuilder("project").where("project.id = :projectId", { projectId }).andWhere(servedBy("project.id"), { scopeUserId: userId }).getExists();
  }

  private async requireCadre(ctx: RequestContext, userId: string, field: string): Promise<User> {
    const user = await ctx.repo(User).findOneBy({ id: userId });
    if (!user || user.role !== "CADRE" || !user.active) throw badInput(field, `${userId} is not an active CADRE user`, `${userId} 不是在职（账号有效）的干部`);
    return user;
  }

  /**
   * Makes a cadre the project's manager (ADMIN). The previous assignment is ended (endedAt,
   * endedBy) and the new one inserted in one transaction; the UNIQUE key on active_project_id
   * keeps one active manager per project. Of two concurrent assignments the database lets one
   * through; the other answers CONFLICT (nothing written) and may simply be sent again.
   * Assigning the current manager again changes nothing and returns the active assignment.
   */
  assignProjectManager(ctx: RequestContext, input: AssignProjectManagerInput): Promise<ProjectManagerAssignment> {
    return idempotent(ctx, "assignProjectManager", ProjectManagerAssignment, input, (tx) => this.assignProjectManagerOnce(tx, input));
  }

  private async assignProjectManagerOnce(ctx: RequestContext, input: AssignProjectManagerInput): Promise<ProjectManagerAssignment> {
    const actor = ctx.requireUser();
    return onRaceLoss(
      () =>
        ctx.transaction(async (tx) => {
          const project = await findVisibleProject(tx, input.projectId);
          const cadre = await this.requireCadre(tx, input.cadreId, "cadreId");
          const repo = tx.repo(ProjectManagerAssignment);
          const current = await repo.findOneBy({ activeProjectId: project.id });
          if (current?.cadreId === cadre.id) return current;
          const now = tx.clock.now();
          if (current) {
            const ended = await repo.update({ id: current.id, activeProjectId: project.id }, { activeProjectId: null, endedAt: now, endedById: actor.id });
            if (!ended.affected) throw conflict("The project's manager changed meanwhile; reload and try again", "项目经理人刚刚已被他人更换，请刷新后重试", { projectId: project.id });
            await recordAudit(tx, {
              action: "project.manager.end",
              entityType: "ProjectManagerAssignment",
              entityId: current.id,
              before: current,
              after: { ...current, activeProjectId: null, endedAt: now, endedById: actor.id },
            });
          }
          const assignment = repo.create({ projectId: project.id, activeProjectId: project.id, cadreId: cadre.id, startedAt: now, startedById: actor.id, endedAt: null, endedById: null });
          await repo.insert(assignment);
          await recordAudit(tx, { action: "project.manager.assign", entityType: "ProjectManagerAssignment", entityId: assignment.id, after: assignment });
          return assignment;
        }),
      () => conflict("Another manager assignment for this project was saved at the same moment; reload and try again", "同一时刻已有人为本项目指定了项目经理人，请刷新后重试", { projectId: input.projectId }),
    );
  }

  /** Adds a cadre to the project's team for a department and role (ADMIN or the manager); one active membership per cadre and project. */
  addTeamMember(ctx: RequestContext, input: AddTeamMemberInput): Promise<TeamMember> {
    return idempotent(ctx, "addTeamMember", TeamMember, input, (tx) => this.addTeamMemberOnce(tx, input));
  }

  private async addTeamMemberOnce(ctx: RequestContext, input: AddTeamMemberInput): Promise<TeamMember> {
    return onRaceLoss(
      () =>
        ctx.transaction(async (tx) => {
          const project = await findVisibleProject(tx, input.projectId);
          await policyService.authorize(tx, "addTeamMember", { projectId: project.id, enterpriseId: project.enterpriseId });
          await this.requireCadre(tx, input.userId, "userId");
          if (!(await tx.repo(Department).existsBy({ id: input.departmentId }))) throw badInput("departmentId", `No department ${input.departmentId}`, `没有编号为 ${input.departmentId} 的部门`);
          const key = memberKey(project.id, input.userId);
          const member = tx.repo(TeamMember).create({
            projectId: project.id,
            userId: input.userId,
            departmentId: input.departmentId,
            role: input.role,
            activeKey: key,
            addedById: tx.requireUser().id,
            removedAt: null,
            removedById: null,
          });
          await tx.repo(TeamMember).insert(member);
          await recordAudit(tx, { action: "team.member.add", entityType: "TeamMember", entityId: member.id, after: member });
          return member;
        }),
      () => conflict("This cadre already serves on the team", "该干部已是本项目专班成员", { field: "userId" }),
    );
  }

  /** Ends a cadre's membership (ADMIN or the manager); the row stays as history. */
  async removeTeamMember(ctx: RequestContext, input: RemoveTeamMemberInput): Promise<TeamMember> {
    return ctx.transaction(async (tx) => {
      const project = await findVisibleProject(tx, input.projectId);
      await policyService.authorize(tx, "removeTeamMember", { projectId: project.id, enterpriseId: project.enterpriseId });
      const key = memberKey(project.id, input.userId);
      const member = await tx.repo(TeamMember).findOneBy({ activeKey: key });
      if (!member) throw notFound("TeamMember", input.userId);
      const now = tx.clock.now();
      const removed = await tx.repo(TeamMember).update({ id: member.id, activeKey: key }, { activeKey: null, removedAt: now, removedById: tx.requireUser().id });
      if (!removed.affected) throw notFound("TeamMember", input.userId);
      const after = { ...member, activeKey: null, removedAt: now, removedById: tx.requireUser().id };
      await recordAudit(tx, { action: "team.member.remove", entityType: "TeamMember", entityId: member.id, before: member, after });
      return Object.assign(member, after);
    });
  }

  /** A project's team: its manager and members now serving. */
  async teamOf(ctx: RequestContext, projectId: string): Promise<ServiceTeam> {
    const [manager, members] = await Promise.all([this.managerOf(ctx, { id: projectId }), activeMembersLoader(ctx).load(projectId)]);
    return { projectId, manager, members };
  }

  /** The project's manager (a cadre), or null before one is assigned: as the project's statement joined it, else loaded. */
  managerOf(ctx: RequestContext, project: Pick<Project, "id"> & WithActiveManager): User | null | Promise<User | null> {
    if (project.activeManager !== undefined) return project.activeManager?.cadre ?? null;
    return activeManagerLoader(ctx).load(project.id).then((assignment) => assignment?.cadre ?? null);
  }

  /** Projects the calling cadre now manages, by project code. */
  async managedProjects(ctx: RequestContext, args: ConnectionArgs): Promise<Connection<Project>> {
    const user = ctx.requireUser();
    const query = ctx
      .repo(Project)
      .createQueryBuilder("project")
      .where("project.id IN (SELECT a.project_id FROM project_manager_assignment a WHERE a.active_project_id IS NOT NULL AND a.cadre_id = :cadreId)", { cadreId: user.id });
    return paginate(query, args, {
      name: "managed",
      direction: "ASC",
      keys: [{ column: "project.code", value: (p) => p.code }],
      idColumn: "project.id",
    });
  }

  /** Every manager the project has had, newest first. */
  managerHistoryOf(ctx: RequestContext, projectId: string): Promise<ProjectManagerAssignment[]> {
    return managerHistoryLoader(ctx).load(projectId);
  }
}

export const teamService = new TeamService();
