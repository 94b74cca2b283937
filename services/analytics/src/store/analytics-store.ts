import { z } from 'zod';
import { areaTypes, channels } from '@hotline/shared';
import { PrismaClient, Prisma } from '../generated/prisma/client';
import type { DeadlinesFact, DispatchedFact, ReceivedFact } from '../domain/contributions';
import type { ComplaintCell, ComplaintCounterKey, HourCell, DeadlinesCounterKey, WorkOrderCounterKey } from '../domain/breakdowns';
import type { DayRange, Interval, PeriodPlan } from '../domain/period';

export { PrismaClient, Prisma };
export type AnalyticsTx = Prisma.TransactionClient;

/** A work order's fact as stored after an event filled in its part for the first time. */
const storedDispatch = z.object({ district: z.string(), unitId: z.string(), categoryId: z.string(), dispatchedAt: z.coerce.date() });
const storedDeadlines = z.object({ district: z.string(), unitId: z.string(), setAt: z.coerce.date() });
export type StoredDispatch = z.infer<typeof storedDispatch>;
export type StoredDeadlines = z.infer<typeof storedDeadlines>;

const channel = z.enum(channels);
const areaType = z.enum(areaTypes);
/** The counters keep '' for "not known" so that it can be part of a primary key; clients see null. */
const UNKNOWN = '';
const knownOrNull = (value: string | null): string | null => (value === null || value === UNKNOWN ? null : value);

/** Days are DATE columns; Prisma takes them as instants at UTC midnight. */
const asDate = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const dayFilter = (days: DayRange): Prisma.DateTimeFilter => ({ ...(days.from ? { gte: asDate(days.from) } : {}), ...(days.to ? { lt: asDate(days.to) } : {}) });
const within = (edges: Interval[]): Prisma.DateTimeFilter[] => edges.map((e) => ({ gte: e.from, lt: e.to }));

/**
 * Analytics' SQL, and nothing else: no rules here. Writes are single statements (INSERT … ON
 * CONFLICT) so that two events about the same complaint handled at once on different partitions
 * cannot both believe they were first.
 */
