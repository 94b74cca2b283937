import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { gql } from 'graphql-tag';
import type { Logger } from 'pino';
import { openDatabase, pgliteDir, type DriverAdapter, type SqlExecutor, type TransactionalClient } from '../db/database';
import type { Subscription } from '../bus/bus';
import { startEventConsumer, type EventHandler } from '../events/consumer';
import { createOutboxRelay } from '../events/outbox';
import { createServiceHttp, type Route } from '../http/server';
import type { RunningService, ServiceDeps } from '../service';
import type { RequestCaller } from '../caller';
import { scalarResolvers } from './scalars';
import { createSubgraph, type SubgraphContext } from './subgraph';

export interface SubgraphServiceOptions<C extends TransactionalClient, Ctx extends SubgraphContext, Tx extends SqlExecutor> {
  name: string;
  deps: ServiceDeps;
  database: { url?: string; dataDir: string; migrationsDir: string; createClient: (adapter: DriverAdapter) => C };
  http: { port: number; host: string; callerSecret: string };
  /** The service's own wiring, once its database is open: stores, use cases, resolvers, event handlers. */
  build: (db: C, tools: { logger: Logger; published: () => void }) => Promise<ServiceParts<Ctx, Tx>>;
}

export interface ServiceParts<Ctx extends SubgraphContext, Tx extends SqlExecutor> {
  typeDefs: string;
  resolvers: GraphQLResolverMap<Ctx> | object;
  context: (caller: RequestCaller) => Ctx;
  /** Events the service consumes, handled by one consumer group named after the service. */
  handlers?: Array<EventHandler<Tx, any>>;
  /** Starts a consumer the service runs itself, instead of one over `handlers` (e.g. in a group of its own naming). */
  consume?: () => Promise<Subscription>;
  /**
   * Up to this many events waiting on a partition are handled in one transaction (default 1). Only for
   * handlers that write through their `tx` alone (see startEventConsumer's maxBatch).
   */
  eventBatch?: number;
  /** False for a service that writes no events (no outbox relay runs). */
  publishes?: boolean;
  /** Extra HTTP routes served beside GraphQL (e.g. printable reports), tried in order. */
  routes?: Route[];
}

export type StartedService = RunningService & {
  ready(): Promise<boolean>;
  /** Rows in the service's outbox that the relay has not published yet (0 once every event has left). */
  outboxBacklog(): Promise<number>;
};

/**
 * The composition root every subgraph service shares: database (migrated) → the service's parts →
 * subgraph → HTTP (GraphQL, /health, /ready) → outbox relay → consumer. Stopping runs the other way,
 * consumer first, so no handler is left writing to a database that is closing.
 */
export async function startSubgraphService<C extends TransactionalClient, Ctx extends SubgraphContext, Tx extends SqlExecutor>(
  options: SubgraphServiceOptions<C, Ctx, Tx>,
): Promise<StartedService> {
  const { name, deps } = options;
  const logger = deps.logger.child({ service: name });
  const db = await openDatabase({ ...options.database, dataDir: pgliteDir(options.database.dataDir, name) });
  const relay = createOutboxRelay({ db: db.client, bus: deps.bus, logger });
  const parts = await options.build(db.client, { logger, published: () => relay.notify() });

  const subgraph = createSubgraph<Ctx>({
    name,
    typeDefs: gql(parts.typeDefs),
    resolvers: { ...scalarResolvers, ...parts.resolvers } as GraphQLResolverMap<Ctx>,
    logger,
    callerSecret: options.http.callerSecret,
    context: parts.context,
  });
  await subgraph.server.start();
  // Ready once it consumes too: a service whose consumer failed to start exits, and must not have looked ready meanwhile.
  let consuming = false;
  const checks = async () => ({ database: await db.ping(), bus: await deps.bus.ready(), consuming });
  const ready = async () => Object.values(await checks()).every(Boolean);
  const http = createServiceHttp({
    name,
    logger,
    graphql: { server: subgraph.server, context: subgraph.context },
    checks,
    routes: parts.routes,
  });
  const url = await http.listen(options.http.port, options.http.host);
  const publishes = parts.publishes !== false;
  let consumer: Subscription | null = null;
  const stop = async () => {
    await consumer?.stop();
    await http.close();
    if (publishes) await relay.stop();
    await subgraph.server.stop();
    await db.close();
  };
  try {
    if (publishes) await relay.start();
    // What a handler writes to the outbox leaves at once: the relay is woken when its transaction commits.
    consumer = parts.consume
      ? await parts.consume()
      : parts.handlers?.length
        ? await startEventConsumer<Tx>({
            bus: deps.bus,
            db: db.client as unknown as TransactionalClient<Tx>,
            groupId: name,
            handlers: parts.handlers,
            logger,
            afterCommit: () => relay.notify(),
            maxBatch: parts.eventBatch,
          })
        : null;
  } catch (error) {
    // Nothing is left listening or open: the caller sees the failure and may start the service again.
    await stop().catch(() => undefined);
    throw error;
  }
  consuming = true;
  logger.info({ url }, `${name} is up`);
  const outboxBacklog = async () => {
    const [row] = await db.client.$queryRawUnsafe<Array<{ n: number | bigint }>>(`SELECT count(*) AS "n" FROM "outbox"`);
    return Number(row?.n ?? 0);
  };
  return { name, url, ready, stop, outboxBacklog };
}
