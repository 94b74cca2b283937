import { z } from 'zod';
import {
  badInput,
  decodeCursor,
  hasRole,
  pageArgs,
  parseInput,
  requireDistrict,
  requireRole,
  toConnection,
  type Connection,
  type RequestCaller,
} from '@hotline/shared';
import { buildRanking, type RankingEntry } from '../domain/rankings';
import { categoryAtLevel } from '../domain/breakdowns';
import { hotSpotArgs, hotSpotGeoJson } from '../domain/hotspots';
import { addCounts, computeRates, zeroCounts, type Rates, type RatesConfig, type RateTally } from '../domain/rates';
import { previousSpan, ratePeriodInput, spanOf, type DaySpan } from '../domain/rate-period';
import { rankTopics, type TopicCandidate } from '../domain/monthly-topics';
import type { EarlyWarningRecord, RatesStore, UnitGroup } from '../store/rates-store';

/** Who reads assessment figures: the people who assess, supervise and administer, and the city. */
const readers = ['analyst', 'supervisor', 'admin', 'dispatcher', 'city'] as const;

export interface RatesRecord {
  scope: { unitId: string | null; streetId: string | null; district: string | null };
  period: DaySpan;
  rates: Rates;
}

/** A ranking entry and whether it ranks a unit or a district. */
export type RankingEntryRecord = RankingEntry & { subjectKind: 'UNIT' | 'DISTRICT' };

export interface RankingRecord {
  group: UnitGroup | 'DISTRICTS';
  district: string | null;
  period: DaySpan;
  previousPeriod: DaySpan;
  entries: RankingEntryRecord[];
}

export interface CategoryRatesRecord {
  categoryId: string;
  rates: Rates;
}

export interface MonthTrendRecord {
  month: string;
  volume: number;
  rates: Rates;
}

export interface HotSpotMapRecord {
  district: string;
  period: DaySpan;
  resolution: number;
  categoryId: string | null;
  geoJson: ReturnType<typeof hotSpotGeoJson>;
}

export interface RebuildRecord {
  generation: number;
  consumerGroup: string;
  startedAt: Date;
}

/** Rebuilds the read models (wired by the composition root, which owns the consumer). */
export interface ReadModelRebuilder {
  rebuild(): Promise<{ generation: number; consumerGroup: string }>;
}

const scopeInput = z
  .object({
    unitId: z.string().trim().min(1).nullish(),
    streetId: z.string().trim().min(1).nullish(),
    district: z.string().trim().min(1).nullish(),
  })
  .refine((s) => [s.unitId, s.streetId, s.district].filter((v) => v != null).length <= 1, {
    message: 'give at most one of unitId, streetId, district',
  });
const districtArg = z.string().trim().min(1, 'must not be empty').nullish();
const categoryRatesArgs = z.object({
  level: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).default(2),
  first: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
});
const monthArg = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');
const monthsArg = z.number().int().min(1, 'must be at least 1').max(36, 'must be at most 36').default(12);
const groupArg = z.enum(['STREETS_AND_TOWNS', 'DEPARTMENTS', 'PUBLIC_SERVICES', 'DISTRICTS']);

export interface AssessmentManagerDeps {
  store: RatesStore;
  config: RatesConfig;
  rebuilder: ReadModelRebuilder;
  now: () => Date;
}

