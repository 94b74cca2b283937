import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ContractViolation } from '../events/envelope';
import { silentLogger, waitFor } from '../testing';
import type { BusMessage, DeliveredMessage, EventBus, Subscription } from './bus';
import { createKafkaBus } from './kafka';
import { partitionOf } from './partitioner';

/*
 * Runs against a real broker when KAFKA_BROKERS is set (infra/kafka/start.sh prints it).
 * Topics and groups carry a random suffix, so reruns on the same cluster never see old messages.
 */
const brokers =
  process.env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean) ?? [];
const maybe = brokers.length > 0 ? describe : describe.skip;

maybe('Kafka bus on a real broker', () => {
  const run = randomBytes(4).toString('hex');
  const createdTopics: string[] = [];
  const subscriptions: Subscription[] = [];
  let bus: EventBus;

  const topicFor = (name: string) => {
    const topic = `hotline.test-${name}-${run}.events`;
    createdTopics.push(topic, `${topic}.dead-letter`);
    return topic;
  };
  const message = (topic: string, key: string, value: string): BusMessage => ({
    topic,
    key,
    value,
    headers: { 'event-id': `${key}/${value}` },
  });
  const subscribe = async (...args: Parameters<EventBus['subscribe']>) => {
    const subscription = await bus.subscribe(...args);
    subscriptions.push(subscription);
    return subscription;
  };

  beforeAll(async () => {
    bus = createKafkaBus({ brokers, clientId: `shared-test-${run}`, partitions: 3, logger: silentLogger() });
    await bus.start();
  });
  afterAll(async () => {
    await Promise.allSettled(subscriptions.map((s) => s.stop()));
    await bus.stop();
    const admin = new Kafka({ clientId: `shared-test-cleanup-${run}`, brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: createdTopics.filter((t) => existing.has(t)) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('is ready once connected', async () => {
    expect(await bus.ready()).toBe(true);
  });

  it('given several processes creating the same new topics at once, then each of them publishes and subscribes', async () => {
    const topics = ['race-a', 'race-b', 'race-c'].map(topicFor);
    const others = Array.from({ length: 3 }, (_, i) =>
      createKafkaBus({ brokers, clientId: `shared-test-race-${i}-${run}`, partitions: 3, logger: silentLogger() }),
    );
    try {
      await Promise.all(others.map((b) => b.start()));
      await Promise.all(others.map((b, i) => b.publish(topics.map((topic) => message(topic, `race-${i}`, 'first')))));
      const seen: DeliveredMessage[] = [];
      await subscribe({ groupId: `race-${run}`, topics, handle: async (m) => void seen.push(m) });
      await waitFor(() => seen.length >= 9, 'every racing message', 45_000);
      expect(seen).toHaveLength(9);
    } finally {
      await Promise.allSettled(others.map((b) => b.stop()));
    }
  });

  it('given a replication factor the cluster cannot meet, then publishing fails at once, naming it', async () => {
    const unmeetable = createKafkaBus({
      brokers,
      clientId: `shared-test-rf-${run}`,
      partitions: 1,
      replicationFactor: 99,
      logger: silentLogger(),
    });
    await unmeetable.start();
    try {
      const started = Date.now();
      await expect(unmeetable.publish([message(topicFor('unmeetable'), 'k', 'v')])).rejects.toThrow(
        /^could not create topics: .*unmeetable.*: replication.factor is invalid/i,
      );
      // Refused, not waited out: the wait for topics a timed-out creation may still bring is for timeouts only.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await unmeetable.stop();
    }
  });

  it('given keyed messages published in several batches, when a group consumes them, then every message arrives once and each key in publishing order', async () => {
    const topic = topicFor('order');
    const keys = Array.from({ length: 8 }, (_, i) => `complaint-${i}`);
    for (let n = 0; n < 5; n++) await bus.publish(keys.map((key) => message(topic, key, `${key}:${n}`)));

    const seen: DeliveredMessage[] = [];
    await subscribe({ groupId: `order-${run}`, topics: [topic], handle: async (m) => void seen.push(m) });

    await waitFor(() => seen.length >= keys.length * 5, 'every message', 45_000);
    expect(seen).toHaveLength(keys.length * 5);
    for (const key of keys) {
      const mine = seen.filter((m) => m.key === key);
      expect(mine.map((m) => m.value)).toEqual([0, 1, 2, 3, 4].map((n) => `${key}:${n}`));
      // The broker's partition is the one the embedded bus computes for the same key.
      expect(new Set(mine.map((m) => m.partition))).toEqual(new Set([partitionOf(key, 3)]));
      expect(mine[0]!.headers['event-id']).toBe(`${key}/${key}:0`);
    }
  });

  it('given a poison message, then it is retried, lands on the dead-letter topic with its origin, and the messages behind it flow', async () => {
    const topic = topicFor('poison');
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    const dead: DeliveredMessage[] = [];
    await bus.publish([
      message(topic, 'case-1', 'before'),
      message(topic, 'case-1', 'poison'),
      message(topic, 'case-1', 'after'),
      message(topic, 'case-2', 'contract'),
    ]);

    await subscribe({ groupId: `dead-${run}`, topics: [`${topic}.dead-letter`], handle: async (m) => void dead.push(m) });
    await subscribe({
      groupId: `poison-${run}`,
      topics: [topic],
      maxAttempts: 3,
      handle: async (m) => {
        attempts.set(m.value, (attempts.get(m.value) ?? 0) + 1);
        if (m.value === 'poison') throw new Error('cannot handle this one');
        if (m.value === 'contract') throw new ContractViolation('not an event envelope');
        handled.push(m.value);
      },
    });

    await waitFor(() => handled.includes('after') && dead.length >= 2, 'the rest of the partition and both dead letters', 45_000);
    expect(handled).toEqual(['before', 'after']);
    expect(attempts.get('poison')).toBe(3);
    expect(attempts.get('contract')).toBe(1);
    const poison = dead.find((m) => m.value === 'poison')!;
    expect(poison.key).toBe('case-1');
    expect(poison.headers).toMatchObject({
      'event-id': 'case-1/poison',
      'dead-letter-group': `poison-${run}`,
      'dead-letter-attempts': '3',
      'dead-letter-error': 'cannot handle this one',
    });
    expect(poison.headers['dead-letter-origin']).toMatch(new RegExp(`^${topic.replace(/\./g, '\\.')}/\\d+/1$`));
    expect(dead.find((m) => m.value === 'contract')!.headers['dead-letter-attempts']).toBe('1');
  });

  it('given a batch handler and a poison message in a batch, then the batch is handled one by one, the poison is dead-lettered and every other message is handled once', async () => {
    const topic = topicFor('batch');
    const values = Array.from({ length: 40 }, (_, i) => (i === 17 ? 'poison' : `m${i}`));
    await bus.publish(values.map((v) => message(topic, 'case-1', v)));
    const batches: string[][] = [];
    const single: string[] = [];
    const dead: DeliveredMessage[] = [];

    await subscribe({ groupId: `batch-dead-${run}`, topics: [`${topic}.dead-letter`], handle: async (m) => void dead.push(m) });
    await subscribe({
      groupId: `batch-${run}`,
      topics: [topic],
      maxAttempts: 2,
      maxBatch: 10,
      handleBatch: async (ms) => {
        if (ms.some((m) => m.value === 'poison')) throw new Error('one of these cannot be handled');
        batches.push(ms.map((m) => m.value));
      },
      handle: async (m) => {
        if (m.value === 'poison') throw new Error('cannot handle this one');
        single.push(m.value);
      },
    });

    await waitFor(() => batches.flat().length + single.length >= 39 && dead.length === 1, 'every message and the dead letter', 45_000);
    // In order, each once: what the batches handled and what was handled alone after its batch failed.
    expect([...batches.flat(), ...single].sort()).toEqual(values.filter((v) => v !== 'poison').sort());
    expect(batches.every((b) => b.length <= 10)).toBe(true);
    expect(batches.length).toBeLessThan(39);
    expect(single).toEqual(['m10', 'm11', 'm12', 'm13', 'm14', 'm15', 'm16', 'm18', 'm19'].filter((v) => single.includes(v)));
    expect(single.length).toBeGreaterThan(0);
    expect(dead[0]!.headers).toMatchObject({ 'dead-letter-attempts': '2', 'dead-letter-error': 'cannot handle this one' });
  });

  it('given a group that stopped after handling some messages, when it comes back, then it resumes after the committed offset', async () => {
    const topic = topicFor('resume');
    const groupId = `resume-${run}`;
    const first: string[] = [];
    await bus.publish([message(topic, 'k', 'a'), message(topic, 'k', 'b')]);
    const member = await bus.subscribe({ groupId, topics: [topic], handle: async (m) => void first.push(m.value) });
    await waitFor(() => first.length === 2, 'the first two', 45_000);
    await member.stop();

    await bus.publish([message(topic, 'k', 'c')]);
    const second: string[] = [];
    await subscribe({ groupId, topics: [topic], handle: async (m) => void second.push(m.value) });

    await waitFor(() => second.includes('c'), 'the message published while away', 45_000);
    expect(second).toEqual(['c']);
  });
});
