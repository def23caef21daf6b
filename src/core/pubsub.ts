import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import Redis from "ioredis";

/**
 * Topics and their payloads. Payloads are small (ids, states, ISO times) and cross Redis as JSON.
 * Each module declares its topic where its payload is defined, by declaration merging
 * (`declare module "../../core/pubsub" { interface TopicMap { … } }`), so core imports no module
 * and every publisher and subscriber still agrees on the shape.
 */
export interface TopicMap {}
export type Topic = keyof TopicMap;
export type TopicPayload<K extends Topic> = TopicMap[K];
export type AppPubSub = PubSub<{ [K in Topic]: [TopicMap[K]] }>;

/**
 * In-process pub/sub, or through Redis when REDIS_URL is set so events cross instances.
 * `channelPrefix` namespaces the Redis channels (deployments or test runs sharing one Redis).
 */
export function createAppPubSub(redisUrl?: string, channelPrefix = ""): { pubSub: AppPubSub; close(): Promise<void> } {
  if (!redisUrl) {
    return { pubSub: createPubSub<{ [K in Topic]: [TopicMap[K]] }>(), close: async () => {} };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // disableClientInfo: ioredis 5.8.2+ can send CLIENT SETINFO/INFO after a SUBSCRIBE made while connecting
  // ("Connection in subscriber mode", redis/ioredis#2037); the webhook relay subscribes at start.
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3, disableClientInfo: true });
  const redisTarget = createRedisEventTarget<any>({ publishClient, subscribeClient });
  const eventTarget = channelPrefix ? prefixedEventTarget(redisTarget, channelPrefix) : redisTarget;
  return {
    pubSub: createPubSub<{ [K in Topic]: [TopicMap[K]] }>({ eventTarget }),
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

type EventTargetLike = ReturnType<typeof createRedisEventTarget<any>>;

/** The same event target with every topic renamed to `prefix + topic` (listeners still see the topic's payload). */
function prefixedEventTarget(target: EventTargetLike, prefix: string): EventTargetLike {
  return {
    addEventListener: (topic, listener) => target.addEventListener(prefix + topic, listener),
    removeEventListener: (topic, listener) => target.removeEventListener(prefix + topic, listener),
    dispatchEvent: (event) => target.dispatchEvent(new CustomEvent(prefix + event.type, { detail: event.detail })),
  };
}

/**
 * One subscriber's channel: the events of `source` that `keep` accepts (synchronously where it
 * can). A plain iterator rather than @graphql-yoga/subscription's `filter`, which wraps each
 * subscriber's source in a second Repeater and allocated several promises per subscriber and
 * event (an eighth of what a fan-out to 1,000 subscribers allocates). Ending it ends the source,
 * at once: a Repeater's `return` settles the read that is waiting.
 */
export function keepEvents<T>(source: AsyncIterable<T>, keep: (event: T) => boolean | Promise<boolean>): AsyncIterableIterator<T> {
  const events = source[Symbol.asyncIterator]();
  const pull = async (): Promise<IteratorResult<T>> => {
    for (;;) {
      const read = await events.next();
      if (read.done) return read;
      const kept = keep(read.value);
      if (kept === true || (kept !== false && (await kept))) return read;
    }
  };
  // reads taken at once are answered in order, one after the other, as a Repeater answers them
  let previous: Promise<unknown> | null = null;
  return {
    next() {
      const read: Promise<IteratorResult<T>> = previous ? previous.then(pull, pull) : pull();
      previous = read;
      return read;
    },
    return: (value?: unknown) => events.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    throw: (error?: unknown) => events.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const perEventCache = new WeakMap<object, Promise<unknown>>();

/**
 * Loads what every subscriber of one published event needs, once per event rather than once per
 * subscriber: the pub/sub hands the same payload object to each of them. Only for data that does
 * not depend on who receives it (visibility is filtered before, per subscriber).
 */
export function oncePerEvent<T>(payload: object, load: () => Promise<T>): Promise<T> {
  let loaded = perEventCache.get(payload) as Promise<T> | undefined;
  if (!loaded) {
    loaded = load();
    perEventCache.set(payload, loaded);
  }
  return loaded;
}
