import { makeEnterprise, makeProject } from "../support/fixtures";
import { Department } from "../../src/modules/teams/department.entity";
import type { TestServer } from "../support/server";

export async function departmentId(server: TestServer, code: string): Promise<string> {
  const department = await server.app.services.dataSource.getRepository(Department).findOneByOrFail({ code });
  return department.id;
}

/** A project with an enterprise user, a manager and one team member, ready for tickets. */
export async function makeProjectWithTeam(server: TestServer, admin: string) {
  const enterprise = await makeEnterprise(server);
  const project = await makeProject(server, enterprise.id);
  const owner = await server.user("ENTERPRISE", { enterpriseId: enterprise.id });
  const manager = await server.user("CADRE");
  const member = await server.user("CADRE");
  const assigned = await server.gql(
    `mutation($input: AssignProjectManagerInput!) { assignProjectManager(input: $input) { id } }`,
    { input: { projectId: project.id, cadreId: manager.user.id } },
    admin,
  );
  if (assigned.errors) throw new Error(JSON.stringify(assigned.errors));
  const added = await server.gql(
    `mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { id } }`,
    { input: { projectId: project.id, userId: member.user.id, departmentId: await departmentId(server, "NATURAL_RESOURCES"), role: "联络员" } },
    manager.token,
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  return { enterprise, project, owner, manager, member };
}

type Subscription = { events: any[]; errors: unknown[]; started: Promise<void> };

/** Warm-up events carry this time; `realEvents` leaves them out. */
export const WARM_UP_AT = new Date(0).toISOString();

export const realEvents = (sub: Subscription) => sub.events.filter((e) => e.urgentRequests?.at !== WARM_UP_AT);

/** Waits until `count` events other than warm-up ones arrived, and returns them. */
export async function nextReal(sub: Subscription, count: number, timeoutMs = 10_000): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  while (realEvents(sub).length < count) {
    if (sub.errors.length) throw new Error(JSON.stringify(sub.errors));
    if (Date.now() > deadline) throw new Error(`waited for ${count} events, got ${realEvents(sub).length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return realEvents(sub).slice(0, count);
}

/**
 * Waits until each subscription is live on the server: publishes a harmless event for a ticket that
 * subscriber may see (straight to the pub/sub of `through`) until every one has received it. A
 * subscriber that connected but is not yet listening would miss events.
 */
export async function warmUp(through: TestServer, pairs: Array<{ sub: Subscription; ticket: { id: string; projectId: string; enterpriseId: string } }>) {
  await Promise.all(pairs.map((p) => p.sub.started));
  const deadline = Date.now() + 10_000;
  while (pairs.some((p) => p.sub.events.length === 0)) {
    if (Date.now() > deadline) throw new Error("subscriptions did not become live");
    const errors = pairs.flatMap((p) => p.sub.errors);
    if (errors.length) throw new Error(JSON.stringify(errors));
    for (const { ticket } of pairs) {
      through.app.services.pubSub.publish("URGENT_REQUESTS", {
        ticketId: ticket.id, projectId: ticket.projectId, enterpriseId: ticket.enterpriseId, type: "COMMENTED", actorId: null, at: WARM_UP_AT,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Warm-up events still in flight may arrive later: read with realEvents / nextReal.
}

