import {
  CallbackRecorded,
  CaseExempted,
  CitizenContacted,
  ComplaintReceived,
  ComplaintUpdated,
  createEvent,
  createInProcessBus,
  DeadlinesSet,
  EarlyWarningRaised,
  newId,
  toBusMessage,
  WorkOrderAccepted,
  WorkOrderDispatched,
  type Envelope,
  CALLER_HEADER,
  signCaller,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readAnalyticsEnvironment, startAnalytics } from './index';

const D = '110199';
const common = (complaintId: string, at: string, actor = 'system:test') => ({
  subject: complaintId,
  district: D,
  actor,
  occurredAt: new Date(at),
});
const ref = (w: Order) => ({ workOrderId: w.id, complaintId: w.complaintId, unitId: w.unitId });

interface Order {
  id: string;
  complaintId: string;
  unitId: string;
  street: string;
}

/** A complaint in a street, dispatched to a unit, with a RESPOND limit two hours later (all times UTC; local is +8). */
const opened = (w: Order, at: string): Envelope[] => {
  const due = new Date(Date.parse(at) + 2 * 3600_000).toISOString();
  return [
    createEvent(ComplaintReceived, {
      ...common(w.complaintId, at, 'agent-1'),
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
      ...common(w.complaintId, at, 'dispatcher-1'),
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
      ...common(w.complaintId, at),
      data: {
        ...ref(w),
        ruleId: 'general',
        deadlines: [
          { kind: 'RESPOND', dueAt: due },
          { kind: 'CLOSE', dueAt: new Date(Date.parse(at) + 7 * 86400_000).toISOString() },
        ],
      },
    }),
  ];
};
const accepted = (w: Order, at: string) =>
  createEvent(WorkOrderAccepted, { ...common(w.complaintId, at), data: { ...ref(w), acceptedAt: at } });
const contacted = (w: Order, at: string) =>
  createEvent(CitizenContacted, { ...common(w.complaintId, at), data: { ...ref(w), contactedAt: at } });
const callback = (
  w: Order,
  at: string,
  solved: boolean | null,
  rating: 'SATISFIED' | 'BASICALLY_SATISFIED' | 'NO_COMMENT' | 'DISSATISFIED',
) =>
  createEvent(CallbackRecorded, {
    ...common(w.complaintId, at),
    data: { ...ref(w), callbackId: newId(), contacted: true, solved, rating, recordedAt: at },
  });
const exempted = (w: Order, at: string) =>
  createEvent(CaseExempted, {
    ...common(w.complaintId, at),
    data: { ...ref(w), reason: 'unreasonable demand', approvedBy: 'supervisor-1', exemptedAt: at },
  });

const ratesQuery = `query Rates($scope: RateScopeInput, $period: RatePeriodInput!) {
  rates(scope: $scope, period: $period) {
    unit { id } streetId district period { kind firstDay lastDay }
    rates {
      response { numerator denominator value display }
      resolution { numerator denominator value display }
      satisfaction { numerator denominator value display }
      composite compositeDisplay
      counts { responseDue responseOnTime solvedAnswered solvedYes satisfied basicallySatisfied noComment dissatisfied }
    }
  }
}`;
const rankingQuery = `query Ranking($group: RankingGroup!, $period: RatePeriodInput!, $district: ID) {
  ranking(group: $group, period: $period, district: $district) {
    group district period { firstDay lastDay } previousPeriod { firstDay lastDay }
    entries { rank previousRank change unit { id } district classes lastThreePeriodsInARow rates { composite } }
  }
}`;
const MARCH = { kind: 'MONTH', day: '2026-03-01' };

// Streets: 安华 (001) handled by its street office, 和平 (002) by its own.
const order = (unitSuffix: string): Order => ({
  id: `wo-${newId()}`,
  complaintId: newId(),
  unitId: `unit-110199-${unitSuffix}`,
  street: `110199-${unitSuffix}`,
});
const a1 = order('001');
const a2 = order('001');
const a3 = order('001');
const a4 = order('001');
const h1 = order('002');
const h2 = order('002');

