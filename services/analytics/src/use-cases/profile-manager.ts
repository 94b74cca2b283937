import { z } from 'zod';
import {
  decodeCursor,
  forbidden,
  hasRole,
  pageArgs,
  parseInput,
  requireRole,
  toConnection,
  type Connection,
  type RequestCaller,
} from '@hotline/shared';
import { buildProfile, type UnitProfile } from '../domain/profile';
import { renderProfileHtml, type UnsatisfiedCaseRecord } from '../domain/profile-report';
import { planPeriod, startOfDay } from '../domain/period';
import { computeRates, zeroCounts, type RatesConfig } from '../domain/rates';
import { previousSpan, spanOf, type DaySpan } from '../domain/rate-period';
import type { AnalyticsStore } from '../store/analytics-store';
import type { RatesStore } from '../store/rates-store';

/** A profile as the graph returns it: the district its figures are limited to (null for city callers) rides along. */
export type UnitProfileRecord = UnitProfile & { district: string | null };

const readers = ['analyst', 'supervisor', 'admin', 'dispatcher', 'city'] as const;
const profileArgs = z.object({
  unitId: z.string().trim().min(1, 'must not be empty'),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM'),
});
/** The report lists this many unsatisfied cases at most; the graph pages through all of them. */
const REPORT_CASES = 200;

export interface ProfileManagerDeps {
  store: AnalyticsStore;
  rates: RatesStore;
  config: RatesConfig;
  now: () => Date;
}

/** A unit's monthly profile (民意诉求档案), in the graph and as a printable page. */
export function createProfileManager(deps: ProfileManagerDeps) {
  const { store, rates, config } = deps;
  /** Analysts and the like see any unit's profile; a handler sees their own unit's. Figures stay within the caller's district unless city. */
  const authorize = (caller: RequestCaller, raw: { unitId: unknown; month: unknown }) => {
    const reader = requireRole(caller, ...readers, 'handler');
    const args = parseInput(profileArgs, raw);
    if (!hasRole(reader, ...readers) && reader.unit !== args.unitId)
      throw forbidden(`a handler sees the profile of their own unit only, not of ${args.unitId}`);
    const period = spanOf('MONTH', `${args.month}-01`, null);
    return { unitId: args.unitId, period, district: hasRole(reader, 'city') ? null : reader.district };
  };
  const instants = (span: DaySpan) => planPeriod({ from: startOfDay(span.from), to: startOfDay(span.to) });

  const profile = async (unitId: string, period: DaySpan, district: string | null): Promise<UnitProfile> => {
    const previousPeriod = previousSpan(period);
    const asOf = deps.now();
    const [now, before, countsNow, countsBefore, unitName] = await Promise.all([
      store.unitWorkOrders([unitId], district, instants(period)),
      store.unitWorkOrders([unitId], district, instants(previousPeriod)),
      rates.rateCounts('unit', { district, unitIds: [unitId], asOf }, period),
      rates.rateCounts('unit', { district, unitIds: [unitId], asOf }, previousPeriod),
      rates.unitName(unitId),
    ]);
    return buildProfile({
      unitId,
      unitName,
      period,
      previousPeriod,
      workOrders: now,
      previousWorkOrders: before,
      rates: computeRates(countsNow.get(unitId) ?? zeroCounts(), config),
      previousRates: computeRates(countsBefore.get(unitId) ?? zeroCounts(), config),
    });
  };

  return {
    async unitProfile(caller: RequestCaller, args: { unitId: unknown; month: unknown }): Promise<UnitProfileRecord> {
      const { unitId, period, district } = authorize(caller, args);
      return { ...(await profile(unitId, period, district)), district };
    },

    /** The month's dissatisfied, non-exempted callbacks on the unit's work orders, newest first. */
    async unsatisfiedCases(
      caller: RequestCaller,
      profileOf: { unitId: string; month: string },
      page: { first?: unknown; after?: unknown },
    ): Promise<Connection<UnsatisfiedCaseRecord>> {
      const { unitId, period, district } = authorize(caller, profileOf);
      const { first, after } = parseInput(pageArgs, { first: page.first ?? undefined, after: page.after });
      const cursor = decodeCursor(after);
      const key = cursor === null ? null : parseInput(z.tuple([z.iso.datetime(), z.string()]), cursor, 'after');
      const rows = await rates.unsatisfiedCases(unitId, district, period, first + 1, key);
      return toConnection(rows, first, (r) => [r.recordedAt.toISOString(), r.callbackId]);
    },

    /** The printable HTML profile. */
    async reportHtml(caller: RequestCaller, args: { unitId: string; month: string }): Promise<string> {
      const { unitId, period, district } = authorize(caller, args);
      const [p, cases] = await Promise.all([
        profile(unitId, period, district),
        rates.unsatisfiedCases(unitId, district, period, REPORT_CASES, null),
      ]);
      return renderProfileHtml(p, cases, deps.now());
    },
  };
}
export type ProfileManager = ReturnType<typeof createProfileManager>;
