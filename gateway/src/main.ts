import { createLogger, initTelemetry } from '@hotline/shared';
import { readGatewayEnvironment } from './environment';
import { startGateway } from './gateway';

/** The gateway as a process of its own (distributed mode): subgraph URLs come from the environment. */
async function main(): Promise<void> {
  const env = readGatewayEnvironment(process.env);
  const logger = createLogger('gateway', process.env.LOG_LEVEL ?? 'info');
  initTelemetry({ serviceName: 'gateway', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const gateway = await startGateway(env, logger);
  const shutdown = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
