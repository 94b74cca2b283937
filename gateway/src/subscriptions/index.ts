import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { createBus, type EventBus, type Logger } from '@hotline/shared';
import type { GatewayEnvironment } from '../environment';
import type { GatewayContext } from '../gateway';
import { startAlertFeed } from './alert-feed';
import { startLiveServer } from './live-server';

export interface LiveSubscriptions {
  /** Settles once the live feed has joined the bus. */
  joined: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Mounts the live subscriptions on the gateway's HTTP server, fed from the bus: the in-process one when
 * the gateway runs embedded, otherwise a Kafka consumer of its own (KAFKA_BROKERS). Without either there
 * is nothing to feed them, and none are served. The feed joins the bus in the background: the graph is
 * served at once, and a subscription waits for the join before it replays and listens.
 */
export function startLiveSubscriptions(options: {
  env: GatewayEnvironment;
  bus?: EventBus;
  httpServer: http.Server;
  graph: ApolloServer<GatewayContext>;
  logger: Logger;
}): LiveSubscriptions | null {
  const { env, logger } = options;
  if (!options.bus && !env.KAFKA_BROKERS) {
    logger.info('no event bus configured (KAFKA_BROKERS); live subscriptions are off');
    return null;
  }
  let ownBus: EventBus | null = null;
  const connect = async (): Promise<EventBus> => {
    if (options.bus) return options.bus;
    if (!ownBus) {
      const bus = createBus({ kafkaBrokers: env.KAFKA_BROKERS!, namespace: env.KAFKA_NAMESPACE, clientId: 'gateway-live', logger });
      await bus.start();
      ownBus = bus;
    }
    return ownBus;
  };
  const feed = startAlertFeed(connect, logger);
  const server = startLiveServer({
    httpServer: options.httpServer,
    graph: options.graph,
    feed,
    jwtSecret: env.JWT_SECRET,
    jwtIssuer: env.JWT_ISSUER,
    callerSecret: env.CALLER_SECRET,
    logger,
  });
  return {
    joined: feed.joined,
    async stop() {
      await server.stop();
      await feed.stop();
      await (ownBus as EventBus | null)?.stop();
    },
  };
}
