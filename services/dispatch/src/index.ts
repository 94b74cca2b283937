import path from 'node:path';
import { readFileSync } from 'node:fs';
import { EVENT_BATCH, startSubgraphService, type ServiceDeps, type StartedService } from '@hotline/shared';
import { PrismaClient, createDispatchStore } from './store/dispatch-store';
import { createDispatchManager } from './use-cases/dispatch-manager';
import { createContextFactory } from './context';
import { createHandlers } from './events/handlers';
import { resolvers } from './resolvers';
import { loadDemoData } from './demo/load';
import type { DispatchEnvironment } from './environment';

export { readDispatchEnvironment, type DispatchEnvironment } from './environment';
export const typeDefs = readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8');

/** Dispatch: received complaints routed by the responsibility list into work orders. Runs embedded or as its own process. */
export function startDispatch(env: DispatchEnvironment, deps: ServiceDeps): Promise<StartedService> {
  return startSubgraphService({
    name: 'dispatch',
    deps,
    database: {
      url: env.DISPATCH_DATABASE_URL,
      dataDir: env.DATA_DIR,
      migrationsDir: path.join(__dirname, '../prisma/migrations'),
      createClient: (adapter) => new PrismaClient({ adapter }),
    },
    http: { port: env.DISPATCH_PORT, host: env.DISPATCH_HOST, callerSecret: env.CALLER_SECRET },
    build: async (prisma, { logger, published }) => {
      const store = createDispatchStore(prisma);
      if (env.DEMO_DATA) await loadDemoData(store, logger);
      const dispatch = createDispatchManager({ store, now: deps.now, logger, published });
      return {
        typeDefs,
        resolvers,
        context: createContextFactory(dispatch, store),
        handlers: createHandlers(dispatch),
        eventBatch: EVENT_BATCH,
      };
    },
  });
}
