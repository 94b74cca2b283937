import { z } from 'zod';
import { Prisma, type AnalyticsTx, type PrismaClient } from './analytics-store';
import { complaintCounterKey, type ComplaintCounterKey } from '../domain/breakdowns';
import { addCounts, rateCountFields, withoutPending, zeroCounts, type PendingResponse, type RateTally } from '../domain/rates';
import { splitMonths, type DaySpan } from '../domain/rate-period';
import { dayOf, startOfDay } from '../domain/period';
import type { UnsatisfiedCaseRecord } from '../domain/profile-report';
import type { TopicCell } from '../domain/monthly-topics';
import { hotSpotKey, type HotSpotKey } from '../domain/hotspots';

/** Every read model table: what a rebuild empties before replaying the log. */
const READ_MODEL_TABLES = [
  'complaint_fact',
  'work_order_fact',
  'callback_fact',
  'complaint_daily',
  'complaint_hourly',
  'work_order_daily',
  'deadlines_daily',
  'unit_rate_daily',
  'unit_rate_monthly',
  'category_rate_daily',
  'hotspot_daily',
];

/** Which daily counters a rate query sums: a district (null: every district), some units, a street. */
export interface RateFilter {
  district: string | null;
  unitIds?: string[];
  /** The units of a ranking group, per analytics' unit directory (a hash semi-join, not a long list). */
  group?: UnitGroup;
  streetId?: string;
  /** The instant the rates are read at: RESPOND limits still ahead of it count neither as met nor as missed. */
  asOf: Date;
}

const UNIT_GROUP_KINDS = { STREETS_AND_TOWNS: ['STREET', 'TOWN'], DEPARTMENTS: ['DEPARTMENT'], PUBLIC_SERVICES: ['COMPANY'] } as const;
export type UnitGroup = keyof typeof UNIT_GROUP_KINDS;

const countsRow = z.object(
  Object.fromEntries(rateCountFields.map((f) => [f, z.coerce.number()])) as Record<keyof RateTally, z.ZodCoercedNumber>,
);
const sumColumns = Prisma.sql`
  COALESCE(SUM("response_due"), 0) AS "responseDue", COALESCE(SUM("response_on_time"), 0) AS "responseOnTime",
  COALESCE(SUM("solved_answered"), 0) AS "solvedAnswered", COALESCE(SUM("solved_yes"), 0) AS "solvedYes",
  COALESCE(SUM("satisfied"), 0) AS "satisfied", COALESCE(SUM("basically_satisfied"), 0) AS "basicallySatisfied",
  COALESCE(SUM("no_comment"), 0) AS "noComment", COALESCE(SUM("dissatisfied"), 0) AS "dissatisfied"`;

const complaintRow = z.object({
  district: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  categoryId: z.string().nullable(),
  channel: z.string().nullable(),
  areaType: z.string().nullable(),
  streetId: z.string().nullable(),
  receivedAt: z.coerce.date().nullable(),
});
const earlyWarningRow = z.object({
  warningId: z.string(),
  district: z.string(),
  streetId: z.string(),
  categoryId: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  observed: z.coerce.number(),
  expected: z.coerce.number(),
  score: z.coerce.number(),
  tailProbability: z.coerce.number(),
  raisedAt: z.coerce.date(),
});
/** A warning raised: the window is local days, `windowEnd` exclusive. */
export type EarlyWarningRecord = z.infer<typeof earlyWarningRow>;
/** A unit as analytics' directory lists it. */
export interface DirectoryUnit {
  id: string;
  district: string;
  name: string;
  kind: string;
}

/** The complaint's counter key if it has been received, else null. */
const counterKeyOf = (row: z.infer<typeof complaintRow>): ComplaintCounterKey | null =>
  row.receivedAt && row.categoryId && row.channel
    ? complaintCounterKey({ ...row, categoryId: row.categoryId, channel: row.channel, receivedAt: row.receivedAt })
    : null;

