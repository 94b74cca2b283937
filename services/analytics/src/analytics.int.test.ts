import {
  ComplaintReceived,
  createEvent,
  createInProcessBus,
  DeadlinesSet,
  newId,
  toBusMessage,
  WorkOrderDispatched,
  type Envelope,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readAnalyticsEnvironment, startAnalytics } from './index';

type AreaType = 'BUILT_UP' | 'URBAN_RURAL_FRINGE' | 'RURAL' | 'COMPOUND';

/** Builders for the three events analytics reads, with the demo district's defaults. */
const received = (c: {
  id: string;
  categoryId: string;
  channel: 'HOTLINE' | 'WECHAT' | 'APP';
  street: string | null;
  areaType: AreaType | null;
  at: string;
  district?: string;
}) =>
  createEvent(ComplaintReceived, {
    subject: c.id,
    district: c.district ?? '110199',
    actor: 'agent-1',
    occurredAt: new Date(c.at),
    data: {
      complaintId: c.id,
      channel: c.channel,
      categoryId: c.categoryId,
      type: 'COMPLAINT',
      urgency: 'GENERAL',
      region: { district: c.district ?? '110199', street: c.street, community: null, grid: null },
      areaType: c.areaType,
      location: null,
      receivedAt: c.at,
    },
  });

const dispatched = (w: {
  id: string;
  complaintId: string;
  unitId: string;
  role?: 'LEAD' | 'ASSIST';
  categoryId: string;
  at: string;
  district?: string;
}) =>
  createEvent(WorkOrderDispatched, {
    subject: w.complaintId,
    district: w.district ?? '110199',
    actor: 'dispatcher-1',
    occurredAt: new Date(w.at),
    data: {
      workOrderId: w.id,
      complaintId: w.complaintId,
      unitId: w.unitId,
      ruleId: 'rule-1',
      ruleVersion: 1,
      role: w.role ?? 'LEAD',
      categoryId: w.categoryId,
      urgency: 'GENERAL',
      areaType: null,
      dispatchedAt: w.at,
    },
  });

const deadlinesSet = (d: { workOrderId: string; complaintId: string; unitId: string; at: string }) =>
  createEvent(DeadlinesSet, {
    subject: d.complaintId,
    district: '110199',
    actor: 'system:supervision',
    occurredAt: new Date(d.at),
    data: {
      complaintId: d.complaintId,
      workOrderId: d.workOrderId,
      unitId: d.unitId,
      ruleId: 'general-default',
      deadlines: [{ kind: 'CLOSE', dueAt: '2026-04-01T00:00:00.000Z' }],
    },
  });

const unitStats = `query Stats($reps: [_Any!]!, $period: PeriodInput) {
  _entities(representations: $reps) { ... on Unit { id stats(period: $period) { workOrdersReceived byCategory { categoryId count share } deadlinesSet } } }
}`;

const summary = `query Summary($period: PeriodInput, $district: ID) {
  districtSummary(period: $period, district: $district) {
    district complaintsReceived workOrdersDispatched
    byUnit { unit { id } count share }
    byChannel { channel count share }
    byCategory { categoryId category { id } count share }
    topLevel: byCategory(level: 1) { categoryId count share }
    byAreaType { areaType count share }
  }
}`;

// Local days are China Standard Time (UTC+8): 2026-03-10T16:00Z is local midnight of 11 March.
const C1 = newId();
const C2 = newId();
const C3 = newId();
const C4 = newId();
const C5 = newId();

