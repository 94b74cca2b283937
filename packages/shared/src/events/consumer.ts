import type { Logger } from 'pino';
import type { DeliveredMessage, EventBus, Subscription } from '../bus/bus';
import type { SqlExecutor, TransactionalClient } from '../db/database';
import { contextFrom, inSpan, SpanKind } from '../telemetry';
import { parseData, parseEnvelope, type Envelope, type EventContract, type EventOf } from './envelope';
import { claimEvents } from './inbox';

export interface EventHandler<Tx, C extends EventContract = EventContract> {
  contract: C;
  /** Runs inside the transaction that also records the event as handled; write outbox events with tx. */
  handle(event: EventOf<C>, tx: Tx): Promise<void>;
}

/** Pairs a contract with its handler, keeping the event's type precise inside the handler. */
export const on = <Tx, C extends EventContract>(
  contract: C,
  handle: (event: EventOf<C>, tx: Tx) => Promise<void>,
): EventHandler<Tx, C> => ({ contract, handle });

/**
 * A read model that applies a batch of events at once (set-wise: a few statements per batch rather
 * than a few per event), in place of one handler per event.
 */
export interface EventProjection<Tx, C extends EventContract = EventContract> {
  /** The events it takes; others are skipped. */
  contracts: C[];
  /** Applies events not handled before, in the order delivered, inside the transaction that claims them. */
  apply(events: Array<EventOf<C>>, tx: Tx): Promise<void>;
}

export interface ConsumerBase<Tx extends SqlExecutor> {
  bus: EventBus;
  db: TransactionalClient<Tx>;
  groupId: string;
  logger: Logger;
  /** Called after a handler's transaction committed (e.g. to wake the outbox relay). */
  afterCommit?: () => void;
  maxAttempts?: number;
  /**
   * Events waiting on one partition are handled in one transaction, up to this many (default 1: one
   * transaction per event). Only for handlers that touch nothing but `tx`: within a batch, an event's
   * effect is visible to the next handler through `tx` alone, as it is not committed yet.
   */
  maxBatch?: number;
  /**
   * Handle one transaction at a time, whichever partition its events come from; the batches that wait
   * meanwhile share the next transaction. For handlers that update rows shared across partitions
   * (counters): transactions side by side would lock them in different orders and deadlock each other.
   */
  serial?: boolean;
}

/** Events handled one handler per event, or a batch applied by a projection. */
export type EventConsumerOptions<Tx extends SqlExecutor> = ConsumerBase<Tx> &
  ({ handlers: Array<EventHandler<Tx, any>>; projection?: never } | { projection: EventProjection<Tx, any>; handlers?: never });

/**
 * Events a service handles per transaction when its handlers write through their `tx` alone: enough to
 * amortise a commit under load, small enough that a failed batch costs little to redo one by one.
 */
export const EVENT_BATCH = 50;

/** A handler's transaction may wait 10 s for a pooled connection and run 60 s (a batch); Prisma's 2 s and 5 s are for requests. */
const CONSUMER_TRANSACTION = { maxWait: 10_000, timeout: 60_000 };
/** A serial consumer's group commit takes up to this many partitions' full batches in one transaction. */
const GROUP_COMMIT_BATCHES = 5;
/**
 * A serial consumer takes every partition's messages at once (up to this many partitions): they only
 * queue for the next shared transaction, and a partition left waiting for a turn would wait a whole
 * fetch cycle of the others.
 */
const SERIAL_PARTITIONS_AT_ONCE = 64;

/**
 * Subscribes a consumer group to the topics of its handlers. Each event is validated against its
 * contract, handled in one transaction together with its inbox record (so redelivery is harmless),
 * and traced as a child of the span that produced it. Events of other types are skipped.
 */
