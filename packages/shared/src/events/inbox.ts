import type { SqlExecutor } from '../db/database';

/**
 * Claims an event for a consumer group inside the transaction of its effect. False means the
 * group already handled it (a redelivery) and the effect must be skipped.
 */
export async function claimEvent(tx: SqlExecutor, consumer: string, eventId: string): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO "inbox" ("consumer", "event_id") VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING`,
    consumer,
    eventId,
  );
  return inserted === 1;
}
