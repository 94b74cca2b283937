import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import { ComplaintReceived, deadLetterTopicOf, EVENT_HEADERS } from '@hotline/shared';
import { waitFor } from '@hotline/shared/testing';
import { expectedLedger, settledLedger } from '../ledger';
import { distributedMode } from '../test-system';
import { startFaultSystem, type FaultSystem } from './fault-system';

const maybe = distributedMode() ? describe : describe.skip;

const TOTAL = 300;
/**
 * The groups that read intake's topic. A message that is no event at all is set aside by each of them;
 * a ComplaintReceived that breaks its contract only by those that handle that type (supervision reads
 * the topic for repeat-call escalations and skips received complaints without parsing their data).
 */
const INTAKE_CONSUMERS = ['dispatch', 'analytics', 'supervision'];
const RECEIVED_CONSUMERS = ['dispatch', 'analytics'];

interface Poison {
  name: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** What the dead letter's error header must say. */
  error: RegExp;
  /** The groups that must each set it aside once. */
  groups: string[];
  /** Where it landed on the bus, as `<topic>/<partition>/<offset>` (the topic as the application names it). */
  origin?: string;
}

interface DeadLetter {
  key: string;
  value: string;
  headers: Record<string, string>;
}

const notJson = (): Poison => ({
  name: 'not JSON',
  key: 'poison-not-json',
  value: '{"id": "truncated in transit',
  headers: { [EVENT_HEADERS.id]: randomUUID(), [EVENT_HEADERS.type]: ComplaintReceived.type },
  error: /^message is not JSON$/,
  groups: INTAKE_CONSUMERS,
});

/** A well-formed envelope whose data breaks the ComplaintReceived contract: a channel no one knows, the rest missing. */
const breaksContract = (): Poison => {
  const id = randomUUID();
  const envelope = {
    id,
    type: ComplaintReceived.type,
    version: ComplaintReceived.version,
    occurredAt: new Date().toISOString(),
    district: '110199',
    subject: 'poison-contract',
    actor: 'fault-test',
    data: { complaintId: 'poison-contract', channel: 'CARRIER_PIGEON' },
  };
  return {
    name: 'contract violation',
    key: envelope.subject,
    value: JSON.stringify(envelope),
    headers: { [EVENT_HEADERS.id]: id, [EVENT_HEADERS.type]: ComplaintReceived.type },
    error: /^intake\.complaint\.received: data\.channel /,
    groups: RECEIVED_CONSUMERS,
  };
};

maybe('poison messages among real complaints on the intake topic', () => {
  let fault: FaultSystem;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let deadLetterConsumer: Consumer;
  const deadLetters: DeadLetter[] = [];
  let intakeTopic: string;
  let deadLetterTopic: string;

  beforeAll(async () => {
    fault = await startFaultSystem();
    const namespace = fault.system.name;
    intakeTopic = `${namespace}.${ComplaintReceived.topic}`;
    deadLetterTopic = `${namespace}.${deadLetterTopicOf(ComplaintReceived.topic)}`;
    kafka = new Kafka({ clientId: 'fault-poison', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.ERROR });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    admin = kafka.admin();
    deadLetterConsumer = kafka.consumer({
      groupId: `${namespace}.fault-dead-letters`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    await Promise.all([producer.connect(), admin.connect(), deadLetterConsumer.connect()]);
    // The services created both topics when their consumers subscribed.
    await deadLetterConsumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    await deadLetterConsumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]),
        );
        deadLetters.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
      },
    });
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([deadLetterConsumer?.disconnect(), producer?.disconnect(), admin?.disconnect()]);
    await fault?.stop();
  }, 60_000);

  async function publish(poison: Poison): Promise<void> {
    const [record] = await producer.send({
      topic: intakeTopic,
      acks: -1,
      messages: [{ key: poison.key, value: poison.value, headers: poison.headers }],
    });
    poison.origin = `${ComplaintReceived.topic}/${record!.partition}/${record!.baseOffset}`;
  }

  /** True once a group has committed every partition of a topic up to its end: it has nothing left to handle there. */
  async function drained(groupId: string, topic: string): Promise<boolean> {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    return ends.every(({ partition, high }) => {
      const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      return Number(high) === Math.max(Number(offset), 0);
    });
  }

  it('sets each poison message aside once per consuming group, and dispatches every real complaint', async () => {
    const poisons = [notJson(), breaksContract()];
    const stream = fault.stream({ total: TOTAL, concurrency: 8 });
    await stream.reached(100);
    await publish(poisons[0]!);
    await stream.reached(200);
    await publish(poisons[1]!);
    const ids = await stream.done;
    expect(stream.failures).toEqual([]);
    expect(ids).toHaveLength(TOTAL);

    const ledger = await settledLedger(fault.db, fault.analyst, ids, 120_000);
    expect(ledger).toEqual(expectedLedger(TOTAL));

    // Every group is past every intake event, poison included, so no further dead letter can come.
    await waitFor(
      async () =>
        (await Promise.all(INTAKE_CONSUMERS.map((group) => drained(`${fault.system.name}.${group}`, intakeTopic)))).every(Boolean),
      'every intake consumer to commit every intake event',
      60_000,
    );
    const expected = poisons.reduce((sum, poison) => sum + poison.groups.length, 0);
    const onTopic = (await admin.fetchTopicOffsets(deadLetterTopic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    expect(onTopic).toBe(expected);
    await waitFor(() => deadLetters.length >= expected, 'the dead letters to be read back', 30_000);
    expect(deadLetters).toHaveLength(expected);

    for (const poison of poisons) {
      const letters = deadLetters.filter((letter) => letter.headers['dead-letter-origin'] === poison.origin);
      expect({ poison: poison.name, groups: letters.map((l) => l.headers['dead-letter-group']).sort() }).toEqual({
        poison: poison.name,
        groups: poison.groups.slice().sort(),
      });
      for (const letter of letters) {
        // The message itself travels unchanged, with its own headers, so it can be inspected and replayed.
        expect(letter.key).toBe(poison.key);
        expect(letter.value).toBe(poison.value);
        expect(letter.headers).toMatchObject(poison.headers);
        expect(letter.headers['dead-letter-error']).toMatch(poison.error);
        // A contract violation is not retried: no number of attempts would make it valid.
        expect(letter.headers['dead-letter-attempts']).toBe('1');
      }
    }
  }, 240_000);
});
