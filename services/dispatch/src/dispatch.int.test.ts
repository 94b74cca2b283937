import pino from 'pino';
import {
  ComplaintReceived,
  createEvent,
  encodeCursor,
  createInProcessBus,
  newId,
  parseEnvelope,
  toBusMessage,
  WorkOrderDispatched,
  type DeliveredMessage,
  type Envelope,
} from '@hotline/shared';
import { postGraphQL, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readDispatchEnvironment, startDispatch } from './index';

const complaintQuery = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Complaint {
      id status currentUnit { id name kind }
      workOrders { id unit { id } state role ruleId ruleVersion manualQueue dispatchedAt complaint { id } }
    }
  }
}`;
const queueQuery = `query($unitId: ID, $first: Int, $after: String) {
  workOrders(unitId: $unitId, first: $first, after: $after) { totalCount edges { cursor node { id complaint { id } unit { id } } } pageInfo { hasNextPage endCursor } }
}`;
const manualQueueQuery = `query($first: Int) { manualQueue(first: $first) { totalCount edges { node { id unit { id kind } ruleId manualQueue } } } }`;

/** A complaint as intake announces it: property fees in a grid of 安华街道, unless told otherwise. */
function receivedEvent(data: { categoryId?: string; street?: string | null; receivedAt?: string } = {}) {
  const complaintId = newId();
  const street = data.street === undefined ? '110199-001' : data.street;
  return createEvent(ComplaintReceived, {
    subject: complaintId,
    district: '110199',
    actor: 'agent-1',
    data: {
      complaintId,
      channel: 'HOTLINE',
      categoryId: data.categoryId ?? 'property.fees',
      type: 'COMPLAINT',
      urgency: 'GENERAL',
      region: { district: '110199', street, community: street && `${street}-01`, grid: street && `${street}-01-1` },
      areaType: street ? 'BUILT_UP' : null,
      location: null,
      receivedAt: data.receivedAt ?? '2026-06-01T08:00:00.000Z',
    },
  });
}

describe('dispatch subgraph', () => {
  const bus = createInProcessBus();
  const dispatched: Envelope[] = [];
  /** The service's log, kept to see the consumer skip what it has already handled. */
  const logs: Array<Record<string, unknown>> = [];
  let clock = new Date('2026-06-01T08:00:05.000Z');
  let service: Awaited<ReturnType<typeof startDispatch>>;

  const dispatcher = testCaller('dispatcher');
  const entity = async (complaintId: string, caller = dispatcher) =>
    (
      await postGraphQL(
        service.url,
        { query: complaintQuery, variables: { representations: [{ __typename: 'Complaint', id: complaintId }] } },
        { caller },
      )
    ).data?._entities[0];
  /** Publishes a complaint and waits until its order is visible through the subgraph. */
  async function dispatch(event: ReturnType<typeof receivedEvent>) {
    await bus.publish([toBusMessage(event)]);
    return waitFor(async () => {
      const complaint = await entity(event.data.complaintId);
      return complaint?.status === 'DISPATCHED' && complaint;
    }, `the work order for ${event.data.complaintId}`);
  }
  const announcementsOf = (complaintId: string) => dispatched.filter((e) => e.subject === complaintId);

  beforeAll(async () => {
    await bus.start();
    await bus.subscribe({
      groupId: 'test',
      topics: [WorkOrderDispatched.topic],
      handle: async (m: DeliveredMessage) => void dispatched.push(parseEnvelope(m.value)),
    });
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const env = readDispatchEnvironment({
      DISPATCH_PORT: '0',
      DATA_DIR: 'memory://',
      CALLER_SECRET: TEST_CALLER_SECRET,
      DEMO_DATA: 'true',
    });
    service = await startDispatch(env, { bus, logger, now: () => clock });
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });

  describe('a received complaint', () => {
    it('becomes one lead order for the street office named by the responsibility list, and is announced', async () => {
      const event = receivedEvent();
      const complaint = await dispatch(event);
      expect(complaint).toEqual({
        id: event.data.complaintId,
        status: 'DISPATCHED',
        currentUnit: { id: 'unit-110199-001', name: '安华街道办事处', kind: 'STREET' },
        workOrders: [
          {
            id: expect.any(String),
            unit: { id: 'unit-110199-001' },
            state: 'DISPATCHED',
            role: 'LEAD',
            ruleId: 'rule-110199-001-property',
            ruleVersion: 1,
            manualQueue: false,
            dispatchedAt: '2026-06-01T08:00:05.000Z',
            complaint: { id: event.data.complaintId },
          },
        ],
      });
      const announced = await waitFor(() => announcementsOf(event.data.complaintId)[0], 'the dispatched event');
      expect(announced).toMatchObject({
        type: 'dispatch.work-order.dispatched',
        district: '110199',
        actor: 'system:dispatch',
        data: {
          workOrderId: complaint.workOrders[0].id,
          complaintId: event.data.complaintId,
          unitId: 'unit-110199-001',
          ruleId: 'rule-110199-001-property',
          ruleVersion: 1,
          role: 'LEAD',
          categoryId: 'property.fees',
          urgency: 'GENERAL',
          areaType: 'BUILT_UP',
          dispatchedAt: '2026-06-01T08:00:05.000Z',
        },
      });
    });

    it('delivered again in the same envelope creates no second order and no second announcement', async () => {
      const event = receivedEvent();
      await dispatch(event);
      await waitFor(() => announcementsOf(event.data.complaintId)[0], 'the dispatched event');
      await bus.publish([toBusMessage(event)]);
      await waitFor(
        () => logs.find((l) => l.eventId === event.id && l.msg === 'event already handled; skipped'),
        'the redelivery to be skipped',
      );
      expect((await entity(event.data.complaintId)).workOrders).toHaveLength(1);
      expect(announcementsOf(event.data.complaintId)).toHaveLength(1);
    });

    it('announced again under a new event id is still dispatched once', async () => {
      const event = receivedEvent();
      await dispatch(event);
      const again = { ...event, id: newId() };
      await bus.publish([toBusMessage(again)]);
      await waitFor(
        () => logs.find((l) => l.eventId === again.id && l.msg === 'complaint already received; not dispatched again'),
        'the second announcement to be skipped',
      );
      expect((await entity(event.data.complaintId)).workOrders).toHaveLength(1);
    });

    it('that no rule claims goes to the command centre and waits in the manual queue', async () => {
      const event = receivedEvent({ categoryId: 'other' });
      const complaint = await dispatch(event);
      expect(complaint.currentUnit).toEqual({ id: 'unit-110199-command', name: '区指挥中心', kind: 'COMMAND_CENTRE' });
      expect(complaint.workOrders[0]).toMatchObject({ ruleId: null, ruleVersion: null, manualQueue: true });
      const queue = await postGraphQL(service.url, { query: manualQueueQuery, variables: { first: 200 } }, { caller: dispatcher });
      expect(queue.errors).toBeUndefined();
      expect(queue.data!.manualQueue.edges.map((e: any) => e.node)).toContainEqual({
        id: complaint.workOrders[0].id,
        unit: { id: 'unit-110199-command', kind: 'COMMAND_CENTRE' },
        ruleId: null,
        manualQueue: true,
      });
      expect(queue.data!.manualQueue.edges.every((e: any) => e.node.manualQueue)).toBe(true);
    });

    it('received before a rule changed is routed by the version in force at its reception', async () => {
      const complaint = await dispatch(receivedEvent({ categoryId: 'utilities.heating', receivedAt: '2025-12-20T08:00:00.000Z' }));
      expect(complaint.workOrders[0]).toMatchObject({
        unit: { id: 'unit-110199-cgw' },
        ruleId: 'rule-110199-utilities-heating',
        ruleVersion: 1,
      });
    });
  });

  describe('the complaint entity', () => {
    it('is RECEIVED with no orders while dispatch does not know the complaint', async () => {
      expect(await entity(newId())).toMatchObject({ status: 'RECEIVED', workOrders: [], currentUnit: null });
    });

    it('is hidden from a caller of another district', async () => {
      const { id } = await dispatch(receivedEvent());
      expect(await entity(id, testCaller('dispatcher', { district: '110105' }))).toBeNull();
      expect(await entity(id, testCaller('city', { district: '110000' }))).toMatchObject({ status: 'DISPATCHED' });
    });

    it('resolves a batch of references in one request', async () => {
      const [a, b] = [await dispatch(receivedEvent()), await dispatch(receivedEvent({ categoryId: 'noise.residential' }))];
      const unknown = newId();
      const res = await postGraphQL(
        service.url,
        { query: complaintQuery, variables: { representations: [a.id, unknown, b.id].map((id) => ({ __typename: 'Complaint', id })) } },
        { caller: dispatcher },
      );
      expect(res.data!._entities.map((c: any) => [c.id, c.status, c.currentUnit?.id ?? null])).toEqual([
        [a.id, 'DISPATCHED', 'unit-110199-001'],
        [unknown, 'RECEIVED', null],
        [b.id, 'DISPATCHED', 'unit-110199-sthj'],
      ]);
    });

    it('refuses nobody', async () => {
      const res = await postGraphQL(
        service.url,
        { query: complaintQuery, variables: { representations: [{ __typename: 'Complaint', id: newId() }] } },
        { caller: null },
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('a work order entity', () => {
    it('resolves with its unit and the rule version that chose it', async () => {
      const complaint = await dispatch(receivedEvent({ categoryId: 'utilities.power', street: '110199-004' }));
      const res = await postGraphQL(
        service.url,
        {
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on WorkOrder { id district unit { id kind } rule { id version categoryId region { id } complaintType leadUnit { id } effectiveTo } complaint { status } } } }`,
          variables: {
            r: [
              { __typename: 'WorkOrder', id: complaint.workOrders[0].id },
              { __typename: 'WorkOrder', id: 'not-an-order' },
            ],
          },
        },
        { caller: dispatcher },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toEqual([
        {
          id: complaint.workOrders[0].id,
          district: '110199',
          unit: { id: 'unit-110199-gd', kind: 'COMPANY' },
          rule: {
            id: 'rule-110199-utilities-power',
            version: 1,
            categoryId: 'utilities.power',
            region: null,
            complaintType: null,
            leadUnit: { id: 'unit-110199-gd' },
            effectiveTo: null,
          },
          complaint: { status: 'DISPATCHED' },
        },
        null,
      ]);
    });
  });

  describe("a unit's queue", () => {
    const street002 = 'unit-110199-002';

    it('lists its orders newest first, page by page', async () => {
      clock = new Date('2026-06-02T09:00:00.000Z');
      const older = await dispatch(receivedEvent({ street: '110199-002' }));
      clock = new Date('2026-06-02T10:00:00.000Z');
      const newer = await dispatch(receivedEvent({ street: '110199-002', categoryId: 'city-appearance.garbage' }));
      const first = await postGraphQL(
        service.url,
        { query: queueQuery, variables: { unitId: street002, first: 1 } },
        { caller: dispatcher },
      );
      expect(first.errors).toBeUndefined();
      expect(first.data!.workOrders.totalCount).toBe(2);
      expect(first.data!.workOrders.edges.map((e: any) => e.node.complaint.id)).toEqual([newer.id]);
      expect(first.data!.workOrders.pageInfo.hasNextPage).toBe(true);
      const second = await postGraphQL(
        service.url,
        { query: queueQuery, variables: { unitId: street002, first: 1, after: first.data!.workOrders.pageInfo.endCursor } },
        { caller: dispatcher },
      );
      expect(second.data!.workOrders.edges.map((e: any) => e.node.complaint.id)).toEqual([older.id]);
      expect(second.data!.workOrders.pageInfo.hasNextPage).toBe(false);
    });

    it("is a handler's own unit's queue when no unit is given", async () => {
      const res = await postGraphQL(service.url, { query: queueQuery }, { caller: testCaller('handler', { unit: street002 }) });
      expect(res.errors).toBeUndefined();
      expect(res.data!.workOrders.edges.length).toBeGreaterThan(0);
      expect(res.data!.workOrders.edges.every((e: any) => e.node.unit.id === street002)).toBe(true);
    });

    it.each([
      ['a handler of another unit', testCaller('handler', { unit: 'unit-110199-001' }), { unitId: street002 }, 'FORBIDDEN'],
      ['a dispatcher of another district', testCaller('dispatcher', { district: '110105' }), { unitId: street002 }, 'FORBIDDEN'],
      ['an analyst', testCaller('analyst'), { unitId: street002 }, 'FORBIDDEN'],
      ['nobody', null, { unitId: street002 }, 'UNAUTHENTICATED'],
      ['a unit that does not exist', dispatcher, { unitId: 'unit-nowhere' }, 'NOT_FOUND'],
    ])('is refused for %s', async (_, caller, variables, code) => {
      const res = await postGraphQL(service.url, { query: queueQuery, variables }, { caller });
      expect(res.errors?.[0]?.extensions?.code).toBe(code);
      expect(res.data).toBeNull();
    });

    it.each([
      ['first: 0', { unitId: street002, first: 0 }, 'first'],
      ['first above 200', { unitId: street002, first: 201 }, 'first'],
      ['a cursor from nowhere', { unitId: street002, after: 'bm90LWEtY3Vyc29y' }, 'after'],
      ['a cursor of another list', { unitId: street002, after: encodeCursor(['unit-110199-001']) }, 'after'],
      ['no unit for a caller without one', {}, 'unitId'],
    ])('rejects %s naming the field', async (_, variables, field) => {
      const res = await postGraphQL(service.url, { query: queueQuery, variables }, { caller: dispatcher });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });
  });

  describe('the manual queue', () => {
    it('is refused to a handler and to nobody, and rejects first: 0', async () => {
      expect(
        (await postGraphQL(service.url, { query: manualQueueQuery }, { caller: testCaller('handler', { unit: 'unit-110199-command' }) }))
          .errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect((await postGraphQL(service.url, { query: manualQueueQuery }, { caller: null })).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
      expect(
        (await postGraphQL(service.url, { query: manualQueueQuery, variables: { first: 0 } }, { caller: dispatcher })).errors?.[0]
          ?.extensions,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });
  });

  describe('the unit directory', () => {
    it('gives a unit with its parent and region, and null for an id it does not know', async () => {
      const res = await postGraphQL(
        service.url,
        {
          query: `{ known: unit(id: "unit-110199-003") { id name kind district contactPhone region { id } parent { id kind parent { id } } } unknown: unit(id: "unit-nowhere") { id } }`,
        },
        { caller: testCaller('citizen') },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({
        known: {
          id: 'unit-110199-003',
          name: '东坝镇政府',
          kind: 'TOWN',
          district: '110199',
          contactPhone: expect.any(String),
          region: { id: '110199-003' },
          parent: { id: 'unit-110199', kind: 'DISTRICT', parent: null },
        },
        unknown: null,
      });
    });

    it('lists units of a kind, by id, page by page', async () => {
      const page = async (after?: string) =>
        (
          await postGraphQL(
            service.url,
            {
              query: `query($after: String) { units(kind: DEPARTMENT, first: 4, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
              variables: { after },
            },
            { caller: dispatcher },
          )
        ).data!.units;
      const first = await page();
      const second = await page(first.pageInfo.endCursor);
      expect(first.totalCount).toBe(7);
      expect([...first.edges, ...second.edges].map((e: any) => e.node.id)).toEqual(
        ['cgw', 'jt', 'jw', 'scjg', 'sthj', 'sw', 'zjw'].map((d) => `unit-110199-${d}`),
      );
      expect(second.pageInfo.hasNextPage).toBe(false);
    });

    it('refuses nobody and rejects first: 0', async () => {
      expect(
        (await postGraphQL(service.url, { query: `{ unit(id: "unit-110199-001") { id } }` }, { caller: null })).errors?.[0]?.extensions
          ?.code,
      ).toBe('UNAUTHENTICATED');
      expect(
        (await postGraphQL(service.url, { query: `{ units(first: 0) { totalCount } }` }, { caller: dispatcher })).errors?.[0]?.extensions,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    it('resolves unit references', async () => {
      const res = await postGraphQL(
        service.url,
        { query: `{ _entities(representations: [{ __typename: "Unit", id: "unit-110199-gd" }]) { ... on Unit { name kind } } }` },
        { caller: dispatcher },
      );
      expect(res.data!._entities).toEqual([{ name: '供电公司', kind: 'COMPANY' }]);
    });
  });

  describe('the responsibility list', () => {
    const dryRun = `query($categoryId: ID!, $regionId: ID, $type: ComplaintType, $at: DateTime) {
      routeDryRun(categoryId: $categoryId, regionId: $regionId, type: $type, at: $at) { unit { id } rule { id version } manualQueue }
    }`;

    it('lists every version, or only those in force at an instant', async () => {
      const rules = async (effectiveAt?: string) =>
        (
          await postGraphQL(
            service.url,
            { query: `query($at: DateTime) { responsibilityRules(effectiveAt: $at) { id version } }`, variables: { at: effectiveAt } },
            { caller: dispatcher },
          )
        ).data!.responsibilityRules;
      const all = await rules();
      expect(all).toHaveLength(30);
      expect(all.filter((r: any) => r.id === 'rule-110199-utilities-heating')).toEqual([
        { id: 'rule-110199-utilities-heating', version: 1 },
        { id: 'rule-110199-utilities-heating', version: 2 },
      ]);
      expect(await rules('2026-06-01T00:00:00Z')).toHaveLength(29);
    });

    it.each([
      [
        'property fees in a grid of 安华街道',
        { categoryId: 'property.fees', regionId: '110199-001-01-1' },
        { unit: { id: 'unit-110199-001' }, rule: { id: 'rule-110199-001-property', version: 1 }, manualQueue: false },
      ],
      [
        'property fees with no place',
        { categoryId: 'property.fees' },
        { unit: { id: 'unit-110199-command' }, rule: null, manualQueue: true },
      ],
      [
        'heating in 2025',
        { categoryId: 'utilities.heating', at: '2025-06-01T00:00:00Z' },
        { unit: { id: 'unit-110199-cgw' }, rule: { id: 'rule-110199-utilities-heating', version: 1 }, manualQueue: false },
      ],
      [
        'other',
        { categoryId: 'other', regionId: '110199-002', type: 'HELP' },
        { unit: { id: 'unit-110199-command' }, rule: null, manualQueue: true },
      ],
    ])('chooses for %s without dispatching anything', async (_, variables, decision) => {
      const res = await postGraphQL(service.url, { query: dryRun, variables }, { caller: testCaller('agent') });
      expect(res.errors).toBeUndefined();
      expect(res.data!.routeDryRun).toEqual(decision);
    });

    it.each([
      ['a malformed category', { categoryId: 'Property Fees' }, 'categoryId'],
      ['a region of another district', { categoryId: 'property', regionId: '110105-001' }, 'regionId'],
    ])('rejects %s naming the field', async (_, variables, field) => {
      const res = await postGraphQL(service.url, { query: dryRun, variables }, { caller: dispatcher });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('is not for citizens', async () => {
      const res = await postGraphQL(service.url, { query: `{ responsibilityRules { id } }` }, { caller: testCaller('citizen') });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('refuses a request that did not come through the gateway', async () => {
    const res = await postGraphQL(service.url, { query: `{ unit(id: "unit-110199-001") { id } }` });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
