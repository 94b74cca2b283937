import { z } from 'zod';
import type { areaTypes, channels } from '@hotline/shared';
import { dayOf } from './period';

export type Channel = (typeof channels)[number];
export type AreaType = (typeof areaTypes)[number];

/** Complaints received, counted per combination of the dimensions a summary breaks them down by. */
export interface ComplaintCell {
  channel: Channel;
  categoryId: string;
  areaType: AreaType | null;
  count: number;
}

/** A unit's work orders, counted per category. */
export interface CategoryCell {
  categoryId: string;
  count: number;
}

/** A count and its share of the whole it was taken from. */
export interface Share<K> {
  key: K;
  count: number;
  share: number;
}

export type CategoryShare = Share<string>;
export type UnitShare = Share<string>;
export type ChannelShare = Share<Channel>;
export type AreaTypeShare = Share<AreaType | null>;

/** The grain of the complaints' daily counter. */
export interface ComplaintCounterKey {
  district: string;
  day: string;
  streetId: string | null;
  categoryId: string;
  channel: string;
  areaType: string | null;
}

/** The grain of the work orders' daily counter. */
export interface WorkOrderCounterKey {
  district: string;
  unitId: string;
  day: string;
  categoryId: string;
}

/** The grain of the deadlines' daily counter. */
export interface DeadlinesCounterKey {
  district: string;
  unitId: string;
  day: string;
}

export const complaintCounterKey = (fact: {
  district: string;
  streetId: string | null;
  categoryId: string;
  channel: string;
  areaType: string | null;
  receivedAt: Date;
}): ComplaintCounterKey => ({
  district: fact.district,
  day: dayOf(fact.receivedAt),
  streetId: fact.streetId,
  categoryId: fact.categoryId,
  channel: fact.channel,
  areaType: fact.areaType,
});

export const workOrderCounterKey = (fact: {
  district: string;
  unitId: string;
  categoryId: string;
  dispatchedAt: Date;
}): WorkOrderCounterKey => ({
  district: fact.district,
  unitId: fact.unitId,
  day: dayOf(fact.dispatchedAt),
  categoryId: fact.categoryId,
});

export const deadlinesCounterKey = (fact: { district: string; unitId: string; setAt: Date }): DeadlinesCounterKey => ({
  district: fact.district,
  unitId: fact.unitId,
  day: dayOf(fact.setAt),
});

/** `first` of a ranking: how many of the top entries to give. */
export const rankingArgs = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
});

/** `level` and `first` of a category breakdown: level 1 is the top of the taxonomy, 2 its sub-categories. */
export const categoryBreakdownArgs = rankingArgs.extend({
  level: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).default(2),
});
export type CategoryBreakdownArgs = z.infer<typeof categoryBreakdownArgs>;

/** A dotted category id cut to its first `level` segments: property.fees at level 1 is property. */
export const categoryAtLevel = (categoryId: string, level: number): string => categoryId.split('.').slice(0, level).join('.');

/**
 * Sums counts per key and ranks them, most first; ties go by key so the order never depends on how
 * rows came back from the database. Shares are of the grand total, so a top-N list need not add up to 1.
 */
export function rank<K extends string | null>(
  cells: Iterable<{ key: K; count: number }>,
  first = Number.POSITIVE_INFINITY,
): Array<Share<K>> {
  const totals = new Map<K, number>();
  let total = 0;
  for (const cell of cells) {
    if (cell.count === 0) continue;
    totals.set(cell.key, (totals.get(cell.key) ?? 0) + cell.count);
    total += cell.count;
  }
  return [...totals]
    .map(([key, count]) => ({ key, count, share: count / total }))
    .sort((a, b) => b.count - a.count || String(a.key ?? '').localeCompare(String(b.key ?? '')))
    .slice(0, first);
}

/** Category counts at a level of the taxonomy, the top `first` of them. */
export const rankCategories = (cells: Array<{ categoryId: string; count: number }>, args: CategoryBreakdownArgs): Array<Share<string>> =>
  rank(
    cells.map((c) => ({ key: categoryAtLevel(c.categoryId, args.level), count: c.count })),
    args.first,
  );

export const totalOf = (cells: Array<{ count: number }>): number => cells.reduce((sum, c) => sum + c.count, 0);

/** A district's complaints for a period, as cells, and its dispatched work orders per unit. */
export interface DistrictSummaryRecord {
  district: string;
  complaints: ComplaintCell[];
  workOrders: Array<{ unitId: string; count: number }>;
  /** Complaints per local ISO weekday (1 Monday … 7 Sunday) and local hour. */
  hours: HourCell[];
}

export interface HourCell {
  isoWeekday: number;
  hour: number;
  count: number;
}

export const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof weekdays)[number];

/** Every hour of the day (0–23) with its count and share, empty hours included, so charts need no gap-filling. */
export function byHour(cells: HourCell[]): Array<{ hour: number; count: number; share: number }> {
  const total = cells.reduce((s, c) => s + c.count, 0);
  return Array.from({ length: 24 }, (_, hour) => {
    const count = cells.filter((c) => c.hour === hour).reduce((s, c) => s + c.count, 0);
    return { hour, count, share: total === 0 ? 0 : count / total };
  });
}

/** Every weekday, Monday first, with its count and share. */
export function byWeekday(cells: HourCell[]): Array<{ weekday: Weekday; count: number; share: number }> {
  const total = cells.reduce((s, c) => s + c.count, 0);
  return weekdays.map((weekday, i) => {
    const count = cells.filter((c) => c.isoWeekday === i + 1).reduce((s, c) => s + c.count, 0);
    return { weekday, count, share: total === 0 ? 0 : count / total };
  });
}

/** A unit's figures for a period. */
export interface UnitStatsRecord {
  unitId: string;
  workOrders: CategoryCell[];
  deadlinesSet: number;
}

/** A unit as analytics knows it: by id alone; dispatch owns everything else about it. */
export interface UnitRef {
  id: string;
}
