import type { SqlExecutor } from '../db/database';

/**
 * Claims an event for a consumer group inside the transaction of its effect. False means the
 * group already handled it (a redelivery) and the effect must be skipped.
 */
export async function claimEvent(tx: SqlExecutor, consumer: string, eventId: string): Promise<boolean> {
  return (await claimEvents(tx, consumer, [eventId])).has(eventId);
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
