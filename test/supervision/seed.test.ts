import { afterAll, beforeAll, expect, test } from "vitest";
import { DEMO_ENTERPRISES, seedDemo } from "../../src/demo/seed";
import { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
  await seedDemo(server.app.services);
});
afterAll(() => server?.stop());

test("the demo has risk levels, a project stopped and rectifying, and an enterprise under a credit measure", async () => {
  const { token } = await server.user("ADMIN");
  const res = await server.gql(
    `{ supervisionDashboard { suspendedProjects { name riskLevel circuitBreaker { state rectificationDueOn } delayCauses { attributedTo cause } }
        enterprisesByMeasure { measure enterprises { creditCode } } }
       projects(first: 20) { edges { node { name riskLevel } } } }`,
    {},
    token,
  );
  expect(res.errors).toBeUndefined();
  const { supervisionDashboard: dashboard, projects } = res.data;
  expect(dashboard.suspendedProjects).toHaveLength(1);
  expect(dashboard.suspendedProjects[0]).toMatchObject({ name: expect.stringContaining("力升"), circuitBreaker: { state: "SUSPENDED" }, delayCauses: [{ attributedTo: "ENTERPRISE", cause: "FUNDS_NOT_IN_PLACE" }] });
  expect(dashboard.suspendedProjects[0].circuitBreaker.rectificationDueOn > server.clock.now().toISOString().slice(0, 10)).toBe(true);
  const risks = projects.edges.map((e: any) => e.node.riskLevel);
  expect(risks).toContain("HIGH");
  expect(risks).toContain("LOW");
  const tqjg = await server.app.services.dataSource.getRepository(Enterprise).findOneByOrFail({ creditCode: DEMO_ENTERPRISES.find((e) => e.key === "tqjg")!.creditCode });
  const listed = dashboard.enterprisesByMeasure.flatMap((g: any) => g.enterprises.map((e: any) => [e.creditCode, g.measure]));
  expect(listed).toContainEqual([tqjg.creditCode, "KEY_ATTENTION"]);
});