describe('the three rates and rankings', () => {
  const bus = createInProcessBus();
  let service: Awaited<ReturnType<typeof startAnalytics>>;
  const publish = (...events: Envelope[]) => bus.publish(events.map(toBusMessage));
  const gql = async (
    query: string,
    variables: Record<string, unknown>,
    caller: ReturnType<typeof testCaller> | null = testCaller('analyst'),
  ) => postGraphQL(service.url, { query, variables }, { caller });
  const ratesOf = async (scope: Record<string, string> | null, period: Record<string, string> = MARCH) => {
    const res = await gql(ratesQuery, { scope, period });
    if (res.errors) throw new Error(res.errors[0]!.message);
    return res.data!.rates;
  };

  beforeAll(async () => {
    await bus.start();
    const env = readAnalyticsEnvironment({
      ANALYTICS_PORT: '0',
      DATA_DIR: 'memory://',
      CALLER_SECRET: TEST_CALLER_SECRET,
      DEMO_DATA: 'true',
    });
    service = await startAnalytics(env, { bus, logger: silentLogger(), now: () => new Date('2026-04-02T00:00:00.000Z') });
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });

  it('computes hand-checked rates for a unit from every kind of event, exempted cases left out', async () => {
    await publish(
      // a1: accepted in time, solved, satisfied.
      ...opened(a1, '2026-03-02T01:00:00.000Z'),
      accepted(a1, '2026-03-02T01:30:00.000Z'),
      callback(a1, '2026-03-06T02:00:00.000Z', true, 'SATISFIED'),
      // a2: accepted late, but the citizen was contacted in time; not solved, basically satisfied.
      ...opened(a2, '2026-03-03T01:00:00.000Z'),
      accepted(a2, '2026-03-03T05:00:00.000Z'),
      contacted(a2, '2026-03-03T02:59:00.000Z'),
      callback(a2, '2026-03-07T02:00:00.000Z', false, 'BASICALLY_SATISFIED'),
      // a3: never responded to; the callback did not ask whether it was solved, no comment.
      ...opened(a3, '2026-03-04T01:00:00.000Z'),
      callback(a3, '2026-03-08T02:00:00.000Z', null, 'NO_COMMENT'),
    );
    // a4: the callback and exemption arrive before the case itself; it must count nowhere.
    await publish(callback(a4, '2026-03-09T02:00:00.000Z', false, 'DISSATISFIED'), exempted(a4, '2026-03-09T03:00:00.000Z'));
    await publish(...opened(a4, '2026-03-05T01:00:00.000Z'));
    const unit = await waitFor(async () => {
      const r = await ratesOf({ unitId: 'unit-110199-001' });
      return r.rates.counts.responseDue === 3 && r.rates.counts.noComment === 1 && r;
    }, "unit-110199-001's March");
    expect(unit).toEqual({
      unit: { id: 'unit-110199-001' },
      streetId: null,
      district: null,
      period: { kind: 'MONTH', firstDay: '2026-03-01', lastDay: '2026-03-31' },
      rates: {
        response: { numerator: 2, denominator: 3, value: 2 / 3, display: '66.7%' },
        resolution: { numerator: 1, denominator: 2, value: 0.5, display: '50.0%' },
        satisfaction: { numerator: 1.8, denominator: 2, value: 0.9, display: '90.0%' },
        // 0.2 × 2/3 + 0.4 × 0.5 + 0.4 × 0.9 = 0.13333 + 0.2 + 0.36 = 0.69333
        composite: expect.closeTo(0.2 * (2 / 3) + 0.2 + 0.36, 12),
        compositeDisplay: '69.3%',
        counts: {
          responseDue: 3,
          responseOnTime: 2,
          solvedAnswered: 2,
          solvedYes: 1,
          satisfied: 1,
          basicallySatisfied: 1,
          noComment: 1,
          dissatisfied: 0,
        },
      },
    });
  });

  it('gives the same rates for the street, and the district adds the other street', async () => {
    await publish(
      ...opened(h1, '2026-03-10T01:00:00.000Z'),
      accepted(h1, '2026-03-10T01:10:00.000Z'),
      callback(h1, '2026-03-12T02:00:00.000Z', true, 'SATISFIED'),
    );
    await publish(
      ...opened(h2, '2026-03-11T01:00:00.000Z'),
      accepted(h2, '2026-03-11T01:10:00.000Z'),
      callback(h2, '2026-03-13T02:00:00.000Z', true, 'SATISFIED'),
    );
    const street = await ratesOf({ streetId: '110199-001' });
    expect(street.streetId).toBe('110199-001');
    expect(street.rates.counts).toEqual((await ratesOf({ unitId: 'unit-110199-001' })).rates.counts);
    const district = await waitFor(async () => {
      const r = await ratesOf(null);
      return r.rates.counts.responseDue === 5 && r.rates.counts.satisfied === 3 && r;
    }, 'the district');
    expect(district.district).toBe(D);
    expect(district.rates.response).toEqual({ numerator: 4, denominator: 5, value: 0.8, display: '80.0%' });
    // Only the days asked for: 2–3 March local hold a1's and a2's response limits.
    expect(
      (await ratesOf({ unitId: 'unit-110199-001' }, { kind: 'CUSTOM', day: '2026-03-02', lastDay: '2026-03-03' })).rates.counts.responseDue,
    ).toBe(2);
    expect((await ratesOf({ unitId: 'unit-110199-001' }, { kind: 'DAY', day: '2026-03-04' })).rates.response).toEqual({
      numerator: 0,
      denominator: 1,
      value: 0,
      display: '0.0%',
    });
  });

  it('breaks complaints down by hour and weekday, and the rates by category and month', async () => {
    const summary = await gql(
      `query { districtSummary(period: { from: "2026-02-28T16:00:00Z", to: "2026-03-31T16:00:00Z" }) { byHour { hour count share } byWeekday { weekday count share } } }`,
      {},
    );
    expect(summary.errors).toBeUndefined();
    const { byHour, byWeekday } = summary.data!.districtSummary;
    expect(byHour).toHaveLength(24);
    // Every case came in at 01:00 UTC, 09:00 local.
    expect(byHour[9]).toEqual({ hour: 9, count: 6, share: 1 });
    expect(byWeekday.map((w: { weekday: string; count: number }) => [w.weekday, w.count])).toEqual([
      ['MONDAY', 1],
      ['TUESDAY', 2],
      ['WEDNESDAY', 2],
      ['THURSDAY', 1],
      ['FRIDAY', 0],
      ['SATURDAY', 0],
      ['SUNDAY', 0],
    ]);
    const byCategory = await gql(
      `query($p: RatePeriodInput!) { categoryRates(period: $p) { categoryId category { id } rates { satisfaction { numerator denominator } } } top: categoryRates(period: $p, level: 1) { categoryId } }`,
      { p: MARCH },
    );
    expect(byCategory.data).toEqual({
      categoryRates: [
        { categoryId: 'property.fees', category: { id: 'property.fees' }, rates: { satisfaction: { numerator: 3.8, denominator: 4 } } },
      ],
      top: [{ categoryId: 'property' }],
    });
    const trend = await gql(
      `query { trend(lastMonth: "2026-03", months: 2) { month volume rates { response { numerator denominator } composite } } }`,
      {},
    );
    expect(trend.data!.trend).toEqual([
      { month: '2026-02', volume: 0, rates: { response: { numerator: 0, denominator: 0 }, composite: null } },
      { month: '2026-03', volume: 6, rates: { response: { numerator: 4, denominator: 5 }, composite: expect.any(Number) } },
    ]);
    const bad = await gql(`query { trend(lastMonth: "2026-13") { month } }`, {});
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'lastMonth' } });
  });

  it('maps located complaints on hexagons, following a corrected location', async () => {
    const id = newId();
    const at = '2026-03-15T02:00:00.000Z';
    await publish(
      createEvent(ComplaintReceived, {
        ...common(id, at, 'agent-1'),
        data: {
          complaintId: id,
          channel: 'APP',
          categoryId: 'noise.night',
          type: 'COMPLAINT',
          urgency: 'GENERAL',
          region: { district: D, street: '110199-003', community: null, grid: null },
          areaType: 'URBAN_RURAL_FRINGE',
          location: { lat: 39.9, lng: 116.45 },
          receivedAt: at,
        },
      }),
    );
    const mapOf = async (categoryId: string | null) => {
      const res = await gql(
        `query($p: RatePeriodInput!, $c: ID) { hotSpots(period: $p, categoryId: $c) { district resolution categoryId cellCount geoJson } }`,
        { p: MARCH, c: categoryId },
      );
      if (res.errors) throw new Error(res.errors[0]!.message);
      return res.data!.hotSpots;
    };
    const first = await waitFor(async () => {
      const m = await mapOf('noise');
      return m.cellCount === 1 && m;
    }, 'the located complaint');
    const features = JSON.parse(first.geoJson).features;
    expect(features[0].properties).toMatchObject({ count: 1, share: 1 });
    await publish(
      createEvent(ComplaintUpdated, {
        ...common(id, '2026-03-15T03:00:00.000Z', 'agent-1'),
        data: { complaintId: id, location: { lat: 39.95, lng: 116.3 }, updatedAt: '2026-03-15T03:00:00.000Z' },
      }),
    );
    const moved = await waitFor(async () => {
      const m = await mapOf(null);
      const f = JSON.parse(m.geoJson).features;
      return f.length === 1 && f[0].id !== features[0].id && m;
    }, 'the corrected location');
    expect(moved.cellCount).toBe(1);
    expect((await mapOf('property')).cellCount).toBe(0);
    const bad = await gql(`query($p: RatePeriodInput!) { hotSpots(period: $p, resolution: 9) { cellCount } }`, { p: MARCH });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'resolution' } });
  });

  it('ranks streets and towns by composite score with the change and classes', async () => {
    const res = await gql(rankingQuery, { group: 'STREETS_AND_TOWNS', period: MARCH });
    expect(res.errors).toBeUndefined();
    expect(res.data!.ranking).toEqual({
      group: 'STREETS_AND_TOWNS',
      district: D,
      period: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
      previousPeriod: { firstDay: '2026-02-01', lastDay: '2026-02-28' },
      entries: [
        {
          rank: 1,
          previousRank: null,
          change: null,
          unit: { id: 'unit-110199-002' },
          district: null,
          classes: ['ADVANCED'],
          lastThreePeriodsInARow: false,
          rates: { composite: 1 },
        },
        {
          rank: 2,
          previousRank: null,
          change: null,
          unit: { id: 'unit-110199-001' },
          district: null,
          classes: ['MUST_RECTIFY'],
          lastThreePeriodsInARow: false,
          rates: { composite: expect.closeTo(0.69333, 4) },
        },
      ],
    });
    const departments = await gql(rankingQuery, { group: 'DEPARTMENTS', period: MARCH });
    expect(departments.data!.ranking.entries).toEqual([]);
  });

  it('ranks districts for city callers only', async () => {
    const city = await gql(rankingQuery, { group: 'DISTRICTS', period: MARCH }, testCaller('analyst', { roles: ['analyst', 'city'] }));
    expect(city.data!.ranking.entries).toEqual([expect.objectContaining({ rank: 1, unit: null, district: D })]);
    const local = await gql(rankingQuery, { group: 'DISTRICTS', period: MARCH });
    expect(local.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'group' } });
  });

  it('refuses bad input, wrong roles and anonymous callers', async () => {
    const custom = await gql(ratesQuery, { period: { kind: 'CUSTOM', day: '2026-03-01' } });
    expect(custom.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'period.lastDay' } });
    const twoScopes = await gql(ratesQuery, { scope: { unitId: 'unit-110199-001', streetId: '110199-001' }, period: MARCH });
    expect(twoScopes.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const other = await gql(ratesQuery, { scope: { district: '110108' }, period: MARCH });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(ratesQuery, { period: MARCH }, testCaller('citizen'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(ratesQuery, { period: MARCH }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const rebuild = await gql('mutation { rebuildReadModels { generation } }', {}, testCaller('analyst'));
    expect(rebuild.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("profiles a unit's month in the graph and as a printable page", async () => {
    await publish(callback(a2, '2026-03-20T02:00:00.000Z', false, 'DISSATISFIED'));
    const profileQuery = `query($u: ID!, $m: String!, $after: String) { unitProfile(unitId: $u, month: $m) {
      unit { id } unitName month period { firstDay lastDay } previousPeriod { firstDay } volume previousVolume volumeGrowth
      structure { categoryId count previousCount share growth } hotIssues { categoryId category { id } count }
      rates { satisfaction { numerator denominator } } previousRates { composite }
      unsatisfiedCases(first: 1, after: $after) { edges { cursor node { complaint { id } workOrderId categoryId solved recordedAt } } pageInfo { hasNextPage endCursor } }
      reportPath } }`;
    const profile = await waitFor(async () => {
      const res = await gql(profileQuery, { u: 'unit-110199-001', m: '2026-03' });
      if (res.errors) throw new Error(res.errors[0]!.message);
      return res.data!.unitProfile.unsatisfiedCases.edges.length === 1 && res.data!.unitProfile;
    }, 'the dissatisfied callback');
    expect(profile).toEqual({
      unit: { id: 'unit-110199-001' },
      unitName: '安华街道办事处',
      month: '2026-03',
      period: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
      previousPeriod: { firstDay: '2026-02-01' },
      volume: 4,
      previousVolume: 0,
      volumeGrowth: null,
      structure: [{ categoryId: 'property', count: 4, previousCount: 0, share: 1, growth: null }],
      hotIssues: [{ categoryId: 'property.fees', category: { id: 'property.fees' }, count: 4 }],
      // a1 satisfied, a2 basically satisfied then dissatisfied; a4's dissatisfaction is exempted.
      rates: { satisfaction: { numerator: 1.8, denominator: 3 } },
      previousRates: { composite: null },
      // Only a2's dissatisfied callback: a4 is exempted.
      unsatisfiedCases: {
        edges: [
          {
            cursor: expect.any(String),
            node: {
              complaint: { id: a2.complaintId },
              workOrderId: a2.id,
              categoryId: 'property.fees',
              solved: false,
              recordedAt: '2026-03-20T02:00:00.000Z',
            },
          },
        ],
        pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
      },
      reportPath: '/reports/units/unit-110199-001/2026-03.html',
    });
    const handler = await gql(profileQuery, { u: 'unit-110199-002', m: '2026-03' }, testCaller('handler', { unit: 'unit-110199-001' }));
    expect(handler.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badMonth = await gql(profileQuery, { u: 'unit-110199-001', m: '2026-3' });
    expect(badMonth.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'month' } });

    const page = async (caller: ReturnType<typeof testCaller> | null | undefined) =>
      fetch(new URL(profile.reportPath, service.url), {
        headers: caller === undefined ? {} : { [CALLER_HEADER]: await signCaller(caller, TEST_CALLER_SECRET) },
      });
    const report = await page(testCaller('handler', { unit: 'unit-110199-001' }));
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await report.text();
    expect(html).toContain('安华街道办事处 · 民意诉求档案');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain(a2.complaintId);
    expect((await page(null)).status).toBe(401);
    // Not signed by the gateway at all.
    expect((await page(undefined)).status).toBe(403);
    expect((await page(testCaller('citizen'))).status).toBe(403);
  });

  it('changes nothing when an event is delivered again', async () => {
    const before = await ratesOf(null);
    const again = accepted(a3, '2026-03-04T01:30:00.000Z');
    await publish(again, again);
    await waitFor(
      async () => (await ratesOf(null)).rates.counts.responseOnTime === before.rates.counts.responseOnTime + 1,
      'the late acceptance',
    );
    await publish(again, ...opened(h1, '2026-03-10T01:00:00.000Z'));
    // A marker behind the redelivery on the same key: h1 opened again under new ids changes nothing either.
    const marker = order('003');
    await publish(...opened(marker, '2026-03-20T01:00:00.000Z'));
    await waitFor(async () => (await ratesOf({ unitId: marker.unitId })).rates.counts.responseDue === 1, 'the marker');
    expect((await ratesOf(null)).rates.counts).toEqual({
      ...before.rates.counts,
      responseOnTime: before.rates.counts.responseOnTime + 1,
      responseDue: before.rates.counts.responseDue + 1,
    });
  });

  it('raises an early warning once when a category rises abnormally in a street, and proposes it as a monthly topic', async () => {
    const raised: Envelope[] = [];
    await bus.subscribe({
      groupId: 'test-warnings',
      topics: [EarlyWarningRaised.topic],
      handle: async (m) => void raised.push(JSON.parse(m.value)),
    });
    const rural = (at: string) => {
      const id = newId();
      return createEvent(ComplaintReceived, {
        ...common(id, at, 'agent-1'),
        data: {
          complaintId: id,
          channel: 'HOTLINE',
          categoryId: 'rural.roads',
          type: 'COMPLAINT',
          urgency: 'GENERAL',
          region: { district: D, street: '110199-004', community: null, grid: null },
          areaType: 'RURAL',
          location: null,
          receivedAt: at,
        },
      });
    };
    // One a week for the eight weeks before (history, not live), then six on 1 April local (live: now is 2 April).
    const history = ['02-04', '02-11', '02-18', '02-25', '03-04', '03-11', '03-18', '03-25'].map((d) => rural(`2026-${d}T02:00:00.000Z`));
    await publish(...history);
    await publish(...Array.from({ length: 6 }, () => rural('2026-04-01T02:00:00.000Z')));
    const listQuery = `query { earlyWarnings(first: 10) { edges { node { id streetId categoryId windowFirstDay windowLastDay observed expected score tailProbability } } pageInfo { hasNextPage } } }`;
    const list = await waitFor(async () => {
      const res = await gql(listQuery, {});
      return res.data!.earlyWarnings.edges.length === 1 && res.data!.earlyWarnings;
    }, 'the early warning');
    expect(list.edges[0].node).toEqual({
      id: expect.any(String),
      streetId: '110199-004',
      categoryId: 'rural.roads',
      windowFirstDay: '2026-03-26',
      windowLastDay: '2026-04-01',
      observed: 6,
      expected: 1,
      score: 5,
      tailProbability: expect.closeTo(0.000594184, 8),
    });
    const event = await waitFor(() => raised[0], 'EarlyWarningRaised on the bus');
    expect(event).toMatchObject({
      type: 'analytics.early-warning.raised',
      district: D,
      data: {
        warningId: list.edges[0].node.id,
        categoryId: 'rural.roads',
        areaId: '110199-004',
        observed: 6,
        expected: 1,
        windowStart: '2026-03-25T16:00:00.000Z',
        windowEnd: '2026-04-01T16:00:00.000Z',
      },
    });
    // A seventh the same day: the window is already warned about.
    const seventh = rural('2026-04-01T03:00:00.000Z');
    await publish(seventh);
    await waitFor(
      async () =>
        (await ratesOf(null, { kind: 'DAY', day: '2026-04-01' })) &&
        (
          await gql(
            `query { districtSummary(period: { from: "2026-03-31T16:00:00Z", to: "2026-04-01T16:00:00Z" }) { complaintsReceived } }`,
            {},
          )
        ).data!.districtSummary.complaintsReceived === 7,
      'the seventh',
    );
    expect((await gql(listQuery, {})).data!.earlyWarnings.edges).toHaveLength(1);

    const topics = await gql(
      `query { monthlyTopics(month: "2026-04") { categoryId category { id } streetId volume previousVolume growth repeatRate satisfaction score reasons } }`,
      {},
    );
    expect(topics.data!.monthlyTopics).toEqual([
      {
        categoryId: 'rural.roads',
        category: { id: 'rural.roads' },
        streetId: '110199-004',
        volume: 7,
        previousVolume: 4,
        growth: 0.75,
        repeatRate: 0,
        satisfaction: null,
        score: 1,
        reasons: ['HIGH_VOLUME', 'RISING'],
      },
    ]);
  });

  it('moves a corrected complaint between categories and streets, its work order with it', async () => {
    const streetCounts = async (streetId: string) => (await ratesOf({ streetId })).rates.counts.responseDue;
    // Local 4 March: a3 and one complaint of the rural history.
    const categories = async () =>
      (
        await gql(
          `query { districtSummary(period: { from: "2026-03-03T16:00:00Z", to: "2026-03-04T16:00:00Z" }) { byCategory { categoryId count } } }`,
          {},
        )
      ).data!.districtSummary.byCategory.filter((c: { categoryId: string }) => c.categoryId.startsWith('property'));
    const [before001, before002] = [await streetCounts('110199-001'), await streetCounts('110199-002')];
    expect(await categories()).toEqual([{ categoryId: 'property.fees', count: 1 }]);
    await publish(
      createEvent(ComplaintUpdated, {
        ...common(a3.complaintId, '2026-03-04T05:00:00.000Z', 'agent-1'),
        data: {
          complaintId: a3.complaintId,
          categoryId: 'property.repair',
          region: { district: D, street: '110199-002', community: null, grid: null },
          updatedAt: '2026-03-04T05:00:00.000Z',
        },
      }),
    );
    await waitFor(async () => (await streetCounts('110199-002')) === before002 + 1, 'the moved work order');
    expect(await streetCounts('110199-001')).toBe(before001 - 1);
    expect(await categories()).toEqual([{ categoryId: 'property.repair', count: 1 }]);
  });

  it('rebuilds every read model from scratch by replay, with the same results', async () => {
    const before = {
      district: await ratesOf(null),
      unit: await ratesOf({ unitId: 'unit-110199-001' }),
      ranking: (await gql(rankingQuery, { group: 'STREETS_AND_TOWNS', period: MARCH })).data,
    };
    const rebuilt = await gql('mutation { rebuildReadModels { generation consumerGroup startedAt } }', {}, testCaller('admin'));
    expect(rebuilt.data!.rebuildReadModels).toEqual({
      generation: 2,
      consumerGroup: 'analytics-g2',
      startedAt: '2026-04-02T00:00:00.000Z',
    });
    await waitFor(async () => JSON.stringify(await ratesOf(null)) === JSON.stringify(before.district), 'the replay');
    expect(await ratesOf({ unitId: 'unit-110199-001' })).toEqual(before.unit);
    expect((await gql(rankingQuery, { group: 'STREETS_AND_TOWNS', period: MARCH })).data).toEqual(before.ranking);
    // The replay judged the live complaints again, but the warning they raised is not raised twice.
    expect((await gql(`query { earlyWarnings { edges { node { id } } } }`, {})).data!.earlyWarnings.edges).toHaveLength(1);
  });
});
