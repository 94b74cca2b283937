import {
  createEvent,
  createInProcessBus,
  newId,
  parseEnvelope,
  RepeatCallEscalated,
  SupervisionOrderChanged,
  toBusMessage,
  WorkOrderDispatched,
  type DeliveredMessage,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readSupervisionEnvironment, startSupervision, type StartedSupervision } from './index';

const minutes = (n: number) => n * 60_000;
const T = new Date('2026-03-02T01:30:00.000Z');
const at = (offset: number) => new Date(T.getTime() + offset);

const orderFields = `id level state cause keySupervision note openedBy openedAt escalatedAt escalatesAt closedBy closedAt closingNote evidence unit { id } complaint { id }`;
const ordersOfComplaint = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Complaint { supervisionOrders { ${orderFields} } } } }`;
const list = `query($filter: SupervisionOrderFilter, $first: Int, $after: String) { supervisionOrders(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${orderFields} } } } }`;
const open = `mutation($input: OpenSupervisionOrderInput!) { openSupervisionOrder(input: $input) { ${orderFields} } }`;
const escalate = `mutation($id: ID!, $note: String!) { escalateSupervisionOrder(id: $id, note: $note) { ${orderFields} } }`;
const close = `mutation($id: ID!, $note: String!, $evidence: [String!]!) { closeSupervisionOrder(id: $id, note: $note, evidence: $evidence) { ${orderFields} } }`;
const markKey = `mutation($id: ID!, $key: Boolean!) { markKeySupervision(id: $id, key: $key) { ${orderFields} } }`;

describe('supervision orders', () => {
  const bus = createInProcessBus();
  const changes: DeliveredMessage[] = [];
  let clock = at(minutes(1));
  let service: StartedSupervision;

  const dispatchOrder = async (unitId = 'unit-110199-001') => {
    const order = { workOrderId: newId(), complaintId: newId(), unitId };
    await bus.publish([
      toBusMessage(
        createEvent(WorkOrderDispatched, {
          subject: order.complaintId,
          district: '110199',
          actor: 'dispatcher-1',
          occurredAt: T,
          data: {
            ...order,
            ruleId: null,
            ruleVersion: null,
            role: 'LEAD',
            categoryId: 'property.fees',
            urgency: 'GENERAL',
            areaType: 'BUILT_UP',
            dispatchedAt: T.toISOString(),
          },
        }),
      ),
    ]);
    await waitFor(
      async () => (await service.timer.tick()) && (await ordersOf(order.complaintId, testCaller('supervisor'), true)),
      'the order’s deadlines',
    );
    return order;
  };
  /** A complaint's orders as `caller` sees them; with `deadlines`, resolves once supervision knows the complaint at all. */
  async function ordersOf(complaintId: string, caller = testCaller('supervisor'), deadlines = false) {
    const query = deadlines
      ? `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Complaint { deadlines { kind } } } }`
      : ordersOfComplaint;
    const res = await postGraphQL(
      service.url,
      { query, variables: { representations: [{ __typename: 'Complaint', id: complaintId }] } },
      { caller },
    );
    expect(res.errors).toBeUndefined();
    const c = res.data!._entities[0];
    return deadlines ? c?.deadlines.length === 4 && c : (c?.supervisionOrders ?? []);
  }
  const changesOf = (complaintId: string) =>
    changes
      .map((m) => parseEnvelope(m.value))
      .filter((e) => e.type === SupervisionOrderChanged.type && e.subject === complaintId)
      .map((e) => e.data as Record<string, unknown>);

  beforeAll(async () => {
    await bus.start();
    await bus.subscribe({ groupId: 'test', topics: [SupervisionOrderChanged.topic], handle: async (m) => void changes.push(m) });
    const env = readSupervisionEnvironment({
      SUPERVISION_PORT: '0',
      DATA_DIR: 'memory://',
      CALLER_SECRET: TEST_CALLER_SECRET,
      DEMO_DATA: 'true',
      SUPERVISION_TIMER: 'false',
    });
    service = await startSupervision(env, { bus, logger: silentLogger(), now: () => clock });
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });

  it('opens a reminder automatically when a deadline goes overdue, once per case and unit, and announces it', async () => {
    clock = at(minutes(1));
    const o = await dispatchOrder();
    clock = at(minutes(24 * 60));
    await service.timer.tick();
    const [order] = await waitFor(async () => {
      const found = await ordersOf(o.complaintId);
      return found.length > 0 && found;
    }, 'the reminder');
    expect(order).toMatchObject({
      level: 'REMINDER',
      state: 'OPEN',
      cause: 'OVERDUE',
      openedBy: 'system:supervision',
      unit: { id: o.unitId },
      complaint: { id: o.complaintId },
    });
    // RESPOND and ACCEPT both went overdue: still one order.
    expect(await ordersOf(o.complaintId)).toHaveLength(1);
    await waitFor(() => changesOf(o.complaintId).length > 0, 'SupervisionOrderChanged');
    expect(changesOf(o.complaintId)[0]).toMatchObject({ level: 'REMINDER', state: 'OPEN', cause: 'OVERDUE', unitId: o.unitId });
  });

  it('puts the unit holding a repeatedly called-in case under supervision, raising an open reminder', async () => {
    clock = at(minutes(1));
    const o = await dispatchOrder('unit-110199-002');
    const repeat = createEvent(RepeatCallEscalated, {
      subject: o.complaintId,
      district: '110199',
      actor: 'system:intake',
      data: { complaintId: o.complaintId, calls: 3, escalatedAt: at(minutes(30)).toISOString() },
    });
    await bus.publish([toBusMessage(repeat)]);
    const [order] = await waitFor(async () => {
      const found = await ordersOf(o.complaintId);
      return found.length > 0 && found;
    }, 'the supervision order');
    expect(order).toMatchObject({ level: 'SUPERVISION', cause: 'REPEAT_CALL', unit: { id: 'unit-110199-002' }, note: 'called in 3 times' });
    // The same event again changes nothing (inbox).
    await bus.publish([toBusMessage(repeat)]);
    clock = at(minutes(24 * 60));
    await service.timer.tick();
    await waitFor(() => changesOf(o.complaintId).length >= 1, 'the announcement');
    expect(await ordersOf(o.complaintId)).toMatchObject([{ level: 'SUPERVISION', cause: 'REPEAT_CALL' }]);
  });

  it('lets an inspector open, escalate to an interview, put on the key list, and close with evidence and a note', async () => {
    clock = at(minutes(1));
    const o = await dispatchOrder('unit-110199-003');
    const inspector = testCaller('supervisor');
    const opened = await postGraphQL(
      service.url,
      { query: open, variables: { input: { complaintId: o.complaintId, unitId: o.unitId, note: '群众反映强烈' } } },
      { caller: inspector },
    );
    expect(opened.errors).toBeUndefined();
    const id = opened.data!.openSupervisionOrder.id as string;
    expect(opened.data!.openSupervisionOrder).toMatchObject({
      level: 'REMINDER',
      cause: 'MANUAL',
      openedBy: inspector!.sub,
      keySupervision: false,
    });

    clock = at(minutes(60));
    const once = await postGraphQL(service.url, { query: escalate, variables: { id, note: '仍未处理' } }, { caller: inspector });
    const twice = await postGraphQL(service.url, { query: escalate, variables: { id, note: '约谈街道负责人' } }, { caller: inspector });
    expect([once.data!.escalateSupervisionOrder.level, twice.data!.escalateSupervisionOrder.level]).toEqual(['SUPERVISION', 'INTERVIEW']);
    const thrice = await postGraphQL(service.url, { query: escalate, variables: { id, note: 'again' } }, { caller: inspector });
    expect(thrice.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const key = await postGraphQL(service.url, { query: markKey, variables: { id, key: true } }, { caller: inspector });
    expect(key.data!.markKeySupervision.keySupervision).toBe(true);
    const keyList = await postGraphQL(
      service.url,
      { query: list, variables: { filter: { keySupervision: true } } },
      { caller: testCaller('city') },
    );
    expect(keyList.data!.supervisionOrders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);

    const noEvidence = await postGraphQL(
      service.url,
      { query: close, variables: { id, note: 'done', evidence: [] } },
      { caller: inspector },
    );
    expect(noEvidence.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'evidence' });
    const noNote = await postGraphQL(
      service.url,
      { query: close, variables: { id, note: ' ', evidence: ['photo-1'] } },
      { caller: inspector },
    );
    expect(noNote.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const closed = await postGraphQL(
      service.url,
      { query: close, variables: { id, note: '已整改到位', evidence: ['现场照片 photo-1', '整改报告 r-7'] } },
      { caller: inspector },
    );
    expect(closed.data!.closeSupervisionOrder).toMatchObject({
      state: 'CLOSED',
      closedBy: inspector!.sub,
      closingNote: '已整改到位',
      evidence: ['现场照片 photo-1', '整改报告 r-7'],
      closedAt: at(minutes(60)).toISOString(),
    });
    await waitFor(() => changesOf(o.complaintId).some((c) => c.state === 'CLOSED'), 'the closing announcement');
    expect(changesOf(o.complaintId).map((c) => [c.level, c.state])).toEqual([
      ['REMINDER', 'OPEN'],
      ['SUPERVISION', 'OPEN'],
      ['INTERVIEW', 'OPEN'],
      ['INTERVIEW', 'CLOSED'],
    ]);
    const again = await postGraphQL(
      service.url,
      { query: close, variables: { id, note: '再次办结', evidence: ['y'] } },
      { caller: inspector },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('shows orders to the inspection office and the unit’s handlers only, and refuses other roles and districts', async () => {
    clock = at(minutes(1));
    const o = await dispatchOrder('unit-110199-004');
    await postGraphQL(
      service.url,
      { query: open, variables: { input: { complaintId: o.complaintId, unitId: o.unitId, note: '督办' } } },
      { caller: testCaller('admin') },
    );
    expect(await ordersOf(o.complaintId, testCaller('handler', { unit: 'unit-110199-004' }))).toHaveLength(1);
    expect(await ordersOf(o.complaintId, testCaller('handler', { unit: 'unit-110199-001' }))).toHaveLength(0);
    expect(await ordersOf(o.complaintId, testCaller('agent'))).toHaveLength(0);
    const mine = await postGraphQL(
      service.url,
      { query: list, variables: { filter: { state: 'OPEN' } } },
      { caller: testCaller('handler', { unit: 'unit-110199-004' }) },
    );
    expect(mine.data!.supervisionOrders.edges.every((e: { node: { unit: { id: string } } }) => e.node.unit.id === 'unit-110199-004')).toBe(
      true,
    );
    const other = await postGraphQL(
      service.url,
      { query: list, variables: { filter: { unitId: 'unit-110199-001' } } },
      { caller: testCaller('handler', { unit: 'unit-110199-004' }) },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byHandler = await postGraphQL(
      service.url,
      { query: open, variables: { input: { complaintId: o.complaintId, unitId: o.unitId, note: '督办' } } },
      { caller: testCaller('handler', { unit: 'unit-110199-004' }) },
    );
    expect(byHandler.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherDistrict = await postGraphQL(
      service.url,
      { query: open, variables: { input: { complaintId: o.complaintId, unitId: o.unitId, note: '督办' } } },
      { caller: testCaller('supervisor', { district: '110105' }) },
    );
    expect(otherDistrict.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const nobody = await postGraphQL(service.url, { query: list }, { caller: null });
    expect(nobody.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const badCursor = await postGraphQL(service.url, { query: list, variables: { after: 'nope' } }, { caller: testCaller('supervisor') });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const paged = await postGraphQL(service.url, { query: list, variables: { first: 1 } }, { caller: testCaller('supervisor') });
    expect(paged.data!.supervisionOrders.pageInfo.hasNextPage).toBe(true);
    const next = await postGraphQL(
      service.url,
      { query: list, variables: { first: 1, after: paged.data!.supervisionOrders.pageInfo.endCursor } },
      { caller: testCaller('supervisor') },
    );
    expect(next.data!.supervisionOrders.edges[0].node.id).not.toBe(paged.data!.supervisionOrders.edges[0].node.id);
  });

  it('raises an order left open too long at its level by itself, one level per limit, once, up to an interview', async () => {
    clock = at(minutes(1));
    const o = await dispatchOrder('unit-110199-004');
    const opened = await postGraphQL(
      service.url,
      { query: open, variables: { input: { complaintId: o.complaintId, unitId: o.unitId, note: '反复催办无果' } } },
      { caller: testCaller('supervisor') },
    );
    expect(opened.errors).toBeUndefined();
    const id = opened.data!.openSupervisionOrder.id as string;
    const mine = async () => (await ordersOf(o.complaintId)).find((x: { id: string }) => x.id === id);
    const escalatesAt = async () =>
      (
        await postGraphQL(service.url, { query: list, variables: { filter: { unitId: o.unitId } } }, { caller: testCaller('supervisor') })
      ).data!.supervisionOrders.edges.find((e: { node: { id: string } }) => e.node.id === id).node.escalatesAt;
    const announced = () =>
      changesOf(o.complaintId)
        .filter((c) => c.orderId === id)
        .map((c) => c.level);
    await waitFor(() => announced().length === 1, 'the opening announced');

    // Defaults: 24 h as a reminder, 72 h under supervision.
    expect(await escalatesAt()).toBe(at(minutes(1 + 24 * 60)).toISOString());
    clock = at(minutes(24 * 60));
    await service.escalateStaleOrders();
    expect(await mine()).toMatchObject({ level: 'REMINDER', escalatedAt: null });

    clock = at(minutes(1 + 24 * 60));
    // Two sweeps at once (as two replicas would run them): the order goes up one level, not two.
    await Promise.all([service.escalateStaleOrders(), service.escalateStaleOrders()]);
    expect(await mine()).toMatchObject({
      level: 'SUPERVISION',
      state: 'OPEN',
      escalatedAt: clock.toISOString(),
      note: '反复催办无果\nraised to SUPERVISION automatically: open 24 h at REMINDER without being settled',
    });
    expect(await escalatesAt()).toBe(at(minutes(1 + 24 * 60 + 72 * 60)).toISOString());
    await waitFor(() => announced().length === 2, 'the escalation announced');

    clock = at(minutes(1 + 24 * 60 + 72 * 60));
    await service.escalateStaleOrders();
    expect(await mine()).toMatchObject({ level: 'INTERVIEW', escalatedAt: clock.toISOString() });
    expect(await escalatesAt()).toBeNull();
    clock = at(minutes(30 * 24 * 60));
    await service.escalateStaleOrders();
    await waitFor(() => announced().length === 3, 'the interview announced');
    expect(await mine()).toMatchObject({ level: 'INTERVIEW', escalatedAt: at(minutes(1 + 24 * 60 + 72 * 60)).toISOString() });
    expect(announced()).toEqual(['REMINDER', 'SUPERVISION', 'INTERVIEW']);
  });
});
