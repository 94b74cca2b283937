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
 */
export async function startAlertFeed(bus: EventBus, logger: Logger): Promise<AlertFeed> {
  const listeners = new Set<(alert: DeadlineAlert) => void>();
  const subscription = await bus.subscribe({
    groupId: `gateway-alerts-${randomUUID()}`,
    topics: [DeadlineOverdue.topic],
    fromBeginning: false,
    handle: async (message) => {
      const event = parseEnvelope(message.value);
      if (event.type !== DeadlineOverdue.type && event.type !== DeadlineWarning.type) return;
      const alert = toAlert(event as EventOf<typeof DeadlineOverdue>);
      for (const listener of listeners) {
        try {
          listener(alert);
        } catch (err) {
          logger.warn({ err }, 'a subscriber failed to take an alert');
        }
      }
    },
  });
  return {
    listen(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async stop() {
      listeners.clear();
      await subscription.stop();
    },
  };
}
