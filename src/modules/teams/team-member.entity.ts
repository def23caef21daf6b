import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { BaseEntity, TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";
import { Project } from "../projects/project.entity";
import { Department } from "../departments/department.entity";

/**
 * 专班成员: a cadre serving on a project's team for a department, in a role. Removal keeps the row
 * (removedAt, removedBy); `activeKey` ("projectId:userId" while serving, NULL after) is UNIQUE, so a
 * cadre serves at most once at a time on one project.
 */
@ObjectType({ description: "专班成员: a cadre serving on a project's service team." })
@Entity("team_member")
@Index("UQ_team_member_active", ["activeKey"], { unique: true })
@Index("IDX_team_member_project", ["projectId", "removedAt"])
@Index("IDX_team_member_user", ["userId", "removedAt"])
export class TeamMember extends BaseEntity {
  @Field(() => ID)
  declare id: string;

  @Field(() => ID)
  @Column({ name: "project_id", type: "varchar", length: 36 })
  projectId: string;

  @ManyToOne(() => Project)
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "FK_team_member_project" })
  project?: Project;

  @Column({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "FK_team_member_user" })
  user?: User;

  @Column({ name: "department_id", type: "varchar", length: 36 })
  departmentId: string;

  @ManyToOne(() => Department)
  @JoinColumn({ name: "department_id", foreignKeyConstraintName: "FK_team_member_department" })
  department?: Department;

  @Field({ description: "Role on the team, e.g. 联络员, 审批专员." })
  @Column({ type: "varchar", length: 50 })
  role: string;

  @Column({ name: "active_key", type: "varchar", length: 73, nullable: true })
  activeKey: string | null;

  @Column({ name: "added_by_id", type: "varchar", length: 36, nullable: true })
  addedById: string | null;

  @Field({ description: "When the member joined the team." })
  declare createdAt: Date;

  @Field(() => Date, { nullable: true, description: "When the member left the team; null while serving." })
  @TimestampColumn("removed_at", true)
  removedAt: Date | null;

  @Column({ name: "removed_by_id", type: "varchar", length: 36, nullable: true })
  removedById: string | null;
}

/** A project's service team: its manager and the members now serving. */
@ObjectType({ description: "一项目一专班: a project's service team." })
export class ServiceTeam {
  @Field(() => ID)
  projectId: string;

  @Field(() => User, { nullable: true, description: "项目经理人: the cadre leading the team; null until assigned." })
  manager: User | null;

  @Field(() => [TeamMember], { description: "Members now serving, in order of joining." })
  members: TeamMember[];
}
