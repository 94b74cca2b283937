import {
  createEvent,
  createInProcessBus,
  DeadlinesSet,
  newId,
  parseEnvelope,
  toBusMessage,
  WorkOrderDispatched,
  type DeliveredMessage,
  type EventOf,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import type { z } from 'zod';
import { readSupervisionEnvironment, startSupervision } from './index';

const minutes = (n: number) => n * 60_000;
const hours = (n: number) => minutes(n * 60);
const days = (n: number) => hours(n * 24);

/** Dispatch time of the cases below: 09:30 in Beijing on a Monday. */
const T = new Date('2026-03-02T01:30:00.000Z');
const at = (offset: number) => new Date(T.getTime() + offset).toISOString();

type Dispatch = z.infer<(typeof WorkOrderDispatched)['data']>;

const dispatch = (overrides: Partial<Dispatch>): Dispatch => ({
  workOrderId: newId(),
  complaintId: newId(),
  unitId: 'unit-110199-001',
  ruleId: null,
  ruleVersion: null,
  role: 'LEAD',
  categoryId: 'property.fees',
  urgency: 'GENERAL',
  areaType: 'BUILT_UP',
  dispatchedAt: T.toISOString(),
  ...overrides,
});

const dispatched = (data: Dispatch, district = '110199') =>
  createEvent(WorkOrderDispatched, { subject: data.complaintId, district, actor: 'dispatcher-1', occurredAt: T, data });

const entities = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Complaint { id overdue deadlines { kind dueAt state workOrderId ruleId timeLeftMinutes unit { id } complaint { id } } }
  }
}`;

const atRisk = `query($unitId: ID!, $first: Int, $after: String) {
  atRisk(unitId: $unitId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { kind dueAt workOrderId timeLeftMinutes complaint { id } } }
  }
}`;

describe('supervision subgraph', () => {
  const bus = createInProcessBus();
  const announced: DeliveredMessage[] = [];
  /** The injected clock: tests move it; every request reads it once. */
  let clock = new Date(T.getTime() + minutes(1));
  let service: Awaited<ReturnType<typeof startSupervision>>;

  const urgentWater = dispatch({ unitId: 'unit-110199-sw', categoryId: 'utilities.water', urgency: 'URGENT' });
  const generalFees = dispatch({ unitId: 'unit-110199-001', categoryId: 'property.fees', urgency: 'GENERAL' });
  const urgentWaterEvent = dispatched(urgentWater);

  const publish = (...events: Array<EventOf<typeof WorkOrderDispatched>>) => bus.publish(events.map(toBusMessage));

  const complaint = async (id: string, caller = testCaller('supervisor')) => {
    const res = await postGraphQL(
      service.url,
      { query: entities, variables: { representations: [{ __typename: 'Complaint', id }] } },
      { caller },
    );
    expect(res.errors).toBeUndefined();
    return res.data!._entities[0] as null | { id: string; overdue: boolean; deadlines: Array<Record<string, any>> };
  };

  /** Waits until the complaint shows `count` deadlines: the consumer has committed them. */
  const deadlinesOf = (id: string, count = 4) =>
    waitFor(async () => {
      const c = await complaint(id);
      return c && c.deadlines.length >= count ? c : null;
    }, `${count} deadlines of complaint ${id}`);

  const announcementsOf = (workOrderId: string) =>
    announced
      .map((m) => parseEnvelope(m.value))
      .filter((e) => e.type === DeadlinesSet.type && (e.data as { workOrderId: string }).workOrderId === workOrderId);

  beforeAll(async () => {
    await bus.start();
    await bus.subscribe({ groupId: 'test', topics: [DeadlinesSet.topic], handle: async (m) => void announced.push(m) });
    const env = readSupervisionEnvironment({
      SUPERVISION_PORT: '0',
      DATA_DIR: 'memory://',
      CALLER_SECRET: TEST_CALLER_SECRET,
      DEMO_DATA: 'true',
      SUPERVISION_TIMER: 'false',
    });
    service = await startSupervision(env, { bus, logger: silentLogger(), now: () => clock });
    await publish(urgentWaterEvent, dispatched(generalFees));
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });
  beforeEach(() => {
    clock = new Date(T.getTime() + minutes(1));
  });

  describe('setting deadlines when a work order is dispatched', () => {
    it('gives an urgent water outage the urgent limits: respond and accept in 30 min, reply in 2 h, close in 24 h', async () => {
      const c = await deadlinesOf(urgentWater.complaintId);
      expect(c.deadlines).toEqual([
        {
          kind: 'RESPOND',
          dueAt: at(minutes(30)),
          state: 'PENDING',
          workOrderId: urgentWater.workOrderId,
          ruleId: 'urgent',
          timeLeftMinutes: 29,
          unit: { id: 'unit-110199-sw' },
          complaint: { id: urgentWater.complaintId },
        },
        {
          kind: 'ACCEPT',
          dueAt: at(minutes(30)),
          state: 'PENDING',
          workOrderId: urgentWater.workOrderId,
          ruleId: 'urgent',
          timeLeftMinutes: 29,
          unit: { id: 'unit-110199-sw' },
          complaint: { id: urgentWater.complaintId },
        },
        {
          kind: 'REPLY',
          dueAt: at(hours(2)),
          state: 'PENDING',
          workOrderId: urgentWater.workOrderId,
          ruleId: 'urgent',
          timeLeftMinutes: 119,
          unit: { id: 'unit-110199-sw' },
          complaint: { id: urgentWater.complaintId },
        },
        {
          kind: 'CLOSE',
          dueAt: at(hours(24)),
          state: 'PENDING',
          workOrderId: urgentWater.workOrderId,
          ruleId: 'urgent',
          timeLeftMinutes: 1439,
          unit: { id: 'unit-110199-sw' },
          complaint: { id: urgentWater.complaintId },
        },
      ]);
      expect(c.overdue).toBe(false);
    });

    it('gives a general property-fees case in a built-up street T+2h, T+1d, T+5d, T+7d', async () => {
      const c = await deadlinesOf(generalFees.complaintId);
      expect(c.deadlines.map((d) => [d.kind, d.dueAt, d.ruleId, d.unit.id])).toEqual([
        ['RESPOND', at(hours(2)), 'general', 'unit-110199-001'],
        ['ACCEPT', at(days(1)), 'general', 'unit-110199-001'],
        ['REPLY', at(days(5)), 'general', 'unit-110199-001'],
        ['CLOSE', at(days(7)), 'general', 'unit-110199-001'],
      ]);
    });

    it('takes the urgent-rural rule for an urgent case in the countryside', async () => {
      const rural = dispatch({ unitId: 'unit-110199-004', categoryId: 'rural', urgency: 'URGENT', areaType: 'RURAL' });
      await publish(dispatched(rural));
      const c = await deadlinesOf(rural.complaintId);
      expect(c.deadlines[0]).toMatchObject({ ruleId: 'urgent-rural' });
      expect(c.deadlines.find((d) => d.kind === 'RESPOND')!.dueAt).toBe(at(hours(2)));
    });

    it('announces the deadlines it set with DeadlinesSet, keyed by the complaint', async () => {
      const [event] = await waitFor(() => {
        const found = announcementsOf(urgentWater.workOrderId);
        return found.length > 0 && found;
      }, 'DeadlinesSet of the urgent case');
      expect(event).toMatchObject({ subject: urgentWater.complaintId, district: '110199', actor: 'system:supervision', version: 1 });
      expect(event!.data).toEqual({
        complaintId: urgentWater.complaintId,
        workOrderId: urgentWater.workOrderId,
        unitId: 'unit-110199-sw',
        ruleId: 'urgent',
        deadlines: [
          { kind: 'RESPOND', dueAt: at(minutes(30)) },
          { kind: 'ACCEPT', dueAt: at(minutes(30)) },
          { kind: 'REPLY', dueAt: at(hours(2)) },
          { kind: 'CLOSE', dueAt: at(hours(24)) },
        ],
      });
    });

    it('changes nothing when the same event is delivered again, or the same dispatch is announced again under a new id', async () => {
      const before = await deadlinesOf(urgentWater.complaintId);
      await waitFor(() => announcementsOf(urgentWater.workOrderId).length === 1, 'the first DeadlinesSet');
      // The assisting order for the same complaint shares the partition, so once it is handled the duplicates before it were too.
      const assist = dispatch({
        complaintId: urgentWater.complaintId,
        unitId: 'unit-110199-gd',
        categoryId: 'utilities.water',
        urgency: 'URGENT',
        role: 'ASSIST',
      });
      await publish(urgentWaterEvent, dispatched({ ...urgentWater }), dispatched(assist));
      const after = await deadlinesOf(urgentWater.complaintId, 8);
      expect(after.deadlines).toHaveLength(8);
      expect(after.deadlines.filter((d) => d.workOrderId === urgentWater.workOrderId)).toEqual(before.deadlines);
      await waitFor(() => announcementsOf(assist.workOrderId).length === 1, 'DeadlinesSet of the assisting order');
      expect(announcementsOf(urgentWater.workOrderId)).toHaveLength(1);
    });
  });

  describe('overdue', () => {
    it('flips when the clock passes the first due time, with negative time left', async () => {
      await deadlinesOf(generalFees.complaintId);
      const water = await deadlinesOf(urgentWater.complaintId);
      expect(water.overdue).toBe(false);

      clock = new Date(T.getTime() + minutes(31));
      const later = await complaint(urgentWater.complaintId);
      expect(later!.overdue).toBe(true);
      expect(later!.deadlines.find((d) => d.workOrderId === urgentWater.workOrderId && d.kind === 'RESPOND')).toMatchObject({
        state: 'PENDING',
        timeLeftMinutes: -1,
      });
      expect((await complaint(generalFees.complaintId))!.overdue).toBe(false);
    });

    it('is not overdue at the very due time', async () => {
      clock = new Date(T.getTime() + minutes(30));
      expect((await complaint(urgentWater.complaintId))!.overdue).toBe(false);
    });
  });

  describe('Complaint entity', () => {
    it('has no deadlines and is not overdue before it is dispatched', async () => {
      expect(await complaint(newId())).toEqual({ id: expect.any(String), overdue: false, deadlines: [] });
    });

    it('resolves many complaints in one request, each with its own deadlines', async () => {
      await deadlinesOf(generalFees.complaintId);
      const res = await postGraphQL(
        service.url,
        {
          query: entities,
          variables: { representations: [generalFees.complaintId, urgentWater.complaintId].map((id) => ({ __typename: 'Complaint', id })) },
        },
        { caller: testCaller('analyst') },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities.map((c: { id: string }) => c.id)).toEqual([generalFees.complaintId, urgentWater.complaintId]);
      expect(res.data!._entities[0].deadlines.every((d: { workOrderId: string }) => d.workOrderId === generalFees.workOrderId)).toBe(true);
    });

    it('is hidden from a caller of another district, and shown to a city-level caller', async () => {
      await deadlinesOf(generalFees.complaintId);
      expect(await complaint(generalFees.complaintId, testCaller('supervisor', { district: '110105' }))).toBeNull();
      expect((await complaint(generalFees.complaintId, testCaller('city', { district: '110000' })))!.deadlines).toHaveLength(4);
    });

    it('refuses a request without a caller', async () => {
      const res = await postGraphQL(
        service.url,
        { query: entities, variables: { representations: [{ __typename: 'Complaint', id: generalFees.complaintId }] } },
        { caller: null },
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('Query.atRisk', () => {
    const page = (caller: ReturnType<typeof testCaller> | null, variables: Record<string, unknown>) =>
      postGraphQL(service.url, { query: atRisk, variables }, { caller });

    it('lists a unit’s pending deadlines, least time left first, overdue ones leading', async () => {
      await deadlinesOf(urgentWater.complaintId);
      clock = new Date(T.getTime() + minutes(45));
      const res = await page(testCaller('supervisor'), { unitId: 'unit-110199-sw' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.atRisk.totalCount).toBe(4);
      expect(
        res.data!.atRisk.edges.map((e: { node: { kind: string; timeLeftMinutes: number } }) => [e.node.kind, e.node.timeLeftMinutes]),
      ).toEqual([
        ['RESPOND', -15],
        ['ACCEPT', -15],
        ['REPLY', 75],
        ['CLOSE', 1395],
      ]);
      expect(res.data!.atRisk.edges[0].node.complaint).toEqual({ id: urgentWater.complaintId });
    });

    it('pages with first and after', async () => {
      await deadlinesOf(urgentWater.complaintId);
      const first = await page(testCaller('supervisor'), { unitId: 'unit-110199-sw', first: 3 });
      expect(first.data!.atRisk.pageInfo.hasNextPage).toBe(true);
      const rest = await page(testCaller('supervisor'), {
        unitId: 'unit-110199-sw',
        first: 3,
        after: first.data!.atRisk.pageInfo.endCursor,
      });
      expect(rest.data!.atRisk.edges.map((e: { node: { kind: string } }) => e.node.kind)).toEqual(['CLOSE']);
      expect(rest.data!.atRisk.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.data!.atRisk.edges[0].cursor });
    });

    it('lets a handler see their own unit’s deadlines', async () => {
      await deadlinesOf(generalFees.complaintId);
      const res = await page(testCaller('handler', { unit: 'unit-110199-001' }), { unitId: 'unit-110199-001' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.atRisk.edges.some((e: { node: { workOrderId: string } }) => e.node.workOrderId === generalFees.workOrderId)).toBe(
        true,
      );
    });

    it('shows a supervisor of another district nothing of this district', async () => {
      await deadlinesOf(urgentWater.complaintId);
      const res = await page(testCaller('supervisor', { district: '110105' }), { unitId: 'unit-110199-sw' });
      expect(res.data!.atRisk).toMatchObject({ totalCount: 0, edges: [] });
    });

    it.each([
      ['a handler of another unit', testCaller('handler', { unit: 'unit-110199-001' }), 'FORBIDDEN'],
      ['a handler without a unit', testCaller('handler'), 'FORBIDDEN'],
      ['an analyst', testCaller('analyst'), 'FORBIDDEN'],
      ['a dispatcher', testCaller('dispatcher'), 'FORBIDDEN'],
      ['nobody', null, 'UNAUTHENTICATED'],
    ])('refuses %s', async (_, caller, code) => {
      const res = await page(caller, { unitId: 'unit-110199-sw' });
      expect(res.errors?.[0]?.extensions?.code).toBe(code);
    });

    it.each([
      ['first: 0', { first: 0 }, 'first'],
      ['first: 201', { first: 201 }, 'first'],
      ['a cursor from elsewhere', { after: 'not-a-cursor' }, 'after'],
      ['a cursor of another shape', { after: Buffer.from(JSON.stringify(['yesterday', 1])).toString('base64url') }, 'after'],
      ['an empty unit id', { unitId: ' ' }, 'unitId'],
    ])('rejects %s naming the argument', async (_, change, field) => {
      const res = await page(testCaller('supervisor'), { unitId: 'unit-110199-sw', ...change });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });
  });

  describe('Query.deadlineRules', () => {
    const rules = `{ deadlineRules { id urgency categoryPrefix areaType limits { kind minutes } } }`;

    it('lists the rules by urgency, general before specific', async () => {
      const res = await postGraphQL(service.url, { query: rules }, { caller: testCaller('analyst') });
      expect(res.errors).toBeUndefined();
      expect(res.data!.deadlineRules.map((r: { id: string }) => r.id)).toEqual([
        'urgent',
        'urgent-rural',
        'general',
        'general-utilities',
        'complex',
      ]);
      expect(res.data!.deadlineRules[3]).toEqual({
        id: 'general-utilities',
        urgency: 'GENERAL',
        categoryPrefix: 'utilities',
        areaType: null,
        limits: [
          { kind: 'RESPOND', minutes: 120 },
          { kind: 'ACCEPT', minutes: 1440 },
          { kind: 'REPLY', minutes: 4320 },
          { kind: 'CLOSE', minutes: 4320 },
        ],
      });
    });

    it('refuses a request without a caller', async () => {
      const res = await postGraphQL(service.url, { query: rules }, { caller: null });
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  it('refuses a request that did not come through the gateway', async () => {
    const res = await postGraphQL(service.url, { query: `{ deadlineRules { id } }` });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
