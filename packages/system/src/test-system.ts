import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { deadLetterTopicOf, initTelemetry } from '@hotline/shared';
import { startEmbedded } from '@hotline/gateway';
import { startDistributed, type DistributedSystem } from './distributed';
import { probeDatabases } from './databases';
import { startOtlpReceiver, type SpanRecord } from './otlp-receiver';

/** The system under test: the same tests run against either mode. */
export interface TestSystem {
  mode: 'embedded' | 'distributed';
  url: string;
  /** Spans finished so far, from every part of the system. */
  spans(): SpanRecord[];
  clearSpans(): void;
  /**
   * What is still on its way: rows in every service's outbox, messages the bus holds that a consumer
   * group has not handled yet (Kafka: the groups' lag), and dead letters ever written. All zero once
   * the system is quiet and nothing failed.
   */
  backlog(): Promise<Backlog>;
  /** Only in distributed mode: the processes, for fault tests. */
  distributed?: DistributedSystem;
  stop(): Promise<void>;
}

export type Mode = TestSystem['mode'];

export interface Backlog {
  outbox: Record<string, number>;
  bus: number;
  deadLetters: number;
}

/** The topics the services publish on; each has its dead-letter topic beside it. */
const TOPICS = ['intake', 'dispatch', 'supervision', 'analytics'].map((s) => `hotline.${s}.events`);

/** `HOTLINE_MODE=distributed` (with KAFKA_BROKERS, and POSTGRES_URL unless local) turns on the suites that run the system as processes on PostgreSQL and Kafka. */
export const distributedMode = (): boolean => process.env.HOTLINE_MODE === 'distributed';

/** The modes a mode-agnostic suite runs in: always embedded, and distributed when it is turned on. */
export const testModes = (): Mode[] => (distributedMode() ? ['embedded', 'distributed'] : ['embedded']);

export async function startTestSystem(mode: Mode, env: Record<string, string> = {}): Promise<TestSystem> {
  if (mode === 'distributed') {
    const brokers = process.env.KAFKA_BROKERS;
    if (!brokers) throw new Error('HOTLINE_MODE=distributed needs KAFKA_BROKERS (start a broker with infra/kafka/start.sh)');
    const receiver = await startOtlpReceiver();
    const system: DistributedSystem = await startDistributed({
      kafkaBrokers: brokers,
      postgresUrl: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
      otlpEndpoint: receiver.endpoint,
      logLevel: process.env.TEST_LOG_LEVEL ?? 'warn',
      env,
    });
    const probe = probeDatabases(system);
    const kafka = new Kafka({ clientId: `${system.name}-probe`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    return {
      mode: 'distributed',
      url: system.url,
      backlog: async () => ({
        outbox: await probe.outboxes(),
        bus: await kafkaLag(admin, system.name),
        deadLetters: await kafkaDeadLetters(admin, system.name),
      }),
      spans: receiver.spans,
      clearSpans: receiver.clear,
      distributed: system,
      async stop() {
        await admin.disconnect();
        await probe.close();
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
  let deadLetters = 0;
  await system.bus.subscribe({
    groupId: 'test-dead-letter-watch',
    topics: TOPICS.map(deadLetterTopicOf),
    handle: async () => void deadLetters++,
  });
  return {
    mode: 'embedded',
    url: system.url,
    backlog: async () => ({ outbox: await system.outboxBacklog(), bus: (await system.bus.backlog?.()) ?? 0, deadLetters }),
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

/** Messages on the deployment's topics that its consumer groups have not committed yet, summed. */
async function kafkaLag(admin: Admin, namespace: string): Promise<number> {
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
  const existing = new Set(await admin.listTopics());
  const topics = TOPICS.map((t) => `${namespace}.${t}`).filter((t) => existing.has(t));
  let lag = 0;
  for (const topic of topics) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    for (const groupId of groups) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      // A group that does not read this topic has committed nothing on it: not lag.
      if (!committed || committed.partitions.every((p) => Number(p.offset) < 0)) continue;
      for (const p of committed.partitions) lag += (ends.get(p.partition) ?? 0) - Math.max(Number(p.offset), 0);
    }
  }
  return lag;
}

/** Messages ever written to the deployment's dead-letter topics. */
async function kafkaDeadLetters(admin: Admin, namespace: string): Promise<number> {
  const existing = new Set(await admin.listTopics());
  let count = 0;
  for (const topic of TOPICS.map((t) => `${namespace}.${deadLetterTopicOf(t)}`).filter((t) => existing.has(t)))
    for (const p of await admin.fetchTopicOffsets(topic)) count += Number(p.high) - Number(p.low);
  return count;
}
