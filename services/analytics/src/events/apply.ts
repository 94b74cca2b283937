import { parseData, parseEnvelope, type EventHandler } from '@hotline/shared';
import type { AnalyticsTx } from '../store/analytics-store';

/**
 * Applies events that do not come from the bus (imported history) through the very handlers the
 * consumer uses, inside the caller's transaction: validated against their contracts first.
 */
export function createEventApplier(handlers: Array<EventHandler<AnalyticsTx, any>>) {
  const byType = new Map(handlers.map((h) => [h.contract.type, h]));
  return async (tx: AnalyticsTx, raw: unknown): Promise<void> => {
    const envelope = parseEnvelope(JSON.stringify(raw));
    const handler = byType.get(envelope.type);
    if (handler) await handler.handle(parseData(handler.contract, envelope), tx);
  };
}
export type EventApplier = ReturnType<typeof createEventApplier>;
