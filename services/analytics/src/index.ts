import path from 'node:path';
import { readFileSync } from 'node:fs';
import { startEventConsumer, startSubgraphService, type ServiceDeps, type StartedService, type TransactionalClient } from '@hotline/shared';
import { PrismaClient, createAnalyticsStore, type AnalyticsTx } from './store/analytics-store';
import { createRatesStore } from './store/rates-store';
import { createAnalyticsManager } from './use-cases/analytics-manager';
import { createAssessmentManager, type ReadModelRebuilder } from './use-cases/assessment-manager';
import { createProfileManager } from './use-cases/profile-manager';
import { reportRoute } from './http/report-route';
import { createImportManager } from './use-cases/import-manager';
import { createEventApplier, type EventApplier } from './events/apply';
import { createContextFactory } from './context';
import { createProjection } from './events/projection';
import { createProjectionStore } from './store/projection-store';
import { resolvers } from './resolvers';
import { loadRatesConfig } from './rates-config';
import { loadDemoUnits } from './demo/load';
import type { AnalyticsEnvironment } from './environment';

export { readAnalyticsEnvironment, type AnalyticsEnvironment } from './environment';
export const typeDefs = readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8');

/**
 * Events taken from one partition per batch: the projection writes only through its transaction, so
 * what waits is applied together (and the batches of every partition that waited share a transaction),
 * and a replay or a burst costs a dozen statements and one commit per batch.
 */
export const ANALYTICS_EVENT_BATCH = 100;

/**
 * The consumer group that builds a generation of the read models. Generation 1 keeps the service's
 * own name, so existing offsets and inbox rows stay valid; each rebuild starts a new generation, whose
 * fresh group reads every topic from the beginning (Kafka: a new group id with fromBeginning; the
 * embedded bus keeps its journal, so a new group replays it too).
 */
export const consumerGroupOf = (generation: number): string => (generation === 1 ? 'analytics' : `analytics-g${generation}`);

type Subscription = Awaited<ReturnType<typeof startEventConsumer>>;

/**
 * Analytics: read models built from every event. It runs a consumer of its own rather than one over
 * handlers, because its group id follows the read models' generation. It publishes
 * EarlyWarningRaised through its outbox. Runs embedded or as its own process.
 */
export async function startAnalytics(env: AnalyticsEnvironment, deps: ServiceDeps): Promise<StartedService> {
  const config = loadRatesConfig(env.ANALYTICS_RATES_CONFIG);
  const logger = deps.logger.child({ service: 'analytics' });
  let consumer: Subscription | null = null;
  let generation = 1;
  let startConsumer: () => Promise<void> = async () => undefined;
  // Rebuilds one at a time: the consumer is stopped before the tables are emptied, so no handler of the old generation writes into the new one.
  let rebuilding: Promise<unknown> = Promise.resolve();
  const rebuilder: ReadModelRebuilder = {
    rebuild: () => {
      const run = rebuilding.then(async () => {
        await consumer?.stop();
        consumer = null;
        generation = await ratesStore.startNewGeneration(consumerGroupOf(generation), deps.now(), async (tx) => {
          for await (const page of ratesStore.importedEvents(tx)) await apply(tx, page);
        });
        await startConsumer();
        logger.info({ generation, consumerGroup: consumerGroupOf(generation) }, 'read models emptied; replaying every event');
        return { generation, consumerGroup: consumerGroupOf(generation) };
      });
      rebuilding = run.catch(() => undefined);
      return run;
    },
  };
  let ratesStore!: ReturnType<typeof createRatesStore>;
  let apply!: EventApplier;

  const service = await startSubgraphService({
    name: 'analytics',
    deps,
    database: {
      url: env.ANALYTICS_DATABASE_URL,
      dataDir: env.DATA_DIR,
      migrationsDir: path.join(__dirname, '../prisma/migrations'),
      createClient: (adapter) => new PrismaClient({ adapter }),
    },
    http: { port: env.ANALYTICS_PORT, host: env.ANALYTICS_HOST, callerSecret: env.CALLER_SECRET },
    build: async (prisma, tools) => {
      const store = createAnalyticsStore(prisma);
      ratesStore = createRatesStore(prisma);
      if (env.DEMO_DATA) await loadDemoUnits(ratesStore, logger);
      generation = await ratesStore.generation();
      const projection = createProjection(ratesStore, createProjectionStore(), { config, now: deps.now });
      apply = createEventApplier(projection);
      startConsumer = async () => {
        consumer = await startEventConsumer<AnalyticsTx>({
          bus: deps.bus,
          db: prisma as unknown as TransactionalClient<AnalyticsTx>,
          groupId: consumerGroupOf(generation),
          projection,
          logger,
          afterCommit: tools.published,
          maxBatch: ANALYTICS_EVENT_BATCH,
          // The counters are rows every partition's events add to: one transaction at a time cannot deadlock.
          serial: true,
        });
      };
      const analytics = createAnalyticsManager({ store });
      const assessment = createAssessmentManager({ store: ratesStore, config, rebuilder, now: deps.now });
      const profiles = createProfileManager({ store, rates: ratesStore, config, now: deps.now });
      const imports = createImportManager({ store: ratesStore, apply, now: deps.now });
      return {
        typeDefs,
        resolvers,
        context: createContextFactory(analytics, assessment, profiles, imports),
        // EarlyWarningRaised leaves through the outbox.
        publishes: true,
        // Its own consumer, whose group follows the generation; a rebuild in progress ends before it stops.
        consume: async () => {
          await startConsumer();
          return {
            stop: async () => {
              await rebuilding;
              await consumer?.stop();
            },
          };
        },
        routes: [reportRoute(profiles, env.CALLER_SECRET)],
      };
    },
  });
  return service;
}
