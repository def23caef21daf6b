import { makeEnterprise, makeProject } from "../support/fixtures";
import { Department } from "../../src/modules/departments/department.entity";
import type { subscribe, TestServer } from "../support/server";

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

type Subscription = ReturnType<typeof subscribe<any>>;

/** Warm-up events carry this time; `realEvents` leaves them out. */
export const WARM_UP_AT = new Date(0).toISOString();

export const realEvents = (sub: Pick<Subscription, "events">) => sub.events.filter((e) => e.urgentRequests?.at !== WARM_UP_AT);

/** Waits (as events arrive) until `count` events other than warm-up ones arrived, and returns them. */
export async function nextReal(sub: Subscription, count: number, timeoutMs = 10_000): Promise<any[]> {
  await sub.until(() => realEvents(sub).length >= count, timeoutMs);
  return realEvents(sub).slice(0, count);
}

/**
 * Waits until each subscription is live on the server: publishes a harmless event that subscriber
 * may see (straight to the pub/sub of `through`), for a ticket, or with `id: null` a
 * CIRCUIT_BREAKER event for the project, until every one has received one. graphql-ws does not
 * confirm a subscription, and a subscriber that connected but is not yet listening would miss
 * events: each round waits up to 50 ms for the events to arrive, then publishes again.
 */
export async function warmUp(through: TestServer, pairs: Array<{ sub: Subscription; ticket: { id: string | null; projectId: string; enterpriseId: string } }>) {
  await Promise.all(pairs.map((p) => p.sub.started));
  for (let round = 0; ; round++) {
    for (const { ticket } of pairs) {
      through.app.services.pubSub.publish("URGENT_REQUESTS", {
        ticketId: ticket.id, projectId: ticket.projectId, enterpriseId: ticket.enterpriseId, type: ticket.id ? "COMMENTED" : "CIRCUIT_BREAKER", actorId: null, at: WARM_UP_AT,
      });
    }
    try {
      await Promise.all(pairs.map((p) => p.sub.until((events) => events.length > 0, 50)));
      return; // Warm-up events still in flight may arrive later: read with realEvents / nextReal.
    } catch (error) {
      const errors = pairs.flatMap((p) => p.sub.errors);
      if (errors.length) throw new Error(JSON.stringify(errors));
      if (round === 200) throw new Error(`subscriptions did not become live: ${error}`);
    }
  }
}
