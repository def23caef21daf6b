import "reflect-metadata";
import type { AddressInfo } from "node:net";
import type { GraphQLSchema } from "graphql";
import type { AppConfig } from "./config";
import { resolveJwtSecret, TokenService } from "./core/auth";
import { updateStamper } from "./core/base.entity";
import { systemClock, type Clock } from "./core/clock";
import { RequestContext, type AppServices } from "./core/context";
import { startPeriodic } from "./core/periodic";
import { pruneIdempotencyKeys } from "./core/idempotency";
import { sweepService } from "./modules/supervision/sweep.service";
import { accountService } from "./modules/accounts/account.service";
import { boardChangesService } from "./modules/board/board-changes.service";
import { createDataSource, dialectOf } from "./core/db";
import { createSerializer, runDirectly } from "./core/mutex";
import { createLogger, Metrics } from "./core/observability";
import { createAppPubSub } from "./core/pubsub";
import { migrations } from "../migrations";
import { allEntities, allHttpRoutes } from "./modules";
import { seedDemo, isEmptyDatabase } from "./demo/seed";
import { checkSla } from "./modules/tickets/sla.service";
import { attachmentService } from "./modules/files/attachment.service";
import { runWebhooks } from "./modules/webhooks/webhook-relay";
import type { Topic } from "./core/pubsub";
import { reminderService } from "./modules/reminders/reminder.service";
import { buildAppSchema } from "./schema";
import { createHttpServer, type RunningServer } from "./server";

export interface App {
  services: AppServices;
  schema: GraphQLSchema;
  /** Listens on the port (0 for any free one) and resolves to the URL of /graphql. */
  listen(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  log?: (message: string) => void;
  /** Where JSON log lines go (stdout by default). */
  logStream?: { write(line: string): void };
}

/**
 * The jobs a server runs on a timer (core/periodic), and `npm run sweep` runs once each, so the
 * two never drift apart. Each one's effects are decided by the database: safe on any number of
 * instances at once.
 */
export function periodicJobs(services: AppServices): Array<{ name: string; intervalMs: number; run: () => Promise<unknown>; kickOn?: Topic }> {
  const { config } = services;
  const system = () => RequestContext.system(services);
  return [
    { name: "deadline", intervalMs: config.sweepIntervalMs, run: () => sweepService.run(system()) },
    { name: "sla", intervalMs: config.slaCheckIntervalMs, run: () => checkSla(system()) },
    // on the sweep's interval: an index range delete, usually of nothing
    { name: "login-failure-retention", intervalMs: config.sweepIntervalMs, run: () => accountService.pruneLoginFailures(system()) },
    // signed-out sessions whose tokens have all expired: a range delete, usually of nothing
    { name: "session-revocation-retention", intervalMs: config.sweepIntervalMs, run: () => accountService.pruneSessionRevocations(system()) },
    // idempotency keys past their 24 hours: an index range delete
    { name: "idempotency-key-retention", intervalMs: config.sweepIntervalMs, run: () => pruneIdempotencyKeys(system()) },
    // the board's change feed past BOARD_CHANGES_RETENTION_HOURS: a range delete at the start of the key
    { name: "board-changes-retention", intervalMs: config.sweepIntervalMs, run: () => boardChangesService.prune(system()) },
    // uploads never attached within a day, and their blobs once no row names them (files/attachment.service)
    { name: "unattached-uploads", intervalMs: config.sweepIntervalMs, run: () => attachmentService.sweep(system()) },
    // webhooks out: the outbox relay, then the deliverer; woken by every new event (on any instance) besides its interval
    { name: "webhooks", intervalMs: config.webhookPollIntervalMs, run: () => runWebhooks(system()), kickOn: "OUTBOX_WRITTEN" },
    // reminders found by time (ticket SLA at 80 %, tasks due within 24 h, deferred items within 3 working days), each once (reminders/)
    { name: "reminders", intervalMs: config.sweepIntervalMs, run: () => reminderService.run(system()) },
  ];
}

/** config -> database (migrated, maybe seeded) -> schema -> server. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? (() => {});
  const dialect = dialectOf(config);
  const clock = options.clock ?? systemClock;
  const tokens = new TokenService(() => resolveJwtSecret(config), config.jwtTtlSeconds, clock);
  const dataSource = createDataSource(config, { entities: allEntities, migrations, subscribers: [updateStamper(clock)] });
  await dataSource.initialize();
  const { pubSub, close: closePubSub } = createAppPubSub(config.redisUrl, config.redisChannelPrefix);
  const services: AppServices = {
    config,
    dataSource,
    dialect,
    clock,
    pubSub,
    tokens,
    logger: createLogger(config.logLevel, options.logStream),
    metrics: new Metrics(dataSource, config.metricsMaxOperationNames),
    serialize: dialect === "sqlite" ? createSerializer() : runDirectly,
  };
  try {
    if (config.migrateOnStart) {
      const applied = await dataSource.runMigrations({ transaction: "each" });
      if (applied.length) log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(", ")}`);
    }
    if (config.seedDemo && (await isEmptyDatabase(services))) {
      if (config.isProduction) {
        services.logger.warn("SEED_DEMO=true in production: loading the demo accounts, whose password is public; never do this on a real deployment");
      }
      await seedDemo(services);
      log("Seeded the demo data set");
    }
  } catch (error) {
    await dataSource.destroy();
    await closePubSub();
    throw error;
  }
  const schema = await buildAppSchema(pubSub);
  let server: RunningServer | undefined;
  const stopJobs: Array<() => Promise<void>> = [];
  return {
    services,
    schema,
    async listen(port = config.port, host = config.host) {
      await tokens.ready();
      server = await createHttpServer(services, schema, allHttpRoutes);
      await new Promise<void>((resolve, reject) => {
        server!.http.once("error", reject);
        server!.http.listen(port, host, () => resolve());
      });
      stopJobs.push(...periodicJobs(services).map((job) => startPeriodic(services, job.name, job.intervalMs, job.run, job.kickOn)));
      const address = server.http.address() as AddressInfo;
      const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
      return `http://${shownHost}:${address.port}/graphql`;
    },
    async stop() {
      await Promise.all(stopJobs.map((stopJob) => stopJob()));
      if (server) await server.stop(config.shutdownTimeoutMs);
      await closePubSub();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
