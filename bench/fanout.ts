import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { freshDatabase, gql, percentile, progress, run, startServerProcess } from "./support";

/**
 * bench:fanout — SUBSCRIBERS graphql-ws clients on `urgentRequests`; EVENTS EMERGENCY tickets
 * opened one after the other; for each, the delay from the mutation's HTTP response to each
 * delivery, and the server's resident memory per idle subscriber (RSS after a full GC, before
 * and after connecting them, the server alone in a child process).
 */
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS || 1_000);
const EVENTS = Number(process.env.BENCH_EVENTS || 10);
const SUBSCRIPTION = "subscription Urgent { urgentRequests { type at ticket { id } } }";
const OPEN = "mutation Open($input: OpenServiceTicketInput!) { openServiceTicket(input: $input) { id } }";

interface Ready { url: string; raiserToken: string; subscriberToken: string; projectId: string }
interface Measure { rss: number; subscriptions: number }

run(async (cleanup) => {
  const db = await freshDatabase("fanout");
  cleanup.push(() => db.drop());
  // e.g. BENCH_SERVER_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
  const server = await startServerProcess<Ready>("fanout-server.js", { BENCH_DB_URL: db.url }, ["--expose-gc"]);
  cleanup.push(() => server.stop());
  const { ready } = server;
  const measure = () => (server.send({ type: "measure" }), server.next<Measure>("measure"));
  const wsUrl = ready.url.replace(/^http/, "ws");

  /** ticket id -> arrival times (performance.now()) of its event at each subscriber. */
  const arrivals = new Map<string, number[]>();
  const clients: Client[] = [];
  cleanup.push(() => Promise.allSettled(clients.map((c) => c.dispose())));
  const subscribe = async (count: number): Promise<Client[]> => {
    const made: Client[] = [];
    for (let start = 0; start < count; start += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, count - start) }, () => {
          const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ready.subscriberToken}` }, retryAttempts: 0, lazy: false });
          made.push(client);
          return new Promise<void>((resolve, reject) => {
            client.on("connected", () => resolve());
            client.on("error", reject);
            client.subscribe<{ urgentRequests: { ticket: { id: string } } }>(
              { query: SUBSCRIPTION },
              {
                next: (value) => {
                  const at = performance.now();
                  const id = value.data?.urgentRequests.ticket.id;
                  if (id) (arrivals.get(id) ?? arrivals.set(id, []).get(id)!).push(at);
                  else progress(`subscriber got ${JSON.stringify(value).slice(0, 300)}`);
                },
                error: (error) => progress(`subscription error ${JSON.stringify(error).slice(0, 300)}`),
                complete: () => {},
              },
            );
          });
        }),
      );
    }
    clients.push(...made);
    return made;
  };
  const waitFor = async (what: () => boolean, label: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!what()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** Waits until the server counts `count` open subscriptions. */
  const untilOpen = async (count: number) => {
    const deadline = Date.now() + 20_000;
    let open = (await measure()).subscriptions;
    while (open !== count) {
      if (Date.now() > deadline) throw new Error(`${open} subscriptions open on the server, expected ${count}`);
      await new Promise((r) => setTimeout(r, 100));
      open = (await measure()).subscriptions;
    }
  };
  /** Opens one EMERGENCY ticket; resolves to its id and when the response arrived, once `expected` subscribers got it. */
  const openTicket = async (expected: number, n: number) => {
    const result = await gql(ready.url, OPEN, { input: { projectId: ready.projectId, stage: "EMERGENCY", title: `急诊 ${n}`, description: "停水停电，急需协调" } }, ready.raiserToken);
    const answeredAt = performance.now();
    if (result.errors || !result.data?.openServiceTicket?.id) throw new Error(`openServiceTicket answered ${JSON.stringify(result).slice(0, 400)}`);
    const id: string = result.data.openServiceTicket.id;
    await waitFor(() => (arrivals.get(id)?.length ?? 0) >= expected, `${expected} deliveries of ticket ${n}`);
    return { id, answeredAt };
  };

  progress("warming up the server with 50 subscribers and one event");
  const warm = await subscribe(50);
  await untilOpen(50);
  await openTicket(50, 0);
  await Promise.all(warm.map((c) => c.dispose()));
  clients.length = 0;
  await untilOpen(0);

  const before = await measure();
  progress(`connecting ${SUBSCRIBERS} subscribers (server RSS ${(before.rss / 2 ** 20).toFixed(1)} MiB, ${before.subscriptions} open)`);
  await subscribe(SUBSCRIBERS);
  await untilOpen(SUBSCRIBERS);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = await measure();
  const perSubscriber = (idle.rss - before.rss) / SUBSCRIBERS;

  progress(`${EVENTS} EMERGENCY tickets to ${SUBSCRIBERS} subscribers`);
  const delays: number[] = [];
  for (let n = 1; n <= EVENTS; n++) {
    const { id, answeredAt } = await openTicket(SUBSCRIBERS, n);
    delays.push(...arrivals.get(id)!.map((at) => at - answeredAt));
    await new Promise((r) => setTimeout(r, 200));
  }
  const p99 = percentile(delays, 0.99);
  const kb = perSubscriber / 1024;
  return (
    `bench:fanout ${SUBSCRIBERS} urgentRequests subscribers x ${EVENTS} EMERGENCY tickets, ${delays.length}/${SUBSCRIBERS * EVENTS} delivered: ` +
    `response-to-delivery p50 ${percentile(delays, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target <= 100 ms: ${p99 <= 100 ? "met" : "MISSED"}); ` +
    `server RSS ${(before.rss / 2 ** 20).toFixed(1)} -> ${(idle.rss / 2 ** 20).toFixed(1)} MiB, ${kb.toFixed(1)} KB per idle subscriber (target <= 64 KB: ${kb <= 64 ? "met" : "MISSED"})`
  );
});
