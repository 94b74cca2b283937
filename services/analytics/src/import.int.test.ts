import {
  CallbackRecorded,
  ComplaintReceived,
  createEvent,
  createInProcessBus,
  DeadlinesSet,
  toBusMessage,
  WorkOrderAccepted,
  WorkOrderDispatched,
  type Envelope,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readAnalyticsEnvironment, startAnalytics } from './index';

const header =
  'caseId,district,streetId,categoryId,channel,urgency,areaType,lat,lng,receivedAt,unitId,dispatchedAt,respondDueAt,respondedAt,closedAt,callbackAt,solved,rating,exempted';
/** January 2026 in the legacy system: three cases of 东坝镇, one of them exempted, and two bad rows. */
const file = [
  header,
  'J1,110199,110199-003,property.fees,HOTLINE,,URBAN_RURAL_FRINGE,39.95,116.55,2026-01-05T01:00:00Z,unit-110199-003,2026-01-05T02:00:00Z,2026-01-05T03:00:00Z,2026-01-05T02:30:00Z,2026-01-08T00:00:00Z,2026-01-09T00:00:00Z,yes,SATISFIED,',
  'J2,110199,110199-003,property.fees,WEB,,URBAN_RURAL_FRINGE,,,2026-01-06T01:00:00Z,unit-110199-003,2026-01-06T02:00:00Z,2026-01-06T03:00:00Z,2026-01-06T04:00:00Z,2026-01-09T00:00:00Z,2026-01-10T00:00:00Z,no,BASICALLY_SATISFIED,',
  'J3,110199,110199-003,noise,HOTLINE,,URBAN_RURAL_FRINGE,,,2026-01-07T01:00:00Z,unit-110199-003,2026-01-07T02:00:00Z,2026-01-07T03:00:00Z,,,2026-01-11T00:00:00Z,no,DISSATISFIED,yes',
  'J4,110199,110199-003,noise,PIGEON,,,,,2026-01-07T01:00:00Z,,,,,,,,,',
  'J5,110199,110199-003,noise,HOTLINE,,,,,2026-01-07T01:00:00Z,unit-110199-003,,,,,,,,',
].join('\n');

const JANUARY = { kind: 'MONTH', day: '2026-01-01' };
const ratesQuery = `query($scope: RateScopeInput, $period: RatePeriodInput!) { rates(scope: $scope, period: $period) { rates {
  response { numerator denominator } resolution { numerator denominator } satisfaction { numerator denominator } composite
  counts { responseDue responseOnTime solvedAnswered solvedYes satisfied basicallySatisfied noComment dissatisfied } } } }`;
const importMutation = `mutation($format: ImportFormat!, $content: String!, $source: String!) { importLegacyCases(format: $format, content: $content, source: $source) { source rows imported problems { line field message } } }`;

