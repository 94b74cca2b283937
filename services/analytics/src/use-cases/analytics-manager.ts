import { z } from 'zod';
import { forbidden, hasRole, parseInput, requireDistrict, requireRole, type RequestCaller } from '@hotline/shared';
import { planPeriod, periodInput, periodKey, type Interval } from '../domain/period';
import type { DistrictSummaryRecord, UnitStatsRecord } from '../domain/breakdowns';
import type { AnalyticsStore } from '../store/analytics-store';

export interface AnalyticsManagerDeps {
  store: AnalyticsStore;
}

/** Who reads a whole district's figures. Agents, handlers and citizens work cases, not districts. */
const readers = ['analyst', 'supervisor', 'admin', 'dispatcher', 'city'] as const;

/**
 * Who reads a unit's figures: every member of staff, since a unit's workload is no one's personal
 * data and agents quote it when telling a citizen who handles their case; handlers only their own unit.
 */
const unitReaders = [...readers, 'agent'] as const;

/** One unit's figures as a caller may see them: the batch key of the stats loader. */
export interface UnitStatsKey {
  unitId: string;
  /** The district the figures are limited to; null for city callers, who see every district. */
  district: string | null;
  period: Interval | null;
}

export const unitStatsKeyId = (key: UnitStatsKey): string => `${key.unitId}|${key.district ?? '*'}|${periodKey(key.period)}`;

const districtArg = z.string().trim().min(1, 'must not be empty').nullish();

/** Analytics' use cases: each authorizes, validates, and reads the read models. */
export function createAnalyticsManager(deps: AnalyticsManagerDeps) {
  const { store } = deps;
  return {
    /** A district's figures for a period; another district than the caller's needs the city role. */
    async districtSummary(caller: RequestCaller, args: { period?: unknown; district?: unknown }): Promise<DistrictSummaryRecord> {
      const reader = requireRole(caller, ...readers);
      const period = parseInput(periodInput, args.period, 'period');
      const district = parseInput(districtArg, args.district, 'district') ?? reader.district;
      requireDistrict(reader, district);
      const plan = planPeriod(period);
      const [complaints, workOrders, hours] = await Promise.all([
        store.complaintCells(district, plan),
        store.districtWorkOrders(district, plan),
        store.complaintHours(district, plan),
      ]);
      return { district, complaints, workOrders, hours };
    },

    /**
     * Authorizes and validates a request for one unit's figures, giving the key to load them by.
     * A handler sees their own unit's figures only; figures are limited to the caller's district
     * unless the caller reads the whole city.
     */
    unitStatsKey(caller: RequestCaller, unitId: string, rawPeriod: unknown): UnitStatsKey {
      const reader = requireRole(caller, ...unitReaders, 'handler');
      if (!hasRole(reader, ...unitReaders) && reader.unit !== unitId)
        throw forbidden(`a handler sees the figures of their own unit only, not of ${unitId}`);
      const period = parseInput(periodInput, rawPeriod, 'period');
      return { unitId, district: reader.roles.includes('city') ? null : reader.district, period };
    },

    /** Loads many units' figures: one pair of queries per distinct (district, period), whatever the number of units. */
    async unitStats(keys: readonly UnitStatsKey[]): Promise<UnitStatsRecord[]> {
      const groups = new Map<string, UnitStatsKey[]>();
      for (const key of keys) {
        const group = `${key.district ?? '*'}|${periodKey(key.period)}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const results = new Map<string, UnitStatsRecord>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const { district, period } = group[0]!;
          const unitIds = [...new Set(group.map((k) => k.unitId))];
          const plan = planPeriod(period);
          const [workOrders, deadlines] = await Promise.all([
            store.unitWorkOrders(unitIds, district, plan),
            store.unitDeadlines(unitIds, district, plan),
          ]);
          for (const key of group) {
            results.set(unitStatsKeyId(key), {
              unitId: key.unitId,
              workOrders: workOrders.filter((w) => w.unitId === key.unitId).map(({ categoryId, count }) => ({ categoryId, count })),
              deadlinesSet: deadlines.filter((d) => d.unitId === key.unitId).reduce((sum, d) => sum + d.count, 0),
            });
          }
        }),
      );
      return keys.map((key) => results.get(unitStatsKeyId(key))!);
    },
  };
}
export type AnalyticsManager = ReturnType<typeof createAnalyticsManager>;
