import { workingDayCalendar } from './calendar';

const day = 24 * 60;
/** Beijing local time as an instant. */
const bj = (local: string) => new Date(`${local}+08:00`);

describe('the working-day calendar', () => {
  // 2026: Labour Day holiday Fri 1 May – Tue 5 May; Sat 9 May is a make-up working day (调休).
  const calendar = workingDayCalendar({ holidays: ['2026-05-01', '2026-05-04', '2026-05-05'], makeUpWorkdays: ['2026-05-09'] });

  it('given a start on a Monday, when 1 working day is added, then it falls due on Tuesday at the same time', () => {
    expect(calendar.addMinutes(bj('2026-03-02T09:30:00'), day)).toEqual(bj('2026-03-03T09:30:00'));
  });

  it('given a start on a Friday, when 1 working day is added, then the weekend does not count and it falls due on Monday', () => {
    expect(calendar.addMinutes(bj('2026-03-06T09:30:00'), day)).toEqual(bj('2026-03-09T09:30:00'));
  });

  it('given a limit crossing the Labour Day holiday, when added, then the holiday and the weekend within it do not count', () => {
    // Thu 30 Apr 10:00 + 2 working days: the rest of Thursday (14 h) + … Fri 1 May (holiday), Sat, Sun, Mon 4, Tue 5 (holidays) skipped → Wed 6 May, then Thu 7 10:00.
    expect(calendar.addMinutes(bj('2026-04-30T10:00:00'), 2 * day)).toEqual(bj('2026-05-07T10:00:00'));
  });

  it('given a make-up working day on a Saturday, when a limit runs over it, then that Saturday counts', () => {
    // Fri 8 May 10:00 + 1 working day → Sat 9 May 10:00 (worked), not Monday.
    expect(calendar.addMinutes(bj('2026-05-08T10:00:00'), day)).toEqual(bj('2026-05-09T10:00:00'));
    expect(calendar.isWorkingDay(bj('2026-05-09T12:00:00'))).toBe(true);
    expect(calendar.isWorkingDay(bj('2026-05-10T12:00:00'))).toBe(false);
  });

  it('given a start on a day off, when a limit is added, then it counts from the next working day’s midnight', () => {
    expect(calendar.addMinutes(bj('2026-03-07T15:00:00'), 120)).toEqual(bj('2026-03-09T02:00:00'));
  });

  it('given a limit ending exactly at the end of a Friday, when added, then it falls due at Friday midnight, not after the weekend', () => {
    expect(calendar.addMinutes(bj('2026-03-06T00:00:00'), day)).toEqual(bj('2026-03-07T00:00:00'));
  });

  it('given a day both a holiday and a make-up working day, when the calendar is built, then it is refused', () => {
    expect(() => workingDayCalendar({ holidays: ['2026-05-09'], makeUpWorkdays: ['2026-05-09'] })).toThrow(
      /both a holiday and a make-up working day/,
    );
  });

  it('given the days are local to Beijing, when a start lies late on a UTC Friday that is already Saturday in Beijing, then the clock stands still', () => {
    // 2026-03-06T17:00Z is Sat 01:00 in Beijing: a day off.
    expect(calendar.addMinutes(new Date('2026-03-06T17:00:00Z'), 60)).toEqual(bj('2026-03-09T01:00:00'));
  });

  it('given a span over a weekend and a holiday, when its working minutes are counted, then only working days count', () => {
    // Fri 6 Mar 16:00 → Mon 9 Mar 10:00: 8 h of Friday and 10 h of Monday.
    expect(calendar.minutesBetween(bj('2026-03-06T16:00:00'), bj('2026-03-09T10:00:00'))).toBe(18 * 60);
    // Thu 30 Apr 20:00 → Sat 9 May 02:00 (make-up day): Thu 4 h, Wed 6 and Thu 7 and Fri 8 whole, Sat 2 h.
    expect(calendar.minutesBetween(bj('2026-04-30T20:00:00'), bj('2026-05-09T02:00:00'))).toBe(4 * 60 + 3 * day + 2 * 60);
    expect(calendar.minutesBetween(bj('2026-03-07T10:00:00'), bj('2026-03-08T10:00:00'))).toBe(0);
    expect(calendar.minutesBetween(bj('2026-03-09T10:00:00'), bj('2026-03-09T09:00:00'))).toBe(0);
  });

  it('given any start and limit, when the limit is added, then the working minutes between start and due time are the limit', () => {
    for (const start of ['2026-03-06T16:00:00', '2026-04-30T10:00:00', '2026-05-08T23:59:00', '2026-03-09T00:00:00']) {
      for (const limit of [1, 120, day, 3 * day + 7]) {
        const from = bj(start);
        const due = calendar.addMinutes(from, limit);
        expect(calendar.minutesBetween(from, due)).toBe(limit);
      }
    }
  });
});
