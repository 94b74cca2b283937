import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { createBus, type EventBus, type Logger } from '@hotline/shared';
import type { GatewayEnvironment } from '../environment';
import type { GatewayContext } from '../gateway';
import { startAlertFeed } from './alert-feed';
import { startLiveServer } from './live-server';

export interface LiveSubscriptions {
  stop(): Promise<void>;
}

/**
 * Mounts the live subscriptions on the gateway's HTTP server, fed from the bus: the in-process one when
 * the gateway runs embedded, otherwise a Kafka consumer of its own (KAFKA_BROKERS). Without either there
 * is nothing to feed them, and none are served.
 */
export async function startLiveSubscriptions(options: { env: GatewayEnvironment; bus?: EventBus; httpServer: http.Server; graph: ApolloServer<GatewayContext>; logger: Logger }): Promise<LiveSubscriptions | null> {
  const { env, logger } = options;
  let ownBus: EventBus | null = null;
  if (!options.bus && env.KAFKA_BROKERS) {
    ownBus = createBus({ kafkaBrokers: env.KAFKA_BROKERS, namespace: env.KAFKA_NAMESPACE, clientId: 'gateway-live', logger });
    await ownBus.start();
  }
  const bus = options.bus ?? ownBus;
  if (!bus) {
    logger.info('no event bus configured (KAFKA_BROKERS); live subscriptions are off');
    return null;
  }
  const feed = await startAlertFeed(bus, logger);
  const server = startLiveServer({ httpServer: options.httpServer, graph: options.graph, feed, jwtSecret: env.JWT_SECRET, jwtIssuer: env.JWT_ISSUER, callerSecret: env.CALLER_SECRET, logger });
  return {
    async stop() {
      await server.stop();
      await feed.stop();
      await ownBus?.stop();
    },
  };
}
