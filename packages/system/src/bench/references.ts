import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import { withAdmin, withDatabase } from './postgres';
import { Latencies } from './stats';

/** What one reference reached: operations (rows or messages) per second, and the latency of one call. */
export interface ReferenceResult {
  name: string;
  concurrency: number;
  operations: number;
  seconds: number;
  calls: Latencies;
  errors: number;
}

/** Runs `call` from `concurrency` loops until the time is up; each call counts `perCall` operations. */
async function saturate(
  name: string,
  concurrency: number,
  seconds: number,
  perCall: number,
  call: () => Promise<unknown>,
): Promise<ReferenceResult> {
  const calls = new Latencies();
  let operations = 0;
  let errors = 0;
  const started = performance.now();
  const endsAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endsAt) {
        const t = performance.now();
        try {
          await call();
          calls.add(performance.now() - t);
          operations += perCall;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { name, concurrency, operations, seconds: (performance.now() - started) / 1000, calls, errors };
}

/**
 * Single-row INSERTs, each its own committed transaction (as each submit is), into a table shaped
 * like the outbox (uuid, text, jsonb, serial key) in a throwaway database dropped afterwards.
 */
export async function postgresInserts(postgresUrl: string, concurrency: number, seconds: number): Promise<ReferenceResult> {
  const database = `bench_reference_${randomBytes(4).toString('hex')}`;
  await withAdmin(postgresUrl, (admin) => admin.query(`CREATE DATABASE "${database}"`));
  const pool = new pg.Pool({ connectionString: withDatabase(postgresUrl, database), max: concurrency });
  // A connection the server ends while idle (a restart, a terminated backend) is dropped by the pool; the calls count their own errors.
  pool.on('error', () => undefined);
  try {
    await pool.query(
      `CREATE TABLE reference_row ("seq" BIGSERIAL PRIMARY KEY, "id" UUID NOT NULL, "topic" TEXT NOT NULL, "payload" JSONB NOT NULL)`,
    );
    const payload = JSON.stringify({
      type: 'intake.complaint.received',
      district: '110199',
      data: { categoryId: 'property.fees', urgency: 'GENERAL' },
    });
    return await saturate('PostgreSQL single-row INSERT (autocommit)', concurrency, seconds, 1, () =>
      pool.query(`INSERT INTO reference_row ("id", "topic", "payload") VALUES ($1, $2, $3)`, [
        randomUUID(),
        'hotline.intake.events',
        payload,
      ]),
    );
  } finally {
    await pool.end();
    await withAdmin(postgresUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  }
}

/**
 * Produces to a topic of its own on the same broker, with the bus's producer settings (idempotent,
 * acks=-1, 5 in flight): once one message per send, once `batchSize` messages per send.
 */
export async function kafkaProduces(
  brokers: string[],
  namespace: string,
  concurrency: number,
  seconds: number,
  batchSize: number,
): Promise<ReferenceResult[]> {
  const kafka = new Kafka({ clientId: 'bench-reference', brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const topic = `${namespace}.bench.reference`;
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: 1 }] });
  await producer.connect();
  // About the size of a ComplaintReceived envelope on the wire.
  const value = JSON.stringify({
    id: randomUUID(),
    type: 'intake.complaint.received',
    version: 1,
    district: '110199',
    data: { text: 'x'.repeat(400) },
  });
  let n = 0;
  const message = () => ({ key: `complaint-${n++}`, value });
  try {
    const single = await saturate('Kafka produce, 1 message per send (acks=-1)', concurrency, seconds, 1, () =>
      producer.send({ topic, acks: -1, messages: [message()] }),
    );
    const batched = await saturate(`Kafka produce, ${batchSize} messages per send (acks=-1)`, concurrency, seconds, batchSize, () =>
      producer.send({ topic, acks: -1, messages: Array.from({ length: batchSize }, message) }),
    );
    return [single, batched];
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
