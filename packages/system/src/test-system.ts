import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTelemetry } from '@hotline/shared';
import { startEmbedded } from '@hotline/gateway';
import { startDistributed, type DistributedSystem } from './distributed';
import { startOtlpReceiver, type SpanRecord } from './otlp-receiver';

/** The system under test: the same tests run against either mode. */
export interface TestSystem {
  mode: 'embedded' | 'distributed';
  url: string;
  /** Spans finished so far, from every part of the system. */
  spans(): SpanRecord[];
  clearSpans(): void;
  /** Only in distributed mode: the processes, for fault tests. */
  distributed?: DistributedSystem;
  stop(): Promise<void>;
}

export type Mode = TestSystem['mode'];

/** `HOTLINE_MODE=distributed` (with KAFKA_BROKERS, and POSTGRES_URL unless local) turns on the suites that run the system as processes on PostgreSQL and Kafka. */
export const distributedMode = (): boolean => process.env.HOTLINE_MODE === 'distributed';

/** The modes a mode-agnostic suite runs in: always embedded, and distributed when it is turned on. */
export const testModes = (): Mode[] => (distributedMode() ? ['embedded', 'distributed'] : ['embedded']);

export async function startTestSystem(mode: Mode, env: Record<string, string> = {}): Promise<TestSystem> {
  if (mode === 'distributed') {
    const brokers = process.env.KAFKA_BROKERS;
    if (!brokers) throw new Error('HOTLINE_MODE=distributed needs KAFKA_BROKERS (start a broker with infra/kafka/start.sh)');
    const receiver = await startOtlpReceiver();
    const system = await startDistributed({
      kafkaBrokers: brokers,
      postgresUrl: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
      otlpEndpoint: receiver.endpoint,
      logLevel: process.env.TEST_LOG_LEVEL ?? 'warn',
      env,
    });
    return {
      mode: 'distributed',
      url: system.url,
      spans: receiver.spans,
      clearSpans: receiver.clear,
      distributed: system,
      async stop() {
        await system.stop();
        await system.dropDatabases();
        await receiver.stop();
      },
    };
  }
  const exporter = new InMemorySpanExporter();
  initTelemetry({ serviceName: 'hotline-test', exporters: [exporter] });
  const system = await startEmbedded({
    GATEWAY_PORT: '0',
    INTAKE_PORT: '0',
    DISPATCH_PORT: '0',
    SUPERVISION_PORT: '0',
    ANALYTICS_PORT: '0',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    ...env,
  });
  return {
    mode: 'embedded',
    url: system.url,
    spans: () =>
      exporter.getFinishedSpans().map((s) => ({
        traceId: s.spanContext().traceId,
        name: s.name,
        service: s.instrumentationScope.name,
        attributes: s.attributes as SpanRecord['attributes'],
      })),
    clearSpans: () => exporter.reset(),
    stop: () => system.stop(),
  };
}
