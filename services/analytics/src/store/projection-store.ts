import { z } from 'zod';
import { ratings } from '@hotline/shared';
import { Prisma, UNKNOWN, type AnalyticsTx } from './analytics-store';
import {
  rateContributionSchema,
  rateCountFields,
  type CounterDelta,
  type RateTally,
  type RateContribution,
  type WorkOrderRateFact,
} from '../domain/rates';
import type { DeadlinesFact, DispatchedFact } from '../domain/contributions';
import type { CallbackRecord, ReceivedRecord, WorkOrderRecord } from '../domain/event-batch';

/*
 * The read models' writes, set-wise: each statement takes all the rows of a batch of events as one
 * JSON parameter (jsonb_to_recordset), so a batch costs a dozen round trips, not a few per event.
 * Rows reach a statement with distinct keys (one statement may not change the same row twice) and
 * sorted by key, so that two writers would lock rows in the same order.
 */

const json = (rows: unknown[]): string => JSON.stringify(rows);

/**
 * The additive counter tables: each key part's column and type (constants of this file, never user
 * input), named as in the domain's counter keys (ComplaintCounterKey, HotSpotKey, …).
 */
const COUNTERS = {
  complaint_daily: {
    keys: {
      district: ['district', 'text'],
      day: ['day', 'date'],
      streetId: ['street_id', 'text'],
      categoryId: ['category_id', 'text'],
      channel: ['channel', 'text'],
      areaType: ['area_type', 'text'],
    },
    count: 'complaints',
  },
  complaint_hourly: { keys: { district: ['district', 'text'], day: ['day', 'date'], hour: ['hour', 'int'] }, count: 'complaints' },
  hotspot_daily: {
    keys: { district: ['district', 'text'], day: ['day', 'date'], cell: ['cell', 'text'], categoryId: ['category_id', 'text'] },
    count: 'complaints',
  },
  work_order_daily: {
    keys: { district: ['district', 'text'], unitId: ['unit_id', 'text'], day: ['day', 'date'], categoryId: ['category_id', 'text'] },
    count: 'work_orders',
  },
  deadlines_daily: { keys: { district: ['district', 'text'], unitId: ['unit_id', 'text'], day: ['day', 'date'] }, count: 'work_orders' },
} as const;
export type CounterTable = keyof typeof COUNTERS;
/** A counter's key: null for a part not known (stored as ''). */
export type CounterKey<T extends CounterTable> = Record<keyof (typeof COUNTERS)[T]['keys'], string | number | null>;

const storedDispatch = z.object({
  workOrderId: z.string(),
  district: z.string(),
  unitId: z.string(),
  categoryId: z.string(),
  dispatchedAt: z.coerce.date(),
});
const storedDeadlines = z.object({ workOrderId: z.string(), district: z.string(), unitId: z.string(), setAt: z.coerce.date() });
export type StoredDispatch = z.infer<typeof storedDispatch>;
export type StoredDeadlines = z.infer<typeof storedDeadlines>;

const callbackRow = z.object({
  callbackId: z.string(),
  solved: z.boolean().nullable(),
  rating: z.enum(ratings),
  recordedAt: z.coerce.date(),
});
const rateFactRow = z.object({
  workOrderId: z.string(),
  unitId: z.string(),
  district: z.string(),
  streetId: z.string().nullable(),
  categoryId: z.string().nullable(),
  respondDueAt: z.coerce.date().nullable(),
  acceptedAt: z.coerce.date().nullable(),
  contactedAt: z.coerce.date().nullable(),
  exempted: z.boolean(),
  contribution: z.unknown().nullable(),
  callbacks: z.array(callbackRow),
});

/** A work order's rate fact and the contribution last applied to the counters. */
export interface LoadedRateFact {
  workOrderId: string;
  fact: WorkOrderRateFact;
  applied: RateContribution | null;
}

