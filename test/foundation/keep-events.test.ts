import { expect, test } from "vitest";
import { createPubSub } from "@graphql-yoga/subscription";
import { keepEvents } from "../../src/core/pubsub";

/** An EventTarget that counts its listeners: a subscriber's channel must let go of its listener when it ends. */
class CountingTarget extends EventTarget {
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget["addEventListener"]>) {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget["removeEventListener"]>) {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

test("keepEvents passes on, in order, the events its test keeps (answered at once or later) and nothing else", async () => {
  const pubSub = createPubSub<{ T: [number] }>();
  const kept = keepEvents(pubSub.subscribe("T"), (n: number) => (n % 3 === 0 ? Promise.resolve(true) : n % 2 === 0));
  const reads = [kept.next(), kept.next(), kept.next()];
  await new Promise((r) => setImmediate(r));
  for (let n = 1; n <= 7; n++) pubSub.publish("T", n);
  expect((await Promise.all(reads)).map((read) => read.value)).toEqual([2, 3, 4]);
  expect((await kept.next()).value).toBe(6);
  await kept.return!();
});

test("ending the channel ends the source at once: a waiting read settles done and the listener goes", async () => {
  const target = new CountingTarget();
  const pubSub = createPubSub<{ T: [number] }>({ eventTarget: target });
  const kept = keepEvents(pubSub.subscribe("T"), () => true);
  const waiting = kept.next();
  await new Promise((r) => setImmediate(r));
  expect(target.listeners).toBe(1);
  await kept.return!();
  expect(await waiting).toEqual({ done: true, value: undefined });
  expect(target.listeners).toBe(0);
  pubSub.publish("T", 1);
  expect((await kept.next()).done).toBe(true);
});

test("a test that fails ends the channel with its error", async () => {
  const pubSub = createPubSub<{ T: [number] }>();
  const kept = keepEvents(pubSub.subscribe("T"), () => Promise.reject(new Error("visibility lookup failed")));
  const read = kept.next();
  await new Promise((r) => setImmediate(r));
  pubSub.publish("T", 1);
  await expect(read).rejects.toThrow("visibility lookup failed");
});
