import {
  ComplaintReceived,
  createEvent,
  createInProcessBus,
  DeadlinesSet,
  newId,
  toBusMessage,
  WorkOrderAccepted,
  WorkOrderDispatched,
  type Envelope,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readAnalyticsEnvironment, startAnalytics } from './index';

const D = '110199';
interface Order {
  id: string;
  complaintId: string;
  unitId: string;
  street: string;
}
const order = (suffix: string): Order => ({
  id: `wo-${newId()}`,
  complaintId: newId(),
  unitId: `unit-110199-${suffix}`,
  street: `110199-${suffix}`,
});
const common = (w: Order, at: string) => ({ subject: w.complaintId, district: D, actor: 'system:test', occurredAt: new Date(at) });
const ref = (w: Order) => ({ workOrderId: w.id, complaintId: w.complaintId, unitId: w.unitId });

/** A complaint dispatched at `at` with a RESPOND limit two hours later (UTC; local is +8). */
const opened = (w: Order, at: string): Envelope[] => [
  createEvent(ComplaintReceived, {
    ...common(w, at),
    data: {
      complaintId: w.complaintId,
      channel: 'HOTLINE',
      categoryId: 'property.fees',
      type: 'COMPLAINT',
      urgency: 'GENERAL',
      region: { district: D, street: w.street, community: null, grid: null },
      areaType: 'BUILT_UP',
      location: null,
      receivedAt: at,
    },
  }),
  createEvent(WorkOrderDispatched, {
    ...common(w, at),
    data: {
      ...ref(w),
      ruleId: null,
      ruleVersion: null,
      role: 'LEAD',
      categoryId: 'property.fees',
      urgency: 'GENERAL',
      areaType: 'BUILT_UP',
      dispatchedAt: at,
    },
  }),
  createEvent(DeadlinesSet, {
    ...common(w, at),
    data: { ...ref(w), ruleId: 'general', deadlines: [{ kind: 'RESPOND', dueAt: new Date(Date.parse(at) + 2 * 3600_000).toISOString() }] },
  }),
];
const accepted = (w: Order, at: string) => createEvent(WorkOrderAccepted, { ...common(w, at), data: { ...ref(w), acceptedAt: at } });

const MARCH = { kind: 'MONTH', day: '2026-03-01' };
const TODAY = { kind: 'DAY', day: '2026-03-20' };

describe('rates read in the middle of a day count only the limits that fell due', () => {
  const bus = createInProcessBus();
  let service: Awaited<ReturnType<typeof startAnalytics>>;
  // 12:00 local on 20 March: the two orders dispatched at 11:00 local are due at 13:00.
  let now = new Date('2026-03-20T04:00:00.000Z');
  const gql = async (query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL(service.url, { query, variables }, { caller: testCaller('analyst') });
  const responseOf = async (scope: Record<string, string> | null, period: Record<string, string>) => {
    const res = await gql(
      `query($s: RateScopeInput, $p: RatePeriodInput!) { rates(scope: $s, period: $p) { rates { response { numerator denominator } composite } } }`,
      {
        s: scope,
        p: period,
      },
    );
    if (res.errors) throw new Error(res.errors[0]!.message);
    return res.data!.rates.rates as { response: { numerator: number; denominator: number }; composite: number | null };
  };
  const yesterday1 = order('001');
  const late1 = order('001');
  const early1 = order('001');
  const yesterday2 = order('002');
  const pending3a = order('003');
  const pending3b = order('003');

  beforeAll(async () => {
    await bus.start();
    const env = readAnalyticsEnvironment({
      ANALYTICS_PORT: '0',
      DATA_DIR: 'memory://',
      CALLER_SECRET: TEST_CALLER_SECRET,
      DEMO_DATA: 'true',
    });
    service = await startAnalytics(env, { bus, logger: silentLogger(), now: () => now });
    await bus.publish(
      [
        // Yesterday: 001 missed its limit, 002 met it.
        ...opened(yesterday1, '2026-03-19T01:00:00.000Z'),
        ...opened(yesterday2, '2026-03-19T01:00:00.000Z'),
        accepted(yesterday2, '2026-03-19T01:30:00.000Z'),
        // Today at 11:00 local: 001 gets two orders, accepts one at once; 003 gets two and has two hours left on both.
        ...opened(late1, '2026-03-20T03:00:00.000Z'),
        ...opened(early1, '2026-03-20T03:00:00.000Z'),
        accepted(early1, '2026-03-20T03:10:00.000Z'),
        ...opened(pending3a, '2026-03-20T03:00:00.000Z'),
        ...opened(pending3b, '2026-03-20T03:00:00.000Z'),
      ].map(toBusMessage),
    );
    await waitFor(async () => {
      const res = await gql(`query { trend(lastMonth: "2026-03", months: 1) { volume } }`);
      return res.data?.trend[0].volume === 6;
    }, 'the six work orders');
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });

  it('leaves limits still ahead out of a unit, the district, the day, the category and the month', async () => {
    expect((await responseOf({ unitId: 'unit-110199-001' }, MARCH)).response).toEqual({ numerator: 0, denominator: 1 });
    expect(await responseOf({ unitId: 'unit-110199-003' }, MARCH)).toEqual({ response: { numerator: 0, denominator: 0 }, composite: null });
    expect((await responseOf({ streetId: '110199-003' }, TODAY)).response).toEqual({ numerator: 0, denominator: 0 });
    expect((await responseOf(null, MARCH)).response).toEqual({ numerator: 1, denominator: 2 });
    const more = await gql(
      `query($p: RatePeriodInput!) { categoryRates(period: $p) { rates { response { numerator denominator } } } trend(lastMonth: "2026-03", months: 1) { rates { response { numerator denominator } } } }`,
      { p: MARCH },
    );
    expect(more.data).toEqual({
      categoryRates: [{ rates: { response: { numerator: 1, denominator: 2 } } }],
      trend: [{ rates: { response: { numerator: 1, denominator: 2 } } }],
    });
  });

  it('does not rank a unit whose only limits are still ahead, nor mark it to rectify', async () => {
    const res = await gql(
      `query($p: RatePeriodInput!) { ranking(group: STREETS_AND_TOWNS, period: $p) { entries { unit { id } rank classes } } }`,
      { p: MARCH },
    );
    expect(res.data!.ranking.entries).toEqual([
      { unit: { id: 'unit-110199-002' }, rank: 1, classes: ['ADVANCED'] },
      { unit: { id: 'unit-110199-001' }, rank: 2, classes: ['MUST_RECTIFY'] },
    ]);
  });

  it('counts each limit once it has fallen due: met if responded by then, missed if not', async () => {
    now = new Date('2026-03-20T05:00:00.001Z');
    expect((await responseOf({ unitId: 'unit-110199-001' }, MARCH)).response).toEqual({ numerator: 1, denominator: 3 });
    expect((await responseOf({ unitId: 'unit-110199-003' }, TODAY)).response).toEqual({ numerator: 0, denominator: 2 });
    expect((await responseOf(null, MARCH)).response).toEqual({ numerator: 2, denominator: 6 });
  });
});