describe('importing historical cases', () => {
  const bus = createInProcessBus();
  let service: Awaited<ReturnType<typeof startAnalytics>>;
  const gql = (query: string, variables: Record<string, unknown>, caller = testCaller('admin')) =>
    postGraphQL(service.url, { query, variables }, { caller });
  const ratesOf = async (unitId: string) =>
    (await gql(ratesQuery, { scope: { unitId }, period: JANUARY }, testCaller('analyst'))).data!.rates.rates;

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

  it('imports the good rows in one go, reports the bad ones by line, and assesses January from them', async () => {
    const res = await gql(importMutation, { format: 'CSV', content: file, source: 'legacy-2026-01.csv' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importLegacyCases).toEqual({
      source: 'legacy-2026-01.csv',
      rows: 5,
      imported: 3,
      problems: [
        { line: 5, field: 'channel', message: expect.any(String) },
        { line: 6, field: 'dispatchedAt', message: 'is required when unitId is given' },
      ],
    });
    // J1 on time, solved, satisfied; J2 late, unsolved, basically satisfied; J3 exempted.
    expect(await ratesOf('unit-110199-003')).toEqual({
      response: { numerator: 1, denominator: 2 },
      resolution: { numerator: 1, denominator: 2 },
      satisfaction: { numerator: 1.8, denominator: 2 },
      composite: expect.closeTo(0.2 * 0.5 + 0.4 * 0.5 + 0.4 * 0.9, 12),
      counts: {
        responseDue: 2,
        responseOnTime: 1,
        solvedAnswered: 2,
        solvedYes: 1,
        satisfied: 1,
        basicallySatisfied: 1,
        noComment: 0,
        dissatisfied: 0,
      },
    });
    const summary = await gql(
      `query { districtSummary(period: { from: "2025-12-31T16:00:00Z", to: "2026-01-31T16:00:00Z" }) { complaintsReceived byChannel { channel count } } }`,
      {},
      testCaller('analyst'),
    );
    expect(summary.data!.districtSummary).toEqual({
      complaintsReceived: 3,
      byChannel: [
        { channel: 'HOTLINE', count: 2 },
        { channel: 'WEB', count: 1 },
      ],
    });
  });

  it('assesses an imported case exactly like the same case lived through events', async () => {
    const id = 'live-J1';
    const ref = { workOrderId: `wo-${id}`, complaintId: id, unitId: 'unit-110199-004' };
    const at = (iso: string) => ({ subject: id, district: '110199', actor: 'test', occurredAt: new Date(iso) });
    const events: Envelope[] = [
      createEvent(ComplaintReceived, {
        ...at('2026-01-05T01:00:00Z'),
        data: {
          complaintId: id,
          channel: 'HOTLINE',
          categoryId: 'property.fees',
          type: 'COMPLAINT',
          urgency: 'GENERAL',
          region: { district: '110199', street: '110199-004', community: null, grid: null },
          areaType: 'RURAL',
          location: null,
          receivedAt: '2026-01-05T01:00:00Z',
        },
      }),
      createEvent(WorkOrderDispatched, {
        ...at('2026-01-05T02:00:00Z'),
        data: {
          ...ref,
          ruleId: null,
          ruleVersion: null,
          role: 'LEAD',
          categoryId: 'property.fees',
          urgency: 'GENERAL',
          areaType: 'RURAL',
          dispatchedAt: '2026-01-05T02:00:00Z',
        },
      }),
      createEvent(DeadlinesSet, {
        ...at('2026-01-05T02:00:00Z'),
        data: { ...ref, ruleId: 'r', deadlines: [{ kind: 'RESPOND', dueAt: '2026-01-05T03:00:00Z' }] },
      }),
      createEvent(WorkOrderAccepted, { ...at('2026-01-05T02:30:00Z'), data: { ...ref, acceptedAt: '2026-01-05T02:30:00Z' } }),
      createEvent(CallbackRecorded, {
        ...at('2026-01-09T00:00:00Z'),
        data: { ...ref, callbackId: 'cb-live-J1', contacted: true, solved: true, rating: 'SATISFIED', recordedAt: '2026-01-09T00:00:00Z' },
      }),
    ];
    await bus.publish(events.map(toBusMessage));
    const live = await waitFor(async () => {
      const r = await ratesOf('unit-110199-004');
      return r.counts.satisfied === 1 && r;
    }, 'the live case');
    const imported = await gql(importMutation, {
      format: 'NDJSON',
      content: JSON.stringify({
        caseId: 'J1-twin',
        district: '110199',
        streetId: '110199-002',
        categoryId: 'property.fees',
        channel: 'HOTLINE',
        receivedAt: '2026-01-05T01:00:00Z',
        unitId: 'unit-110199-002',
        dispatchedAt: '2026-01-05T02:00:00Z',
        respondDueAt: '2026-01-05T03:00:00Z',
        respondedAt: '2026-01-05T02:30:00Z',
        callbackAt: '2026-01-09T00:00:00Z',
        solved: 'yes',
        rating: 'SATISFIED',
      }),
      source: 'twin.ndjson',
    });
    expect(imported.data!.importLegacyCases).toMatchObject({ imported: 1, problems: [] });
    expect(await ratesOf('unit-110199-002')).toEqual(live);
  });

  it('changes nothing when the same file is imported again, and keeps imported history through a rebuild', async () => {
    const before = await ratesOf('unit-110199-003');
    expect((await gql(importMutation, { format: 'CSV', content: file, source: 'again.csv' })).data!.importLegacyCases.imported).toBe(3);
    expect(await ratesOf('unit-110199-003')).toEqual(before);
    const rebuilt = await gql('mutation { rebuildReadModels { generation } }', {});
    expect(rebuilt.data!.rebuildReadModels.generation).toBe(2);
    await waitFor(async () => (await ratesOf('unit-110199-004')).counts.satisfied === 1, 'the replay of the live case');
    expect(await ratesOf('unit-110199-003')).toEqual(before);
  });

  it('lets admins only import, and refuses an empty file naming the field', async () => {
    expect(
      (await gql(importMutation, { format: 'CSV', content: file, source: 'x' }, testCaller('analyst'))).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await gql(importMutation, { format: 'CSV', content: '', source: 'x' })).errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'content' },
    });
  });
});