/** SQL for the rates, the facts the rates need, and the read models' generation. No rules here. */
export function createRatesStore(prisma: PrismaClient) {
  return {
    /**
     * Applies a correction to a received complaint and moves its daily count to the new key; returns
     * whether the street changed (its work orders' rates then move too).
     */
    async updateComplaint(
      tx: AnalyticsTx,
      complaintId: string,
      patch: {
        categoryId?: string;
        urgency?: string;
        areaType?: string | null;
        streetId?: string | null;
        location?: { lat: number; lng: number } | null;
      },
    ): Promise<{
      streetChanged: boolean;
      before: ComplaintCounterKey | null;
      after: ComplaintCounterKey | null;
      spotBefore: HotSpotKey | null;
      spotAfter: HotSpotKey | null;
    }> {
      const select = async () => {
        const rows = await tx.$queryRaw<unknown[]>`
          SELECT "district", "lat", "lng", "category_id" AS "categoryId", "channel", "area_type" AS "areaType", "street_id" AS "streetId", "received_at" AS "receivedAt"
          FROM "complaint_fact" WHERE "complaint_id" = ${complaintId} FOR UPDATE`;
        return rows[0] ? complaintRow.parse(rows[0]) : null;
      };
      const before = await select();
      if (!before) return { streetChanged: false, before: null, after: null, spotBefore: null, spotAfter: null };
      const has = (k: keyof typeof patch) => Object.prototype.hasOwnProperty.call(patch, k) && patch[k] !== undefined;
      await tx.$executeRaw`
        UPDATE "complaint_fact" SET
          "category_id" = CASE WHEN ${has('categoryId')} THEN ${patch.categoryId ?? null}::text ELSE "category_id" END,
          "urgency" = CASE WHEN ${has('urgency')} THEN ${patch.urgency ?? null}::text ELSE "urgency" END,
          "area_type" = CASE WHEN ${has('areaType')} THEN ${patch.areaType ?? null}::text ELSE "area_type" END,
          "street_id" = CASE WHEN ${has('streetId')} THEN ${patch.streetId ?? null}::text ELSE "street_id" END,
          "lat" = CASE WHEN ${has('location')} THEN ${patch.location?.lat ?? null}::double precision ELSE "lat" END,
          "lng" = CASE WHEN ${has('location')} THEN ${patch.location?.lng ?? null}::double precision ELSE "lng" END
        WHERE "complaint_id" = ${complaintId}`;
      const after = await select();
      return {
        streetChanged: before.streetId !== after?.streetId,
        before: counterKeyOf(before),
        after: after ? counterKeyOf(after) : null,
        spotBefore: hotSpotKey(before),
        spotAfter: after ? hotSpotKey(after) : null,
      };
    },
    /** Located complaints per cell over whole days; a category id also takes its sub-categories. */
    async hotSpotCells(district: string, categoryId: string | null, days: DaySpan): Promise<Array<{ cell: string; count: number }>> {
      const rows = await prisma.$queryRaw<unknown[]>`
        SELECT "cell", SUM("complaints")::int AS "count" FROM "hotspot_daily"
        WHERE "district" = ${district} AND "day" >= ${days.from}::date AND "day" < ${days.to}::date
          AND (${categoryId}::text IS NULL OR "category_id" = ${categoryId} OR "category_id" LIKE ${`${categoryId ?? ''}.%`})
        GROUP BY "cell"`;
      return z.array(z.object({ cell: z.string(), count: z.coerce.number() })).parse(rows);
    },
    /** Facts about a complaint that may come before its receipt (other topics): the row is created if needed. */
    async recordComplaintOutcome(
      tx: AnalyticsTx,
      complaintId: string,
      district: string,
      outcome: { mergedInto?: string | null; closedAtIntakeAt?: Date; repeatCalls?: number },
    ): Promise<void> {
      await tx.$executeRaw`
        INSERT INTO "complaint_fact" ("complaint_id", "district", "merged_into", "closed_at_intake_at", "repeat_calls")
        VALUES (${complaintId}, ${district}, ${outcome.mergedInto ?? null}::text, ${outcome.closedAtIntakeAt ?? null}::timestamptz, ${outcome.repeatCalls ?? 0})
        ON CONFLICT ("complaint_id") DO UPDATE SET
          "merged_into" = CASE WHEN ${outcome.mergedInto !== undefined} THEN EXCLUDED."merged_into" ELSE "complaint_fact"."merged_into" END,
          "closed_at_intake_at" = COALESCE("complaint_fact"."closed_at_intake_at", EXCLUDED."closed_at_intake_at"),
          "repeat_calls" = GREATEST("complaint_fact"."repeat_calls", EXCLUDED."repeat_calls")`;
    },

    /**
     * Summed rate counts per subject over whole local days: by unit, by street or by district.
     * A sum over the daily counters, so its cost grows with units × days, never with cases.
     */
    async rateCounts(by: 'unit' | 'street' | 'district', filter: RateFilter, days: DaySpan): Promise<Map<string, RateTally>> {
      return (await this.rateCountsOver(by, filter, [days]))[0]!;
    },
    /**
     * The same for several periods in one round trip (a ranking and the periods before it): each
     * period's whole months come from the monthly roll-up and its loose days from the daily rows.
     */
    async rateCountsOver(by: 'unit' | 'street' | 'district', filter: RateFilter, spans: DaySpan[]): Promise<Array<Map<string, RateTally>>> {
      const key = Prisma.raw(by === 'unit' ? '"unit_id"' : by === 'street' ? '"street_id"' : '"district"');
      const scope: Prisma.Sql[] = [];
      if (filter.district !== null) scope.push(Prisma.sql`"district" = ${filter.district}`);
      if (filter.unitIds) scope.push(Prisma.sql`"unit_id" = ANY(${filter.unitIds})`);
      if (filter.group)
        scope.push(Prisma.sql`"unit_id" IN (SELECT "id" FROM "unit_directory" WHERE "kind" = ANY(${[...UNIT_GROUP_KINDS[filter.group]]}))`);
      if (filter.streetId !== undefined) scope.push(Prisma.sql`"street_id" = ${filter.streetId}`);
      const parts: Prisma.Sql[] = [];
      spans.forEach((span, index) => {
        const split = splitMonths(span);
        if (split.months) {
          const where = Prisma.join(
            [Prisma.sql`"month" >= ${split.months.from}::date AND "month" < ${split.months.to}::date`, ...scope],
            ' AND ',
          );
          parts.push(
            Prisma.sql`SELECT ${index}::int AS "period", ${key} AS "subject", ${sumColumns} FROM "unit_rate_monthly" WHERE ${where} GROUP BY ${key}`,
          );
        }
        for (const range of split.days) {
          const where = Prisma.join([Prisma.sql`"day" >= ${range.from}::date AND "day" < ${range.to}::date`, ...scope], ' AND ');
          parts.push(
            Prisma.sql`SELECT ${index}::int AS "period", ${key} AS "subject", ${sumColumns} FROM "unit_rate_daily" WHERE ${where} GROUP BY ${key}`,
          );
        }
      });
      const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`${Prisma.join(parts, ' UNION ALL ')}`;
      const totals = spans.map(() => new Map<string, RateTally>());
      for (const row of rows) {
        const period = totals[z.coerce.number().parse(row.period)]!;
        const subject = z.string().parse(row.subject);
        period.set(subject, addCounts(period.get(subject) ?? zeroCounts(), countsRow.parse(row)));
      }
      const from = spans.reduce((min, s) => (s.from < min ? s.from : min), spans[0]!.from);
      const to = spans.reduce((max, s) => (s.to > max ? s.to : max), spans[0]!.to);
      const pending = await this.pendingResponses(scope, filter.asOf, from, to);
      const subjectOf = (p: PendingResponse) => (by === 'unit' ? p.unitId : by === 'street' ? p.streetId : p.district);
      return totals.map((period, index) =>
        withoutPending(
          period,
          pending.filter((p) => p.day >= spans[index]!.from && p.day < spans[index]!.to),
          subjectOf,
        ),
      );
    },
    /**
     * Work orders whose RESPOND limit lies in [from, to) (local days) but after `asOf`, as their counters
     * count them. Few rows whatever the period: only limits not yet due, found by the limit's index.
     * `scope` filters on "district", "unit_id", "street_id" and "category_id" as the counters name them.
     */
    async pendingResponses(scope: Prisma.Sql[], asOf: Date, from: string, to: string): Promise<PendingResponse[]> {
      const end = startOfDay(to);
      if (end.getTime() <= asOf.getTime()) return [];
      const rows = await prisma.$queryRaw<unknown[]>`
        SELECT * FROM (
          SELECT "rate_contribution"->>'district' AS "district", "rate_contribution"->>'unitId' AS "unit_id",
                 "rate_contribution"->>'streetId' AS "street_id", "rate_contribution"->>'categoryId' AS "category_id",
                 "respond_due_at" AS "dueAt",
                 COALESCE(LEAST("accepted_at", "contacted_at") <= "respond_due_at", false) AS "responded"
          FROM "work_order_fact"
          WHERE NOT "exempted" AND "rate_contribution" IS NOT NULL
            AND "respond_due_at" > ${asOf} AND "respond_due_at" >= ${startOfDay(from)} AND "respond_due_at" < ${end}
        ) AS "pending"
        ${scope.length ? Prisma.sql`WHERE ${Prisma.join(scope, ' AND ')}` : Prisma.empty}`;
      return z
        .array(
          z.object({
            district: z.string(),
            unit_id: z.string(),
            street_id: z.string(),
            category_id: z.string(),
            dueAt: z.coerce.date(),
            responded: z.boolean(),
          }),
        )
        .parse(rows)
        .map((r) => ({
          district: r.district,
          unitId: r.unit_id,
          streetId: r.street_id,
          categoryId: r.category_id,
          day: dayOf(r.dueAt),
          responded: r.responded,
        }));
    },
    /** Rate counts per category over whole local days in a district (every district when null). */
    async categoryRateCounts(district: string | null, days: DaySpan, asOf: Date): Promise<Map<string, RateTally>> {
      const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`
        SELECT "category_id" AS "subject", ${sumColumns} FROM "category_rate_daily"
        WHERE "day" >= ${days.from}::date AND "day" < ${days.to}::date AND (${district}::text IS NULL OR "district" = ${district})
        GROUP BY "category_id"`;
      const totals = new Map(rows.map((row) => [z.string().parse(row.subject), countsRow.parse(row)]));
      const scope = district === null ? [] : [Prisma.sql`"district" = ${district}`];
      return withoutPending(totals, await this.pendingResponses(scope, asOf, days.from, days.to), (p) => p.categoryId);
    },
    /**
     * Per calendar month (YYYY-MM) in [from, to): rate counts and volume — complaints received for a
     * district or street, work orders dispatched for a unit. One grouped query per table.
     */
    async monthly(
      filter: { unitId?: string; streetId?: string; district: string | null },
      from: string,
      to: string,
      asOf: Date,
    ): Promise<Array<{ month: string; volume: number; counts: RateTally }>> {
      const conditions = [Prisma.sql`"day" >= ${from}::date AND "day" < ${to}::date`];
      const rateConditions = [Prisma.sql`"month" >= ${from}::date AND "month" < ${to}::date`];
      if (filter.district !== null) {
        conditions.push(Prisma.sql`"district" = ${filter.district}`);
        rateConditions.push(Prisma.sql`"district" = ${filter.district}`);
      }
      if (filter.unitId !== undefined) rateConditions.push(Prisma.sql`"unit_id" = ${filter.unitId}`);
      if (filter.streetId !== undefined) rateConditions.push(Prisma.sql`"street_id" = ${filter.streetId}`);
      const month = Prisma.sql`to_char("day", 'YYYY-MM')`;
      const [rateRows, volumeRows] = await Promise.all([
        prisma.$queryRaw<
          Array<Record<string, unknown>>
        >`SELECT to_char("month", 'YYYY-MM') AS "month", ${sumColumns} FROM "unit_rate_monthly" WHERE ${Prisma.join(rateConditions, ' AND ')} GROUP BY 1`,
        filter.unitId !== undefined
          ? prisma.$queryRaw<
              Array<Record<string, unknown>>
            >`SELECT ${month} AS "month", SUM("work_orders")::int AS "volume" FROM "work_order_daily" WHERE ${Prisma.join([...conditions, Prisma.sql`"unit_id" = ${filter.unitId}`], ' AND ')} GROUP BY 1`
          : prisma.$queryRaw<
              Array<Record<string, unknown>>
            >`SELECT ${month} AS "month", SUM("complaints")::int AS "volume" FROM "complaint_daily" WHERE ${Prisma.join(filter.streetId !== undefined ? [...conditions, Prisma.sql`"street_id" = ${filter.streetId}`] : conditions, ' AND ')} GROUP BY 1`,
      ]);
      const volumes = new Map(volumeRows.map((r) => [z.string().parse(r.month), z.coerce.number().parse(r.volume)]));
      const scope: Prisma.Sql[] = [];
      if (filter.district !== null) scope.push(Prisma.sql`"district" = ${filter.district}`);
      if (filter.unitId !== undefined) scope.push(Prisma.sql`"unit_id" = ${filter.unitId}`);
      if (filter.streetId !== undefined) scope.push(Prisma.sql`"street_id" = ${filter.streetId}`);
      const counts = withoutPending(
        new Map(rateRows.map((r) => [z.string().parse(r.month), countsRow.parse(r)])),
        await this.pendingResponses(scope, asOf, from, to),
        (p) => p.day.slice(0, 7),
      );
      return [...new Set([...volumes.keys(), ...counts.keys()])].map((m) => ({
        month: m,
        volume: volumes.get(m) ?? 0,
        counts: counts.get(m) ?? zeroCounts(),
      }));
    },
    /**
     * Dissatisfied callbacks on a unit's work orders over whole days, not exempted, newest first;
     * fetches `limit` rows after the cursor (recorded at, callback id).
     */
    async unsatisfiedCases(
      unitId: string,
      district: string | null,
      days: DaySpan,
      limit: number,
      after: [string, string] | null,
    ): Promise<UnsatisfiedCaseRecord[]> {
      const rows = await prisma.$queryRaw<unknown[]>`
        SELECT c."callback_id" AS "callbackId", c."complaint_id" AS "complaintId", c."work_order_id" AS "workOrderId", w."category_id" AS "categoryId", c."solved", c."recorded_at" AS "recordedAt"
        FROM "callback_fact" c JOIN "work_order_fact" w ON w."work_order_id" = c."work_order_id"
        WHERE c."unit_id" = ${unitId} AND c."rating" = 'DISSATISFIED' AND NOT w."exempted"
          AND (${district}::text IS NULL OR c."district" = ${district})
          AND c."recorded_at" >= ${startOfDay(days.from)} AND c."recorded_at" < ${startOfDay(days.to)}
          AND (${after?.[0] ?? null}::timestamptz IS NULL OR (c."recorded_at", c."callback_id") < (${after?.[0] ?? null}::timestamptz, ${after?.[1] ?? ''}))
        ORDER BY c."recorded_at" DESC, c."callback_id" DESC
        LIMIT ${limit}`;
      return z
        .array(
          z.object({
            callbackId: z.string(),
            complaintId: z.string(),
            workOrderId: z.string(),
            categoryId: z.string().nullable(),
            solved: z.boolean().nullable(),
            recordedAt: z.coerce.date(),
          }),
        )
        .parse(rows);
    },
    async unitName(unitId: string): Promise<string | null> {
      const rows = await prisma.$queryRaw<Array<{ name: string }>>`SELECT "name" FROM "unit_directory" WHERE "id" = ${unitId}`;
      return rows[0]?.name ?? null;
    },
    /** Complaints of a category in a street per week back from `end` (exclusive): index 0 is the 7 days before `end`. */
    /** Whether a warning for the same street and category already covers part of this window. */
    async warnedSince(
      tx: AnalyticsTx,
      k: { district: string; streetId: string; categoryId: string },
      windowStart: string,
    ): Promise<boolean> {
      const rows = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM "early_warning" WHERE "district" = ${k.district} AND "street_id" = ${k.streetId} AND "category_id" = ${k.categoryId} AND "window_end" > ${windowStart}::date LIMIT 1`;
      return rows.length > 0;
    },
    async recordWarning(tx: AnalyticsTx, w: EarlyWarningRecord): Promise<void> {
      await tx.$executeRaw`
        INSERT INTO "early_warning" ("warning_id", "district", "street_id", "category_id", "window_start", "window_end", "observed", "expected", "score", "tail_probability", "raised_at")
        VALUES (${w.warningId}, ${w.district}, ${w.streetId}, ${w.categoryId}, ${w.windowStart}::date, ${w.windowEnd}::date, ${w.observed}, ${w.expected}, ${w.score}, ${w.tailProbability}, ${w.raisedAt})`;
    },
    /** A district's warnings, newest first, `limit` rows after the cursor (raised at, id). */
    async earlyWarnings(district: string, limit: number, after: [string, string] | null): Promise<EarlyWarningRecord[]> {
      const rows = await prisma.$queryRaw<unknown[]>`
        SELECT "warning_id" AS "warningId", "district", "street_id" AS "streetId", "category_id" AS "categoryId", to_char("window_start", 'YYYY-MM-DD') AS "windowStart",
               to_char("window_end", 'YYYY-MM-DD') AS "windowEnd", "observed", "expected", "score", "tail_probability" AS "tailProbability", "raised_at" AS "raisedAt"
        FROM "early_warning" WHERE "district" = ${district}
          AND (${after?.[0] ?? null}::timestamptz IS NULL OR ("raised_at", "warning_id") < (${after?.[0] ?? null}::timestamptz, ${after?.[1] ?? ''}))
        ORDER BY "raised_at" DESC, "warning_id" DESC LIMIT ${limit}`;
      return z.array(earlyWarningRow).parse(rows);
    },
    /**
     * 每月一题's raw material: per category and street, complaints received in the month and the month
     * before, repeats, and the ratings of the month's callbacks (exempted cases left out). A scan of
     * one month's facts of one district, run once per report, not per request of the dashboards.
     */
    async topicCells(district: string, span: DaySpan, previous: DaySpan): Promise<TopicCell[]> {
      const rows = await prisma.$queryRaw<unknown[]>`
        WITH volume AS (
          SELECT "category_id", "street_id",
                 COUNT(*) FILTER (WHERE "received_at" >= ${startOfDay(span.from)})::int AS "volume",
                 COUNT(*) FILTER (WHERE "received_at" < ${startOfDay(span.from)})::int AS "previousVolume",
                 COUNT(*) FILTER (WHERE "received_at" >= ${startOfDay(span.from)} AND ("merged_into" IS NOT NULL OR "repeat_calls" >= 3))::int AS "repeats"
          FROM "complaint_fact"
          WHERE "district" = ${district} AND "street_id" IS NOT NULL AND "category_id" IS NOT NULL
            AND "received_at" >= ${startOfDay(previous.from)} AND "received_at" < ${startOfDay(span.to)}
          GROUP BY 1, 2),
        ratings AS (
          SELECT c."category_id", c."street_id",
                 COUNT(*) FILTER (WHERE b."rating" = 'SATISFIED')::int AS "satisfied",
                 COUNT(*) FILTER (WHERE b."rating" = 'BASICALLY_SATISFIED')::int AS "basicallySatisfied",
                 COUNT(*) FILTER (WHERE b."rating" = 'DISSATISFIED')::int AS "dissatisfied"
          FROM "callback_fact" b
          JOIN "work_order_fact" w ON w."work_order_id" = b."work_order_id" AND NOT w."exempted"
          JOIN "complaint_fact" c ON c."complaint_id" = b."complaint_id"
          WHERE b."district" = ${district} AND b."recorded_at" >= ${startOfDay(span.from)} AND b."recorded_at" < ${startOfDay(span.to)}
            AND c."street_id" IS NOT NULL AND c."category_id" IS NOT NULL
          GROUP BY 1, 2)
        SELECT v."category_id" AS "categoryId", v."street_id" AS "streetId", v."volume", v."previousVolume", v."repeats",
               COALESCE(r."satisfied", 0) AS "satisfied", COALESCE(r."basicallySatisfied", 0) AS "basicallySatisfied", COALESCE(r."dissatisfied", 0) AS "dissatisfied"
        FROM volume v LEFT JOIN ratings r ON r."category_id" = v."category_id" AND r."street_id" = v."street_id"`;
      return z
        .array(
          z.object({
            categoryId: z.string(),
            streetId: z.string(),
            volume: z.coerce.number(),
            previousVolume: z.coerce.number(),
            repeats: z.coerce.number(),
            satisfied: z.coerce.number(),
            basicallySatisfied: z.coerce.number(),
            dissatisfied: z.coerce.number(),
          }),
        )
        .parse(rows);
    },
    /** Runs `work` in one transaction: all of it is written, or none. */
    transaction<T>(work: (tx: AnalyticsTx) => Promise<T>): Promise<T> {
      return prisma.$transaction(work, { timeout: 10 * 60_000, maxWait: 60_000 });
    },
    async saveImported(tx: AnalyticsTx, source: string, envelopes: unknown[], at: Date): Promise<void> {
      // Batches of rows per statement keep a large file from costing one round trip per event.
      for (let i = 0; i < envelopes.length; i += 500) {
        const batch = envelopes.slice(i, i + 500);
        await tx.$executeRaw`
          INSERT INTO "imported_event" ("source", "envelope", "imported_at")
          SELECT ${source}, e, ${at} FROM jsonb_array_elements(${JSON.stringify(batch)}::jsonb) AS e`;
      }
    },
    /** Every imported event in import order, a page at a time (keyset on seq) so that memory stays bounded. */
    async *importedEvents(tx: AnalyticsTx): AsyncGenerator<unknown[]> {
      let after = 0n;
      for (;;) {
        const rows = await tx.$queryRaw<Array<{ seq: bigint; envelope: unknown }>>`
          SELECT "seq", "envelope" FROM "imported_event" WHERE "seq" > ${after} ORDER BY "seq" LIMIT 1000`;
        if (rows.length === 0) return;
        yield rows.map((row) => row.envelope);
        after = rows[rows.length - 1]!.seq;
      }
    },
    async saveUnits(units: DirectoryUnit[]): Promise<void> {
      if (units.length === 0) return;
      await prisma.$executeRaw`
        INSERT INTO "unit_directory" ("id", "district", "name", "kind")
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(units)}::jsonb) AS u("id" text, "district" text, "name" text, "kind" text)
        ON CONFLICT ("id") DO UPDATE SET "district" = EXCLUDED."district", "name" = EXCLUDED."name", "kind" = EXCLUDED."kind"`;
      // Rankings semi-join the directory: without statistics (PGlite runs no autovacuum) the planner
      // takes it for a handful of rows and probes the counters once per unit, three times slower.
      await prisma.$executeRaw`ANALYZE "unit_directory"`;
    },
    async generation(): Promise<number> {
      const rows = await prisma.$queryRaw<Array<{ generation: number }>>`SELECT "generation" FROM "read_model_generation" WHERE "id" = 1`;
      return rows[0]?.generation ?? 1;
    },
    /**
     * Empties every read model and the inbox rows of the consumer group that built them, refills what
     * is not on the bus (imported history), and starts a new generation, in one transaction: the next
     * consumer group replays the bus into tables holding only that.
     */
    async startNewGeneration(previousGroup: string, now: Date, refill: (tx: AnalyticsTx) => Promise<void>): Promise<number> {
      return prisma.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`TRUNCATE ${READ_MODEL_TABLES.map((t) => `"${t}"`).join(', ')}`);
          await tx.$executeRaw`DELETE FROM "inbox" WHERE "consumer" = ${previousGroup}`;
          await refill(tx);
          const rows = await tx.$queryRaw<Array<{ generation: number }>>`
          UPDATE "read_model_generation" SET "generation" = "generation" + 1, "rebuilt_at" = ${now} WHERE "id" = 1 RETURNING "generation"`;
          return rows[0]!.generation;
        },
        { timeout: 10 * 60_000, maxWait: 60_000 },
      );
    },
  };
}
export type RatesStore = ReturnType<typeof createRatesStore>;
