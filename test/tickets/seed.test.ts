import { afterAll, beforeAll, expect, test } from "vitest";
import { RequestContext } from "../../src/core/context";
import { User } from "../../src/modules/accounts/user.entity";
import { Enterprise } from "../../src/modules/enterprises/enterprise.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { DEMO_ENTERPRISES, seedDemo } from "../../src/modules/seed";
import { ProjectManagerAssignment } from "../../src/modules/teams/project-manager-assignment.entity";
import { TeamMember } from "../../src/modules/teams/team-member.entity";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import { seedTeamsAndTickets } from "../../src/modules/tickets/ticket.seed";
import { startTestServer, type TestServer } from "../support/server";
import { TICKET } from "./gql";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
});
afterAll(() => server?.stop());

test("the demo seeder gives every existing project a manager and a team, and raises tickets in all four modes", async () => {
  const { dataSource } = server.app.services;
  // The demo users and enterprises; with no projects yet this module seeds nothing.
  await seedDemo(server.app.services);
  expect(await dataSource.getRepository(ProjectManagerAssignment).count()).toBe(0);

  // Projects as the projects seeder would make them, then this module's seeder on top.
  const enterprises = await dataSource.getRepository(Enterprise).find();
  const enterpriseIds = new Map(DEMO_ENTERPRISES.map((e) => [e.key, enterprises.find((x) => x.creditCode === e.creditCode)!.id]));
  const names: Record<string, string> = { tqjg: "特区建工产业园", crby: "华润怡宝扩产", lsct: "力升创投二期", jxy: "聚芯源二期", gxcy: "共享产业园" };
  for (const [i, [key, id]] of [...enterpriseIds].entries()) {
    await dataSource.getRepository(Project).insert(
      dataSource.getRepository(Project).create({ code: `2026-441602-39-01-00000${i}`, name: names[key], enterpriseId: id, industry: "C3971", totalInvestment: "500000000.00", landParcel: null }),
    );
  }
  const userIds = new Map((await dataSource.getRepository(User).find()).map((u) => [u.username, u.id]));
  await RequestContext.system(server.app.services).transaction((tx) => seedTeamsAndTickets(tx, { enterpriseIds, userIds }));

  expect(await dataSource.getRepository(ProjectManagerAssignment).count()).toBe(5);
  expect(await dataSource.getRepository(TeamMember).count()).toBe(10);
  const tickets = await dataSource.getRepository(ServiceTicket).find();
  expect(new Set(tickets.map((t) => t.stage))).toEqual(new Set(["PRE_DIAGNOSIS", "GUIDANCE", "CONSULTATION", "EMERGENCY"]));

  const emergency = tickets.find((t) => t.stage === "EMERGENCY")!;
  const jxy = await dataSource.getRepository(Project).findOneByOrFail({ id: emergency.projectId });
  expect(jxy.name).toBe("聚芯源二期");
  expect(emergency.status).toBe("CLOSED");
  expect(emergency.resolvedAt!.getTime()).toBeLessThanOrEqual(emergency.resolveDueAt.getTime()); // within its 3 days
  expect(emergency.resolvedAt!.getTime() - emergency.openedAt.getTime()).toBeLessThanOrEqual(72 * 3_600_000);

  // The enterprise reads it with its timeline.
  const { token } = await server.app.services.tokens.sign({ id: userIds.get("ent.jxy")!, role: "ENTERPRISE" });
  const read = await server.gql(TICKET, { id: emergency.id }, token);
  expect(read.data.ticket.resolveBreached).toBe(false);
  expect(read.data.ticket.departments.map((d: any) => d.code).sort()).toEqual(["POWER_SUPPLY", "WATER_AFFAIRS"]);
  expect(read.data.ticket.timeline.edges.map((e: any) => e.node.type)).toEqual(["OPENED", "ACKNOWLEDGED", "STARTED", "COMMENTED", "RESOLVED", "CLOSED"]);
});
