import type { BusMessage, EventBus, Subscription } from '../bus/bus';
import { ComplaintReceived } from '../events/contracts';
import { createEvent } from '../events/envelope';

/** Builders for the platform's own tests. */

/** A ComplaintReceived event for `complaintId`, valid unless `data` overrides break it. */
export function complaintReceived(complaintId: string, data: Record<string, unknown> = {}) {
  return createEvent(ComplaintReceived, {
    subject: complaintId,
    district: '110199',
    actor: 'agent-1',
    data: {
      complaintId,
      channel: 'HOTLINE',
      categoryId: 'property.fees',
      type: 'COMPLAINT',
      urgency: 'GENERAL',
      region: { district: '110199', street: '110199-001', community: null, grid: null },
      areaType: 'BUILT_UP',
      location: null,
      receivedAt: '2026-03-01T08:00:00.000Z',
      ...data,
    } as never,
  });
}

/**
 * A bus that only records what is published, and can be switched down to refuse publishing
 * (a broker outage), for code that publishes but does not consume.
 */
export function recordingBus() {
  const published: BusMessage[] = [];
  const calls: number[] = [];
  let down = false;
  let refusals = 0;
  const bus: EventBus = {
    kind: 'in-process',
    async start() {},
    async stop() {},
    async ready() {
      return !down;
    },
    async publish(messages) {
      if (down) {
        refusals++;
        throw new Error('broker unavailable');
      }
      calls.push(messages.length);
      published.push(...messages);
    },
    async subscribe(): Promise<Subscription> {
      throw new Error('the recording bus has no consumers');
    },
  };
  return {
    bus,
    published,
    /** The size of each successful publish call. */
    calls,
    setDown(value: boolean) {
      down = value;
    },
    /** How many publish calls were refused while down. */
    refusals: () => refusals,
  };
}
