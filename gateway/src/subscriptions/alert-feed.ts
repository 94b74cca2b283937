import { randomUUID } from 'node:crypto';
import { DeadlineOverdue, DeadlineWarning, parseEnvelope, type EventBus, type EventOf, type Logger } from '@hotline/shared';

/** One warning or overdue report as subscribers see it; `id` is the event's id on the bus. */
export interface DeadlineAlert {
  id: string;
  level: 'WARNING' | 'OVERDUE';
  kind: string;
  district: string;
  complaintId: string;
  workOrderId: string;
  unitId: string;
  deadlineId: string;
  dueAt: string;
  at: string;
}

export interface AlertFeed {
  /** Settles once the feed's consumer has joined its group: alerts published from then on reach listeners. */
  joined: Promise<void>;
  /** Calls `listener` with every alert from now on; returns the call that stops it. */
  listen(listener: (alert: DeadlineAlert) => void): () => void;
  stop(): Promise<void>;
}

export function toAlert(event: EventOf<typeof DeadlineOverdue> | EventOf<typeof DeadlineWarning>): DeadlineAlert {
  const { workOrderId, complaintId, unitId, deadlineId, kind, dueAt } = event.data;
  const overdue = event.type === DeadlineOverdue.type;
  return {
    id: event.id,
    level: overdue ? 'OVERDUE' : 'WARNING',
    kind,
    district: event.district,
    complaintId,
    workOrderId,
    unitId,
    deadlineId,
    dueAt,
    at: overdue ? (event as EventOf<typeof DeadlineOverdue>).data.overdueAt : (event as EventOf<typeof DeadlineWarning>).data.warnedAt,
  };
}

/**
 * Supervision's warnings and overdue reports, live from the bus, fanned out to this gateway instance's
 * subscribers. Each instance is its own consumer group (every instance needs every event) and starts at
 * the end of the topic: what came before is replayed from supervision's kept reports, not from the bus.
 *
 * The group is joined in the background (`joined`), so a slow join never holds up the gateway's graph;
 * a join that fails is retried, and each failure logged.
 */
export function startAlertFeed(connect: () => Promise<EventBus>, logger: Logger, retryMs = 5_000): AlertFeed {
  const listeners = new Set<(alert: DeadlineAlert) => void>();
  let stopped = false;
  let subscription: { stop(): Promise<void> } | null = null;
  const fanOut = (alert: DeadlineAlert) => {
    for (const listener of listeners) {
      try {
        listener(alert);
      } catch (err) {
        logger.warn({ err }, 'a subscriber failed to take an alert');
      }
    }
  };
  const join = async (): Promise<void> => {
    const startedAt = Date.now();
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const bus = await connect();
        const joined = await bus.subscribe({
          groupId: `gateway-alerts-${randomUUID()}`,
          topics: [DeadlineOverdue.topic],
          fromBeginning: false,
          handle: async (message) => {
            const event = parseEnvelope(message.value);
            if (event.type === DeadlineOverdue.type || event.type === DeadlineWarning.type)
              fanOut(toAlert(event as EventOf<typeof DeadlineOverdue>));
          },
        });
        if (stopped) return void (await joined.stop());
        subscription = joined;
        logger.info({ ms: Date.now() - startedAt, attempt }, 'live report feed joined');
        return;
      } catch (err) {
        logger.warn({ err, attempt }, `live report feed could not join; retrying in ${retryMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
  };
  const joined = join();
  return {
    joined,
    listen(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      listeners.clear();
      await subscription?.stop();
    },
  };
}
