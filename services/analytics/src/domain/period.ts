import { z } from 'zod';

/** The longest period one query may cover: a year, leap day included. */
export const MAX_PERIOD_DAYS = 366;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Daily counters are kept per local day in China Standard Time (UTC+8). China has no daylight
 * saving time, so a local day is always exactly 24 hours long and starts at 16:00 UTC.
 */
const LOCAL_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A span of time: `from` inclusive, `to` exclusive. */
export interface Interval {
  from: Date;
  to: Date;
}

/** Local days as YYYY-MM-DD, `from` inclusive, `to` exclusive; a null end is unbounded. */
export interface DayRange {
  from: string | null;
  to: string | null;
}

/**
 * How a period is counted: whole local days from the daily counters, and the partial days at
 * either end (`edges`) from the facts' timestamps, so every figure is exact to the millisecond.
 */
export interface PeriodPlan {
  /** Null when the period covers no whole day. */
  days: DayRange | null;
  edges: Interval[];
}

/** `period` as a client gives it: absent means all time; otherwise from < to, at most 366 days apart. */
export const periodInput = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .superRefine((period, ctx) => {
    if (period.to.getTime() <= period.from.getTime()) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after period.from' });
    else if (period.to.getTime() - period.from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_PERIOD_DAYS} days after period.from` });
  })
  .nullish()
  .transform((period): Interval | null => period ?? null);

/** The local day (YYYY-MM-DD) an instant falls on. */
export const dayOf = (instant: Date): string => new Date(instant.getTime() + LOCAL_OFFSET_MS).toISOString().slice(0, 10);

/** The instant a local day (YYYY-MM-DD) begins. */
export const startOfDay = (day: string): Date => new Date(Date.parse(`${day}T00:00:00.000Z`) - LOCAL_OFFSET_MS);

/** The first start of a local day at or after `instant`. */
function ceilToDay(instant: Date): Date {
  const start = startOfDay(dayOf(instant));
  return start.getTime() === instant.getTime() ? start : new Date(start.getTime() + DAY_MS);
}

/** The last start of a local day at or before `instant`. */
const floorToDay = (instant: Date): Date => startOfDay(dayOf(instant));

/** Splits a period into whole local days and the partial days at its ends; all time is every day. */
export function planPeriod(period: Interval | null): PeriodPlan {
  if (period === null) return { days: { from: null, to: null }, edges: [] };
  const firstWholeDay = ceilToDay(period.from);
  const endOfWholeDays = floorToDay(period.to);
  if (firstWholeDay.getTime() >= endOfWholeDays.getTime()) return { days: null, edges: [period] };
  const edges: Interval[] = [];
  if (period.from.getTime() < firstWholeDay.getTime()) edges.push({ from: period.from, to: firstWholeDay });
  if (endOfWholeDays.getTime() < period.to.getTime()) edges.push({ from: endOfWholeDays, to: period.to });
  return { days: { from: dayOf(firstWholeDay), to: dayOf(endOfWholeDays) }, edges };
}

/** A stable text form of a period, for batching lookups that share it. */
export const periodKey = (period: Interval | null): string => (period ? `${period.from.toISOString()}/${period.to.toISOString()}` : 'all');

/** The local hour (0–23) an instant falls in. */
export const hourOf = (instant: Date): number => new Date(instant.getTime() + LOCAL_OFFSET_MS).getUTCHours();
