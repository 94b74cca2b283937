import path from 'node:path';
import { readFileSync } from 'node:fs';
import { EVENT_BATCH, startSubgraphService, type ServiceDeps, type StartedService } from '@hotline/shared';
import { PrismaClient, createIntakeStore } from './store/intake-store';
import { createIntakeManager } from './use-cases/intake-manager';
import { createContextFactory } from './context';
import { RegionMap } from './domain/regions';
import { resolvers } from './resolvers';
import { loadDemoData } from './demo/load';
import { createHandlers } from './events/handlers';
import { trainClassifier } from './classifier/classifier';
import { readLabelledSet } from './classifier/dataset';
import type { IntakeEnvironment } from './environment';

export { readIntakeEnvironment, type IntakeEnvironment } from './environment';
export const typeDefs = readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8');

/** Intake: complaints taken in, placed on the map, stored with their announcement. Runs embedded or as its own process. */
export function startIntake(env: IntakeEnvironment, deps: ServiceDeps): Promise<StartedService> {
  return startSubgraphService({
    name: 'intake',
    deps,
    database: {
      url: env.INTAKE_DATABASE_URL,
      dataDir: env.DATA_DIR,
      migrationsDir: path.join(__dirname, '../prisma/migrations'),
      createClient: (adapter) => new PrismaClient({ adapter }),
    },
    http: { port: env.INTAKE_PORT, host: env.INTAKE_HOST, callerSecret: env.CALLER_SECRET },
    build: async (prisma, { logger, published }) => {
      const store = createIntakeStore(prisma);
      if (env.DEMO_DATA) await loadDemoData(store, logger);
      // Boundaries change rarely; they are read once and looked up in memory with a spatial index.
      const regions = new RegionMap(await store.allRegions());
      // Training on the shipped set takes milliseconds, so the model is built at boot rather than stored.
      const classifier = trainClassifier(readLabelledSet());
      const duplicates = {
        radiusMeters: env.INTAKE_DUPLICATE_RADIUS_METERS,
        windowHours: env.INTAKE_DUPLICATE_WINDOW_HOURS,
        minScore: env.INTAKE_DUPLICATE_MIN_SCORE,
      };
      const intake = createIntakeManager({ store, regions: () => regions, classifier, duplicates, now: deps.now, published });
      return {
        typeDefs,
        resolvers,
        context: createContextFactory(intake, store, () => regions),
        handlers: createHandlers(store),
        eventBatch: EVENT_BATCH,
      };
    },
  });
}
