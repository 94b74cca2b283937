import { byDueTime, isOverdue, newDeadlines, timeLeftMinutes, type DeadlineRecord, type DispatchedOrder } from './deadlines';
import type { DeadlineRule } from './deadline-rules';

const general: DeadlineRule = {
  id: 'general',
  name: 'general',
  urgency: 'GENERAL',
  categoryPrefix: null,
  areaType: null,
  limits: { RESPOND: 120, ACCEPT: 1440, REPLY: 7200, CLOSE: 10080 },
  workingDays: false,
};

const order: DispatchedOrder = {
  district: '110199',
  complaintId: 'c-1',
  workOrderId: 'wo-1',
  unitId: 'unit-110199-001',
  dispatchedAt: new Date('2026-03-02T01:30:00.000Z'),
};

const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

const at = (iso: string) => new Date(iso);

describe('setting a work order’s deadlines', () => {
  it('given a dispatched order and its rule, when set, then there is one pending deadline per limit, counted from dispatch', () => {
    const now = at('2026-03-02T01:30:05.000Z');
    const deadlines = newDeadlines(order, general, ids(), now);
    expect(deadlines.map((d) => [d.kind, d.dueAt.toISOString(), d.state])).toEqual([
      ['RESPOND', '2026-03-02T03:30:00.000Z', 'PENDING'],
      ['ACCEPT', '2026-03-03T01:30:00.000Z', 'PENDING'],
      ['REPLY', '2026-03-07T01:30:00.000Z', 'PENDING'],
      ['CLOSE', '2026-03-09T01:30:00.000Z', 'PENDING'],
    ]);
    expect(deadlines[0]).toMatchObject({
      id: 'id-1',
      district: '110199',
      complaintId: 'c-1',
      workOrderId: 'wo-1',
      unitId: 'unit-110199-001',
      ruleId: 'general',
      startedAt: order.dispatchedAt,
      setAt: now,
    });
  });
});

describe('time left and overdue', () => {
  const respond = newDeadlines(order, general, ids(), order.dispatchedAt)[0]!;

  it('given a deadline due in 2 h, when 30 s have passed, then 119 whole minutes are left and it is not overdue', () => {
    const now = at('2026-03-02T01:30:30.000Z');
    expect(timeLeftMinutes(respond, now)).toBe(119);
    expect(isOverdue(respond, now)).toBe(false);
  });

  it('given a deadline, when now is exactly its due time, then no time is left and it is not yet overdue', () => {
    expect(timeLeftMinutes(respond, respond.dueAt)).toBe(0);
    expect(isOverdue(respond, respond.dueAt)).toBe(false);
  });

  it('given a pending deadline, when its due time has just passed, then time left is negative and it is overdue', () => {
    const now = at('2026-03-02T03:30:00.001Z');
    expect(timeLeftMinutes(respond, now)).toBe(-1);
    expect(isOverdue(respond, now)).toBe(true);
  });

  it('given a deadline 90 minutes past due, then time left is −90', () => {
    expect(timeLeftMinutes(respond, at('2026-03-02T05:00:00.000Z'))).toBe(-90);
  });

  it('given a deadline already met, when its due time has passed, then it is not overdue', () => {
    expect(isOverdue({ ...respond, state: 'MET' }, at('2026-03-04T00:00:00.000Z'))).toBe(false);
  });
});

describe('ordering deadlines', () => {
  it('given deadlines of two work orders, when ordered, then earliest due comes first, and equal due times go in the order of the limits', () => {
    const lead = newDeadlines(order, general, ids(), order.dispatchedAt);
    const urgentRule: DeadlineRule = { ...general, id: 'urgent', limits: { RESPOND: 30, ACCEPT: 30, REPLY: 120, CLOSE: 1440 } };
    const assist = newDeadlines({ ...order, workOrderId: 'wo-2' }, urgentRule, ids(), order.dispatchedAt);
    const sorted = [...lead, ...assist].sort(byDueTime).map((d: DeadlineRecord) => `${d.workOrderId}:${d.kind}`);
    expect(sorted).toEqual([
      'wo-2:RESPOND',
      'wo-2:ACCEPT',
      'wo-1:RESPOND',
      'wo-2:REPLY',
      'wo-1:ACCEPT',
      'wo-2:CLOSE',
      'wo-1:REPLY',
      'wo-1:CLOSE',
    ]);
  });
});
