import { categoryAtLevel } from './breakdowns';
import type { Rates } from './rates';
import type { DaySpan } from './rate-period';

/** A category's count in a month against the month before. */
export interface CategoryShiftRecord {
  categoryId: string;
  count: number;
  previousCount: number;
  /** Share of the unit's work orders this month, 0–1. */
  share: number;
  previousShare: number;
  /** count ÷ previous count − 1; null when there were none before. */
  growth: number | null;
}

/** A unit's monthly profile (民意诉求档案): how much, of what, how it changed, how well it was handled. */
export interface UnitProfile {
  unitId: string;
  unitName: string | null;
  month: string;
  period: DaySpan;
  previousPeriod: DaySpan;
  volume: number;
  previousVolume: number;
  volumeGrowth: number | null;
  /** Top-level categories, most work orders first. */
  structure: CategoryShiftRecord[];
  /** The sub-categories with most work orders this month (at most five), with their growth. */
  hotIssues: CategoryShiftRecord[];
  rates: Rates;
  previousRates: Rates;
}

const growth = (now: number, before: number): number | null => (before === 0 ? null : now / before - 1);

/** Compares two months' counts per category, at a level of the taxonomy, most this month first. */
export function shifts(
  now: Array<{ categoryId: string; count: number }>,
  before: Array<{ categoryId: string; count: number }>,
  level: number,
): CategoryShiftRecord[] {
  const sum = (cells: Array<{ categoryId: string; count: number }>) => {
    const m = new Map<string, number>();
    for (const c of cells) m.set(categoryAtLevel(c.categoryId, level), (m.get(categoryAtLevel(c.categoryId, level)) ?? 0) + c.count);
    return m;
  };
  const a = sum(now);
  const b = sum(before);
  const totalA = [...a.values()].reduce((s, c) => s + c, 0);
  const totalB = [...b.values()].reduce((s, c) => s + c, 0);
  return [...new Set([...a.keys(), ...b.keys()])]
    .map((categoryId) => {
      const count = a.get(categoryId) ?? 0;
      const previousCount = b.get(categoryId) ?? 0;
      return {
        categoryId,
        count,
        previousCount,
        share: totalA ? count / totalA : 0,
        previousShare: totalB ? previousCount / totalB : 0,
        growth: growth(count, previousCount),
      };
    })
    .sort((x, y) => y.count - x.count || y.previousCount - x.previousCount || (x.categoryId < y.categoryId ? -1 : 1));
}

export function buildProfile(input: {
  unitId: string;
  unitName: string | null;
  period: DaySpan;
  previousPeriod: DaySpan;
  workOrders: Array<{ categoryId: string; count: number }>;
  previousWorkOrders: Array<{ categoryId: string; count: number }>;
  rates: Rates;
  previousRates: Rates;
}): UnitProfile {
  const volume = input.workOrders.reduce((s, c) => s + c.count, 0);
  const previousVolume = input.previousWorkOrders.reduce((s, c) => s + c.count, 0);
  return {
    unitId: input.unitId,
    unitName: input.unitName,
    month: input.period.from.slice(0, 7),
    period: input.period,
    previousPeriod: input.previousPeriod,
    volume,
    previousVolume,
    volumeGrowth: growth(volume, previousVolume),
    structure: shifts(input.workOrders, input.previousWorkOrders, 1),
    hotIssues: shifts(input.workOrders, input.previousWorkOrders, 2)
      .filter((s) => s.count > 0)
      .slice(0, 5),
    rates: input.rates,
    previousRates: input.previousRates,
  };
}
