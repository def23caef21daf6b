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
