import { z } from 'zod';
import { areaTypes, channels } from '@hotline/shared';
import { PrismaClient, Prisma } from '../generated/prisma/client';
import type { ComplaintCell, HourCell } from '../domain/breakdowns';
import type { DayRange, Interval, PeriodPlan } from '../domain/period';

export { PrismaClient, Prisma };
export type AnalyticsTx = Prisma.TransactionClient;

const channel = z.enum(channels);
const areaType = z.enum(areaTypes);
/** The counters keep '' for "not known" so that it can be part of a primary key; clients see null. */
export const UNKNOWN = '';
const knownOrNull = (value: string | null): string | null => (value === null || value === UNKNOWN ? null : value);

/** Days are DATE columns; Prisma takes them as instants at UTC midnight. */
const asDate = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const dayFilter = (days: DayRange): Prisma.DateTimeFilter => ({
  ...(days.from ? { gte: asDate(days.from) } : {}),
  ...(days.to ? { lt: asDate(days.to) } : {}),
});
const within = (edges: Interval[]): Prisma.DateTimeFilter[] => edges.map((e) => ({ gte: e.from, lt: e.to }));

/** Analytics' queries for the breakdowns, and nothing else: no rules here. The read models' writes are in projection-store. */
export function createAnalyticsStore(prisma: PrismaClient) {
  return {
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
    /** A district's complaints in a period, per channel, category and kind of area. */
    async complaintCells(district: string, plan: PeriodPlan): Promise<ComplaintCell[]> {
      const [counted, edges] = await Promise.all([
        plan.days
          ? prisma.complaintDaily.groupBy({
              by: ['channel', 'categoryId', 'areaType'],
              where: { district, day: dayFilter(plan.days) },
              _sum: { complaints: true },
            })
          : [],
        plan.edges.length > 0
          ? prisma.complaintFact.groupBy({
              by: ['channel', 'categoryId', 'areaType'],
              where: { district, OR: within(plan.edges).map((receivedAt) => ({ receivedAt })) },
              _count: { _all: true },
            })
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
        plan.days
          ? prisma.workOrderDaily.groupBy({ by: ['unitId'], where: { district, day: dayFilter(plan.days) }, _sum: { workOrders: true } })
          : [],
        plan.edges.length > 0
          ? prisma.workOrderFact.groupBy({
              by: ['unitId'],
              where: { district, OR: within(plan.edges).map((dispatchedAt) => ({ dispatchedAt })) },
              _count: { _all: true },
            })
          : [],
      ]);
      return [
        ...counted.map((row) => ({ unitId: row.unitId, count: row._sum.workOrders ?? 0 })),
        ...edges.map((row) => ({ unitId: row.unitId, count: row._count._all })),
      ];
    },

    /** Work orders per unit and category in a period; `district` null counts every district. */
    async unitWorkOrders(
      unitIds: string[],
      district: string | null,
      plan: PeriodPlan,
    ): Promise<Array<{ unitId: string; categoryId: string; count: number }>> {
      const scope = { unitId: { in: unitIds }, ...(district ? { district } : {}) };
      const [counted, edges] = await Promise.all([
        plan.days
          ? prisma.workOrderDaily.groupBy({
              by: ['unitId', 'categoryId'],
              where: { ...scope, day: dayFilter(plan.days) },
              _sum: { workOrders: true },
            })
          : [],
        plan.edges.length > 0
          ? prisma.workOrderFact.groupBy({
              by: ['unitId', 'categoryId'],
              where: { ...scope, OR: within(plan.edges).map((dispatchedAt) => ({ dispatchedAt })) },
              _count: { _all: true },
            })
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
        plan.days
          ? prisma.deadlinesDaily.groupBy({ by: ['unitId'], where: { ...scope, day: dayFilter(plan.days) }, _sum: { workOrders: true } })
          : [],
        plan.edges.length > 0
          ? prisma.workOrderFact.groupBy({
              by: ['unitId'],
              where: { ...scope, OR: within(plan.edges).map((deadlinesSetAt) => ({ deadlinesSetAt })) },
              _count: { _all: true },
            })
          : [],
      ]);
      return [
        ...counted.map((row) => ({ unitId: row.unitId, count: row._sum.workOrders ?? 0 })),
        ...edges.map((row) => ({ unitId: row.unitId, count: row._count._all })),
      ];
    },
  };
}
export type AnalyticsStore = ReturnType<typeof createAnalyticsStore>;
