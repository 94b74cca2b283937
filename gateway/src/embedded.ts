import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  createBus,
  createLogger,
  initTelemetry,
  loadConfig,
  type EventBus,
  type RunningService,
  type StartedService,
} from '@hotline/shared';
import { z } from 'zod';
import { readIntakeEnvironment, startIntake } from '@hotline/intake';
import { readDispatchEnvironment, startDispatch } from '@hotline/dispatch';
import { readSupervisionEnvironment, startSupervision } from '@hotline/supervision';
import { readAnalyticsEnvironment, startAnalytics } from '@hotline/analytics';
import { readGatewayEnvironment } from './environment';
import { startGateway } from './gateway';

const embeddedEnvironment = z.object({
  DATA_DIR: z.string().default(path.resolve('data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
});

export interface EmbeddedSystem {
  url: string;
  services: RunningService[];
  /** Rows waiting in each service's outbox, by service name. */
  outboxBacklog(): Promise<Record<string, number>>;
  /** The in-process bus every service shares (tests watch its dead letters and backlog). */
  bus: EventBus;
  stop(): Promise<void>;
}

/**
 * The embedded default: the gateway and all four subgraphs in one process, each subgraph on its own
 * PGlite database under DATA_DIR, events on the in-process bus (journalled under DATA_DIR/bus, so
 * nothing published is lost across a restart), and the demo district loaded on first start.
 */
export async function startEmbedded(env: Record<string, string | undefined>, now: () => Date = () => new Date()): Promise<EmbeddedSystem> {
  const base = loadConfig(embeddedEnvironment, env);
  // In one process the caller secret never leaves memory, so a fresh random one per start is safest.
  const shared = { DEMO_DATA: 'true', CALLER_SECRET: randomBytes(32).toString('hex'), ...env, DATA_DIR: base.DATA_DIR };
  const logger = createLogger('hotline', base.LOG_LEVEL);
  initTelemetry({ serviceName: 'hotline-embedded', otlpEndpoint: base.OTEL_EXPORTER_OTLP_ENDPOINT });

  const bus = createBus({
    clientId: 'hotline-embedded',
    logger,
    journalDir: base.DATA_DIR.startsWith('memory://') ? undefined : path.join(base.DATA_DIR, 'bus'),
  });
  await bus.start();
  const deps = { bus, logger, now };
  const services: RunningService[] = [];
  const subgraphs: StartedService[] = [];
  const stop = async () => {
    for (const service of [...services].reverse())
      await service.stop().catch((err: unknown) => logger.error({ err, service: service.name }, 'stop failed'));
    await bus.stop();
  };
  try {
    const intake = await startIntake(readIntakeEnvironment(shared), deps);
    services.push(intake);
    subgraphs.push(intake);
    const dispatch = await startDispatch(readDispatchEnvironment(shared), deps);
    services.push(dispatch);
    subgraphs.push(dispatch);
    const supervision = await startSupervision(readSupervisionEnvironment(shared), deps);
    services.push(supervision);
    subgraphs.push(supervision);
    const analytics = await startAnalytics(readAnalyticsEnvironment(shared), deps);
    services.push(analytics);
    subgraphs.push(analytics);
    const gateway = await startGateway(
      readGatewayEnvironment({
        ...shared,
        INTAKE_URL: intake.url,
        DISPATCH_URL: dispatch.url,
        SUPERVISION_URL: supervision.url,
        ANALYTICS_URL: analytics.url,
      }),
      logger,
      { bus },
    );
    services.push(gateway);
    const outboxBacklog = async () =>
      Object.fromEntries(await Promise.all(subgraphs.map(async (s) => [s.name, await s.outboxBacklog()] as const)));
    return { url: `${gateway.url}/graphql`, services, outboxBacklog, bus, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

if (require.main === module) {
  startEmbedded(process.env).then(
    (system) => {
      console.log(
        `\n  12345 hotline platform (embedded) — the graph and its IDE: ${system.url}\n  mint a token: npm run token -- agent   (roles: agent dispatcher handler supervisor analyst admin city citizen)\n`,
      );
      const shutdown = () => void system.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
