import type { DepartmentCode } from "../../src/modules/departments/department.entity";
import type { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import type { Project } from "../../src/modules/projects/project.entity";
import type { Relation, RemitName } from "../../src/modules/policy/remits";
import { teamOf, type Caller } from "../instep/callers";
import { makeEnterprise, makeProject } from "../support/fixtures";
import type { TestServer } from "../support/server";
import { upload } from "../support/uploads";

/**
 * The kinds of caller the remit matrix calls every mutation as. CADRE_DEPARTMENT is a cadre of the
 * department the case names (the handling, lead, participating or responsible one); the other
 * cadres are of departments that hold nothing on the case's record.
 */
export const CALLER_KINDS = [
  "ANONYMOUS",
  "ENTERPRISE_OWN",
  "ENTERPRISE_OTHER",
  "CADRE_DEPARTMENT",
  "CADRE_FRONT_DESK",
  "CADRE_OTHER_DEPARTMENT",
  "CADRE_TEAM_MEMBER",
  "MANAGER",
  "ADMIN",
] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

/** A fresh project with its people, made for one case (one or more calls). */
export interface World {
  server: TestServer;
  /** ADMIN's token, for setting records up. */
  admin: string;
  enterprise: Enterprise;
  project: Project;
  /** The other enterprise, whose user must not learn that the project exists. */
  otherEnterprise: Enterprise;
  callers: Record<Exclude<CallerKind, "ANONYMOUS">, Caller>;
  /** The id of a seeded department by code. */
  department(code: DepartmentCode): Promise<string>;
  /** GraphQL as the given token; throws on any error (setup must not fail quietly). */
  must<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T>;
}

export interface PreparedCall {
  query: string;
  variables?: Record<string, unknown>;
  /** Who holds the relations this record gives (CLAIMANT, TICKET_ASSIGNEE, TICKET_RAISER), beyond the defaults. */
  holders?: Partial<Record<Relation, CallerKind[]>>;
  /** Who does not see the record at all (tickets are seen by their project's people only): told NOT_FOUND where their role could otherwise hold the remit. */
  hiddenFrom?: CallerKind[];
  /** Variables per caller, where the call names something of the caller's own (their uploads: attachmentIds); `variables` for the others. */
  variablesOf?: Partial<Record<CallerKind, Record<string, unknown>>>;
}

/**
 * The call's variables for every caller, each naming an upload of that caller's own (POST /files),
 * made before the refusals' snapshot: `make` gets the upload id. ANONYMOUS gets ADMIN's.
 */
export async function withOwnUploads(world: World, make: (uploadId: string) => Record<string, unknown>): Promise<Pick<PreparedCall, "variables" | "variablesOf">> {
  const variablesOf: Partial<Record<CallerKind, Record<string, unknown>>> = {};
  for (const [kind, caller] of Object.entries(world.callers) as Array<[Exclude<CallerKind, "ANONYMOUS">, Caller]>) {
    variablesOf[kind] = make(await upload(world.server, caller.token));
  }
  return { variables: variablesOf.ADMIN, variablesOf };
}

export interface RemitCase {
  /** The department whose cadre is CADRE_DEPARTMENT (default: one holding no remit on the record). */
  department?: DepartmentCode;
  /**
   * Whether the record belongs to a project, so that another enterprise's user, of a role that may
   * call the mutation, is told NOT_FOUND rather than FORBIDDEN (default true where ENTERPRISE can hold the remit).
   */
  projectScoped?: boolean;
  /** Brings the world's records to where the mutation applies and returns the call. Called once per world. */
  prepare(world: World): Promise<PreparedCall>;
}

export type RemitCases = Partial<Record<RemitName, RemitCase>>;

/** A department that holds no duty and is neither front desk nor the team's (MARKET_REGULATION). */
export const NEUTRAL_DEPARTMENT: DepartmentCode = "INDUSTRY_IT";

export async function makeWorld(server: TestServer, adminCaller: Caller, departmentCode: DepartmentCode = NEUTRAL_DEPARTMENT, project: Partial<Project> = {}): Promise<World> {
  const admin = adminCaller.token;
  const department = async (code: DepartmentCode) => (await server.department(code)).id;
  const enterprise = await makeEnterprise(server);
  const otherEnterprise = await makeEnterprise(server, "另一企业");
  const row = await makeProject(server, enterprise.id, { fastTrackAdmittedAt: server.clock.now(), signedOn: "2026-01-05", ...project });
  const { manager, member } = await teamOf(server, admin, row.id);
  const otherCode: DepartmentCode = departmentCode === "TRANSPORT" ? "WATER_AFFAIRS" : "TRANSPORT";
  const callers = {
    ENTERPRISE_OWN: await server.user("ENTERPRISE", { enterpriseId: enterprise.id }),
    ENTERPRISE_OTHER: await server.user("ENTERPRISE", { enterpriseId: otherEnterprise.id }),
    CADRE_DEPARTMENT: await server.user("CADRE", { departmentId: await department(departmentCode) }),
    CADRE_FRONT_DESK: await server.user("CADRE", { departmentId: await department(server.config.frontDeskDepartment as DepartmentCode) }),
    CADRE_OTHER_DEPARTMENT: await server.user("CADRE", { departmentId: await department(otherCode) }),
    CADRE_TEAM_MEMBER: member,
    MANAGER: manager,
    ADMIN: adminCaller,
  };
  return {
    server,
    admin,
    enterprise,
    project: row,
    otherEnterprise,
    callers,
    department,
    async must(query, variables, token) {
      const res = await server.gql(query, variables, token);
      if (res.errors) throw new Error(`setup failed: ${JSON.stringify(res.errors)} for ${query}`);
      return res.data;
    },
  };
}