const byKey =
  <T>(key: (row: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function createProjectionStore() {
  return {
    /** Records complaints' receipt and place; returns the ids received for the first time. */
    async recordReceived(tx: AnalyticsTx, rows: ReceivedRecord[]): Promise<Set<string>> {
      if (rows.length === 0) return new Set();
      const sorted = [...rows].sort(byKey((r) => r.complaintId));
      const inserted = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO "complaint_fact" AS t ("complaint_id", "district", "category_id", "channel", "urgency", "area_type", "street_id", "received_at", "lat", "lng")
        SELECT * FROM jsonb_to_recordset(${json(sorted)}::jsonb) AS x("complaintId" text, "district" text, "categoryId" text, "channel" text, "urgency" text,
          "areaType" text, "streetId" text, "receivedAt" timestamptz, "lat" double precision, "lng" double precision)
        ON CONFLICT ("complaint_id") DO UPDATE SET
          "district" = EXCLUDED."district", "category_id" = EXCLUDED."category_id", "channel" = EXCLUDED."channel",
          "urgency" = EXCLUDED."urgency", "area_type" = EXCLUDED."area_type", "street_id" = EXCLUDED."street_id",
          "received_at" = EXCLUDED."received_at", "lat" = EXCLUDED."lat", "lng" = EXCLUDED."lng"
        WHERE t."received_at" IS NULL
        RETURNING "complaint_id" AS "id"`;
      return new Set(inserted.map((r) => r.id));
    },

    /**
     * Makes each lead work order its complaint's lead unit unless a later one already is: comparing
     * (dispatched at, work order id) gives the same answer whatever order re-dispatches arrive in.
     */
    async recordLeadUnits(tx: AnalyticsTx, rows: DispatchedFact[]): Promise<void> {
      if (rows.length === 0) return;
      const sorted = [...rows].sort(byKey((r) => r.complaintId));
      await tx.$executeRaw`
        INSERT INTO "complaint_fact" AS t ("complaint_id", "district", "lead_unit_id", "lead_work_order_id", "dispatched_at")
        SELECT * FROM jsonb_to_recordset(${json(sorted)}::jsonb) AS x("complaintId" text, "district" text, "unitId" text, "workOrderId" text, "dispatchedAt" timestamptz)
        ON CONFLICT ("complaint_id") DO UPDATE SET
          "lead_unit_id" = EXCLUDED."lead_unit_id", "lead_work_order_id" = EXCLUDED."lead_work_order_id", "dispatched_at" = EXCLUDED."dispatched_at"
        WHERE t."dispatched_at" IS NULL OR (EXCLUDED."dispatched_at", EXCLUDED."lead_work_order_id") > (t."dispatched_at", t."lead_work_order_id")`;
    },

    /** Records work orders' dispatch; returns the facts stored for the first time. */
    async recordDispatched(tx: AnalyticsTx, rows: DispatchedFact[]): Promise<StoredDispatch[]> {
      if (rows.length === 0) return [];
      const sorted = [...rows].sort(byKey((r) => r.workOrderId));
      const stored = await tx.$queryRaw<unknown[]>`
        INSERT INTO "work_order_fact" AS t ("work_order_id", "complaint_id", "district", "unit_id", "role", "category_id", "dispatched_at")
        SELECT * FROM jsonb_to_recordset(${json(sorted)}::jsonb) AS x("workOrderId" text, "complaintId" text, "district" text, "unitId" text, "role" text, "categoryId" text, "dispatchedAt" timestamptz)
        ON CONFLICT ("work_order_id") DO UPDATE SET "role" = EXCLUDED."role", "category_id" = EXCLUDED."category_id", "dispatched_at" = EXCLUDED."dispatched_at"
        WHERE t."dispatched_at" IS NULL
        RETURNING "work_order_id" AS "workOrderId", "district", "unit_id" AS "unitId", "category_id" AS "categoryId", "dispatched_at" AS "dispatchedAt"`;
      return z.array(storedDispatch).parse(stored);
    },

    /** Records when work orders' deadlines were set; returns the facts stored for the first time. */
    async recordDeadlines(tx: AnalyticsTx, rows: DeadlinesFact[]): Promise<StoredDeadlines[]> {
      if (rows.length === 0) return [];
      const sorted = [...rows].sort(byKey((r) => r.workOrderId));
      const stored = await tx.$queryRaw<unknown[]>`
        INSERT INTO "work_order_fact" AS t ("work_order_id", "complaint_id", "district", "unit_id", "deadlines_set_at")
        SELECT * FROM jsonb_to_recordset(${json(sorted)}::jsonb) AS x("workOrderId" text, "complaintId" text, "district" text, "unitId" text, "setAt" timestamptz)
        ON CONFLICT ("work_order_id") DO UPDATE SET "deadlines_set_at" = EXCLUDED."deadlines_set_at"
        WHERE t."deadlines_set_at" IS NULL
        RETURNING "work_order_id" AS "workOrderId", "district", "unit_id" AS "unitId", "deadlines_set_at" AS "setAt"`;
      return z.array(storedDeadlines).parse(stored);
    },

    /** Fills in work orders' columns, creating a fact where a work order's first event is in the batch; each column merges as WorkOrderRecord says. */
    async recordWorkOrders(tx: AnalyticsTx, rows: WorkOrderRecord[]): Promise<void> {
      if (rows.length === 0) return;
      const sorted = [...rows].sort(byKey((r) => r.workOrderId));
      await tx.$executeRaw`
        INSERT INTO "work_order_fact" AS t ("work_order_id", "complaint_id", "district", "unit_id", "respond_due_at", "accepted_at", "contacted_at",
          "returned_at", "replied_at", "closed_at", "reopens", "overdue", "exempted")
        SELECT "workOrderId", "complaintId", "district", "unitId", "respondDueAt", "acceptedAt", "contactedAt", "returnedAt", "repliedAt", "closedAt",
               COALESCE("reopens", 0), COALESCE("overdue", 0), COALESCE("exempted", false)
        FROM jsonb_to_recordset(${json(sorted)}::jsonb) AS x("workOrderId" text, "complaintId" text, "district" text, "unitId" text, "respondDueAt" timestamptz,
          "acceptedAt" timestamptz, "contactedAt" timestamptz, "returnedAt" timestamptz, "repliedAt" timestamptz, "closedAt" timestamptz,
          "reopens" int, "overdue" int, "exempted" boolean)
        ON CONFLICT ("work_order_id") DO UPDATE SET
          "respond_due_at" = COALESCE(EXCLUDED."respond_due_at", t."respond_due_at"),
          "accepted_at" = LEAST(t."accepted_at", EXCLUDED."accepted_at"),
          "contacted_at" = LEAST(t."contacted_at", EXCLUDED."contacted_at"),
          "returned_at" = GREATEST(t."returned_at", EXCLUDED."returned_at"),
          "replied_at" = GREATEST(t."replied_at", EXCLUDED."replied_at"),
          "closed_at" = GREATEST(t."closed_at", EXCLUDED."closed_at"),
          "reopens" = GREATEST(t."reopens", EXCLUDED."reopens"),
          "overdue" = t."overdue" + EXCLUDED."overdue",
          "exempted" = t."exempted" OR EXCLUDED."exempted"`;
    },

    /** Records callbacks once each (by id); their work orders' facts must exist (recordWorkOrders). */
    async recordCallbacks(tx: AnalyticsTx, rows: CallbackRecord[]): Promise<void> {
      if (rows.length === 0) return;
      const sorted = [...rows].sort(byKey((r) => r.callbackId));
      await tx.$executeRaw`
        INSERT INTO "callback_fact" ("callback_id", "work_order_id", "complaint_id", "district", "unit_id", "contacted", "solved", "rating", "recorded_at")
        SELECT * FROM jsonb_to_recordset(${json(sorted)}::jsonb) AS x("callbackId" text, "workOrderId" text, "complaintId" text, "district" text, "unitId" text,
          "contacted" boolean, "solved" boolean, "rating" text, "recordedAt" timestamptz)
        ON CONFLICT ("callback_id") DO NOTHING`;
    },

    /** Adds to an additive counter table: one row per key, however often it is given (deltas are summed first). */
    async addToCounters<T extends CounterTable>(
      tx: AnalyticsTx,
      table: T,
      rows: Array<{ key: CounterKey<T>; delta: number }>,
    ): Promise<void> {
      const { keys, count } = COUNTERS[table];
      const parts = Object.entries(keys) as Array<[string, readonly [string, string]]>;
      const summed = new Map<string, Record<string, string | number>>();
      for (const { key, delta } of rows) {
        const values = parts.map(([name]) => (key as Record<string, string | number | null>)[name] ?? UNKNOWN);
        const id = values.join('\u0000');
        const row = summed.get(id) ?? { ...Object.fromEntries(parts.map(([name], i) => [name, values[i]!])), delta: 0 };
        row.delta = Number(row.delta) + delta;
        summed.set(id, row);
      }
      const records = [...summed.entries()]
        .filter(([, r]) => r.delta !== 0)
        .sort(byKey(([id]) => id))
        .map(([, r]) => r);
      if (records.length === 0) return;
      const columns = Prisma.raw(parts.map(([, [column]]) => `"${column}"`).join(', '));
      const fields = Prisma.raw(parts.map(([name]) => `"${name}"`).join(', '));
      const types = Prisma.raw(parts.map(([name, [, type]]) => `"${name}" ${type}`).join(', '));
      const counter = Prisma.raw(`"${count}"`);
      await tx.$executeRaw`
        INSERT INTO ${Prisma.raw(`"${table}"`)} AS t (${columns}, ${counter})
        SELECT ${fields}, "delta" FROM jsonb_to_recordset(${json(records)}::jsonb) AS x(${types}, "delta" int)
        ON CONFLICT (${columns}) DO UPDATE SET ${counter} = t.${counter} + EXCLUDED.${counter}`;
    },

    /**
     * Complaints per week of several areas (a street's category), each counted back from its own end
     * day (exclusive): element w of an area's counts is the w-th 7 days before its end.
     */
    async weeklyCounts(
      tx: AnalyticsTx,
      areas: Array<{ district: string; streetId: string; categoryId: string; end: string }>,
      weeks: number,
    ): Promise<number[][]> {
      const counts = areas.map(() => Array.from({ length: weeks }, () => 0));
      if (areas.length === 0) return counts;
      const rows = await tx.$queryRaw<Array<{ area: number; week: number; count: number }>>`
        SELECT a."area", ((a."end" - d."day" - 1) / 7)::int AS "week", SUM(d."complaints")::int AS "count"
        FROM jsonb_to_recordset(${json(areas.map((a, area) => ({ ...a, area })))}::jsonb) AS a("area" int, "district" text, "streetId" text, "categoryId" text, "end" date)
        JOIN "complaint_daily" d ON d."district" = a."district" AND d."street_id" = a."streetId" AND d."category_id" = a."categoryId"
          AND d."day" >= a."end" - ${7 * weeks}::int AND d."day" < a."end"
        GROUP BY 1, 2`;
      for (const r of rows) counts[Number(r.area)]![Number(r.week)] = Number(r.count);
      return counts;
    },

    /**
     * Work orders' rate facts with their callbacks and the contribution last applied, locked for the
     * transaction: those named, and every work order of the complaints named.
     */
    async loadRateFacts(tx: AnalyticsTx, workOrderIds: string[], complaintIds: string[]): Promise<LoadedRateFact[]> {
      if (workOrderIds.length === 0 && complaintIds.length === 0) return [];
      const rows = await tx.$queryRaw<unknown[]>`
        SELECT w."work_order_id" AS "workOrderId", w."unit_id" AS "unitId", w."district", c."street_id" AS "streetId", w."category_id" AS "categoryId",
               w."respond_due_at" AS "respondDueAt", w."accepted_at" AS "acceptedAt", w."contacted_at" AS "contactedAt", w."exempted", w."rate_contribution" AS "contribution",
               (SELECT COALESCE(jsonb_agg(jsonb_build_object('callbackId', b."callback_id", 'solved', b."solved", 'rating', b."rating", 'recordedAt', b."recorded_at") ORDER BY b."callback_id"), '[]'::jsonb)
                  FROM "callback_fact" b WHERE b."work_order_id" = w."work_order_id") AS "callbacks"
        FROM "work_order_fact" w LEFT JOIN "complaint_fact" c ON c."complaint_id" = w."complaint_id"
        WHERE w."work_order_id" = ANY(${workOrderIds}) OR w."complaint_id" = ANY(${complaintIds})
        ORDER BY w."work_order_id"
        FOR UPDATE OF w`;
      return rows.map((row) => {
        const { workOrderId, contribution, ...fact } = rateFactRow.parse(row);
        return { workOrderId, fact, applied: contribution === null ? null : rateContributionSchema.parse(contribution) };
      });
    },

    /**
     * Applies counter changes to the daily, monthly and category counters and remembers each work
     * order's contribution now applied, in one statement. Deltas are summed per key of each table in
     * SQL, since one statement may not update the same row twice.
     */
    async applyContributions(
      tx: AnalyticsTx,
      deltas: CounterDelta[],
      applied: Array<{ workOrderId: string; contribution: RateContribution }>,
    ): Promise<void> {
      if (applied.length === 0) return;
      const rows = deltas
        .map((d) => ({
          district: d.district,
          unit_id: d.unitId,
          street_id: d.streetId,
          category_id: d.categoryId,
          day: d.day,
          ...d.counts,
        }))
        .sort(byKey((d) => `${d.district}|${d.unit_id}|${d.street_id}|${d.category_id}|${d.day}`));
      const contributions = applied
        .map((a) => ({ workOrderId: a.workOrderId, contribution: a.contribution }))
        .sort(byKey((a) => a.workOrderId));
      await tx.$executeRaw`
        WITH d AS (
          SELECT * FROM jsonb_to_recordset(${json(rows)}::jsonb) AS x("district" text, "unit_id" text, "street_id" text, "category_id" text, "day" date,
            "responseDue" int, "responseOnTime" int, "solvedAnswered" int, "solvedYes" int, "satisfied" int, "basicallySatisfied" int, "noComment" int, "dissatisfied" int)),
        daily AS (
          INSERT INTO "unit_rate_daily" AS t ("district", "unit_id", "street_id", "day", ${counterColumns})
          SELECT "district", "unit_id", "street_id", "day", ${summedCounters} FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
          ON CONFLICT ("district", "unit_id", "street_id", "day") DO UPDATE SET ${addExcluded}),
        monthly AS (
          INSERT INTO "unit_rate_monthly" AS t ("district", "unit_id", "street_id", "month", ${counterColumns})
          SELECT "district", "unit_id", "street_id", date_trunc('month', "day")::date, ${summedCounters} FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
          ON CONFLICT ("district", "unit_id", "street_id", "month") DO UPDATE SET ${addExcluded}),
        by_category AS (
          INSERT INTO "category_rate_daily" AS t ("district", "category_id", "day", ${counterColumns})
          SELECT "district", "category_id", "day", ${summedCounters} FROM d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT ("district", "category_id", "day") DO UPDATE SET ${addExcluded})
        UPDATE "work_order_fact" w SET "rate_contribution" = a."contribution"
        FROM jsonb_to_recordset(${json(contributions)}::jsonb) AS a("workOrderId" text, "contribution" jsonb)
        WHERE w."work_order_id" = a."workOrderId"`;
    },
  };
}
export type ProjectionStore = ReturnType<typeof createProjectionStore>;

/** The rate counter columns by the tally field each holds, and the SQL that sums deltas into them. */
const RATE_COLUMNS: Record<keyof RateTally, string> = {
  responseDue: 'response_due',
  responseOnTime: 'response_on_time',
  solvedAnswered: 'solved_answered',
  solvedYes: 'solved_yes',
  satisfied: 'satisfied',
  basicallySatisfied: 'basically_satisfied',
  noComment: 'no_comment',
  dissatisfied: 'dissatisfied',
};
const counterColumns = Prisma.raw(rateCountFields.map((f) => `"${RATE_COLUMNS[f]}"`).join(', '));
const summedCounters = Prisma.raw(rateCountFields.map((f) => `SUM("${f}")`).join(', '));
const addExcluded = Prisma.raw(
  rateCountFields.map((f) => `"${RATE_COLUMNS[f]}" = t."${RATE_COLUMNS[f]}" + EXCLUDED."${RATE_COLUMNS[f]}"`).join(', '),
);
