import type { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from "typeorm";
import type { AppConfig } from "../config";
import type { Logger } from "pino";
import type { AuthUser, TokenService } from "./auth";
import type { Metrics } from "./observability";
import type { Clock } from "./clock";
import type { Dialect } from "./db";
import { unauthenticated } from "./errors";
import type { Locale } from "./i18n/locale";
import type { AppPubSub, Topic, TopicPayload } from "./pubsub";
import { RequestBudget } from "./request-budget";

/** Process-wide services every request reaches through its context. */
export interface AppServices {
  config: AppConfig;
  dataSource: DataSource;
  dialect: Dialect;
  clock: Clock;
  pubSub: AppPubSub;
  tokens: TokenService;
  logger: Logger;
  metrics: Metrics;
  /** Serialises transactions on SQLite only: TypeORM shares one connection there, so two open
   * transactions would interleave. Business rules never rely on it (they are enforced in SQL). */
  serialize<T>(work: () => Promise<T>): Promise<T>;
}

interface PendingEvent {
  topic: Topic;
  payload: unknown;
}

/**
 * Who is asking and through which transaction. Services take it first and reach
 * repositories through it, so a transaction flows without extra parameters.
 */
export class RequestContext {
  /** Per-request caches (DataLoaders), keyed by name. */
  readonly loaders = new Map<string, unknown>();
  /** The HTTP request's deadline and cost allowance (query-limits, request-budget). */
  readonly budget = new RequestBudget();

  constructor(
    readonly app: AppServices,
    readonly user: AuthUser | null,
    readonly manager: EntityManager,
    readonly requestId: string,
    readonly clientAddress: string | null = null,
    private readonly pendingEvents: PendingEvent[] | null = null,
    /** The language the caller reads messages in: Accept-Language (or connectionParams.locale), else DEFAULT_LOCALE. */
    readonly locale: Locale = app.config.defaultLocale ?? "zh-CN",
  ) {}

  static create(app: AppServices, user: AuthUser | null, requestId: string, clientAddress: string | null = null, locale?: Locale): RequestContext {
    return new RequestContext(app, user, app.dataSource.manager, requestId, clientAddress, null, locale);
  }

  /** A context acting as the system (sweeps, seeds, CLI), outside any request. */
  static system(app: AppServices, user: AuthUser | null = null): RequestContext {
    return RequestContext.create(app, user, "system");
  }

  /**
   * This transaction, acting as another user on another clock: how the demo seed builds a
   * dated history through the services themselves.
   */
  actingAs(user: AuthUser, clock: Clock): RequestContext {
    return new RequestContext({ ...this.app, clock }, user, this.manager, this.requestId, this.clientAddress, this.pendingEvents ?? [], this.locale);
  }

  get clock(): Clock {
    return this.app.clock;
  }

  get inTransaction(): boolean {
    return this.pendingEvents !== null;
  }

  repo<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    // the request's deadline (request-budget): a loader's batch reads through here too
    this.budget.checkWork();
    return this.manager.getRepository(entity);
  }

  requireUser(): AuthUser {
    if (!this.user) throw unauthenticated();
    return this.user;
  }

  /** Per-request memo, used for DataLoaders. */
  loader<T>(name: string, make: () => T): T {
    if (!this.loaders.has(name)) this.loaders.set(name, make());
    return this.loaders.get(name) as T;
  }

  /**
   * Runs work in one transaction (joining the current one if any). Events queued with
   * publishAfterCommit go out only after the outermost commit; a rollback announces nothing.
   */
  async transaction<T>(work: (tx: RequestContext) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    const events: PendingEvent[] = [];
    const result = await this.app.serialize(() =>
      this.app.dataSource.transaction((manager) =>
        work(new RequestContext(this.app, this.user, manager, this.requestId, this.clientAddress, events, this.locale)),
      ),
    );
    for (const event of events) this.app.pubSub.publish(event.topic, event.payload as never);
    return result;
  }

  publishAfterCommit<K extends Topic>(topic: K, payload: TopicPayload<K>): void {
    if (this.pendingEvents) this.pendingEvents.push({ topic, payload });
    else this.app.pubSub.publish(topic, payload as never);
  }
}
