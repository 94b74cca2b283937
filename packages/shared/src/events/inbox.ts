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

/**
 * Claims several events at once (one statement): the ids returned are this group's to handle, the
 * others were handled before. An id twice in `eventIds` is returned once.
 */
export async function claimEvents(tx: SqlExecutor, consumer: string, eventIds: string[]): Promise<Set<string>> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `INSERT INTO "inbox" ("consumer", "event_id")
     SELECT $1, "id"::uuid FROM json_array_elements_text($2::json) AS "id"
     ON CONFLICT DO NOTHING
     RETURNING "event_id"::text AS "id"`,
    consumer,
    JSON.stringify(eventIds),
  );
  return new Set(rows.map((r) => r.id));
}