export function createAnalyticsStore(prisma: PrismaClient) {
  return {
    /** Records what ComplaintReceived knows. True when this was the complaint's first receipt. */
    async recordReceived(tx: AnalyticsTx, f: ReceivedFact): Promise<boolean> {
      const changed = await tx.$executeRaw`
        INSERT INTO "complaint_fact" ("complaint_id", "district", "category_id", "channel", "urgency", "area_type", "street_id", "received_at")
        VALUES (${f.complaintId}, ${f.district}, ${f.categoryId}, ${f.channel}, ${f.urgency}, ${f.areaType}, ${f.streetId}, ${f.receivedAt})
        ON CONFLICT ("complaint_id") DO UPDATE SET
          "district" = EXCLUDED."district", "category_id" = EXCLUDED."category_id", "channel" = EXCLUDED."channel",
          "urgency" = EXCLUDED."urgency", "area_type" = EXCLUDED."area_type", "street_id" = EXCLUDED."street_id",
          "received_at" = EXCLUDED."received_at"
        WHERE "complaint_fact"."received_at" IS NULL`;
      return changed === 1;
    },

    /**
     * Makes a lead work order the complaint's lead unit unless a later one already is: comparing
     * (dispatched at, work order id) gives the same answer whatever order re-dispatches arrive in.
     */
    async recordLeadUnit(tx: AnalyticsTx, f: DispatchedFact): Promise<void> {
      await tx.$executeRaw`
        INSERT INTO "complaint_fact" ("complaint_id", "district", "lead_unit_id", "lead_work_order_id", "dispatched_at")
        VALUES (${f.complaintId}, ${f.district}, ${f.unitId}, ${f.workOrderId}, ${f.dispatchedAt})
        ON CONFLICT ("complaint_id") DO UPDATE SET
          "lead_unit_id" = EXCLUDED."lead_unit_id", "lead_work_order_id" = EXCLUDED."lead_work_order_id", "dispatched_at" = EXCLUDED."dispatched_at"
        WHERE "complaint_fact"."dispatched_at" IS NULL
           OR (EXCLUDED."dispatched_at", EXCLUDED."lead_work_order_id") > ("complaint_fact"."dispatched_at", "complaint_fact"."lead_work_order_id")`;
    },

    /** Records a work order's dispatch; returns the stored fact when this was its first, null otherwise. */
    async recordDispatched(tx: AnalyticsTx, f: DispatchedFact): Promise<StoredDispatch | null> {
      const rows = await tx.$queryRaw<unknown[]>`
        INSERT INTO "work_order_fact" ("work_order_id", "complaint_id", "district", "unit_id", "role", "category_id", "dispatched_at")
        VALUES (${f.workOrderId}, ${f.complaintId}, ${f.district}, ${f.unitId}, ${f.role}, ${f.categoryId}, ${f.dispatchedAt})
        ON CONFLICT ("work_order_id") DO UPDATE SET
          "role" = EXCLUDED."role", "category_id" = EXCLUDED."category_id", "dispatched_at" = EXCLUDED."dispatched_at"
        WHERE "work_order_fact"."dispatched_at" IS NULL
        RETURNING "district", "unit_id" AS "unitId", "category_id" AS "categoryId", "dispatched_at" AS "dispatchedAt"`;
      return rows[0] ? storedDispatch.parse(rows[0]) : null;
    },

    /** Records when a work order's deadlines were set; returns the stored fact when this was the first time, null otherwise. */
    async recordDeadlines(tx: AnalyticsTx, f: DeadlinesFact): Promise<StoredDeadlines | null> {
      const rows = await tx.$queryRaw<unknown[]>`
        INSERT INTO "work_order_fact" ("work_order_id", "complaint_id", "district", "unit_id", "deadlines_set_at")
        VALUES (${f.workOrderId}, ${f.complaintId}, ${f.district}, ${f.unitId}, ${f.setAt})
        ON CONFLICT ("work_order_id") DO UPDATE SET "deadlines_set_at" = EXCLUDED."deadlines_set_at"
        WHERE "work_order_fact"."deadlines_set_at" IS NULL
        RETURNING "district", "unit_id" AS "unitId", "deadlines_set_at" AS "setAt"`;
      return rows[0] ? storedDeadlines.parse(rows[0]) : null;
    },

    async countComplaint(tx: AnalyticsTx, k: ComplaintCounterKey): Promise<void> {
      await tx.$executeRaw`
        INSERT INTO "complaint_daily" ("district", "day", "street_id", "category_id", "channel", "area_type", "complaints")
        VALUES (${k.district}, ${k.day}::date, ${k.streetId ?? UNKNOWN}, ${k.categoryId}, ${k.channel}, ${k.areaType ?? UNKNOWN}, 1)
        ON CONFLICT ("district", "day", "street_id", "category_id", "channel", "area_type")
        DO UPDATE SET "complaints" = "complaint_daily"."complaints" + 1`;
    },

    async countHour(tx: AnalyticsTx, district: string, day: string, hour: number): Promise<void> {
      await tx.$executeRaw`
        INSERT INTO "complaint_hourly" ("district", "day", "hour", "complaints") VALUES (${district}, ${day}::date, ${hour}, 1)
        ON CONFLICT ("district", "day", "hour") DO UPDATE SET "complaints" = "complaint_hourly"."complaints" + 1`;
    },
    /** A district's complaints in a period per local ISO weekday and hour: whole days from the hourly counters, edges from the facts. */
    async complaintHours(district: string, plan: PeriodPlan): Promise<HourCell[]> {
      const hourCell = z.object({ isoWeekday: z.coerce.number(), hour: z.coerce.number(), count: z.coerce.number() });
      const days = plan.days;
      const counted = days
        ? await prisma.$queryRaw<unknown[]>`
            SELECT EXTRACT(ISODOW FROM "day")::int AS "isoWeekday", "hour", SUM("complaints")::int AS "count" FROM "complaint_hourly"
            WHERE "district" = ${district} AND (${days.from}::date IS NULL OR "day" >= ${days.from}::date) AND (${days.to}::date IS NULL OR "day" < ${days.to}::date)
            GROUP BY 1, 2`
        : [];
      const edges = await Promise.all(
        plan.edges.map(
          (e) => prisma.$queryRaw<unknown[]>`
            SELECT EXTRACT(ISODOW FROM "local")::int AS "isoWeekday", EXTRACT(HOUR FROM "local")::int AS "hour", COUNT(*)::int AS "count"
            FROM (SELECT ("received_at" AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS "local" FROM "complaint_fact"
                  WHERE "district" = ${district} AND "received_at" >= ${e.from} AND "received_at" < ${e.to}) AS f
            GROUP BY 1, 2`,
        ),
      );
      return z.array(hourCell).parse([...counted, ...edges.flat()]);
    },
    async countWorkOrder(tx: AnalyticsTx, k: WorkOrderCounterKey): Promise<void> {
      await tx.$executeRaw`
        INSERT INTO "work_order_daily" ("district", "unit_id", "day", "category_id", "work_orders")
        VALUES (${k.district}, ${k.unitId}, ${k.day}::date, ${k.categoryId}, 1)
        ON CONFLICT ("district", "unit_id", "day", "category_id")
        DO UPDATE SET "work_orders" = "work_order_daily"."work_orders" + 1`;
    },

    async countDeadlines(tx: AnalyticsTx, k: DeadlinesCounterKey): Promise<void> {
      await tx.$executeRaw`
        INSERT INTO "deadlines_daily" ("district", "unit_id", "day", "work_orders")
        VALUES (${k.district}, ${k.unitId}, ${k.day}::date, 1)
        ON CONFLICT ("district", "unit_id", "day")
        DO UPDATE SET "work_orders" = "deadlines_daily"."work_orders" + 1`;
    },

    /** A district's complaints in a period, per channel, category and kind of area. */
    async complaintCells(district: string, plan: PeriodPlan): Promise<ComplaintCell[]> {
      const [counted, edges] = await Promise.all([
        plan.days
          ? prisma.complaintDaily.groupBy({ by: ['channel', 'categoryId', 'areaType'], where: { district, day: dayFilter(plan.days) }, _sum: { complaints: true } })
          : [],
        plan.edges.length > 0
          ? prisma.complaintFact.groupBy({ by: ['channel', 'categoryId', 'areaType'], where: { district, OR: within(plan.edges).map((receivedAt) => ({ receivedAt })) }, _count: { _all: true } })
          : [],
      ]);
      const cell = (row: { channel: string | null; categoryId: string | null; areaType: string | null }, count: number): ComplaintCell => ({
        channel: channel.parse(row.channel),
        categoryId: z.string().parse(row.categoryId),
        areaType: areaType.nullable().parse(knownOrNull(row.areaType)),
        count,
      });
      return [...counted.map((row) => cell(row, row._sum.complaints ?? 0)), ...edges.map((row) => cell(row, row._count._all))];
    },

    /** Work orders dispatched in a district in a period, per unit. */
    async districtWorkOrders(district: string, plan: PeriodPlan): Promise<Array<{ unitId: string; count: number }>> {
      const [counted, edges] = await Promise.all([
        plan.days ? prisma.workOrderDaily.groupBy({ by: ['unitId'], where: { district, day: dayFilter(plan.days) }, _sum: { workOrders: true } }) : [],
        plan.edges.length > 0 ? prisma.workOrderFact.groupBy({ by: ['unitId'], where: { district, OR: within(plan.edges).map((dispatchedAt) => ({ dispatchedAt })) }, _count: { _all: true } }) : [],
      ]);
      return [...counted.map((row) => ({ unitId: row.unitId, count: row._sum.workOrders ?? 0 })), ...edges.map((row) => ({ unitId: row.unitId, count: row._count._all }))];
    },

    /** Work orders per unit and category in a period; `district` null counts every district. */
    async unitWorkOrders(unitIds: string[], district: string | null, plan: PeriodPlan): Promise<Array<{ unitId: string; categoryId: string; count: number }>> {
      const scope = { unitId: { in: unitIds }, ...(district ? { district } : {}) };
      const [counted, edges] = await Promise.all([
        plan.days ? prisma.workOrderDaily.groupBy({ by: ['unitId', 'categoryId'], where: { ...scope, day: dayFilter(plan.days) }, _sum: { workOrders: true } }) : [],
        plan.edges.length > 0
          ? prisma.workOrderFact.groupBy({ by: ['unitId', 'categoryId'], where: { ...scope, OR: within(plan.edges).map((dispatchedAt) => ({ dispatchedAt })) }, _count: { _all: true } })
          : [],
      ]);
      return [
        ...counted.map((row) => ({ unitId: row.unitId, categoryId: row.categoryId, count: row._sum.workOrders ?? 0 })),
        ...edges.map((row) => ({ unitId: row.unitId, categoryId: z.string().parse(row.categoryId), count: row._count._all })),
      ];
    },

    /** Work orders whose deadlines were set, per unit, in a period; `district` null counts every district. */
    async unitDeadlines(unitIds: string[], district: string | null, plan: PeriodPlan): Promise<Array<{ unitId: string; count: number }>> {
      const scope = { unitId: { in: unitIds }, ...(district ? { district } : {}) };
      const [counted, edges] = await Promise.all([
        plan.days ? prisma.deadlinesDaily.groupBy({ by: ['unitId'], where: { ...scope, day: dayFilter(plan.days) }, _sum: { workOrders: true } }) : [],
        plan.edges.length > 0
          ? prisma.workOrderFact.groupBy({ by: ['unitId'], where: { ...scope, OR: within(plan.edges).map((deadlinesSetAt) => ({ deadlinesSetAt })) }, _count: { _all: true } })
          : [],
      ]);
      return [...counted.map((row) => ({ unitId: row.unitId, count: row._sum.workOrders ?? 0 })), ...edges.map((row) => ({ unitId: row.unitId, count: row._count._all }))];
    },
  };
}
export type AnalyticsStore = ReturnType<typeof createAnalyticsStore>;
