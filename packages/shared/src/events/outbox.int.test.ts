import path from 'node:path';
import { openDatabase, type Database, type TransactionalClient } from '../db/database';
import { complaintReceived, recordingBus } from '../test/events';
import { clientOverAdapter } from '../test/sql-clients';
import { silentLogger, waitFor } from '../testing';
import { createOutboxRelay, EVENT_HEADERS, toBusMessage, writeOutbox, type OutboxRelay } from './outbox';

describe('outbox', () => {
  let db: Database<TransactionalClient>;
  const relays: OutboxRelay[] = [];
  const relayFor = (options: Omit<Parameters<typeof createOutboxRelay>[0], 'db' | 'logger'>) => {
    const relay = createOutboxRelay({ db: db.client, logger: silentLogger(), ...options });
    relays.push(relay);
    return relay;
  };
  const pending = async () =>
    (await db.client.$queryRawUnsafe<Array<{ id: string }>>(`SELECT "id" FROM "outbox" ORDER BY "seq"`)).map((r) => r.id);

  beforeAll(async () => {
    db = await openDatabase({
      dataDir: 'memory://',
      migrationsDir: path.join(__dirname, 'no-service-migrations'),
      createClient: clientOverAdapter,
    });
  });
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
    await db.client.$executeRawUnsafe(`DELETE FROM "outbox"`);
  });
  afterAll(async () => {
    await db.close();
  });

  describe('toBusMessage', () => {
    it('given an event, then it goes to its service’s topic keyed by its subject, with its id, type and trace as headers', () => {
      const event = { ...complaintReceived('c-1'), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

      expect(toBusMessage(event)).toEqual({
        topic: 'hotline.intake.events',
        key: 'c-1',
        value: JSON.stringify(event),
        headers: {
          [EVENT_HEADERS.id]: event.id,
          [EVENT_HEADERS.type]: 'intake.complaint.received',
          [EVENT_HEADERS.traceparent]: event.traceparent,
        },
      });
    });

    it('given an event without a trace, then there is no traceparent header', () => {
      expect(Object.keys(toBusMessage(complaintReceived('c-1')).headers).sort()).toEqual(['event-id', 'event-type']);
    });
  });

  describe('writeOutbox', () => {
    it('given events written in a transaction that commits, then they are pending in the order written', async () => {
      const events = [complaintReceived('c-1'), complaintReceived('c-2')];
      await db.client.$transaction((tx) => writeOutbox(tx, events));

      expect(await pending()).toEqual(events.map((e) => e.id));
    });

    it('given events written in a transaction that rolls back, then nothing is pending', async () => {
      await expect(
        db.client.$transaction(async (tx) => {
          await writeOutbox(tx, [complaintReceived('c-1')]);
          throw new Error('the change itself failed');
        }),
      ).rejects.toThrow('the change itself failed');

      expect(await pending()).toEqual([]);
    });

    it('given no events, then nothing is written', async () => {
      await writeOutbox(db.client, []);
      expect(await pending()).toEqual([]);
    });
  });

  describe('relay', () => {
    it('given events from several transactions, when flushed, then they are published in commit order and the outbox is emptied', async () => {
      const { bus, published } = recordingBus();
      const first = [complaintReceived('c-1'), complaintReceived('c-2')];
      const second = [complaintReceived('c-1')];
      await db.client.$transaction((tx) => writeOutbox(tx, first));
      await db.client.$transaction((tx) => writeOutbox(tx, second));

      await relayFor({ bus }).flush();

      expect(published).toEqual([...first, ...second].map(toBusMessage));
      expect(await pending()).toEqual([]);
    });

    it('given more events than a batch, then they leave in batches, still in order', async () => {
      const { bus, published, calls } = recordingBus();
      const events = Array.from({ length: 5 }, (_, i) => complaintReceived(`c-${i}`));
      await writeOutbox(db.client, events);

      await relayFor({ bus, batchSize: 2 }).flush();

      expect(calls).toEqual([2, 2, 1]);
      expect(published.map((m) => m.headers['event-id'])).toEqual(events.map((e) => e.id));
    });

    it('given a bus that refuses to publish, then the events stay pending, and once it recovers they are published exactly once', async () => {
      const { bus, published, setDown } = recordingBus();
      const events = [complaintReceived('c-1'), complaintReceived('c-2')];
      await writeOutbox(db.client, events);
      const relay = relayFor({ bus });

      setDown(true);
      await relay.flush();
      expect(await pending()).toEqual(events.map((e) => e.id));

      setDown(false);
      await relay.flush();
      await relay.flush();
      expect(published.map((m) => m.headers['event-id'])).toEqual(events.map((e) => e.id));
      expect(await pending()).toEqual([]);
    });

    it('given a started relay, when it is notified after a commit, then the event leaves without waiting for the poll', async () => {
      const { bus, published } = recordingBus();
      const relay = relayFor({ bus, pollMs: 60_000 });
      await relay.start();

      const event = complaintReceived('c-1');
      await writeOutbox(db.client, [event]);
      relay.notify();

      await waitFor(() => published.length === 1, 'the notified event');
      expect(published[0]!.headers['event-id']).toBe(event.id);
    });

    it('given a started relay that is never notified, then the poll still publishes what was committed', async () => {
      const { bus, published } = recordingBus();
      await relayFor({ bus, pollMs: 20 }).start();

      await writeOutbox(db.client, [complaintReceived('c-1')]);

      await waitFor(() => published.length === 1, 'the polled event');
      await waitFor(async () => (await pending()).length === 0, 'the outbox to empty');
    });

    it('given a bus that was down while the relay ran, then the poll publishes the events once the bus is back', async () => {
      const { bus, published, setDown, refusals } = recordingBus();
      setDown(true);
      const relay = relayFor({ bus, pollMs: 20 });
      await relay.start();
      await writeOutbox(db.client, [complaintReceived('c-1')]);
      relay.notify();
      await waitFor(() => refusals() >= 2, 'the relay to have tried and failed twice');

      setDown(false);

      await waitFor(() => published.length === 1, 'the event after recovery');
      await waitFor(async () => (await pending()).length === 0, 'the outbox to empty');
      expect(published).toHaveLength(1);
    });

    it('given a publish in progress, when the relay stops, then stopping waits for it to finish and remove its rows', async () => {
      const { bus, published } = recordingBus();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let publishing = false;
      const slowBus = {
        ...bus,
        async publish(messages: Parameters<typeof bus.publish>[0]) {
          publishing = true;
          await released;
          await bus.publish(messages);
        },
      };
      const relay = relayFor({ bus: slowBus, pollMs: 60_000 });
      await relay.start();
      await writeOutbox(db.client, [complaintReceived('c-1')]);
      relay.notify();
      await waitFor(() => publishing, 'the publish to start');

      let stopped = false;
      const stopping = relay.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);

      release();
      await stopping;
      expect(published).toHaveLength(1);
      expect(await pending()).toEqual([]);
    });
  });
});
