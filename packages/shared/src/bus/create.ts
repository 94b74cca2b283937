import type { Logger } from 'pino';
import type { EventBus } from './bus';
import { createInProcessBus } from './in-process';
import { createKafkaBus } from './kafka';

export interface BusConfig {
  /** Comma-separated brokers (127.0.0.1:9092,…); without them the bus is in-process. */
  kafkaBrokers?: string;
  clientId: string;
  /** Kafka only: prefix of topics and groups, isolating deployments that share a cluster. */
  namespace?: string;
  partitions?: number;
  replicationFactor?: number;
  /** In-process only: keep the log in files here so it survives a restart. */
  journalDir?: string;
  logger: Logger;
}

/** Kafka when brokers are configured, otherwise the embedded bus: one code path either way. */
export function createBus(config: BusConfig): EventBus {
  if (config.kafkaBrokers) {
    return createKafkaBus({
      brokers: config.kafkaBrokers
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      clientId: config.clientId,
      namespace: config.namespace,
      partitions: config.partitions,
      replicationFactor: config.replicationFactor,
      logger: config.logger,
    });
  }
  return createInProcessBus({ partitions: config.partitions, journalDir: config.journalDir, logger: config.logger });
}
