import type { Logger } from 'pino';
import type { EventBus, BusMessage } from '../bus/bus';
import type { SqlExecutor, TransactionalClient } from '../db/database';
import type { Envelope } from './envelope';
import { topicOf } from './envelope';

/** Header names carried on every bus message, so tooling can route without parsing the body. */
export const EVENT_HEADERS = { id: 'event-id', type: 'event-type', traceparent: 'traceparent' } as const;

export function toBusMessage(event: Envelope): BusMessage {
  return {
    topic: topicOf(event.type),
    key: event.subject,
    value: JSON.stringify(event),
    headers: {
      [EVENT_HEADERS.id]: event.id,
      [EVENT_HEADERS.type]: event.type,
      ...(event.traceparent ? { [EVENT_HEADERS.traceparent]: event.traceparent } : {}),
    },
  };
}

/**
 * Records events in the outbox. Call it inside the transaction that makes the change the events
 * describe: both commit, or neither does.
 */
export async function writeOutbox(tx: SqlExecutor, events: Envelope[]): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const rows = events.map((event, i) => {
    const message = toBusMessage(event);
    values.push(event.id, message.topic, message.key, message.value, JSON.stringify(message.headers));
    const p = i * 5;
    return `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::jsonb)`;
  });
  await tx.$executeRawUnsafe(`INSERT INTO "outbox" ("id", "topic", "key", "payload", "headers") VALUES ${rows.join(', ')}`, ...values);
}

export interface OutboxRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Wakes the relay after a commit, so an event leaves at once instead of at the next poll. */
  notify(): void;
  /** Publishes everything pending now; resolves when the outbox is empty (tests, shutdown). */
  flush(): Promise<void>;
}

export interface OutboxRelayOptions {
  db: TransactionalClient;
  bus: EventBus;
  logger: Logger;
  batchSize?: number;
  pollMs?: number;
}

interface OutboxRow {
  seq: bigint | number | string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string> | string;
}

/**
 * Publishes the outbox in commit order. One relay at a time holds the advisory lock, so replicas
 * never reorder a case's events; rows are deleted only after the bus acknowledged them, so a crash
 * between the two republishes (consumers' inboxes absorb the duplicate) and never loses.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 250;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | null = null;
  let again = false;

  async function publishBatch(): Promise<number> {
    return options.db.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRawUnsafe<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock(7201234500001) AS locked`);
        if (!lock?.locked) return 0;
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT "seq", "topic", "key", "payload", "headers" FROM "outbox" ORDER BY "seq" LIMIT ${batchSize}`,
        );
        if (rows.length === 0) return 0;
        await options.bus.publish(
          rows.map((row) => ({
            topic: row.topic,
            key: row.key,
            value: row.payload,
            headers: typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers,
          })),
        );
        // Exactly the rows published, not "seq <= last": a transaction that took a lower seq may have committed
        // since the SELECT, and under READ COMMITTED a range delete would remove its row unpublished.
        await tx.$executeRawUnsafe(
          `DELETE FROM "outbox" WHERE "seq" = ANY($1::bigint[])`,
          `{${rows.map((row) => BigInt(row.seq)).join(',')}}`,
        );
        return rows.length;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      try {
        while ((await publishBatch()) === batchSize);
      } catch (error) {
        options.logger.warn({ err: error }, 'outbox relay could not publish; will retry');
        return;
      }
    } while (again && running);
  }

  function kick(): Promise<void> {
    if (pass) {
      again = true;
      return pass;
    }
    pass = drain().finally(() => {
      pass = null;
    });
    return pass;
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => void kick().finally(schedule), pollMs);
  }

  return {
    async start() {
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await pass;
    },
    notify() {
      if (running) void kick();
    },
    async flush() {
      await kick();
      await kick();
    },
  };
}
