import { workingDayCalendar } from './calendar';
import type { DeadlineRule } from './deadline-rules';
import {
  extend,
  meet,
  newDeadlines,
  pause,
  reopenedDeadlines,
  reportInDeadlines,
  resume,
  warnTime,
  type DispatchedOrder,
} from './deadlines';

const rule: DeadlineRule = {
  id: 'general',
  name: 'general',
  urgency: 'GENERAL',
  categoryPrefix: null,
  areaType: null,
  limits: { RESPOND: 120, ACCEPT: 1440, REPLY: 7200, CLOSE: 10080 },
  workingDays: false,
};
/** Monday 2 March 2026, 09:30 in Beijing. */
const T = new Date('2026-03-02T01:30:00.000Z');
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);
const order: DispatchedOrder = { district: '110199', complaintId: 'c-1', workOrderId: 'wo-1', unitId: 'unit-110199-001', dispatchedAt: T };
const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};
const deadline = (kind: string) => newDeadlines(order, rule, ids(), T).find((d) => d.kind === kind)!;

describe('the early warning', () => {
  it('given a 2 h limit, when set, then the warning falls at 80% of it (96 min)', () => {
    expect(deadline('RESPOND').warnAt).toEqual(minutes(96));
  });

  it('given a configured fraction of 0.5, when set, then the warning falls halfway', () => {
    expect(newDeadlines(order, rule, ids(), T, { warnFraction: 0.5 })[0]!.warnAt).toEqual(minutes(60));
    expect(warnTime(T, minutes(100), 0.9)).toEqual(minutes(90));
  });
});

describe('meeting a deadline', () => {
  it('given a deadline met before its due time, when met, then it is met on time and its warning no longer applies', () => {
    expect(meet(deadline('RESPOND'), minutes(30))).toEqual({ state: 'MET', metAt: minutes(30), metLate: false, warnAt: null });
  });

  it('given a deadline met exactly at its due time, when met, then it is on time', () => {
    expect(meet(deadline('RESPOND'), minutes(120)).metLate).toBe(false);
  });

  it('given a deadline met a minute after its due time, when met, then it is met late', () => {
    expect(meet(deadline('RESPOND'), minutes(121)).metLate).toBe(true);
  });
});

describe('an approved extension', () => {
  it('given a pending REPLY deadline, when extended by 2 days, then it and its warning move', () => {
    const reply = deadline('REPLY');
    const moved = extend(reply, 2880, minutes(60));
    expect(moved.dueAt).toEqual(minutes(7200 + 2880));
    expect(moved.warnAt).toEqual(warnTime(T, minutes(7200 + 2880)));
    expect(moved.state).toBe('PENDING');
  });

  it('given a deadline already reported overdue, when extended past now, then it runs again', () => {
    const reply = { ...deadline('REPLY'), state: 'OVERDUE' as const, overdueAt: minutes(7200), warnedAt: minutes(5760) };
    const moved = extend(reply, 1440, minutes(7300));
    expect(moved).toMatchObject({ state: 'PENDING', overdueAt: null, dueAt: minutes(8640), warnedAt: minutes(5760) });
  });

  it('given an overdue deadline, when extended but still in the past, then it stays overdue', () => {
    const reply = { ...deadline('REPLY'), state: 'OVERDUE' as const, overdueAt: minutes(7200) };
    expect(extend(reply, 10, minutes(9000)).state).toBe('OVERDUE');
  });

  it('given a rule counted in working days, when extended by 1 day on a Friday, then the weekend is skipped', () => {
    const calendar = workingDayCalendar({});
    const friday = { ...deadline('REPLY'), dueAt: new Date('2026-03-06T02:00:00.000Z') };
    expect(extend(friday, 1440, T, { calendar }).dueAt).toEqual(new Date('2026-03-09T02:00:00.000Z'));
  });
});

describe('pausing the clock', () => {
  it('given a deadline paused for 3 hours, when resumed, then it falls due 3 hours later and its warning with it', () => {
    const close = deadline('CLOSE');
    const paused = { ...close, ...pause(minutes(60), 'waiting for the citizen’s documents') };
    expect(paused).toMatchObject({ state: 'PAUSED', pausedAt: minutes(60) });
    const resumed = resume(paused, minutes(240));
    expect(resumed).toEqual({
      state: 'PENDING',
      pausedAt: null,
      pauseReason: null,
      dueAt: minutes(10080 + 180),
      warnAt: new Date(close.warnAt!.getTime() + 180 * 60_000),
    });
  });

  it('given a working-day deadline paused over a weekend, when resumed, then only the working time paused moves it', () => {
    const calendar = workingDayCalendar({});
    // Due Tue 10 Mar 10:00 Beijing; paused Fri 6 Mar 16:00, resumed Mon 9 Mar 10:00: 18 working hours.
    const reply = {
      ...deadline('REPLY'),
      dueAt: new Date('2026-03-10T02:00:00.000Z'),
      warnAt: null,
      ...pause(new Date('2026-03-06T08:00:00.000Z'), 'waiting'),
    };
    expect(resume(reply, new Date('2026-03-09T02:00:00.000Z'), { calendar }).dueAt).toEqual(new Date('2026-03-10T20:00:00.000Z'));
    // The same pause on elapsed time moves it by all 66 hours.
    expect(resume(reply, new Date('2026-03-09T02:00:00.000Z')).dueAt).toEqual(new Date('2026-03-12T20:00:00.000Z'));
  });

  it('given a warning already given, when resumed, then the warning is not moved (it is not repeated)', () => {
    const close = { ...deadline('CLOSE'), warnedAt: minutes(8064), ...pause(minutes(8100), 'waiting') };
    expect(resume(close, minutes(8160)).warnAt).toEqual(close.warnAt);
  });
});

describe('re-handling and whistles', () => {
  it('given a reopened order, when its deadlines are set, then only REPLY and CLOSE run again, counted from reopening, in the new round', () => {
    const reopenedAt = minutes(20_000);
    const fresh = reopenedDeadlines(
      { district: '110199', complaintId: 'c-1', workOrderId: 'wo-1', unitId: 'unit-110199-001', reopenedAt, round: 1 },
      rule,
      ids(),
      reopenedAt,
    );
    expect(fresh.map((d) => [d.kind, d.round, d.dueAt])).toEqual([
      ['REPLY', 1, minutes(20_000 + 7200)],
      ['CLOSE', 1, minutes(20_000 + 10080)],
    ]);
  });

  it('given a whistle summoning two departments (one named twice), when blown, then each must report in once within the limit', () => {
    const fresh = reportInDeadlines(
      {
        district: '110199',
        whistleId: 'w-1',
        complaintId: 'c-1',
        departmentUnitIds: ['unit-110199-cgw', 'unit-110199-zjw', 'unit-110199-cgw'],
        reportInMinutes: 30,
        blownAt: T,
      },
      ids(),
      T,
    );
    expect(fresh.map((d) => [d.kind, d.unitId, d.workOrderId, d.ruleId, d.dueAt])).toEqual([
      ['REPORT_IN', 'unit-110199-cgw', 'w-1', null, minutes(30)],
      ['REPORT_IN', 'unit-110199-zjw', 'w-1', null, minutes(30)],
    ]);
  });
});
