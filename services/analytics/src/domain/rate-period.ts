import { z } from 'zod';
import { MAX_PERIOD_DAYS } from './period';

/**
 * Assessment periods are whole local days (China Standard Time), because the rates are summed from
 * daily counters: a day, an ISO week (Monday first), a calendar month, or custom days.
 */
export type RatePeriodKind = 'DAY' | 'WEEK' | 'MONTH' | 'CUSTOM';

/** Local days as YYYY-MM-DD: `from` inclusive, `to` exclusive. */
export interface DaySpan {
  kind: RatePeriodKind;
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const isoDay = z.iso.date();
const toMs = (day: string) => Date.parse(`${day}T00:00:00.000Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => fromMs(toMs(day) + n * DAY_MS);
const addMonths = (day: string, n: number): string => {
  const d = new Date(toMs(day));
  return fromMs(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
};
export const daysBetween = (from: string, to: string): number => Math.round((toMs(to) - toMs(from)) / DAY_MS);

/** A period as a client gives it: its kind and a day inside it; CUSTOM also gives its last day. */
export const ratePeriodInput = z
  .object({ kind: z.enum(['DAY', 'WEEK', 'MONTH', 'CUSTOM']), day: isoDay, lastDay: isoDay.nullish() })
  .superRefine((p, ctx) => {
    if (p.kind === 'CUSTOM') {
      if (!p.lastDay) ctx.addIssue({ code: 'custom', path: ['lastDay'], message: 'is required for a CUSTOM period' });
      else if (p.lastDay < p.day) ctx.addIssue({ code: 'custom', path: ['lastDay'], message: 'must not be before day' });
      else if (daysBetween(p.day, p.lastDay) + 1 > MAX_PERIOD_DAYS)
        ctx.addIssue({ code: 'custom', path: ['lastDay'], message: `must be at most ${MAX_PERIOD_DAYS} days after day` });
    } else if (p.lastDay) ctx.addIssue({ code: 'custom', path: ['lastDay'], message: `is only for CUSTOM periods, not ${p.kind}` });
  })
  .transform((p): DaySpan => spanOf(p.kind, p.day, p.lastDay ?? null));

/** The period of a kind that contains `day`. */
export function spanOf(kind: RatePeriodKind, day: string, lastDay: string | null): DaySpan {
  switch (kind) {
    case 'DAY':
      return { kind, from: day, to: addDays(day, 1) };
    case 'WEEK': {
      const weekday = (new Date(toMs(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
      const from = addDays(day, -weekday);
      return { kind, from, to: addDays(from, 7) };
    }
    case 'MONTH': {
      const from = `${day.slice(0, 7)}-01`;
      return { kind, from, to: addMonths(from, 1) };
    }
    case 'CUSTOM':
      return { kind, from: day, to: addDays(lastDay ?? day, 1) };
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** The period just before: the previous day, week or month; for custom days, as many days just before. */
export function previousSpan(span: DaySpan): DaySpan {
  switch (span.kind) {
    case 'MONTH':
      return spanOf('MONTH', addMonths(span.from, -1), null);
    case 'DAY':
    case 'WEEK':
    case 'CUSTOM': {
      const length = daysBetween(span.from, span.to);
      return { kind: span.kind, from: addDays(span.from, -length), to: span.from };
    }
    default: {
      const never: never = span.kind;
      return never;
    }
  }
}

/** Local days split into whole calendar months and the loose days around them (`to` exclusive throughout). */
export interface MonthSplit {
  months: { from: string; to: string } | null;
  days: Array<{ from: string; to: string }>;
}

/** Splits a span so that whole months are read from the monthly roll-up and only the rest from days. */
export function splitMonths(span: { from: string; to: string }): MonthSplit {
  const firstMonth = span.from.endsWith('-01') ? span.from : addMonths(span.from, 1);
  const endMonth = `${span.to.slice(0, 7)}-01`;
  if (firstMonth >= endMonth) return { months: null, days: [{ from: span.from, to: span.to }] };
  const days: Array<{ from: string; to: string }> = [];
  if (span.from < firstMonth) days.push({ from: span.from, to: firstMonth });
  if (endMonth < span.to) days.push({ from: endMonth, to: span.to });
  return { months: { from: firstMonth, to: endMonth }, days };
}
