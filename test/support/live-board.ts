import { expect } from "vitest";
import { subscribe, type TestServer } from "./server";

export const BOARD_SUBSCRIPTION = `subscription { taskBoardChanged { type task { id } } }`;
const PUBLISH = `mutation($input: PublishTaskInput!) { publishTask(input: $input) { id } }`;

/** A signed-in socket with a live board subscription, and how the server closed it (if it did). */
export async function liveSocket(on: TestServer, token: string) {
  const client = on.ws(token);
  let closedWith: { code: number; reason: string } | undefined;
  client.on("closed", (event) => {
    const { code, reason } = event as { code: number; reason: string };
    closedWith = { code, reason };
  });
  const board = subscribe(client, BOARD_SUBSCRIPTION);
  await board.started;
  return { client, board, closed: () => closedWith };
}

/** Publishes tasks (as ADMIN) until the subscriber has seen one more: its subscription is then known to be live. */
export async function receivesEvents(on: TestServer, adminToken: string, board: ReturnType<typeof subscribe>) {
  const seen = board.events.length;
  await expect
    .poll(
      async () => {
        const due = new Date(on.clock.now().getTime() + 30 * 86_400_000).toISOString();
        const published = await on.gql(PUBLISH, { input: { title: "probe", description: "probe", category: "KEY_WORK", dueAt: due } }, adminToken);
        expect(published.errors).toBeUndefined();
        return board.events.length;
      },
      { timeout: 5_000, interval: 100 },
    )
    .toBeGreaterThan(seen);
}
