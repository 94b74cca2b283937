import pino from 'pino';
import {
  CaseSentBack,
  ComplaintReceived,
  createEvent,
  createInProcessBus,
  newId,
  parseEnvelope,
  toBusMessage,
  WorkOrderDispatched,
  type Caller,
  type DeliveredMessage,
  type Envelope,
} from '@hotline/shared';
import { postGraphQL, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readDispatchEnvironment, startDispatch } from './index';

const orderFields = 'id state version binding rehandles replyText unit { id } pendingExtension { minutes reason }';

/** The GraphQL type of each mutation argument, so a test names arguments and values only. */
const argTypes: Record<string, string> = {
  id: 'ID!',
  workOrderId: 'ID!',
  unitId: 'ID!',
  expectedVersion: 'Int!',
  idempotencyKey: 'String!',
  note: 'String',
  text: 'String!',
  attachments: '[AttachmentInput!]',
  reasonCode: 'ReturnReasonCode!',
  reason: 'String!',
  minutes: 'Int!',
  approved: 'Boolean!',
  toDistrict: 'String!',
};

const street001Handler = testCaller('handler', { unit: 'unit-110199-001' });
const dispatcher = testCaller('dispatcher');

/** A property-fees complaint in 安华街道 (routed to unit-110199-001), or an unclaimed one (category other: the manual queue). */
function receivedEvent(categoryId = 'property.fees', street = '110199-001') {
  const complaintId = newId();
  return createEvent(ComplaintReceived, {
    subject: complaintId,
    district: '110199',
    actor: 'agent-1',
    data: {
      complaintId,
      channel: 'HOTLINE',
      categoryId,
      type: 'COMPLAINT',
      urgency: 'URGENT',
      region: { district: '110199', street, community: `${street}-01`, grid: `${street}-01-1` },
      areaType: 'BUILT_UP',
      location: null,
      receivedAt: '2026-06-01T08:00:00.000Z',
    },
  });
}

