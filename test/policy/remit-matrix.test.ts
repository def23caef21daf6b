import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { getIntrospectionQuery } from "graphql";
import { REMITS, rolesOf, type Relation, type Remit, type RemitName } from "../../src/modules/policy/remits";
import { DEPARTMENT_NAMES } from "../../src/modules/departments/department.entity";
import type { Caller } from "../instep/callers";
import { startTestServer, type GraphQLResponse, type TestServer } from "../support/server";
import { accountCases } from "./cases/accounts";
import { boardCases } from "./cases/board";
import { commitmentCases } from "./cases/commitments";
import { instepCases } from "./cases/instep";
import { notificationCases } from "./cases/notifications";
import { projectCases } from "./cases/projects";
import { supervisionCases } from "./cases/supervision";
import { ticketCases } from "./cases/tickets";
import { MATRIX_WEBHOOK_HOST, webhookCases } from "./cases/webhooks";
import { CALLER_KINDS, makeWorld, NEUTRAL_DEPARTMENT, type CallerKind, type PreparedCall, type RemitCase, type RemitCases, type World } from "./world";

/**
 * The remit matrix: every row of the policy table, called as every kind of caller. A caller who
 * holds a relation the row allows succeeds; anyone else is refused (UNAUTHENTICATED signed out,
 * NOT_FOUND for another enterprise's user where the record is hidden from them, FORBIDDEN naming
 * who may otherwise), and a refusal writes nothing, audits nothing and publishes nothing.
 */
const CASES: RemitCases = { ...accountCases, ...projectCases, ...commitmentCases, ...boardCases, ...ticketCases, ...instepCases, ...supervisionCases, ...notificationCases, ...webhookCases };

/** The relations whose refusal names the case's department (the front desk is named by config, not by the record). */
const DEPARTMENT_RELATIONS: Relation[] = ["HANDLING_DEPARTMENT", "RESPONSIBLE_DEPARTMENT", "LEAD_DEPARTMENT", "PARTICIPATING_DEPARTMENT"];
const CADRES: CallerKind[] = ["CADRE_DEPARTMENT", "CADRE_FRONT_DESK", "CADRE_OTHER_DEPARTMENT", "CADRE_TEAM_MEMBER", "MANAGER"];

/** Who holds each relation in a fresh world, before the case says who claimed, raised or was assigned. */
const DEFAULT_HOLDERS: Record<Relation, CallerKind[]> = {
  ANYONE: [...CALLER_KINDS],
  SIGNED_IN: ["ENTERPRISE_OWN", ...CADRES, "ADMIN"],
  ADMIN: ["ADMIN"],
  CADRE: CADRES,
  PROJECT_MANAGER: ["MANAGER"],
  TEAM_MEMBER: ["CADRE_TEAM_MEMBER"],
  OWN_ENTERPRISE: ["ENTERPRISE_OWN"],
  HANDLING_DEPARTMENT: ["CADRE_DEPARTMENT"],
  FRONT_DESK: ["CADRE_FRONT_DESK"],
  RESPONSIBLE_DEPARTMENT: ["CADRE_DEPARTMENT"],
  LEAD_DEPARTMENT: ["CADRE_DEPARTMENT"],
  PARTICIPATING_DEPARTMENT: ["CADRE_DEPARTMENT"],
  CLAIMANT: [],
  TICKET_ASSIGNEE: [],
  TICKET_RAISER: [],
};

const ROLE_OF: Record<Exclude<CallerKind, "ANONYMOUS">, "ADMIN" | "CADRE" | "ENTERPRISE"> = {
  ENTERPRISE_OWN: "ENTERPRISE",
  ENTERPRISE_OTHER: "ENTERPRISE",
  CADRE_DEPARTMENT: "CADRE",
  CADRE_FRONT_DESK: "CADRE",
  CADRE_OTHER_DEPARTMENT: "CADRE",
  CADRE_TEAM_MEMBER: "CADRE",
  MANAGER: "CADRE",
  ADMIN: "ADMIN",
};

type Expected = "ALLOWED" | "UNAUTHENTICATED" | "NOT_FOUND" | "FORBIDDEN";

function expectedFor(name: RemitName, remitCase: RemitCase, prepared: PreparedCall, caller: CallerKind): Expected {
  const remit: Remit = REMITS[name];
  const hidden = (prepared.hiddenFrom ?? []).includes(caller);
  const holds = !hidden && remit.allowed.some((relation) => (prepared.holders?.[relation] ?? DEFAULT_HOLDERS[relation]).includes(caller));
  if (holds) return "ALLOWED";
  if (caller === "ANONYMOUS") return "UNAUTHENTICATED";
  const mayHoldByRole = rolesOf(name).includes(ROLE_OF[caller]);
  const scoped = remitCase.projectScoped ?? true;
  if ((hidden || (caller === "ENTERPRISE_OTHER" && scoped)) && mayHoldByRole) return "NOT_FOUND";
  return "FORBIDDEN";
}

