import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { BusMessage, DeliveredMessage, EventBus, SubscribeOptions, Subscription } from './bus';
import { deadLetterTopicOf, DEFAULT_MAX_BATCH } from './bus';
import { defaultRetryPolicy, handleBatchWithRetries, handleWithRetries } from './retry';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /**
   * Prefixes every topic and consumer group (`<namespace>.hotline.intake.events`), so several
   * deployments — districts, or test runs — can share one cluster without seeing each other's events.
   */
  namespace?: string;
  /** Partitions and replication of topics this service creates. */
  partitions?: number;
  replicationFactor?: number;
  logger?: Logger;
}

/** Bus message → kafkajs message. Headers are strings on the bus; Kafka carries them as bytes. */
export function toKafkaMessage(message: BusMessage): Message {
  return { key: message.key, value: message.value, headers: { ...message.headers } };
}

function headerText(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** kafkajs message → bus message. A tombstone (null value) becomes an empty string: it will fail contract checks, not crash. */
export function fromKafkaMessage(topic: string, partition: number, message: KafkaMessage): DeliveredMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    headers,
  };
}

/** Groups messages by topic for one producer.sendBatch call, keeping their order within a topic. */
export function toTopicMessages(messages: BusMessage[]): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const message of messages) {
    const list = byTopic.get(message.topic) ?? [];
    list.push(toKafkaMessage(message));
    byTopic.set(message.topic, list);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}

/**
 * The distributed bus on Apache Kafka. The producer is idempotent with acks from all in-sync
 * replicas; consumers commit an offset only after the handler has committed its effect, so a crash
 * means redelivery (which the inbox makes harmless), never loss.
 */