describe('analytics subgraph', () => {
  const bus = createInProcessBus();
  let service: Awaited<ReturnType<typeof startAnalytics>>;

  const publish = (...events: Envelope[]) => bus.publish(events.map(toBusMessage));
  const statsOf = async (
    unitId: string,
    options: { period?: { from: string; to: string }; caller?: ReturnType<typeof testCaller> } = {},
  ) => {
    const res = await postGraphQL(
      service.url,
      { query: unitStats, variables: { reps: [{ __typename: 'Unit', id: unitId }], period: options.period } },
      { caller: options.caller ?? testCaller('analyst') },
    );
    if (res.errors) throw new Error(res.errors[0]!.message);
    return res.data!._entities[0].stats;
  };
  const summaryOf = async (
    variables: { period?: { from: string; to: string }; district?: string } = {},
    caller = testCaller('analyst'),
  ) => {
    const res = await postGraphQL(service.url, { query: summary, variables }, { caller });
    if (res.errors) throw new Error(res.errors[0]!.message);
    return res.data!.districtSummary;
  };

  beforeAll(async () => {
    await bus.start();
    const env = readAnalyticsEnvironment({ ANALYTICS_PORT: '0', DATA_DIR: 'memory://', CALLER_SECRET: TEST_CALLER_SECRET });
    service = await startAnalytics(env, { bus, logger: silentLogger(), now: () => new Date() });
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });

  it("counts a property-fees complaint routed to a street office in that unit's stats", async () => {
    await publish(
      received({
        id: C1,
        categoryId: 'property.fees',
        channel: 'HOTLINE',
        street: '110199-001',
        areaType: 'BUILT_UP',
        at: '2026-03-02T01:00:00.000Z',
      }),
      dispatched({ id: 'wo-1', complaintId: C1, unitId: 'unit-110199-001', categoryId: 'property.fees', at: '2026-03-02T02:00:00.000Z' }),
      deadlinesSet({ workOrderId: 'wo-1', complaintId: C1, unitId: 'unit-110199-001', at: '2026-03-02T02:00:01.000Z' }),
    );
    const stats = await waitFor(async () => {
      const s = await statsOf('unit-110199-001');
      return s.workOrdersReceived === 1 && s.deadlinesSet === 1 && s;
    }, "unit-110199-001's first work order");
    expect(stats).toEqual({ workOrdersReceived: 1, byCategory: [{ categoryId: 'property.fees', count: 1, share: 1 }], deadlinesSet: 1 });
  });

  it('takes events in any order, and counts a redelivered or re-announced fact once', async () => {
    const first = dispatched({
      id: 'wo-2',
      complaintId: C2,
      unitId: 'unit-110199-001',
      categoryId: 'property.fees',
      at: '2026-03-05T04:00:00.000Z',
    });
    // Deadlines before the dispatch, the dispatch before the complaint was received.
    await publish(deadlinesSet({ workOrderId: 'wo-2', complaintId: C2, unitId: 'unit-110199-001', at: '2026-03-05T03:30:00.000Z' }));
    await publish(first);
    await publish(
      received({
        id: C2,
        categoryId: 'property.fees',
        channel: 'WECHAT',
        street: '110199-001',
        areaType: 'BUILT_UP',
        at: '2026-03-05T03:00:00.000Z',
      }),
    );
    await waitFor(async () => (await statsOf('unit-110199-001')).workOrdersReceived === 2, 'the second work order');

    // The same envelope again, then the same deadlines under a new event id; a marker behind them
    // on the same topics and key tells when both were handled.
    await publish(first, deadlinesSet({ workOrderId: 'wo-2', complaintId: C2, unitId: 'unit-110199-001', at: '2026-03-06T00:00:00.000Z' }));
    await publish(
      dispatched({
        id: 'wo-2b',
        complaintId: C2,
        unitId: 'unit-110199-sw',
        role: 'ASSIST',
        categoryId: 'property.fees',
        at: '2026-03-05T05:00:00.000Z',
      }),
      deadlinesSet({ workOrderId: 'wo-2b', complaintId: C2, unitId: 'unit-110199-sw', at: '2026-03-05T05:00:01.000Z' }),
    );
    await waitFor(async () => {
      const s = await statsOf('unit-110199-sw');
      return s.workOrdersReceived === 1 && s.deadlinesSet === 1;
    }, 'the marker work order');
    expect(await statsOf('unit-110199-001')).toEqual({
      workOrdersReceived: 2,
      byCategory: [{ categoryId: 'property.fees', count: 2, share: 1 }],
      deadlinesSet: 2,
    });
  });

  it('breaks a district down by unit, channel, category and kind of area', async () => {
    await publish(
      received({
        id: C3,
        categoryId: 'city-appearance.garbage',
        channel: 'APP',
        street: '110199-003',
        areaType: 'URBAN_RURAL_FRINGE',
        at: '2026-03-10T15:30:00.000Z',
      }),
      dispatched({
        id: 'wo-3',
        complaintId: C3,
        unitId: 'unit-110199-003',
        categoryId: 'city-appearance.garbage',
        at: '2026-03-10T16:30:00.000Z',
      }),
      dispatched({
        id: 'wo-3b',
        complaintId: C3,
        unitId: 'unit-110199-001',
        role: 'ASSIST',
        categoryId: 'city-appearance.garbage',
        at: '2026-03-10T16:30:00.000Z',
      }),
      // Not placed on the map: no street, no kind of area.
      received({ id: C4, categoryId: 'property.repair', channel: 'HOTLINE', street: null, areaType: null, at: '2026-03-20T00:00:00.000Z' }),
      // Another district's complaint and work order.
      received({
        id: C5,
        categoryId: 'property.fees',
        channel: 'HOTLINE',
        street: '110108-001',
        areaType: 'BUILT_UP',
        at: '2026-03-20T00:00:00.000Z',
        district: '110108',
      }),
      dispatched({
        id: 'wo-5',
        complaintId: C5,
        unitId: 'unit-110108-001',
        categoryId: 'property.fees',
        at: '2026-03-20T01:00:00.000Z',
        district: '110108',
      }),
    );
    const result = await waitFor(async () => {
      const s = await summaryOf();
      return s.complaintsReceived === 4 && s.workOrdersDispatched === 5 && s;
    }, 'every complaint and work order of the district');
    expect(result).toEqual({
      district: '110199',
      complaintsReceived: 4,
      workOrdersDispatched: 5,
      byUnit: [
        { unit: { id: 'unit-110199-001' }, count: 3, share: 0.6 },
        { unit: { id: 'unit-110199-003' }, count: 1, share: 0.2 },
        { unit: { id: 'unit-110199-sw' }, count: 1, share: 0.2 },
      ],
      byChannel: [
        { channel: 'HOTLINE', count: 2, share: 0.5 },
        { channel: 'APP', count: 1, share: 0.25 },
        { channel: 'WECHAT', count: 1, share: 0.25 },
      ],
      byCategory: [
        { categoryId: 'property.fees', category: { id: 'property.fees' }, count: 2, share: 0.5 },
        { categoryId: 'city-appearance.garbage', category: { id: 'city-appearance.garbage' }, count: 1, share: 0.25 },
        { categoryId: 'property.repair', category: { id: 'property.repair' }, count: 1, share: 0.25 },
      ],
      topLevel: [
        { categoryId: 'property', count: 3, share: 0.75 },
        { categoryId: 'city-appearance', count: 1, share: 0.25 },
      ],
      byAreaType: [
        { areaType: 'BUILT_UP', count: 2, share: 0.5 },
        { areaType: null, count: 1, share: 0.25 },
        { areaType: 'URBAN_RURAL_FRINGE', count: 1, share: 0.25 },
      ],
    });
    const unit = await statsOf('unit-110199-001');
    expect(unit).toEqual({
      workOrdersReceived: 3,
      byCategory: [
        { categoryId: 'property.fees', count: 2, share: 2 / 3 },
        { categoryId: 'city-appearance.garbage', count: 1, share: 1 / 3 },
      ],
      deadlinesSet: 2,
    });
  });

  it('counts exactly the period asked for, whole days and partial days alike', async () => {
    // Local 10 March, a whole day: C3 was received at 23:30; its work orders came after midnight.
    expect(await summaryOf({ period: { from: '2026-03-09T16:00:00.000Z', to: '2026-03-10T16:00:00.000Z' } })).toMatchObject({
      complaintsReceived: 1,
      workOrdersDispatched: 0,
    });
    // Local 11 March.
    expect(await summaryOf({ period: { from: '2026-03-10T16:00:00.000Z', to: '2026-03-11T16:00:00.000Z' } })).toMatchObject({
      complaintsReceived: 0,
      workOrdersDispatched: 2,
    });
    // From 08:00 local on 2 March to 08:00 local on 20 March: C4 arrived at the very end, which is excluded.
    expect(await summaryOf({ period: { from: '2026-03-02T00:00:00.000Z', to: '2026-03-20T00:00:00.000Z' } })).toMatchObject({
      complaintsReceived: 3,
      workOrdersDispatched: 5,
    });
    expect(await summaryOf({ period: { from: '2026-03-02T00:00:00.000Z', to: '2026-03-20T00:00:00.001Z' } })).toMatchObject({
      complaintsReceived: 4,
    });
    // Partial days at both ends: wo-1 (02:00 on 2 March) is in, wo-2 (04:00 on 5 March) is out; both deadlines
    // are in, wo-2's counted when first set (03:30 on 5 March), not when announced again on 6 March.
    expect(await statsOf('unit-110199-001', { period: { from: '2026-03-02T01:30:00.000Z', to: '2026-03-05T03:59:00.000Z' } })).toEqual({
      workOrdersReceived: 1,
      byCategory: [{ categoryId: 'property.fees', count: 1, share: 1 }],
      deadlinesSet: 2,
    });
    // One hour across local midnight.
    expect(
      await statsOf('unit-110199-003', { period: { from: '2026-03-10T16:00:00.000Z', to: '2026-03-10T17:00:00.000Z' } }),
    ).toMatchObject({ workOrdersReceived: 1 });
    expect(
      await statsOf('unit-110199-003', { period: { from: '2026-03-10T15:00:00.000Z', to: '2026-03-10T16:00:00.000Z' } }),
    ).toMatchObject({ workOrdersReceived: 0, byCategory: [] });
  });

  it("limits figures to the caller's district, except for city callers", async () => {
    expect(await statsOf('unit-110108-001')).toMatchObject({ workOrdersReceived: 0 });
    expect(await statsOf('unit-110108-001', { caller: testCaller('city') })).toMatchObject({ workOrdersReceived: 1 });
    expect(await summaryOf({ district: '110108' }, testCaller('city'))).toMatchObject({
      district: '110108',
      complaintsReceived: 1,
      workOrdersDispatched: 1,
    });
    const res = await postGraphQL(service.url, { query: summary, variables: { district: '110108' } }, { caller: testCaller('analyst') });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('resolves many units in one request', async () => {
    const res = await postGraphQL(
      service.url,
      {
        query: unitStats,
        variables: { reps: ['unit-110199-001', 'unit-110199-003', 'unit-110199-none'].map((id) => ({ __typename: 'Unit', id })) },
      },
      { caller: testCaller('dispatcher') },
    );
    expect(res.errors).toBeUndefined();
    expect(
      res.data!._entities.map((u: { id: string; stats: { workOrdersReceived: number } }) => [u.id, u.stats.workOrdersReceived]),
    ).toEqual([
      ['unit-110199-001', 3],
      ['unit-110199-003', 1],
      ['unit-110199-none', 0],
    ]);
  });

  it("shows a handler their own unit's figures and no other's", async () => {
    const handler = testCaller('handler', { unit: 'unit-110199-001' });
    expect(await statsOf('unit-110199-001', { caller: handler })).toMatchObject({ workOrdersReceived: 3 });
    const res = await postGraphQL(
      service.url,
      { query: unitStats, variables: { reps: [{ __typename: 'Unit', id: 'unit-110199-003' }] } },
      { caller: handler },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it.each([
    ['nobody', null, 'UNAUTHENTICATED'],
    ['a citizen', testCaller('citizen'), 'FORBIDDEN'],
  ] as const)('refuses figures to %s', async (_, caller, code) => {
    const a = await postGraphQL(service.url, { query: summary }, { caller });
    expect(a.errors?.[0]?.extensions?.code).toBe(code);
    const b = await postGraphQL(
      service.url,
      { query: unitStats, variables: { reps: [{ __typename: 'Unit', id: 'unit-110199-001' }] } },
      { caller },
    );
    expect(b.errors?.[0]?.extensions?.code).toBe(code);
  });

  it.each([
    ['a handler', testCaller('handler', { unit: 'unit-110199-001' })],
    ['an agent', testCaller('agent')],
  ])("refuses the district summary to %s, who still sees a unit's figures", async (_, caller) => {
    const res = await postGraphQL(service.url, { query: summary }, { caller });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await statsOf('unit-110199-001', { caller })).toMatchObject({ workOrdersReceived: 3 });
  });

  it.each([
    ['ends before it starts', { from: '2026-03-02T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' }],
    ['is empty', { from: '2026-03-02T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' }],
    ['is longer than 366 days', { from: '2025-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' }],
  ])('rejects a period that %s, naming period.to', async (_, period) => {
    const a = await postGraphQL(service.url, { query: summary, variables: { period } }, { caller: testCaller('analyst') });
    expect(a.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period.to' });
    const b = await postGraphQL(
      service.url,
      { query: unitStats, variables: { reps: [{ __typename: 'Unit', id: 'unit-110199-001' }], period } },
      { caller: testCaller('analyst') },
    );
    expect(b.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period.to' });
  });

  it.each([
    ['a category level other than 1 or 2', '{ districtSummary { byCategory(level: 3) { count } } }', 'level'],
    ['a ranking of no entries', '{ districtSummary { byUnit(first: 0) { count } } }', 'first'],
    ['an empty district', '{ districtSummary(district: " ") { district } }', 'district'],
  ])('rejects %s, naming the field', async (_, query, field) => {
    const res = await postGraphQL(service.url, { query }, { caller: testCaller('analyst') });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses a request that did not come through the gateway', async () => {
    const res = await postGraphQL(service.url, { query: '{ districtSummary { district } }' });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
