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
export const on = <Tx, C extends EventContract>(contract: C, handle: (event: EventOf<C>, tx: Tx) => Promise<void>): EventHandler<Tx, C> => ({ contract, handle });

export interface EventConsumerOptions<Tx extends SqlExecutor> {
  bus: EventBus;
  db: TransactionalClient<Tx>;
  groupId: string;
  handlers: Array<EventHandler<Tx, any>>;
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
   * Handle one batch (or event) at a time, whichever partition it comes from. For handlers that update
   * rows shared across partitions (counters): transactions side by side would lock them in different
   * orders and deadlock each other.
   */
  serial?: boolean;
}

/**
 * Events a service handles per transaction when its handlers write through their `tx` alone: enough to
 * amortise a commit under load, small enough that a failed batch costs little to redo one by one.
 */
export const EVENT_BATCH = 50;

/** A handler's transaction may wait 10 s for a pooled connection and run 60 s (a batch); Prisma's 2 s and 5 s are for requests. */
const CONSUMER_TRANSACTION = { maxWait: 10_000, timeout: 60_000 };

/**
 * Subscribes a consumer group to the topics of its handlers. Each event is validated against its
 * contract, handled in one transaction together with its inbox record (so redelivery is harmless),
 * and traced as a child of the span that produced it. Events of other types are skipped.
 */
export async function startEventConsumer<Tx extends SqlExecutor>(options: EventConsumerOptions<Tx>): Promise<Subscription> {
  const byType = new Map(options.handlers.map((h) => [h.contract.type, h]));
  const topics = [...new Set(options.handlers.map((h) => h.contract.topic))];
  const spanOf = (event: Envelope, topic: string) =>
    ({ parent: contextFrom({ traceparent: event.traceparent }), kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': topic, 'messaging.consumer.group.name': options.groupId, 'event.id': event.id, 'event.subject': event.subject } });
  /** The event in `message` with its handler, or null when this group has no handler for its type. */
  const decode = (message: DeliveredMessage) => {
    const envelope = parseEnvelope(message.value);
    const handler = byType.get(envelope.type);
    return handler ? { event: parseData(handler.contract, envelope), handler, topic: message.topic } : null;
  };
  const maxBatch = options.maxBatch ?? 1;
  let turn: Promise<unknown> = Promise.resolve();
  /** Runs `work` after the work before it when the consumer is serial; at once otherwise. */
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    if (!options.serial) return work();
    const run = turn.then(work, work);
    turn = run.catch(() => undefined);
    return run;
  };
  /**
   * Handles decoded events in one transaction with their inbox claims: one event, or a partition's batch.
   * A failure anywhere rolls all of them back; the bus then hands a batch's events over one by one.
   */
  const apply = async (decoded: Array<NonNullable<ReturnType<typeof decode>>>) => {
    const handled = await inTurn(() =>
      options.db.$transaction(async (tx) => {
        const claimed = await claimEvents(tx, options.groupId, decoded.map((d) => d.event.id));
        let count = 0;
        for (const { event, handler, topic } of decoded) {
          // Deleted once handled: the same event twice in a batch is handled once.
          if (!claimed.delete(event.id)) {
            options.logger.debug({ eventId: event.id, type: event.type }, 'event already handled; skipped');
            continue;
          }
          await inSpan(options.groupId, `consume ${event.type}`, spanOf(event, topic), () => handler.handle(event, tx));
          count++;
        }
        return count;
      }, CONSUMER_TRANSACTION),
    );
    if (handled > 0) options.afterCommit?.();
  };
  return options.bus.subscribe({
    groupId: options.groupId,
    topics,
    maxAttempts: options.maxAttempts,
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
