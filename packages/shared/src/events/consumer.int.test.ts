import path from 'node:path';
import type { DeliveredMessage, EventBus, Subscription } from '../bus/bus';
import { createInProcessBus } from '../bus/in-process';
import { partitionOf } from '../bus/partitioner';
import { openDatabase, type Database, type SqlExecutor, type TransactionalClient } from '../db/database';
import { complaintReceived } from '../test/events';
import { clientOverAdapter } from '../test/sql-clients';
import { silentLogger, waitFor } from '../testing';
import { on, startEventConsumer, type ConsumerBase } from './consumer';
import { ComplaintReceived, WorkOrderDispatched } from './contracts';
import { createEvent, type EventOf } from './envelope';
import { claimEvent, claimEvents } from './inbox';
import { toBusMessage, writeOutbox } from './outbox';

const DEAD_LETTERS = `${ComplaintReceived.topic}.dead-letter`;

/** The wire form of an event whose payload was changed after it was built, as a faulty producer would send it. */
const withData = (event: ReturnType<typeof complaintReceived>, change: Record<string, unknown>) =>
  JSON.stringify({ ...event, data: { ...event.data, ...change } });

describe('event consumer', () => {
  let db: Database<TransactionalClient>;
  let bus: EventBus;
  let consumer: Subscription | undefined;
  let deadLetters: DeliveredMessage[];

  /** Rows the test handler writes: its observable effect. */
  const effects = async () =>
    (await db.client.$queryRawUnsafe<Array<{ complaint_id: string }>>(`SELECT "complaint_id" FROM "effect" ORDER BY "seq"`)).map(
      (r) => r.complaint_id,
    );
  const recordEffect = (tx: SqlExecutor, complaintId: string) =>
    tx.$executeRawUnsafe(`INSERT INTO "effect" ("complaint_id") VALUES ($1)`, complaintId);

  /** Starts the consumer under test as the dispatch group with one ComplaintReceived handler; `options` override the rest. */
  const consume = async (
    handle: (event: EventOf<typeof ComplaintReceived>, tx: SqlExecutor) => Promise<void>,
    options: Partial<ConsumerBase<SqlExecutor>> = {},
  ): Promise<Subscription> => {
    consumer = await startEventConsumer({
      bus,
      db: db.client,
      groupId: 'dispatch',
      logger: silentLogger(),
      handlers: [on(ComplaintReceived, handle)],
      ...options,
    });
    return consumer;
  };

  beforeAll(async () => {
    db = await openDatabase({
      dataDir: 'memory://',
      migrationsDir: path.join(__dirname, 'no-service-migrations'),
      createClient: clientOverAdapter,
    });
    await db.client.$executeRawUnsafe(`CREATE TABLE "effect" ("seq" SERIAL PRIMARY KEY, "complaint_id" TEXT NOT NULL)`);
  });
  beforeEach(async () => {
    bus = createInProcessBus();
    await bus.start();
    deadLetters = [];
    await bus.subscribe({ groupId: 'dead-letter-watch', topics: [DEAD_LETTERS], handle: async (m) => void deadLetters.push(m) });
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await bus.stop();
    for (const table of ['effect', 'inbox', 'outbox']) await db.client.$executeRawUnsafe(`DELETE FROM "${table}"`);
  });
  afterAll(async () => {
    await db.close();
  });

  describe('claimEvent', () => {
    const eventId = '018f0000-0000-7000-8000-000000000001';

    it('given an event a group has not handled, then the first claim wins and a repeat is refused', async () => {
      expect(await claimEvent(db.client, 'dispatch', eventId)).toBe(true);
      expect(await claimEvent(db.client, 'dispatch', eventId)).toBe(false);
    });

    it('given an event claimed by one group, then another group may still claim it', async () => {
      await claimEvent(db.client, 'dispatch', eventId);
      expect(await claimEvent(db.client, 'analytics', eventId)).toBe(true);
    });

    it('given a claim in a transaction that rolls back, then the event is not recorded as handled', async () => {
      await expect(
        db.client.$transaction(async (tx) => {
          expect(await claimEvent(tx, 'dispatch', eventId)).toBe(true);
          throw new Error('the effect failed');
        }),
      ).rejects.toThrow('the effect failed');

      expect(await claimEvent(db.client, 'dispatch', eventId)).toBe(true);
    });
  });

  describe('claimEvents', () => {
    it('given ids some of which were handled, then only the new ones are claimed, each once', async () => {
      const [a, b, c] = [
        '018f0000-0000-7000-8000-00000000000a',
        '018f0000-0000-7000-8000-00000000000b',
        '018f0000-0000-7000-8000-00000000000c',
      ];
      await claimEvent(db.client, 'analytics', a);
      expect(await claimEvents(db.client, 'analytics', [a, b, c, b])).toEqual(new Set([b, c]));
      expect(await claimEvents(db.client, 'analytics', [a, b, c])).toEqual(new Set());
    });
  });

  describe('startEventConsumer with batches (maxBatch)', () => {
    /** The effect, with the transaction that wrote it: events of one batch share one. */
    const recordEffectInTx = (tx: SqlExecutor, complaintId: string) =>
      tx.$executeRawUnsafe(`INSERT INTO "effect" ("complaint_id", "tx") VALUES ($1, txid_current())`, complaintId);
    const sameKey = (event: ReturnType<typeof complaintReceived>) => ({ ...toBusMessage(event), key: 'one-partition' });

    beforeAll(async () => {
      await db.client.$executeRawUnsafe(`ALTER TABLE "effect" ADD COLUMN IF NOT EXISTS "tx" BIGINT`);
    });

    it('given events waiting on a partition, then they are handled together in few transactions, each once, a repeat and an already-handled one skipped', async () => {
      let commits = 0;
      const handledBefore = complaintReceived('c-before');
      await claimEvent(db.client, 'analytics', handledBefore.id);
      const events = Array.from({ length: 25 }, (_, i) => complaintReceived(`c-${String(i).padStart(2, '0')}`));
      await bus.publish([sameKey(handledBefore), ...events.map(sameKey), sameKey(events[3]!)]);
      await consume(async (event, tx: SqlExecutor) => void (await recordEffectInTx(tx, event.data.complaintId)), {
        groupId: 'analytics',
        maxBatch: 10,
        afterCommit: () => commits++,
      });

      await waitFor(async () => (await effects()).length === 25 && commits >= 3, 'every event');
      expect(await effects()).toEqual(events.map((e) => e.data.complaintId));
      const transactions = await db.client.$queryRawUnsafe<Array<{ n: number }>>(`SELECT COUNT(DISTINCT "tx")::int AS "n" FROM "effect"`);
      expect(transactions[0]!.n).toBe(3);
      expect(deadLetters).toEqual([]);
    });

    it.each([
      [true, 'one at a time', 1],
      [false, 'side by side', 2],
    ])('given serial: %s, then batches from different partitions run %s', async (serial, _, expected) => {
      // A database that lets transactions run side by side (PGlite's one connection would line them up anyway):
      // every claim succeeds, nothing is stored.
      const tx: SqlExecutor = {
        $executeRawUnsafe: async () => 1,
        $queryRawUnsafe: async <T>(_sql: string, _consumer: unknown, ids: unknown) =>
          (JSON.parse(String(ids)) as string[]).map((id) => ({ id })) as T,
      };
      const concurrent: TransactionalClient = { ...tx, $transaction: async (fn) => fn(tx), $disconnect: async () => undefined };
      let running = 0;
      let most = 0;
      let handled = 0;
      const events = Array.from({ length: 40 }, (_, i) => complaintReceived(`c-${i}`));
      expect(new Set(events.map((e) => partitionOf(e.subject, 4))).size).toBeGreaterThan(1);
      await bus.publish(events.map(toBusMessage));
      await consume(
        async () => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          handled++;
        },
        { db: concurrent, groupId: 'analytics', maxBatch: 5, serial },
      );

      await waitFor(() => handled === 40, 'every event');
      expect(Math.min(most, 2)).toBe(expected);
    });

    it('given a batch with an event whose handler always fails, then the batch rolls back, the others are handled once each and only the bad one is dead-lettered', async () => {
      const events = Array.from({ length: 8 }, (_, i) => complaintReceived(`c-${i}`));
      await bus.publish(events.map(sameKey));
      await consume(
        async (event, tx: SqlExecutor) => {
          await recordEffectInTx(tx, event.data.complaintId);
          if (event.data.complaintId === 'c-5') throw new Error('this one cannot be handled');
        },
        { groupId: 'analytics', maxBatch: 10, maxAttempts: 2 },
      );

      await waitFor(() => deadLetters.length === 1, 'the dead letter');
      await waitFor(async () => (await effects()).length === 7, 'the others');
      expect(await effects()).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-6', 'c-7']);
      expect(deadLetters[0]!.headers['dead-letter-error']).toBe('this one cannot be handled');
      const inbox = await db.client.$queryRawUnsafe<Array<{ n: number }>>(
        `SELECT COUNT(*)::int AS "n" FROM "inbox" WHERE "consumer" = 'analytics'`,
      );
      expect(inbox[0]!.n).toBe(7);
    });
  });

  describe('startEventConsumer, serial, with group commit and projections', () => {
    const recordEffectInTx = (tx: SqlExecutor, complaintId: string) =>
      tx.$executeRawUnsafe(`INSERT INTO "effect" ("complaint_id", "tx") VALUES ($1, txid_current())`, complaintId);
    const transactions = async () =>
      (await db.client.$queryRawUnsafe<Array<{ n: number }>>(`SELECT COUNT(DISTINCT "tx")::int AS "n" FROM "effect"`))[0]!.n;
    /** 40 events over the four partitions, 10 on each. */
    const spread = () => {
      const events = Array.from({ length: 40 }, (_, i) => complaintReceived(`c-${String(i).padStart(2, '0')}`));
      return events.map((e, i) => ({ event: e, message: { ...toBusMessage(e), key: `partition-key-${i % 4}` } }));
    };

    beforeAll(async () => {
      await db.client.$executeRawUnsafe(`ALTER TABLE "effect" ADD COLUMN IF NOT EXISTS "tx" BIGINT`);
    });

    it('given batches of several partitions waiting while a transaction runs, then they share the next transaction, each event handled once', async () => {
      const events = spread();
      expect(new Set(events.map((e) => partitionOf(e.message.key, 4))).size).toBeGreaterThan(1);
      await bus.publish(events.map((e) => e.message));
      await consume(
        async (event, tx: SqlExecutor) => {
          await recordEffectInTx(tx, event.data.complaintId);
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
        { groupId: 'analytics', maxBatch: 5, serial: true },
      );

      await waitFor(async () => (await effects()).length === 40, 'every event');
      expect([...(await effects())].sort()).toEqual(events.map((e) => e.event.data.complaintId));
      // Eight batches of five at least; partitions that waited shared transactions.
      expect(await transactions()).toBeLessThan(8);
    });

    it('given a shared transaction that fails on one event, then the other partitions’ batches commit on their own and only the bad event is dead-lettered', async () => {
      const events = spread();
      await bus.publish(events.map((e) => e.message));
      await consume(
        async (event, tx: SqlExecutor) => {
          await recordEffectInTx(tx, event.data.complaintId);
          await new Promise((resolve) => setTimeout(resolve, 2));
          if (event.data.complaintId === 'c-13') throw new Error('this one cannot be handled');
        },
        { groupId: 'analytics', maxBatch: 5, maxAttempts: 2, serial: true },
      );

      await waitFor(() => deadLetters.length === 1, 'the dead letter');
      await waitFor(async () => (await effects()).length === 39, 'the others');
      expect([...(await effects())].sort()).toEqual(events.map((e) => e.event.data.complaintId).filter((id) => id !== 'c-13'));
      expect(deadLetters[0]!.headers['dead-letter-error']).toBe('this one cannot be handled');
    });

    it.each([
      [true, 64],
      [false, undefined],
    ])('given serial: %s, then the bus is asked for %s partitions at once (undefined: its default)', async (serial, expected) => {
      const asked: Array<number | undefined> = [];
      const recording: EventBus = {
        ...bus,
        subscribe: async (options) => (asked.push(options.partitionsAtOnce), { stop: async () => undefined }),
      };
      await consume(async () => undefined, { bus: recording, maxBatch: 10, serial });
      expect(asked).toEqual([expected]);
    });

    it('given a projection, then it receives each batch’s new events in one call, in order, a repeat and an already-handled one left out', async () => {
      const calls: string[][] = [];
      const handledBefore = complaintReceived('c-before');
      await claimEvent(db.client, 'analytics', handledBefore.id);
      const events = Array.from({ length: 12 }, (_, i) => complaintReceived(`c-${String(i).padStart(2, '0')}`));
      const oneKey = (event: ReturnType<typeof complaintReceived>) => ({ ...toBusMessage(event), key: 'one-partition' });
      await bus.publish([oneKey(handledBefore), ...events.map(oneKey), oneKey(events[3]!)]);
      consumer = await startEventConsumer({
        bus,
        db: db.client,
        groupId: 'analytics',
        logger: silentLogger(),
        maxBatch: 20,
        serial: true,
        projection: {
          contracts: [ComplaintReceived],
          apply: async (batch, tx: SqlExecutor) => {
            calls.push(batch.map((e) => (e as EventOf<typeof ComplaintReceived>).data.complaintId));
            for (const id of calls.at(-1)!) await recordEffectInTx(tx, id);
          },
        },
      });

      await waitFor(async () => (await effects()).length === 12, 'every event');
      expect(calls.flat()).toEqual(events.map((e) => e.data.complaintId));
      expect(calls.length).toBeLessThanOrEqual(2);
      expect(await transactions()).toBe(calls.length);
    });
  });

  describe('startEventConsumer', () => {
    it('given the same envelope delivered twice, then the handler’s effect happens once and afterCommit runs once', async () => {
      let commits = 0;
      await consume(async (event, tx: SqlExecutor) => void (await recordEffect(tx, event.data.complaintId)), {
        afterCommit: () => commits++,
      });
      const event = complaintReceived('c-1');

      await bus.publish([toBusMessage(event), toBusMessage(event), toBusMessage(complaintReceived('c-marker'))]);

      await waitFor(async () => (await effects()).includes('c-marker'), 'the marker after the repeat');
      expect(await effects()).toEqual(['c-1', 'c-marker']);
      expect(commits).toBe(2);
    });

    it('given an event type without a handler, then it is skipped, not dead-lettered, and the next event is handled', async () => {
      await consume(async (event, tx: SqlExecutor) => void (await recordEffect(tx, event.data.complaintId)));
      // Another event type on the same topic, as producers add new events to their topic.
      const other = { ...complaintReceived('c-other'), type: 'intake.complaint.withdrawn', data: { anything: true } };

      await bus.publish([toBusMessage(other), toBusMessage(complaintReceived('c-1'))]);

      await waitFor(async () => (await effects()).includes('c-1'), 'the event after the unknown one');
      expect(await effects()).toEqual(['c-1']);
      expect(deadLetters).toEqual([]);
    });

    it.each([
      ['a payload violating the contract', withData(complaintReceived('c-bad'), { urgency: 'WHENEVER' }), /data\.urgency/],
      ['a message that is not JSON', 'not json at all', /not JSON/],
      ['a version nobody understands', JSON.stringify({ ...complaintReceived('c-v9'), version: 9 }), /version 9/],
    ])(
      'given %s, then it goes to the dead letter after one attempt, without an effect, and the next event is handled',
      async (_, value, reason) => {
        let attempts = 0;
        await consume(async (event, tx: SqlExecutor) => {
          attempts++;
          await recordEffect(tx, event.data.complaintId);
        });

        await bus.publish([{ ...toBusMessage(complaintReceived('c-bad')), value }, toBusMessage(complaintReceived('c-1'))]);

        await waitFor(() => deadLetters.length === 1, 'the dead letter');
        await waitFor(async () => (await effects()).includes('c-1'), 'the next event');
        expect(deadLetters[0]!.headers['dead-letter-attempts']).toBe('1');
        expect(deadLetters[0]!.headers['dead-letter-error']).toMatch(reason);
        expect(deadLetters[0]!.headers['dead-letter-group']).toBe('dispatch');
        expect(await effects()).toEqual(['c-1']);
        expect(attempts).toBe(1);
      },
    );

    it('given a handler that fails once after writing, then its writes and its inbox record roll back and the retry does the effect once', async () => {
      let attempts = 0;
      await consume(async (event, tx: SqlExecutor) => {
        attempts++;
        await recordEffect(tx, event.data.complaintId);
        if (attempts === 1) throw new Error('downstream lookup failed');
      });

      await bus.publish([toBusMessage(complaintReceived('c-1'))]);

      await waitFor(() => attempts === 2, 'the retry');
      await waitFor(async () => (await effects()).length > 0, 'the effect');
      expect(await effects()).toEqual(['c-1']);
      expect(deadLetters).toEqual([]);
    });

    it('given a handler that writes a follow-up event, then the event is in the outbox together with the effect', async () => {
      await consume(async (event, tx: SqlExecutor) => {
        await recordEffect(tx, event.data.complaintId);
        await writeOutbox(tx, [
          createEvent(WorkOrderDispatched, {
            subject: event.subject,
            district: event.district,
            actor: 'system:dispatch',
            data: {
              workOrderId: 'w-1',
              complaintId: event.data.complaintId,
              unitId: 'unit-110199-001',
              ruleId: null,
              ruleVersion: null,
              role: 'LEAD',
              categoryId: event.data.categoryId,
              urgency: event.data.urgency,
              areaType: event.data.areaType,
              dispatchedAt: '2026-03-01T08:05:00.000Z',
            },
          }),
        ]);
      });

      await bus.publish([toBusMessage(complaintReceived('c-1'))]);

      await waitFor(async () => (await effects()).length === 1, 'the effect');
      const outbox = await db.client.$queryRawUnsafe<Array<{ topic: string; key: string }>>(`SELECT "topic", "key" FROM "outbox"`);
      expect(outbox).toEqual([{ topic: WorkOrderDispatched.topic, key: 'c-1' }]);
    });

    it('given the consumer is stopped while an event is being handled, then stopping waits, so the database can be closed right after', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let handling = false;
      const started = await consume(async (event, tx: SqlExecutor) => {
        handling = true;
        await released;
        await recordEffect(tx, event.data.complaintId);
      });
      await bus.publish([toBusMessage(complaintReceived('c-1'))]);
      await waitFor(() => handling, 'the handler to start');

      const stopping = started.stop();
      consumer = undefined;
      release();
      await stopping;

      expect(await effects()).toEqual(['c-1']);
      expect(deadLetters).toEqual([]);
    });
  });
});
