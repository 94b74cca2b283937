import path from 'node:path';
import { z } from 'zod';
import { createBus } from './bus/create';
import { loadConfig } from './config';
import { createLogger } from './logger';
import type { RunningService, ServiceDeps } from './service';
import { initTelemetry } from './telemetry';

/** What every service process reads besides its own settings: the bus, logging and tracing. */
export const processEnvironment = z.object({
  KAFKA_BROKERS: z.string().optional(),
  /** Prefix of topics and consumer groups, for deployments sharing one Kafka cluster. */
  KAFKA_NAMESPACE: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only')
    .optional(),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  DATA_DIR: z.string().default(path.resolve('data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
});

/**
 * Runs one service as a process of its own (distributed mode): env → telemetry → bus → service,
 * and a graceful stop on SIGTERM/SIGINT (consumers first, so no message is half-handled).
 */
export async function runServiceProcess(
  name: string,
  env: Record<string, string | undefined>,
  start: (deps: ServiceDeps) => Promise<RunningService>,
): Promise<void> {
  try {
    const config = loadConfig(processEnvironment, env);
    initTelemetry({ serviceName: name, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
    const logger = createLogger(name, config.LOG_LEVEL);
    const bus = createBus({
      kafkaBrokers: config.KAFKA_BROKERS,
      clientId: name,
      namespace: config.KAFKA_NAMESPACE,
      partitions: config.KAFKA_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      journalDir: path.join(config.DATA_DIR, `${name}-bus`),
      logger,
    });
    await bus.start();
    const service = await start({ bus, logger, now: () => new Date() });
    const shutdown = async () => {
      logger.info('stopping');
      await service.stop();
      await bus.stop();
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown());
    process.once('SIGINT', () => void shutdown());
  } catch (error) {
    console.error(`${name} could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