/** The three rates, rankings and the read models' rebuild. */
export function createAssessmentManager(deps: AssessmentManagerDeps) {
  const { store, config } = deps;
  return {
    /** The three rates for a unit, a street (region) or a district (the caller's by default) over whole local days. */
    async rates(caller: RequestCaller, args: { scope?: unknown; period: unknown }): Promise<RatesRecord> {
      const reader = requireRole(caller, ...readers);
      const scope = parseInput(scopeInput, args.scope ?? {}, 'scope');
      const period = parseInput(ratePeriodInput, args.period, 'period');
      let counts;
      let district: string | null = null;
      // A unit or street is counted within the caller's district; city callers see it in every district.
      const limit = hasRole(reader, 'city') ? null : reader.district;
      if (scope.unitId)
        counts = (await store.rateCounts('unit', { district: limit, unitIds: [scope.unitId], asOf: deps.now() }, period)).get(scope.unitId);
      else if (scope.streetId)
        counts = (await store.rateCounts('street', { district: limit, streetId: scope.streetId, asOf: deps.now() }, period)).get(
          scope.streetId,
        );
      else {
        district = scope.district ?? reader.district;
        requireDistrict(reader, district);
        counts = (await store.rateCounts('district', { district, asOf: deps.now() }, period)).get(district);
      }
      return {
        scope: { unitId: scope.unitId ?? null, streetId: scope.streetId ?? null, district },
        period,
        rates: computeRates(counts ?? zeroCounts(), config),
      };
    },

    /**
     * A ranking of like with like over a period, against the period before it. Units are ranked
     * within a district (the caller's unless a city caller names another or none); districts are
     * ranked city-wide and need the city role.
     */
    async ranking(caller: RequestCaller, args: { group: unknown; period: unknown; district?: unknown }): Promise<RankingRecord> {
      const reader = requireRole(caller, ...readers);
      const group = parseInput(groupArg, args.group, 'group');
      const period = parseInput(ratePeriodInput, args.period, 'period');
      const asked = parseInput(districtArg, args.district, 'district');
      // The streak flag needs as many periods as it spans; the change needs at least the one before.
      const spans = [period];
      while (spans.length < Math.max(2, config.ranking.lastPlacesInARow)) spans.push(previousSpan(spans[spans.length - 1]!));
      if (group === 'DISTRICTS') {
        if (!hasRole(reader, 'city')) throw badInput('group', 'DISTRICTS are ranked city-wide, which needs the city role');
        const periods = await store.rateCountsOver('district', { district: null, asOf: deps.now() }, spans);
        return {
          group,
          district: null,
          period,
          previousPeriod: spans[1]!,
          entries: buildRanking(periods, config).map((e) => ({ ...e, subjectKind: 'DISTRICT' as const })),
        };
      }
      const district = asked ? (requireDistrict(reader, asked), asked) : reader.district;
      const periods = await store.rateCountsOver('unit', { district, group, asOf: deps.now() }, spans);
      return {
        group,
        district,
        period,
        previousPeriod: spans[1]!,
        entries: buildRanking(periods, config).map((e) => ({ ...e, subjectKind: 'UNIT' as const })),
      };
    },

    /**
     * Resolution and satisfaction (and response) by category in a district over a period, the
     * categories with most callbacks first. `level` 1 sums sub-categories into their top-level one.
     */
    async categoryRates(
      caller: RequestCaller,
      args: { period: unknown; district?: unknown; level?: unknown; first?: unknown },
    ): Promise<CategoryRatesRecord[]> {
      const reader = requireRole(caller, ...readers);
      const period = parseInput(ratePeriodInput, args.period, 'period');
      const { level, first } = parseInput(categoryRatesArgs, { level: args.level ?? undefined, first: args.first ?? undefined });
      const district = parseInput(districtArg, args.district, 'district') ?? reader.district;
      requireDistrict(reader, district);
      const byCategory = new Map<string, RateTally>();
      for (const [categoryId, counts] of await store.categoryRateCounts(district, period, deps.now())) {
        const key = categoryId === '' ? '' : categoryAtLevel(categoryId, level);
        byCategory.set(key, addCounts(byCategory.get(key) ?? zeroCounts(), counts));
      }
      const callbacks = (c: RateTally) => c.satisfied + c.basicallySatisfied + c.noComment + c.dissatisfied;
      return [...byCategory]
        .filter(([categoryId]) => categoryId !== '')
        .sort(([a, x], [b, y]) => callbacks(y) - callbacks(x) || x.responseDue - y.responseDue || (a < b ? -1 : 1))
        .slice(0, first)
        .map(([categoryId, counts]) => ({ categoryId, rates: computeRates(counts, config) }));
    },

    /** Month by month up to `lastMonth`: volume and the three rates of a unit, street or district. */
    async trend(caller: RequestCaller, args: { scope?: unknown; lastMonth: unknown; months?: unknown }): Promise<MonthTrendRecord[]> {
      const reader = requireRole(caller, ...readers);
      const scope = parseInput(scopeInput, args.scope ?? {}, 'scope');
      const lastMonth = parseInput(monthArg, args.lastMonth, 'lastMonth');
      const months = parseInput(monthsArg, args.months ?? undefined, 'months');
      const end = spanOf('MONTH', `${lastMonth}-01`, null).to;
      let from = `${lastMonth}-01`;
      for (let i = 1; i < months; i++) from = previousSpan(spanOf('MONTH', from, null)).from;
      const limit = hasRole(reader, 'city') ? null : reader.district;
      let filter: { unitId?: string; streetId?: string; district: string | null };
      if (scope.unitId) filter = { unitId: scope.unitId, district: limit };
      else if (scope.streetId) filter = { streetId: scope.streetId, district: limit };
      else {
        const district = scope.district ?? reader.district;
        requireDistrict(reader, district);
        filter = { district };
      }
      const rows = new Map((await store.monthly(filter, from, end, deps.now())).map((r) => [r.month, r]));
      const result: MonthTrendRecord[] = [];
      for (let month = from; month < end; month = spanOf('MONTH', month, null).to) {
        const row = rows.get(month.slice(0, 7));
        result.push({ month: month.slice(0, 7), volume: row?.volume ?? 0, rates: computeRates(row?.counts ?? zeroCounts(), config) });
      }
      return result;
    },

    /** Hot spots of a district's located complaints over a period, as a GeoJSON FeatureCollection of H3 hexagons. */
    async hotSpots(
      caller: RequestCaller,
      args: { period: unknown; district?: unknown; categoryId?: unknown; resolution?: unknown },
    ): Promise<HotSpotMapRecord> {
      const reader = requireRole(caller, ...readers);
      const period = parseInput(ratePeriodInput, args.period, 'period');
      const { resolution, categoryId } = parseInput(hotSpotArgs, { resolution: args.resolution ?? undefined, categoryId: args.categoryId });
      const district = parseInput(districtArg, args.district, 'district') ?? reader.district;
      requireDistrict(reader, district);
      const geoJson = hotSpotGeoJson(await store.hotSpotCells(district, categoryId ?? null, period), resolution);
      return { district, period, resolution, categoryId: categoryId ?? null, geoJson };
    },

    /** 每月一题: the month's candidate problems (category × street), best first, each with its reasons. */
    async monthlyTopics(caller: RequestCaller, args: { month: unknown; district?: unknown }): Promise<TopicCandidate[]> {
      const reader = requireRole(caller, ...readers);
      const month = parseInput(monthArg, args.month, 'month');
      const district = parseInput(districtArg, args.district, 'district') ?? reader.district;
      requireDistrict(reader, district);
      const span = spanOf('MONTH', `${month}-01`, null);
      return rankTopics(await store.topicCells(district, span, previousSpan(span)), config);
    },

    /** The early warnings raised in a district (the caller's by default), newest first. */
    async earlyWarnings(
      caller: RequestCaller,
      args: { district?: unknown; first?: unknown; after?: unknown },
    ): Promise<Connection<EarlyWarningRecord>> {
      const reader = requireRole(caller, ...readers);
      const district = parseInput(districtArg, args.district, 'district') ?? reader.district;
      requireDistrict(reader, district);
      const { first, after } = parseInput(pageArgs, { first: args.first ?? undefined, after: args.after });
      const cursor = decodeCursor(after);
      const key = cursor === null ? null : parseInput(z.tuple([z.iso.datetime(), z.string()]), cursor, 'after');
      const rows = await store.earlyWarnings(district, first + 1, key);
      return toConnection(rows, first, (w) => [w.raisedAt.toISOString(), w.warningId]);
    },

    /** Empties the read models and replays every event into them under a new consumer group. Admins only. */
    async rebuildReadModels(caller: RequestCaller): Promise<RebuildRecord> {
      requireRole(caller, 'admin');
      const startedAt = deps.now();
      const { generation, consumerGroup } = await deps.rebuilder.rebuild();
      return { generation, consumerGroup, startedAt };
    },
  };
}
export type AssessmentManager = ReturnType<typeof createAssessmentManager>;
