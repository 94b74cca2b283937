import type { Logger } from 'pino';
import type { EventBus, Subscription } from '../bus/bus';
import type { SqlExecutor, TransactionalClient } from '../db/database';
import { contextFrom, inSpan, SpanKind } from '../telemetry';
import { parseData, parseEnvelope, type EventContract, type EventOf } from './envelope';
import { claimEvent } from './inbox';

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
}

/**
 * Subscribes a consumer group to the topics of its handlers. Each event is validated against its
 * contract, handled in one transaction together with its inbox record (so redelivery is harmless),
 * and traced as a child of the span that produced it. Events of other types are skipped.
 */
export async function startEventConsumer<Tx extends SqlExecutor>(options: EventConsumerOptions<Tx>): Promise<Subscription> {
  const byType = new Map(options.handlers.map((h) => [h.contract.type, h]));
  const topics = [...new Set(options.handlers.map((h) => h.contract.topic))];
  return options.bus.subscribe({
    groupId: options.groupId,
    topics,
    maxAttempts: options.maxAttempts,
    handle: async (message) => {
      const envelope = parseEnvelope(message.value);
      const handler = byType.get(envelope.type);
      if (!handler) return;
      const event = parseData(handler.contract, envelope);
      const parent = contextFrom({ traceparent: envelope.traceparent });
      await inSpan(options.groupId, `consume ${event.type}`, { parent, kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': message.topic, 'messaging.consumer.group.name': options.groupId, 'event.id': event.id, 'event.subject': event.subject } }, async () => {
        const handled = await options.db.$transaction(async (tx) => {
          if (!(await claimEvent(tx, options.groupId, event.id))) return false;
          await handler.handle(event, tx);
          return true;
        });
        if (handled) options.afterCommit?.();
        else options.logger.debug({ eventId: event.id, type: event.type }, 'event already handled; skipped');
      });
    },
  });
}
