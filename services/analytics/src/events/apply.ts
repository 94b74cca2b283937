import { parseData, parseEnvelope, type Envelope, type EventProjection } from '@hotline/shared';
import type { AnalyticsTx } from '../store/analytics-store';

/** Events applied per call of the projection: a rebuild or an import of a large file stays in bounded memory per statement. */
const CHUNK = 1_000;

/**
 * Applies events that do not come from the bus (imported history) through the projection the
 * consumer uses, inside the caller's transaction: each validated against its contract first, those
 * of kinds the projection does not take skipped.
 */
export function createEventApplier(projection: EventProjection<AnalyticsTx>) {
  const byType = new Map(projection.contracts.map((c) => [c.type, c]));
  return async (tx: AnalyticsTx, raws: unknown[]): Promise<void> => {
    const events: Envelope[] = [];
    for (const raw of raws) {
      const envelope = parseEnvelope(JSON.stringify(raw));
      const contract = byType.get(envelope.type);
      if (contract) events.push(parseData(contract, envelope));
    }
    for (let i = 0; i < events.length; i += CHUNK) await projection.apply(events.slice(i, i + CHUNK), tx);
  };
}
export type EventApplier = ReturnType<typeof createEventApplier>;