describe('work orders through the graph', () => {
  const bus = createInProcessBus();
  const published: Envelope[] = [];
  const logs: Array<Record<string, unknown>> = [];
  let clock = new Date('2026-06-01T08:00:05.000Z');
  let service: Awaited<ReturnType<typeof startDispatch>>;

  async function mutate(field: string, args: Record<string, unknown>, caller: Caller | null = street001Handler) {
    const names = Object.keys(args);
    const query = `mutation(${names.map((n) => `$${n}: ${argTypes[n]}`).join(', ')}) { r: ${field}(${names.map((n) => `${n}: $${n}`).join(', ')}) { ${orderFields} } }`;
    const res = await postGraphQL(service.url, { query, variables: args }, { caller });
    return { order: res.data?.r, error: res.errors?.[0] };
  }
  /** Runs a command that must succeed, with a fresh key, and returns the order after it. */
  async function ok(
    field: string,
    order: { id: string; version: number },
    args: Record<string, unknown> = {},
    caller: Caller = street001Handler,
  ) {
    const idKey = field === 'redispatch' || field === 'arbitrate' ? 'workOrderId' : 'id';
    const { order: after, error } = await mutate(
      field,
      { [idKey]: order.id, expectedVersion: order.version, idempotencyKey: newId(), ...args },
      caller,
    );
    expect(error).toBeUndefined();
    return after as { id: string; version: number; state: string; [k: string]: unknown };
  }
  async function complaint(complaintId: string) {
    const res = await postGraphQL(
      service.url,
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Complaint { status currentUnit { id } workOrders { id state binding unit { id } } } } }`,
        variables: { r: [{ __typename: 'Complaint', id: complaintId }] },
      },
      { caller: dispatcher },
    );
    return res.data!._entities[0];
  }
  async function history(id: string) {
    const res = await postGraphQL(
      service.url,
      {
        query: `query($id: ID!) { workOrder(id: $id) { history(first: 50) { totalCount edges { node { version type actor at note returnReasonCode attachments { name size contentType url } extensionMinutes approved toUnit { id } } } } } }`,
        variables: { id },
      },
      { caller: dispatcher },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.workOrder.history.edges.map((e: any) => e.node);
  }
  /** Publishes a complaint and returns its lead order once dispatched. */
  async function dispatched(categoryId?: string, street?: string) {
    const event = receivedEvent(categoryId, street);
    await bus.publish([toBusMessage(event)]);
    const order = await waitFor(async () => (await complaint(event.data.complaintId))?.workOrders[0], 'the work order');
    return { complaintId: event.data.complaintId, id: order.id as string, version: 1 };
  }
  const eventsOf = (type: string, workOrderId: string) =>
    published.filter((e) => e.type === type && (e.data as { workOrderId?: string }).workOrderId === workOrderId);
  const code = (error: { extensions?: Record<string, unknown> } | undefined) => error?.extensions?.code;

  beforeAll(async () => {
    await bus.start();
    await bus.subscribe({
      groupId: 'test',
      topics: [WorkOrderDispatched.topic],
      handle: async (m: DeliveredMessage) => void published.push(parseEnvelope(m.value)),
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

  it('is accepted, worked, replied and closed, each step in its history and announced exactly once', async () => {
    const order = await dispatched();
    clock = new Date('2026-06-01T08:10:00.000Z');
    const accepted = await ok('acceptWorkOrder', order, { note: '签收' });
    expect(accepted).toMatchObject({ state: 'ACCEPTED', version: 2 });
    const contacted = await ok('contactCitizen', accepted, { note: 'called back' });
    const startArgs = { id: order.id, expectedVersion: contacted.version, idempotencyKey: `start-${order.id}` };
    const started = (await mutate('startWork', startArgs)).order;
    expect(started).toMatchObject({ state: 'IN_PROGRESS', version: 4 });
    const attachments = [{ name: 'site.jpg', size: 2048, contentType: 'image/jpeg', url: 'https://files.example/site.jpg' }];
    const noteArgs = {
      id: order.id,
      expectedVersion: started.version,
      idempotencyKey: `note-${order.id}`,
      text: 'on site with the property company',
      attachments,
    };
    const noted = (await mutate('addProgressNote', noteArgs)).order;
    // Retries under the same keys answer with the first results and announce nothing again.
    expect((await mutate('startWork', startArgs)).order).toEqual(started);
    expect((await mutate('addProgressNote', noteArgs)).order).toEqual(noted);
    const replied = await ok('replyToCitizen', noted, { text: 'the fee was refunded' });
    expect(replied).toMatchObject({ state: 'REPLIED', replyText: 'the fee was refunded' });
    clock = new Date('2026-06-01T09:00:00.000Z');
    const closed = await ok('closeWorkOrder', replied);
    expect(closed).toMatchObject({ state: 'CLOSED', version: 7 });

    expect(await history(order.id)).toEqual([
      expect.objectContaining({ version: 1, type: 'DISPATCHED', actor: 'system:dispatch', note: 'routed by rule-110199-001-property v1' }),
      expect.objectContaining({ version: 2, type: 'ACCEPTED', actor: 'handler-1', at: '2026-06-01T08:10:00.000Z', note: '签收' }),
      expect.objectContaining({ version: 3, type: 'CITIZEN_CONTACTED', note: 'called back' }),
      expect.objectContaining({ version: 4, type: 'WORK_STARTED', note: null }),
      expect.objectContaining({ version: 5, type: 'PROGRESS_NOTED', note: 'on site with the property company', attachments }),
      expect.objectContaining({ version: 6, type: 'REPLIED', note: 'the fee was refunded' }),
      expect.objectContaining({ version: 7, type: 'CLOSED', at: '2026-06-01T09:00:00.000Z' }),
    ]);
    await waitFor(() => eventsOf('dispatch.work-order.closed', order.id).length > 0, 'the closed event');
    for (const type of ['accepted', 'citizen-contacted', 'started', 'progress-noted', 'replied', 'closed'])
      expect(eventsOf(`dispatch.work-order.${type}`, order.id)).toHaveLength(1);
    const ref = { workOrderId: order.id, complaintId: order.complaintId, unitId: 'unit-110199-001' };
    expect(eventsOf('dispatch.work-order.started', order.id)[0]).toMatchObject({
      version: 1,
      actor: 'handler-1',
      subject: order.complaintId,
      data: { ...ref, startedAt: '2026-06-01T08:10:00.000Z' },
    });
    expect(eventsOf('dispatch.work-order.progress-noted', order.id)[0]).toMatchObject({
      version: 1,
      data: {
        ...ref,
        textLength: 'on site with the property company'.length,
        summary: 'on site with the property company',
        attachments,
        notedAt: '2026-06-01T08:10:00.000Z',
      },
    });
    expect(eventsOf('dispatch.work-order.accepted', order.id)[0]).toMatchObject({
      actor: 'handler-1',
      district: '110199',
      data: { unitId: 'unit-110199-001', acceptedAt: '2026-06-01T08:10:00.000Z' },
    });
    expect((await complaint(order.complaintId)).status).toBe('CLOSED');
  });

  describe('concurrency', () => {
    it('refuses a stale version with CONFLICT naming the current one', async () => {
      const order = await dispatched();
      await ok('acceptWorkOrder', order);
      const { error } = await mutate('contactCitizen', { id: order.id, expectedVersion: 1, idempotencyKey: newId() });
      expect(error).toMatchObject({ extensions: { code: 'CONFLICT', currentVersion: 2 } });
      expect(error!.message).toMatch(/version 2, not 1/);
    });

    it('lets one of two people acting at once win; the other gets CONFLICT and nothing is lost', async () => {
      const order = await dispatched();
      const results = await Promise.all([
        mutate('acceptWorkOrder', { id: order.id, expectedVersion: 1, idempotencyKey: newId() }),
        mutate('contactCitizen', { id: order.id, expectedVersion: 1, idempotencyKey: newId() }),
      ]);
      expect(results.filter((r) => r.order)).toHaveLength(1);
      expect(results.filter((r) => code(r.error) === 'CONFLICT')).toHaveLength(1);
      expect(await history(order.id)).toHaveLength(2);
    });
  });

  describe('idempotency', () => {
    it('answers a retry with the first result and does nothing twice', async () => {
      const order = await dispatched();
      const args = { id: order.id, expectedVersion: 1, idempotencyKey: `retry-${order.id}` };
      const first = await mutate('acceptWorkOrder', args);
      await ok('contactCitizen', first.order);
      const retry = await mutate('acceptWorkOrder', args);
      expect(retry.error).toBeUndefined();
      expect(retry.order).toEqual(first.order);
      expect(await history(order.id)).toHaveLength(3);
      await waitFor(() => eventsOf('dispatch.work-order.citizen-contacted', order.id).length > 0, 'the contact event');
      expect(eventsOf('dispatch.work-order.accepted', order.id)).toHaveLength(1);
    });

    it('refuses a key reused for another command, naming the field', async () => {
      const order = await dispatched();
      const key = `reuse-${order.id}`;
      await mutate('acceptWorkOrder', { id: order.id, expectedVersion: 1, idempotencyKey: key });
      const { error } = await mutate('startWork', { id: order.id, expectedVersion: 2, idempotencyKey: key });
      expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'idempotencyKey' } });
    });
  });

  describe('illegal transitions', () => {
    it('refuses to close a dispatched order with CONFLICT, leaving it as it was', async () => {
      const order = await dispatched();
      const { error } = await mutate('closeWorkOrder', { id: order.id, expectedVersion: 1, idempotencyKey: newId() });
      expect(error).toMatchObject({
        message: 'cannot close a work order that is DISPATCHED',
        extensions: { code: 'CONFLICT', state: 'DISPATCHED' },
      });
      expect(await history(order.id)).toHaveLength(1);
    });

    it('refuses an unknown order with NOT_FOUND', async () => {
      expect(code((await mutate('acceptWorkOrder', { id: newId(), expectedVersion: 1, idempotencyKey: newId() })).error)).toBe('NOT_FOUND');
    });
  });

  describe('roles', () => {
    it('lets only a handler of the order’s unit work it', async () => {
      const order = await dispatched();
      const args = { id: order.id, expectedVersion: 1, idempotencyKey: newId() };
      expect(code((await mutate('acceptWorkOrder', args, testCaller('handler', { unit: 'unit-110199-002' }))).error)).toBe('FORBIDDEN');
      expect(code((await mutate('acceptWorkOrder', args, dispatcher)).error)).toBe('FORBIDDEN');
      expect(code((await mutate('acceptWorkOrder', args, null)).error)).toBe('UNAUTHENTICATED');
    });

    it('lets only a dispatcher decide an extension, re-dispatch or arbitrate', async () => {
      const order = await dispatched();
      for (const field of ['decideExtension', 'redispatch', 'arbitrate']) {
        const args = field === 'decideExtension' ? { id: order.id, approved: true } : { workOrderId: order.id, unitId: 'unit-110199-zjw' };
        expect(code((await mutate(field, { ...args, expectedVersion: 1, idempotencyKey: newId() })).error)).toBe('FORBIDDEN');
      }
    });
  });

  describe('bad input', () => {
    it.each([
      ['acceptWorkOrder', { expectedVersion: 0 }, 'expectedVersion'],
      ['acceptWorkOrder', { idempotencyKey: ' ' }, 'idempotencyKey'],
      [
        'addProgressNote',
        { text: 'x', attachments: [{ name: 'a.jpg', size: 1, contentType: 'image/jpeg', url: 'ftp://x' }] },
        'attachments.0.url',
      ],
      [
        'addProgressNote',
        { text: 'x', attachments: [{ name: 'a.jpg', size: -1, contentType: 'image/jpeg', url: 'https://x.example/a' }] },
        'attachments.0.size',
      ],
      ['addProgressNote', { text: '' }, 'text'],
      ['returnWorkOrder', { reasonCode: 'OTHER', reason: '  ' }, 'reason'],
      ['requestExtension', { minutes: 0, reason: 'x' }, 'minutes'],
    ])('%s rejects %j naming the field', async (field, args, named) => {
      const order = await dispatched();
      const { error } = await mutate(field, { id: order.id, expectedVersion: 1, idempotencyKey: newId(), ...args });
      expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: named } });
    });

    it('rejects a re-dispatch to a unit of another district or to the command centre, naming the field', async () => {
      const order = await dispatched();
      const returned = await ok('returnWorkOrder', order, { reasonCode: 'WRONG_AREA', reason: 'not ours' });
      for (const unitId of ['unit-elsewhere', 'unit-110199-command']) {
        const { error } = await mutate(
          'redispatch',
          { workOrderId: order.id, expectedVersion: returned.version, idempotencyKey: newId(), unitId },
          dispatcher,
        );
        expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'unitId' } });
      }
    });
  });

  describe('returns, re-dispatch and arbitration', () => {
    it('goes returned → re-dispatched → returned → arbitrated, and the arbitrated order cannot be returned', async () => {
      const first = await dispatched();
      const returned = await ok('returnWorkOrder', first, { reasonCode: 'NOT_OUR_DUTY', reason: 'a building matter' });
      expect(returned.state).toBe('RETURNED');
      expect(await complaint(first.complaintId)).toMatchObject({ status: 'RETURNED', currentUnit: null });

      const second = await ok('redispatch', returned, { unitId: 'unit-110199-zjw', note: 'building commission' }, dispatcher);
      expect(second).toMatchObject({ state: 'DISPATCHED', version: 1, binding: false, unit: { id: 'unit-110199-zjw' } });
      const zjwHandler = testCaller('handler', { unit: 'unit-110199-zjw' });
      const returnedAgain = await ok('returnWorkOrder', second, { reasonCode: 'NOT_OUR_DUTY', reason: 'a fee dispute' }, zjwHandler);
      expect(await complaint(first.complaintId)).toMatchObject({ status: 'ARBITRATION', currentUnit: null });

      const refused = await mutate(
        'redispatch',
        { workOrderId: second.id, expectedVersion: returnedAgain.version, idempotencyKey: newId(), unitId: 'unit-110199-001' },
        dispatcher,
      );
      expect(refused.error).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/arbitration/) });

      const bound = await ok(
        'arbitrate',
        returnedAgain,
        { unitId: 'unit-110199-001', note: 'fees are the street’s, per the list' },
        dispatcher,
      );
      expect(bound).toMatchObject({ state: 'DISPATCHED', binding: true, unit: { id: 'unit-110199-001' } });
      const { error } = await mutate('returnWorkOrder', {
        id: bound.id,
        expectedVersion: 1,
        idempotencyKey: newId(),
        reasonCode: 'OTHER',
        reason: 'still not ours',
      });
      expect(error).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/binds/) });

      const view = await complaint(first.complaintId);
      expect(view).toMatchObject({ status: 'DISPATCHED', currentUnit: { id: 'unit-110199-001' } });
      expect(view.workOrders.map((o: any) => [o.unit.id, o.state, o.binding])).toEqual([
        ['unit-110199-001', 'RETURNED', false],
        ['unit-110199-zjw', 'RETURNED', false],
        ['unit-110199-001', 'DISPATCHED', true],
      ]);
      expect(await history(first.id)).toContainEqual(
        expect.objectContaining({ type: 'RETURNED', returnReasonCode: 'NOT_OUR_DUTY', note: 'a building matter' }),
      );

      await waitFor(
        () => published.some((e) => e.type === 'dispatch.work-order.dispatched' && (e.data as any).workOrderId === bound.id),
        'the arbitrated order announced',
      );
      expect(eventsOf('dispatch.work-order.returned', first.id).map((e) => e.data)).toEqual([
        expect.objectContaining({ reasonCode: 'NOT_OUR_DUTY', returns: 1 }),
      ]);
      expect(eventsOf('dispatch.work-order.returned', second.id).map((e) => e.data)).toEqual([expect.objectContaining({ returns: 2 })]);
      expect(eventsOf('dispatch.work-order.dispatched', second.id)).toEqual([
        expect.objectContaining({
          actor: 'dispatcher-1',
          data: expect.objectContaining({ unitId: 'unit-110199-zjw', ruleId: null, role: 'LEAD' }),
        }),
      ]);
    });

    it('routes a manual-queue order on: it becomes REROUTED and leaves the queue, the new order goes to the unit chosen', async () => {
      const order = await dispatched('other');
      const next = await ok('redispatch', order, { unitId: 'unit-110199-scjg' }, dispatcher);
      expect(next).toMatchObject({ state: 'DISPATCHED', unit: { id: 'unit-110199-scjg' } });
      const view = await complaint(order.complaintId);
      expect(view.workOrders.map((o: any) => o.state)).toEqual(['REROUTED', 'DISPATCHED']);
      expect(await history(order.id)).toContainEqual(
        expect.objectContaining({ type: 'REROUTED', actor: 'dispatcher-1', toUnit: { id: 'unit-110199-scjg' } }),
      );
      await waitFor(() => eventsOf('dispatch.work-order.rerouted', order.id).length > 0, 'the rerouted event');
      expect(eventsOf('dispatch.work-order.rerouted', order.id)).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ unitId: 'unit-110199-command', toUnitId: 'unit-110199-scjg' }) }),
      ]);
      const queue = await postGraphQL(
        service.url,
        { query: `{ manualQueue(first: 200) { edges { node { id } } } }` },
        { caller: dispatcher },
      );
      expect(queue.data!.manualQueue.edges.map((e: any) => e.node.id)).not.toContain(order.id);
    });

    it('gives the re-dispatched lead the assisting units of the rule naming it, and supersedes the old lead’s assisting orders still open', async () => {
      const admin = testCaller('admin');
      const rule = async (input: Record<string, unknown>) => {
        const res = await postGraphQL(
          service.url,
          {
            query: `mutation($input: ResponsibilityRuleInput!, $k: String!) { r: upsertResponsibilityRule(input: $input, idempotencyKey: $k) { id version } }`,
            variables: { input: { effectiveFrom: '2026-05-01T00:00:00.000Z', ...input }, k: newId() },
          },
          { caller: admin },
        );
        expect(res.errors).toBeUndefined();
        return res.data!.r as { id: string; version: number };
      };
      // Water in 东坝镇 goes to the town with two assisting units; the wider "utilities" rule of its community
      // (less specific by category, so it loses the routing) names the building commission with another.
      const townWater = await rule({
        categoryId: 'utilities.water',
        regionId: '110199-003',
        leadUnitId: 'unit-110199-003',
        assistUnitIds: ['unit-110199-sw', 'unit-110199-gd'],
      });
      const communityUtilities = await rule({
        categoryId: 'utilities',
        regionId: '110199-003-01',
        leadUnitId: 'unit-110199-zjw',
        assistUnitIds: ['unit-110199-cgw'],
      });

      const { complaintId } = await dispatched('utilities.water', '110199-003');
      const placed = (await complaint(complaintId)).workOrders as Array<{ id: string; unit: { id: string } }>;
      const orderOf = (unitId: string) => ({ id: placed.find((o) => o.unit.id === unitId)!.id, version: 1, complaintId });
      const [lead, swAssist, gdAssist] = [orderOf('unit-110199-003'), orderOf('unit-110199-sw'), orderOf('unit-110199-gd')];
      const sw = testCaller('handler', { unit: 'unit-110199-sw', sub: 'sw-1' });
      const gd = testCaller('handler', { unit: 'unit-110199-gd', sub: 'gd-1' });
      await ok('acceptWorkOrder', swAssist, {}, sw);
      // The power company's part is finished before the lead is returned: it keeps its end.
      let gdOrder: { id: string; version: number } = gdAssist;
      for (const [field, args] of [
        ['acceptWorkOrder', {}],
        ['startWork', {}],
        ['replyToCitizen', { text: 'the pump has power again' }],
        ['closeWorkOrder', {}],
      ] as const)
        gdOrder = await ok(field, gdOrder, args, gd);

      const townHandler = testCaller('handler', { unit: 'unit-110199-003' });
      const returned = await ok(
        'returnWorkOrder',
        lead,
        { reasonCode: 'NOT_OUR_DUTY', reason: 'a mains fault under a building site' },
        townHandler,
      );
      const redispatchArgs = {
        workOrderId: lead.id,
        expectedVersion: returned.version,
        idempotencyKey: `redispatch-${lead.id}`,
        unitId: 'unit-110199-zjw',
      };
      const next = (await mutate('redispatch', redispatchArgs, dispatcher)).order;
      expect(next).toMatchObject({ state: 'DISPATCHED', unit: { id: 'unit-110199-zjw' } });
      expect((await mutate('redispatch', redispatchArgs, dispatcher)).order).toEqual(next);

      const res = await postGraphQL(
        service.url,
        {
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Complaint { currentUnit { id } workOrders { id role state unit { id } ruleId ruleVersion } } } }`,
          variables: { r: [{ __typename: 'Complaint', id: lead.complaintId }] },
        },
        { caller: dispatcher },
      );
      const view = res.data!._entities[0];
      expect(view.currentUnit).toEqual({ id: 'unit-110199-zjw' });
      expect(view.workOrders.map((o: any) => [o.role, o.unit.id, o.state, o.ruleId]).sort()).toEqual(
        [
          ['LEAD', 'unit-110199-003', 'RETURNED', townWater.id],
          ['ASSIST', 'unit-110199-sw', 'REROUTED', townWater.id],
          ['ASSIST', 'unit-110199-gd', 'CLOSED', townWater.id],
          ['LEAD', 'unit-110199-zjw', 'DISPATCHED', communityUtilities.id],
          ['ASSIST', 'unit-110199-cgw', 'DISPATCHED', communityUtilities.id],
        ].sort(),
      );
      expect(await history(swAssist.id)).toContainEqual(
        expect.objectContaining({ type: 'REROUTED', actor: 'dispatcher-1', toUnit: { id: 'unit-110199-zjw' } }),
      );

      const newAssist = view.workOrders.find((o: any) => o.unit.id === 'unit-110199-cgw');
      await waitFor(() => eventsOf('dispatch.work-order.dispatched', newAssist.id).length > 0, 'the new assisting order announced');
      expect(eventsOf('dispatch.work-order.dispatched', next.id)).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ role: 'LEAD', ruleId: communityUtilities.id, ruleVersion: 1 }) }),
      ]);
      expect(eventsOf('dispatch.work-order.dispatched', newAssist.id)).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({ role: 'ASSIST', unitId: 'unit-110199-cgw', ruleId: communityUtilities.id }),
        }),
      ]);
      expect(eventsOf('dispatch.work-order.rerouted', swAssist.id)).toEqual([
        expect.objectContaining({
          actor: 'dispatcher-1',
          data: expect.objectContaining({ unitId: 'unit-110199-sw', toUnitId: 'unit-110199-zjw' }),
        }),
      ]);
      expect(eventsOf('dispatch.work-order.rerouted', gdAssist.id)).toEqual([]);
    });

    it('lets one of two dispatchers re-dispatching at once win, and answers a retry with the same new order', async () => {
      const order = await dispatched();
      const returned = await ok('returnWorkOrder', order, { reasonCode: 'DUPLICATE', reason: 'same as another case' });
      const args = (unitId: string, idempotencyKey = newId()) => ({
        workOrderId: order.id,
        expectedVersion: returned.version,
        idempotencyKey,
        unitId,
      });
      const [a, b] = await Promise.all([
        mutate('redispatch', args('unit-110199-zjw', `a-${order.id}`), dispatcher),
        mutate('redispatch', args('unit-110199-cgw'), testCaller('dispatcher', { sub: 'dispatcher-2' })),
      ]);
      expect([a, b].filter((r) => r.order)).toHaveLength(1);
      expect([a, b].filter((r) => code(r.error) === 'CONFLICT')).toHaveLength(1);
      if (a.order) expect((await mutate('redispatch', args('unit-110199-zjw', `a-${order.id}`), dispatcher)).order).toEqual(a.order);
      expect((await complaint(order.complaintId)).workOrders).toHaveLength(2);
    });

    it('refuses re-dispatching a case that is being handled', async () => {
      const order = await dispatched();
      const { error } = await mutate(
        'redispatch',
        { workOrderId: order.id, expectedVersion: 1, idempotencyKey: newId(), unitId: 'unit-110199-zjw' },
        dispatcher,
      );
      expect(error).toMatchObject({ extensions: { code: 'CONFLICT' } });
    });
  });

  describe('extensions', () => {
    it('are requested by the handler and approved by a dispatcher, announced for supervision', async () => {
      const order = await dispatched();
      const accepted = await ok('acceptWorkOrder', order);
      const requestArgs = {
        id: order.id,
        expectedVersion: accepted.version,
        idempotencyKey: `extend-${order.id}`,
        minutes: 120,
        reason: 'parts on order',
      };
      const requested = (await mutate('requestExtension', requestArgs)).order;
      expect(requested.pendingExtension).toEqual({ minutes: 120, reason: 'parts on order' });
      expect((await mutate('requestExtension', requestArgs)).order).toEqual(requested);
      const decided = await ok('decideExtension', requested, { approved: true, note: 'fine' }, dispatcher);
      expect(decided.pendingExtension).toBeNull();
      await waitFor(() => eventsOf('dispatch.work-order.extension-decided', order.id).length > 0, 'the extension decision');
      expect(eventsOf('dispatch.work-order.extension-decided', order.id)[0]!.data).toMatchObject({ approved: true, extraMinutes: 120 });
      expect(eventsOf('dispatch.work-order.extension-requested', order.id)).toEqual([
        expect.objectContaining({
          version: 1,
          actor: 'handler-1',
          data: {
            workOrderId: order.id,
            complaintId: order.complaintId,
            unitId: 'unit-110199-001',
            extraMinutes: 120,
            reason: 'parts on order',
            requestedAt: clock.toISOString(),
          },
        }),
      ]);
      expect(await history(order.id)).toContainEqual(
        expect.objectContaining({ type: 'EXTENSION_DECIDED', approved: true, extensionMinutes: 120, actor: 'dispatcher-1' }),
      );
    });
  });

  describe('transfers to another district', () => {
    it('hands the case over with an event addressed to the receiving district', async () => {
      const order = await dispatched();
      const transferred = await ok('transferToDistrict', order, { toDistrict: '110105', reason: 'the address is in 朝阳区' }, dispatcher);
      expect(transferred.state).toBe('TRANSFERRED');
      expect(await complaint(order.complaintId)).toMatchObject({ status: 'TRANSFERRED', currentUnit: null });
      const event = await waitFor(
        () => published.find((e) => e.type === 'dispatch.complaint.transferred' && e.subject === order.complaintId),
        'the transfer event',
      );
      expect(event).toMatchObject({
        district: '110105',
        actor: 'dispatcher-1',
        data: { complaintId: order.complaintId, fromDistrict: '110199', toDistrict: '110105', reason: 'the address is in 朝阳区' },
      });
      expect(await history(order.id)).toContainEqual(expect.objectContaining({ type: 'TRANSFERRED', note: 'the address is in 朝阳区' }));
    });

    it('refuses a transfer to the case’s own district or to no district code, naming the field; and a handler', async () => {
      const order = await dispatched();
      for (const toDistrict of ['110199', 'chaoyang']) {
        const { error } = await mutate(
          'transferToDistrict',
          { id: order.id, expectedVersion: 1, idempotencyKey: newId(), toDistrict, reason: 'r' },
          dispatcher,
        );
        expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'toDistrict' } });
      }
      expect(
        code(
          (
            await mutate('transferToDistrict', {
              id: order.id,
              expectedVersion: 1,
              idempotencyKey: newId(),
              toDistrict: '110105',
              reason: 'r',
            })
          ).error,
        ),
      ).toBe('FORBIDDEN');
    });
  });

  describe('re-handling', () => {
    it('reopens a closed order when supervision sends the case back, once however often it is told', async () => {
      const order = await dispatched();
      let current: { id: string; version: number } = order;
      for (const [field, args] of [
        ['acceptWorkOrder', {}],
        ['startWork', {}],
        ['replyToCitizen', { text: 'done' }],
        ['closeWorkOrder', {}],
      ] as const)
        current = await ok(field, current, args);
      const sentBack = createEvent(CaseSentBack, {
        subject: order.complaintId,
        district: '110199',
        actor: 'supervisor-1',
        data: {
          workOrderId: order.id,
          complaintId: order.complaintId,
          unitId: 'unit-110199-001',
          reason: 'the citizen is dissatisfied',
          rehandles: 1,
          sentBackAt: clock.toISOString(),
        },
      });
      await bus.publish([toBusMessage(sentBack)]);
      await waitFor(async () => (await complaint(order.complaintId)).status === 'IN_PROGRESS', 'the order to reopen');
      await bus.publish([toBusMessage(sentBack), toBusMessage({ ...sentBack, id: newId() })]);
      await waitFor(
        () => logs.some((l) => l.msg === 'send-back already applied' && l.workOrderId === order.id),
        'the second send-back to be skipped',
      );
      const entries = await history(order.id);
      expect(entries.filter((e: any) => e.type === 'REOPENED')).toEqual([
        expect.objectContaining({ actor: 'supervisor-1', note: 'the citizen is dissatisfied', version: 6 }),
      ]);
      await waitFor(() => eventsOf('dispatch.work-order.reopened', order.id).length > 0, 'the reopened event');
      expect(eventsOf('dispatch.work-order.reopened', order.id)).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ rehandles: 1, reason: 'the citizen is dissatisfied' }) }),
      ]);
    });
  });

  describe('whistle & report', () => {
    const whistleFields =
      'id state version reason reportInDueAt closedAt streetUnit { id } complaint { id } summons { unit { id } reportedInAt late partDoneAt }';
    const blow = (args: Record<string, unknown>, caller: Caller | null = street001Handler) =>
      postGraphQL(
        service.url,
        {
          query: `mutation($complaintId: ID!, $departmentUnitIds: [ID!]!, $reason: String!, $reportInMinutes: Int!, $idempotencyKey: String!) { r: blowWhistle(complaintId: $complaintId, departmentUnitIds: $departmentUnitIds, reason: $reason, reportInMinutes: $reportInMinutes, idempotencyKey: $idempotencyKey) { ${whistleFields} } }`,
          variables: {
            departmentUnitIds: ['unit-110199-zjw', 'unit-110199-sw'],
            reason: 'a burst main under a building site',
            reportInMinutes: 30,
            idempotencyKey: newId(),
            ...args,
          },
        },
        { caller },
      );
    const answer = (
      field: 'reportIn' | 'reportPartDone',
      whistle: { id: string; version: number },
      caller: Caller,
      idempotencyKey: string = newId(),
    ) =>
      postGraphQL(
        service.url,
        {
          query: `mutation($w: ID!, $v: Int!, $k: String!) { r: ${field}(whistleId: $w, expectedVersion: $v, idempotencyKey: $k) { ${whistleFields} } }`,
          variables: { w: whistle.id, v: whistle.version, k: idempotencyKey },
        },
        { caller },
      );
    const zjw = testCaller('handler', { unit: 'unit-110199-zjw', sub: 'zjw-1' });
    const sw = testCaller('handler', { unit: 'unit-110199-sw', sub: 'sw-1' });

    it('summons departments, records who came and when (late after the limit), and closes when every part is done', async () => {
      const order = await dispatched();
      clock = new Date('2026-06-01T10:00:00.000Z');
      const blown = await blow({ complaintId: order.complaintId });
      expect(blown.errors).toBeUndefined();
      let whistle = blown.data!.r;
      expect(whistle).toMatchObject({
        state: 'OPEN',
        version: 1,
        reportInDueAt: '2026-06-01T10:30:00.000Z',
        streetUnit: { id: 'unit-110199-001' },
        complaint: { id: order.complaintId },
      });

      clock = new Date('2026-06-01T10:20:00.000Z');
      whistle = (await answer('reportIn', whistle, zjw)).data!.r;
      clock = new Date('2026-06-01T10:45:00.000Z');
      const retryKey = newId();
      const swIn = await answer('reportIn', whistle, sw, retryKey);
      whistle = swIn.data!.r;
      expect((await answer('reportIn', { id: whistle.id, version: 2 }, sw, retryKey)).data!.r).toEqual(whistle);
      expect(whistle.summons).toEqual([
        { unit: { id: 'unit-110199-sw' }, reportedInAt: '2026-06-01T10:45:00.000Z', late: true, partDoneAt: null },
        { unit: { id: 'unit-110199-zjw' }, reportedInAt: '2026-06-01T10:20:00.000Z', late: false, partDoneAt: null },
      ]);
      const stale = await answer('reportPartDone', { id: whistle.id, version: 1 }, zjw);
      expect(stale.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', currentVersion: 3 } });
      const zjwDoneKey = newId();
      const zjwDone = await answer('reportPartDone', whistle, zjw, zjwDoneKey);
      expect((await answer('reportPartDone', whistle, zjw, zjwDoneKey)).data!.r).toEqual(zjwDone.data!.r);
      whistle = zjwDone.data!.r;
      expect(whistle.state).toBe('OPEN');
      clock = new Date('2026-06-01T12:00:00.000Z');
      whistle = (await answer('reportPartDone', whistle, sw)).data!.r;
      expect(whistle).toMatchObject({ state: 'CLOSED', closedAt: '2026-06-01T12:00:00.000Z' });

      const viaComplaint = await postGraphQL(
        service.url,
        {
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Complaint { whistles { id state summons { unit { id } late } } } } }`,
          variables: { r: [{ __typename: 'Complaint', id: order.complaintId }] },
        },
        { caller: dispatcher },
      );
      expect(viaComplaint.data!._entities[0].whistles).toEqual([
        {
          id: whistle.id,
          state: 'CLOSED',
          summons: [
            { unit: { id: 'unit-110199-sw' }, late: true },
            { unit: { id: 'unit-110199-zjw' }, late: false },
          ],
        },
      ]);

      const ofWhistle = (type: string) =>
        published.filter((e) => e.type === type && (e.data as { whistleId?: string }).whistleId === whistle.id);
      await waitFor(() => ofWhistle('dispatch.whistle.closed').length === 1, 'the whistle closed event');
      expect(ofWhistle('dispatch.whistle.blown')).toEqual([
        expect.objectContaining({
          actor: 'handler-1',
          data: expect.objectContaining({
            streetUnitId: 'unit-110199-001',
            departmentUnitIds: ['unit-110199-zjw', 'unit-110199-sw'],
            reportInMinutes: 30,
          }),
        }),
      ]);
      expect(
        ofWhistle('dispatch.whistle.reported-in').map((e) => [(e.data as { unitId: string }).unitId, (e.data as { late: boolean }).late]),
      ).toEqual([
        ['unit-110199-zjw', false],
        ['unit-110199-sw', true],
      ]);
      expect(ofWhistle('dispatch.whistle.part-done').map((e) => [e.version, e.actor, e.data])).toEqual([
        [
          1,
          'zjw-1',
          { whistleId: whistle.id, complaintId: order.complaintId, unitId: 'unit-110199-zjw', doneAt: '2026-06-01T10:45:00.000Z' },
        ],
        [
          1,
          'sw-1',
          { whistleId: whistle.id, complaintId: order.complaintId, unitId: 'unit-110199-sw', doneAt: '2026-06-01T12:00:00.000Z' },
        ],
      ]);
    });

    it('is blown only by the street leading the case, summoning departments of the district, and answered only by those summoned', async () => {
      const order = await dispatched();
      expect(
        (await blow({ complaintId: order.complaintId }, testCaller('handler', { unit: 'unit-110199-002' }))).errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await blow({ complaintId: order.complaintId }, testCaller('handler', { unit: 'unit-110199-zjw' }))).errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect((await blow({ complaintId: order.complaintId }, dispatcher)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await blow({ complaintId: order.complaintId }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await blow({ complaintId: newId() })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      for (const [args, field] of [
        [{ departmentUnitIds: ['unit-110199-zjw', 'unit-110199-002'] }, 'departmentUnitIds.1'],
        [{ departmentUnitIds: [] }, 'departmentUnitIds'],
        [{ departmentUnitIds: ['unit-110199-zjw', 'unit-110199-zjw'] }, 'departmentUnitIds'],
        [{ reportInMinutes: 0 }, 'reportInMinutes'],
        [{ reason: ' ' }, 'reason'],
      ] as const) {
        expect((await blow({ complaintId: order.complaintId, ...args })).errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field,
        });
      }
      const whistle = (await blow({ complaintId: order.complaintId })).data!.r;
      expect((await answer('reportIn', whistle, testCaller('handler', { unit: 'unit-110199-jw' }))).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await answer('reportPartDone', whistle, zjw)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });
  });

  describe('the responsibility list as admins edit it', () => {
    const admin = testCaller('admin');
    const upsert = (
      input: Record<string, unknown>,
      expectedVersion: number | null = null,
      caller: Caller | null = admin,
      idempotencyKey: string = newId(),
    ) =>
      postGraphQL(
        service.url,
        {
          query: `mutation($input: ResponsibilityRuleInput!, $v: Int, $k: String!) { r: upsertResponsibilityRule(input: $input, expectedVersion: $v, idempotencyKey: $k) { id version categoryId region { id } leadUnit { id } assistUnits { id } effectiveFrom effectiveTo } }`,
          variables: { input, v: expectedVersion, k: idempotencyKey },
        },
        { caller },
      );
    const parkingIn002 = {
      categoryId: 'traffic.parking',
      regionId: '110199-002',
      leadUnitId: 'unit-110199-002',
      assistUnitIds: ['unit-110199-jt'],
      effectiveFrom: '2026-05-01T00:00:00.000Z',
    };

    it('creates a rule with an assisting unit: a case it matches gets a LEAD and an ASSIST order, both recording the version', async () => {
      const created = await upsert(parkingIn002);
      expect(created.errors).toBeUndefined();
      const rule = created.data!.r;
      expect(rule).toMatchObject({
        version: 1,
        categoryId: 'traffic.parking',
        region: { id: '110199-002' },
        leadUnit: { id: 'unit-110199-002' },
        assistUnits: [{ id: 'unit-110199-jt' }],
        effectiveTo: null,
      });

      const order = await dispatched('traffic.parking', '110199-002');
      const res = await postGraphQL(
        service.url,
        {
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Complaint { status currentUnit { id } workOrders { role unit { id } ruleId ruleVersion } } } }`,
          variables: { r: [{ __typename: 'Complaint', id: order.complaintId }] },
        },
        { caller: dispatcher },
      );
      const view = res.data!._entities[0];
      expect(view.currentUnit).toEqual({ id: 'unit-110199-002' });
      expect(view.workOrders).toEqual(
        expect.arrayContaining([
          { role: 'LEAD', unit: { id: 'unit-110199-002' }, ruleId: rule.id, ruleVersion: 1 },
          { role: 'ASSIST', unit: { id: 'unit-110199-jt' }, ruleId: rule.id, ruleVersion: 1 },
        ]),
      );
      await waitFor(
        () => published.filter((e) => e.type === 'dispatch.work-order.dispatched' && e.subject === order.complaintId).length === 2,
        'both orders announced',
      );
      expect(
        published
          .filter((e) => e.type === 'dispatch.work-order.dispatched' && e.subject === order.complaintId)
          .map((e) => (e.data as { role: string }).role)
          .sort(),
      ).toEqual(['ASSIST', 'LEAD']);

      // A new version takes over for cases received after it took effect; the first stays as it was.
      const v2 = await upsert(
        { ...parkingIn002, id: rule.id, assistUnitIds: [], leadUnitId: 'unit-110199-jt', effectiveFrom: '2026-05-15T00:00:00.000Z' },
        1,
      );
      expect(v2.data!.r).toMatchObject({ id: rule.id, version: 2, leadUnit: { id: 'unit-110199-jt' }, assistUnits: [] });
      const dryRun = await postGraphQL(
        service.url,
        {
          query: `{ routeDryRun(categoryId: "traffic.parking", regionId: "110199-002-01", at: "2026-06-01T00:00:00Z") { unit { id } rule { id version } } }`,
        },
        { caller: dispatcher },
      );
      expect(dryRun.data!.routeDryRun).toEqual({ unit: { id: 'unit-110199-jt' }, rule: { id: rule.id, version: 2 } });

      const stale = await upsert({ ...parkingIn002, id: rule.id }, 1);
      expect(stale.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', currentVersion: 2 } });
    });

    it('answers a retry with the first version, and is for admins only', async () => {
      const key = newId();
      const first = await upsert({ ...parkingIn002, categoryId: 'traffic.signals' }, null, admin, key);
      const retry = await upsert({ ...parkingIn002, categoryId: 'traffic.signals' }, null, admin, key);
      expect(retry.data!.r).toEqual(first.data!.r);
      expect(code((await upsert(parkingIn002, null, dispatcher)).errors?.[0])).toBe('FORBIDDEN');
      expect(code((await upsert(parkingIn002, null, null)).errors?.[0])).toBe('UNAUTHENTICATED');
    });

    it.each([
      [{ categoryId: 'Traffic!' }, 'input.categoryId'],
      [{ regionId: '110105-001' }, 'input.regionId'],
      [{ leadUnitId: 'unit-110199-command' }, 'input.leadUnitId'],
      [{ assistUnitIds: ['unit-nowhere'] }, 'input.assistUnitIds.0'],
      [{ assistUnitIds: ['unit-110199-002'] }, 'input.assistUnitIds'],
      [{ effectiveTo: '2026-04-01T00:00:00.000Z' }, 'input.effectiveTo'],
    ])('rejects %j naming the field', async (change, field) => {
      expect((await upsert({ ...parkingIn002, ...change })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('refuses a new version of a rule that does not exist', async () => {
      expect(code((await upsert({ ...parkingIn002, id: 'rule-nowhere' }, 1)).errors?.[0])).toBe('NOT_FOUND');
    });
  });

  describe("a handler's queue", () => {
    it('filters by state and urgency and sorts by dispatch time either way', async () => {
      const a = await dispatched();
      const b = await dispatched();
      await ok('acceptWorkOrder', b);
      const query = `query($state: WorkOrderState, $urgency: Urgency, $sort: WorkOrderSort) { workOrders(state: $state, urgency: $urgency, sort: $sort, first: 200) { totalCount edges { node { id state } } } }`;
      const accepted = await postGraphQL(
        service.url,
        { query, variables: { state: 'ACCEPTED', urgency: 'URGENT' } },
        { caller: street001Handler },
      );
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data!.workOrders.edges.every((e: any) => e.node.state === 'ACCEPTED')).toBe(true);
      expect(accepted.data!.workOrders.edges.map((e: any) => e.node.id)).toContain(b.id);
      const general = await postGraphQL(service.url, { query, variables: { urgency: 'GENERAL' } }, { caller: street001Handler });
      expect(general.data!.workOrders.totalCount).toBe(0);
      const asc = await postGraphQL(service.url, { query, variables: { sort: 'DISPATCHED_AT_ASC' } }, { caller: street001Handler });
      const desc = await postGraphQL(service.url, { query, variables: { sort: 'DISPATCHED_AT_DESC' } }, { caller: street001Handler });
      const ids = (r: any) => r.data.workOrders.edges.map((e: any) => e.node.id);
      expect(ids(asc)).toEqual([...ids(desc)].reverse());
      expect(ids(asc).indexOf(a.id)).toBeLessThan(ids(asc).indexOf(b.id));
    });
  });
});