export async function startEventConsumer<Tx extends SqlExecutor>(options: EventConsumerOptions<Tx>): Promise<Subscription> {
  const { projection } = options;
  const handlers = projection ? [] : options.handlers;
  const contracts: EventContract[] = projection ? projection.contracts : handlers.map((h) => h.contract);
  const contractOf = new Map(contracts.map((c) => [c.type, c]));
  const handlerOf = new Map(handlers.map((h) => [h.contract.type, h]));
  const topics = [...new Set(contracts.map((c) => c.topic))];
  /** A span in the event's trace; a batch's span is in its first event's trace. */
  const spanOf = (event: Envelope, topic: string, count = 1) => ({
    parent: contextFrom({ traceparent: event.traceparent }),
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.destination.name': topic,
      'messaging.consumer.group.name': options.groupId,
      'messaging.batch.message_count': count,
      'event.id': event.id,
      'event.subject': event.subject,
    },
  });
  /** The event in `message`, validated against its contract, or null when this group does not take its type. */
  const decode = (message: DeliveredMessage) => {
    const envelope = parseEnvelope(message.value);
    const contract = contractOf.get(envelope.type);
    return contract ? { event: parseData(contract, envelope), topic: message.topic } : null;
  };
  const maxBatch = options.maxBatch ?? 1;
  type Decoded = NonNullable<ReturnType<typeof decode>>;
  /**
   * Handles decoded events in one transaction with their inbox claims. A failure anywhere rolls all
   * of them back. Returns how many were handled (not handled before).
   */
  const transact = (decoded: Decoded[]): Promise<number> =>
    options.db.$transaction(async (tx) => {
      const claimed = await claimEvents(
        tx,
        options.groupId,
        decoded.map((d) => d.event.id),
      );
      // Deleted once taken: the same event twice in a batch is handled once.
      const fresh = decoded.filter(({ event }) => {
        if (claimed.delete(event.id)) return true;
        options.logger.debug({ eventId: event.id, type: event.type }, 'event already handled; skipped');
        return false;
      });
      const [first] = fresh;
      if (projection && first) {
        const name = `consume ${fresh.length === 1 ? first.event.type : `${fresh.length} events`}`;
        await inSpan(options.groupId, name, spanOf(first.event, first.topic, fresh.length), () =>
          projection.apply(
            fresh.map((d) => d.event),
            tx,
          ),
        );
      } else {
        for (const { event, topic } of fresh)
          await inSpan(options.groupId, `consume ${event.type}`, spanOf(event, topic), () => handlerOf.get(event.type)!.handle(event, tx));
      }
      return fresh.length;
    }, CONSUMER_TRANSACTION);
  /** transact, then wake whoever waits for what the handlers wrote. */
  const commit = async (decoded: Decoded[]) => {
    if ((await transact(decoded)) > 0) options.afterCommit?.();
  };

  /**
   * A serial consumer's queue: the batches of every partition that wait while a transaction runs are
   * applied together in the next one (group commit), so that under load one transaction carries what
   * a dozen partitions delivered. Should that transaction fail, each batch is tried on its own, so a
   * bad event fails only its own partition's batch (which the bus then hands over one by one).
   */
  const waiting: Array<{ decoded: Decoded[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  // Handlers that take one event per transaction (maxBatch 1) keep it so.
  const groupLimit = maxBatch > 1 ? maxBatch * GROUP_COMMIT_BATCHES : 1;
  let draining = false;
  const drain = async () => {
    draining = true;
    while (waiting.length > 0) {
      const group: typeof waiting = [];
      let events = 0;
      while (waiting.length > 0 && (group.length === 0 || events + waiting[0]!.decoded.length <= groupLimit)) {
        const next = waiting.shift()!;
        group.push(next);
        events += next.decoded.length;
      }
      try {
        await commit(group.flatMap((g) => g.decoded));
        for (const g of group) g.resolve();
      } catch (error) {
        if (group.length === 1) {
          group[0]!.reject(error);
          continue;
        }
        for (const g of group) await commit(g.decoded).then(g.resolve, g.reject);
      }
    }
    draining = false;
  };
  /** Handles one event, or a partition's batch: at once, or in the serial queue's next transaction. */
  const apply = async (decoded: Decoded[]) => {
    if (!options.serial) return commit(decoded);
    await new Promise<void>((resolve, reject) => {
      waiting.push({ decoded, resolve, reject });
      if (!draining) void drain();
    });
  };
  return options.bus.subscribe({
    groupId: options.groupId,
    topics,
    maxAttempts: options.maxAttempts,
    ...(options.serial && { partitionsAtOnce: SERIAL_PARTITIONS_AT_ONCE }),
    handle: async (message) => {
      const decoded = decode(message);
      if (decoded) await apply([decoded]);
    },
    ...(maxBatch > 1 && {
      maxBatch,
      handleBatch: async (messages) => {
        const decoded = messages.map(decode).filter((d) => d !== null);
        if (decoded.length > 0) await apply(decoded);
      },
    }),
  });
}
