import { afterAll, beforeAll, expect, test } from "vitest";
import { User } from "../../src/modules/accounts/user.entity";
import { Project } from "../../src/modules/projects/project.entity";
import { seedDemo } from "../../src/demo/seed";
import { ProjectManagerAssignment } from "../../src/modules/teams/project-manager-assignment.entity";
import { TeamMember } from "../../src/modules/teams/team-member.entity";
import { ServiceTicket } from "../../src/modules/tickets/service-ticket.entity";
import { startTestServer, type TestServer } from "../support/server";
import { TICKET } from "./gql";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { slaCheckIntervalMs: 0 } });
});
afterAll(() => server?.stop());

test("the demo seeder gives every existing project a manager and a team, and raises tickets in all four modes", async () => {
  const { dataSource } = server.app.services;
  // The whole demo set: users, enterprises, the projects seeder's projects, then this module on top.
  await seedDemo(server.app.services);
  const projects = await dataSource.getRepository(Project).count();
  expect(projects).toBeGreaterThanOrEqual(5);
  expect(await dataSource.getRepository(ProjectManagerAssignment).count()).toBe(projects);
  expect(await dataSource.getRepository(TeamMember).count()).toBe(2 * projects);
  const userIds = new Map((await dataSource.getRepository(User).find()).map((u) => [u.username, u.id]));
  const tickets = await dataSource.getRepository(ServiceTicket).find();
  expect(new Set(tickets.map((t) => t.stage))).toEqual(new Set(["PRE_DIAGNOSIS", "GUIDANCE", "CONSULTATION", "EMERGENCY"]));

  const emergency = tickets.find((t) => t.stage === "EMERGENCY")!;
  const jxy = await dataSource.getRepository(Project).findOneByOrFail({ id: emergency.projectId });
  expect(jxy.name).toContain("聚芯源");
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