export function createKafkaBus(options: KafkaBusOptions): EventBus {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5000 },
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        if (options.logger) options.logger[level <= logLevel.ERROR ? 'error' : 'warn']({ kafka: extra }, message);
      },
  });
  // The partitioner named, not defaulted: the embedded bus uses the same one (partitioner.ts), so a key has one partition in both.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin: Admin = kafka.admin();
  const consumers = new Set<Consumer>();
  const knownTopics = new Set<string>();
  let connected = false;

  /** A topic creation that failed for a reason that passes: a timeout, or another process creating it first. */
  const mayStillSucceed = (error: unknown): boolean => {
    const { retriable, type, errors } = error as { retriable?: boolean; type?: string; errors?: unknown[] };
    return retriable === true || type === 'TOPIC_ALREADY_EXISTS' || (Array.isArray(errors) && errors.every(mayStillSucceed));
  };

  /** What the broker said of each topic it did not create (kafkajs says only "Topic creation errors"). */
  const creationErrors = (error: unknown): string => {
    const { errors, message } = error as { errors?: Array<{ topic?: string; message?: string }>; message?: string };
    return Array.isArray(errors) ? errors.map((e) => `${e.topic ?? '?'}: ${e.message}`).join('; ') : String(message ?? error);
  };

  async function ensureTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !knownTopics.has(t));
    if (missing.length === 0) return;
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((t) => !existing.has(t));
    let failure: unknown;
    if (toCreate.length > 0) {
      try {
        await admin.createTopics({
          // A busy broker may take longer than kafkajs's 5 s, and answer "timed out" while it goes on creating them.
          timeout: 30_000,
          waitForLeaders: false,
          topics: toCreate.map((topic) => ({
            topic,
            numPartitions: options.partitions ?? 6,
            replicationFactor: options.replicationFactor ?? 1,
          })),
        });
      } catch (error) {
        // Services starting together create the same new topics, and a timed-out request may still succeed:
        // either is fine once the topics are there with their leaders. Any other refusal (a replication
        // factor the cluster cannot meet, say) is final.
        const now = new Set(await admin.listTopics());
        if (!mayStillSucceed(error) && !toCreate.every((t) => now.has(t)))
          throw new Error(`could not create topics: ${creationErrors(error)}`, { cause: error });
        failure = error;
      }
    }
    try {
      await awaitLeaders(missing);
    } catch (error) {
      throw failure ?? error;
    }
    for (const t of missing) knownTopics.add(t);
  }

  /**
   * A topic another process has just created may not have its partition leaders yet, and subscribing or
   * producing then fails ("does not host this topic-partition"): wait until every partition has one (up to 30 s).
   */
  async function awaitLeaders(topics: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (attempt >= 120) throw error;
      }
      if (attempt >= 120) throw new Error(`topics ${topics.join(', ')} still have partitions without a leader`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const prefix = options.namespace ? `${options.namespace}.` : '';
  const onCluster = (name: string) => `${prefix}${name}`;
  const inApp = (name: string) => (prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name);

  async function publish(messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const namespaced = prefix ? messages.map((m) => ({ ...m, topic: onCluster(m.topic) })) : messages;
    await ensureTopics([...new Set(namespaced.map((m) => m.topic))]);
    await producer.sendBatch({ topicMessages: toTopicMessages(namespaced), acks: -1 });
  }

  return {
    kind: 'kafka',
    async start() {
      await admin.connect();
      await producer.connect();
      connected = true;
    },
    async stop() {
      connected = false;
      await Promise.allSettled([...consumers].map((c) => c.disconnect()));
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    },
    async ready() {
      if (!connected) return false;
      try {
        await admin.describeCluster();
        return true;
      } catch {
        return false;
      }
    },
    publish,
    async subscribe(subscription: SubscribeOptions): Promise<Subscription> {
      const topics = subscription.topics.map(onCluster);
      await ensureTopics([...topics, ...subscription.topics.map((t) => onCluster(deadLetterTopicOf(t)))]);
      // A crashed member's partitions move to the others after the session timeout: 10 s, not kafkajs's 30 s.
      const consumer = kafka.consumer({
        groupId: onCluster(subscription.groupId),
        allowAutoTopicCreation: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      });
      consumers.add(consumer);
      await consumer.connect();
      // Metadata for a topic created a moment ago can lag behind on the broker; kafkajs marks that error retriable.
      for (let attempt = 1; ; attempt++) {
        try {
          await consumer.subscribe({ topics, fromBeginning: subscription.fromBeginning ?? true });
          break;
        } catch (error) {
          if (!(error as { retriable?: boolean }).retriable || attempt >= 40) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      const policy = defaultRetryPolicy(subscription.maxAttempts);
      // A failure is logged, and the group told this member is alive: retries must not cost it its partitions.
      const onError =
        (topic: string, partition: number, offset: string, heartbeat: () => Promise<void>) =>
        (error: unknown, attempt: number, batchSize?: number) => {
          options.logger?.warn(
            { err: error, topic, partition, offset, attempt, batchSize, group: subscription.groupId },
            batchSize ? 'event batch failed; handling its events one by one' : 'event handler failed',
          );
          void heartbeat().catch(() => undefined);
        };
      const maxBatch = subscription.maxBatch ?? DEFAULT_MAX_BATCH;
      await consumer.run({
        autoCommit: true,
        // Partitions are handled side by side (each still in order, so a case's events keep theirs): one at a
        // time, a handler waiting on its database held up every other partition behind it.
        partitionsConsumedConcurrently: subscription.partitionsAtOnce ?? options.partitions ?? 6,
        // Offsets are resolved only after the effect is committed, so the offset kafkajs commits is always behind handled work.
        ...(subscription.handleBatch
          ? {
              eachBatchAutoResolve: false,
              eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
                for (let i = 0; i < batch.messages.length; i += maxBatch) {
                  if (!isRunning() || isStale()) return;
                  const chunk = batch.messages.slice(i, i + maxBatch).map((m) => fromKafkaMessage(inApp(batch.topic), batch.partition, m));
                  const dead = await handleBatchWithRetries(
                    chunk,
                    subscription,
                    policy,
                    subscription.groupId,
                    onError(batch.topic, batch.partition, chunk[0]!.offset, heartbeat),
                  );
                  if (dead.length > 0) await publish(dead);
                  resolveOffset(chunk[chunk.length - 1]!.offset);
                  await commitOffsetsIfNecessary();
                  await heartbeat();
                }
              },
            }
          : {
              eachMessage: async ({ topic, partition, message, heartbeat }) => {
                const delivered = fromKafkaMessage(inApp(topic), partition, message);
                const dead = await handleWithRetries(
                  delivered,
                  subscription.handle,
                  policy,
                  subscription.groupId,
                  onError(topic, partition, message.offset, heartbeat),
                );
                if (dead) await publish([dead]);
              },
            }),
      });
      return {
        async stop() {
          consumers.delete(consumer);
          await consumer.disconnect();
        },
      };
    },
  };
}
