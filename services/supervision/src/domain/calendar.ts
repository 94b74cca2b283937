import { z } from 'zod';
import type { DeadlineCalendar } from './deadline-rules';

const DAY_MS = 24 * 3600_000;
const isoDate = z.iso.date();

/**
 * A working-day calendar as data: the statutory holidays (days off that would be working days) and the
 * make-up working days (调休: weekend days that are worked). Days are local dates in the city's time zone.
 */
export const workingCalendarSchema = z
  .object({
    /** The city's offset from UTC in minutes (Beijing: 480). */
    utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
    holidays: z.array(isoDate).default([]),
    makeUpWorkdays: z.array(isoDate).default([]),
  })
  .superRefine((c, ctx) => {
    const both = c.holidays.filter((d) => c.makeUpWorkdays.includes(d));
    if (both.length)
      ctx.addIssue({
        code: 'custom',
        path: ['makeUpWorkdays'],
        message: `${both.join(', ')} cannot be both a holiday and a make-up working day`,
      });
  });
export type WorkingCalendarData = z.input<typeof workingCalendarSchema>;

/**
 * Counts limits in working time: the clock runs through whole working days (Monday to Friday, less
 * holidays, plus make-up working days) and stands still on every other day. A start on a day off counts
 * from the next working day's midnight; a due time that lands exactly at the end of a working day stays
 * there rather than moving past the days off that follow.
 */
export function workingDayCalendar(data: WorkingCalendarData): DeadlineCalendar & { isWorkingDay(at: Date): boolean } {
  const c = workingCalendarSchema.parse(data);
  const offset = c.utcOffsetMinutes * 60_000;
  const holidays = new Set(c.holidays);
  const workdays = new Set(c.makeUpWorkdays);

  /** Local midnight of the day `at` falls in, as an instant. */
  const dayStart = (at: number) => Math.floor((at + offset) / DAY_MS) * DAY_MS - offset;
  const isWorking = (dayStartAt: number): boolean => {
    const local = new Date(dayStartAt + offset);
    const date = local.toISOString().slice(0, 10);
    if (workdays.has(date)) return true;
    if (holidays.has(date)) return false;
    const weekday = local.getUTCDay();
    return weekday !== 0 && weekday !== 6;
  };

  return {
    isWorkingDay: (at) => isWorking(dayStart(at.getTime())),
    addMinutes(start, minutes) {
      let at = start.getTime();
      let left = minutes * 60_000;
      // Walk day by day: a limit spans at most a few weeks, so this is a handful of steps.
      for (;;) {
        const day = dayStart(at);
        const end = day + DAY_MS;
        if (isWorking(day)) {
          if (left <= end - at) return new Date(at + left);
          left -= end - at;
        }
        at = end;
      }
    },
    minutesBetween(from, to) {
      let counted = 0;
      for (let at = from.getTime(); at < to.getTime();) {
        const day = dayStart(at);
        const end = Math.min(day + DAY_MS, to.getTime());
        if (isWorking(day)) counted += end - at;
        at = end;
      }
      return counted / 60_000;
    },
  };
}
