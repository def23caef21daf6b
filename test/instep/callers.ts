import type { User } from "../../src/modules/accounts/user.entity";
import type { DepartmentCode } from "../../src/modules/departments/department.entity";
import type { TestServer } from "../support/server";

export type Caller = { user: User; token: string };

/** A CADRE of the department with this code. */
export async function cadreOf(server: TestServer, code: DepartmentCode, name?: string): Promise<Caller> {
  return server.user("CADRE", { departmentId: (await server.department(code)).id, ...(name && { name }) });
}

/**
 * The project's service team, made through GraphQL as ADMIN: a manager (项目经理人) and one team
 * member, both cadres of MARKET_REGULATION, a department that holds no remit of its own, so
 * whatever they may do they may do as the project's team.
 */
export async function teamOf(server: TestServer, admin: string, projectId: string): Promise<{ manager: Caller; member: Caller }> {
  const manager = await server.user("CADRE");
  const member = await server.user("CADRE");
  const assigned = await server.gql(`mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`, { input: { projectId, cadreId: manager.user.id } }, admin);
  if (assigned.errors) throw new Error(JSON.stringify(assigned.errors));
  const added = await server.gql(
    `mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { id } }`,
    { input: { projectId, userId: member.user.id, departmentId: (await server.department("MARKET_REGULATION")).id, role: "联络员" } },
    admin,
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  return { manager, member };
}