let server: TestServer;
let admin: Caller;

/** Every table's rows, in a stable order: what a refusal must leave exactly as it was. */
async function snapshot(): Promise<string> {
  const { dataSource } = server.app.services;
  const parts: string[] = [];
  for (const meta of [...dataSource.entityMetadatas].sort((a, b) => a.tableName.localeCompare(b.tableName))) {
    const order = meta.primaryColumns.map((c) => c.databaseName).join(", ");
    const rows = await dataSource.query(`SELECT * FROM ${dataSource.driver.escape(meta.tableName)} ORDER BY ${order}`);
    parts.push(`${meta.tableName}:${JSON.stringify(rows)}`);
  }
  return parts.join("\n");
}

beforeAll(async () => {
  server = await startTestServer({ config: { webhookAllowedHosts: [MATRIX_WEBHOOK_HOST] } });
  admin = await server.user("ADMIN");
});
afterAll(() => server?.stop());

test("every mutation in the schema has its remit rows, and every remit row has its case in the matrix", async () => {
  const schema = (await server.gql(getIntrospectionQuery())).data.__schema;
  const mutationType = schema.types.find((t: any) => t.name === schema.mutationType.name);
  const inSchema = mutationType.fields.map((f: any) => f.name).sort();
  const inTable = [...new Set((Object.values(REMITS) as Remit[]).map((r) => r.mutation))].sort();
  expect(inTable).toEqual(inSchema);
  expect(Object.keys(CASES).sort()).toEqual(Object.keys(REMITS).sort());
});

describe("every remit, as every kind of caller", () => {
  const only = process.env.REMIT_MATRIX_ONLY?.split(",");
  for (const [name, remitCase] of Object.entries(CASES) as Array<[RemitName, RemitCase]>) {
    if (only && !only.includes(name)) continue;
    test(`${name}: ${REMITS[name].allowed.join(", ")}`, async () => {
      const department = remitCase.department ?? NEUTRAL_DEPARTMENT;
      const fresh = () => makeWorld(server, admin, department);
      const call = (world: World, kind: CallerKind, prepared: PreparedCall): Promise<GraphQLResponse> =>
        server.gql(prepared.query, prepared.variablesOf?.[kind] ?? prepared.variables ?? {}, kind === "ANONYMOUS" ? undefined : world.callers[kind].token);

      // the refusals all go to one world, which they must leave as it was
      let world = await fresh();
      let prepared = await remitCase.prepare(world);
      const expected = Object.fromEntries(CALLER_KINDS.map((kind) => [kind, expectedFor(name, remitCase, prepared, kind)])) as Record<CallerKind, Expected>;
      const refusedKinds = CALLER_KINDS.filter((kind) => expected[kind] !== "ALLOWED");
      const allowedKinds = CALLER_KINDS.filter((kind) => expected[kind] === "ALLOWED");
      // a remit nobody in the matrix holds would test only refusals
      expect(allowedKinds.length, `nobody holds ${name}`).toBeGreaterThan(0);

      const namesDepartment = REMITS[name].allowed.some((r) => DEPARTMENT_RELATIONS.includes(r));
      const before = await snapshot();
      const publish = vi.spyOn(server.app.services.pubSub, "publish");
      try {
        for (const kind of refusedKinds) {
          server.clock.advance(1000); // a refused write stamped now would differ from the snapshot
          const res = await call(world, kind, prepared);
          const error = res.errors?.[0];
          expect({ kind, code: error?.extensions?.code }).toEqual({ kind, code: expected[kind] });
          if (expected[kind] === "FORBIDDEN") {
            expect(error!.message).toMatch(/^Only .+ may /);
            expect(error!.extensions!.remit).toBeDefined();
            // a cadre refused on the record (past the role check) is told which department may
            if (ROLE_OF[kind as Exclude<CallerKind, "ANONYMOUS">] === "CADRE" && namesDepartment && remitCase.department) {
              expect(error!.message, kind).toContain(DEPARTMENT_NAMES[remitCase.department]);
            }
          }
          expect(res.data?.[REMITS[name].mutation] ?? null, kind).toBeNull();
        }
        expect(publish).not.toHaveBeenCalled();
      } finally {
        publish.mockRestore();
      }
      expect(await snapshot()).toEqual(before);

      // each caller who may gets a world of its own (the refusals' world serves the first)
      for (const [i, kind] of allowedKinds.entries()) {
        if (i > 0) {
          world = await fresh();
          prepared = await remitCase.prepare(world);
        }
        const res = await call(world, kind, prepared);
        expect({ kind, errors: res.errors }).toEqual({ kind, errors: undefined });
      }
    });
  }
});
