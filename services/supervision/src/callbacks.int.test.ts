import {
  CallbackRecorded,
  CaseExempted,
  CaseSentBack,
  createEvent,
  createInProcessBus,
  newId,
  parseEnvelope,
  toBusMessage,
  WorkOrderClosed,
  type DeliveredMessage,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { readSupervisionEnvironment, startSupervision, type StartedSupervision } from './index';

const T = new Date('2026-03-09T01:30:00.000Z');
const fields = `id state attempt dueAt contacted solved rating recordedBy reviewReason exemptionRequestedBy reviewedBy workOrderId unit { id } complaint { id }`;
const callbackOf = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Complaint { callback { ${fields} } supervisionOrders { cause level } } } }`;
const recordCallback = `mutation($input: RecordCallbackInput!) { recordCallback(input: $input) { ${fields} } }`;
const requestExemption = `mutation($id: ID!, $reason: String!) { requestExemption(id: $id, reason: $reason) { ${fields} } }`;
const approveExemption = `mutation($id: ID!) { approveExemption(id: $id) { ${fields} } }`;
const sendBack = `mutation($id: ID!, $reason: String!) { sendBackCase(id: $id, reason: $reason) { ${fields} } }`;
const due = `query($filter: CallbackTaskFilter) { callbackTasks(filter: $filter, first: 200) { totalCount edges { node { id complaint { id } } } } }`;

describe('callbacks', () => {
  const bus = createInProcessBus();
  const seen: DeliveredMessage[] = [];
  let service: StartedSupervision;
  const clock = T;

  const closeOrder = async (o: { workOrderId: string; complaintId: string; unitId: string }) => {
    await bus.publish([
      toBusMessage(
        createEvent(WorkOrderClosed, {
          subject: o.complaintId,
          district: '110199',
          actor: 'handler-1',
          data: { ...o, closedAt: T.toISOString() },
        }),
      ),
    ]);
  };
  const read = async (complaintId: string, caller = testCaller('supervisor')) => {
    const res = await postGraphQL(
      service.url,
      { query: callbackOf, variables: { representations: [{ __typename: 'Complaint', id: complaintId }] } },
      { caller },
    );
    expect(res.errors).toBeUndefined();
    return res.data!._entities[0] as { callback: Record<string, any> | null; supervisionOrders: Array<Record<string, any>> };
  };
  /** A closed order with its callback due. */
  const closedCase = async () => {
    const o = { workOrderId: newId(), complaintId: newId(), unitId: 'unit-110199-001' };
    await closeOrder(o);
    const callback = await waitFor(async () => (await read(o.complaintId)).callback, 'the callback task');
    return { ...o, callbackId: callback.id as string, callback };
  };
  const events = (type: string, complaintId: string) =>
    seen.map((m) => parseEnvelope(m.value)).filter((e) => e.type === type && e.subject === complaintId);
  const run = (query: string, variables: Record<string, unknown>, caller: ReturnType<typeof testCaller> | null) =>
    postGraphQL(service.url, { query, variables }, { caller });

  beforeAll(async () => {
    await bus.start();
    await bus.subscribe({ groupId: 'test', topics: [CallbackRecorded.topic], handle: async (m) => void seen.push(m) });
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

  it('makes a callback due when a work order closes, listed among the due ones; the same closing again adds none', async () => {
    const c = await closedCase();
    expect(c.callback).toMatchObject({
      state: 'DUE',
      attempt: 1,
      dueAt: T.toISOString(),
      workOrderId: c.workOrderId,
      unit: { id: 'unit-110199-001' },
    });
    await closeOrder(c);
    const list = await run(due, { filter: { state: 'DUE' } }, testCaller('agent'));
    expect(
      list.data!.callbackTasks.edges.filter((e: { node: { complaint: { id: string } } }) => e.node.complaint.id === c.complaintId),
    ).toHaveLength(1);
  });

  it('records the three questions and the rating with CallbackRecorded; a second record is refused', async () => {
    const c = await closedCase();
    const res = await run(
      recordCallback,
      { input: { id: c.callbackId, contacted: true, solved: true, rating: 'BASICALLY_SATISFIED' } },
      testCaller('agent'),
    );
    expect(res.data!.recordCallback).toMatchObject({ state: 'DONE', contacted: true, solved: true, rating: 'BASICALLY_SATISFIED' });
    const [event] = await waitFor(
      () => events(CallbackRecorded.type, c.complaintId).length > 0 && events(CallbackRecorded.type, c.complaintId),
      'CallbackRecorded',
    );
    expect(event!.data).toMatchObject({
      callbackId: c.callbackId,
      workOrderId: c.workOrderId,
      unitId: 'unit-110199-001',
      rating: 'BASICALLY_SATISFIED',
      contacted: true,
      solved: true,
    });
    const again = await run(
      recordCallback,
      { input: { id: c.callbackId, contacted: null, solved: null, rating: 'NO_COMMENT' } },
      testCaller('agent'),
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('exempts a dissatisfied case only with a reason and a second person’s approval, with CaseExempted', async () => {
    const c = await closedCase();
    await run(recordCallback, { input: { id: c.callbackId, contacted: true, solved: false, rating: 'DISSATISFIED' } }, testCaller('agent'));
    const first = testCaller('supervisor', { sub: 'sup-1' });
    const second = testCaller('admin', { sub: 'admin-2' });
    const noReason = await run(requestExemption, { id: c.callbackId, reason: '' }, first);
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(
      (await run(requestExemption, { id: c.callbackId, reason: '诉求超出政策范围' }, testCaller('agent'))).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await run(requestExemption, { id: c.callbackId, reason: '诉求超出政策范围' }, first)).data!.requestExemption.state).toBe(
      'EXEMPTION_REQUESTED',
    );
    expect((await run(approveExemption, { id: c.callbackId }, first)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const approved = await run(approveExemption, { id: c.callbackId }, second);
    expect(approved.data!.approveExemption).toMatchObject({
      state: 'EXEMPTED',
      reviewedBy: 'admin-2',
      exemptionRequestedBy: 'sup-1',
      reviewReason: '诉求超出政策范围',
    });
    const [event] = await waitFor(
      () => events(CaseExempted.type, c.complaintId).length > 0 && events(CaseExempted.type, c.complaintId),
      'CaseExempted',
    );
    expect(event!.data).toMatchObject({ workOrderId: c.workOrderId, reason: '诉求超出政策范围', approvedBy: 'admin-2' });
  });

  it('sends a dissatisfied case back with CaseSentBack; at the second send-back of the order the case goes under supervision', async () => {
    const c = await closedCase();
    const reviewer = testCaller('supervisor');
    await run(recordCallback, { input: { id: c.callbackId, contacted: true, solved: false, rating: 'DISSATISFIED' } }, testCaller('agent'));
    const sent = await run(sendBack, { id: c.callbackId, reason: '维修未完成' }, reviewer);
    expect(sent.data!.sendBackCase.state).toBe('SENT_BACK');
    await waitFor(() => events(CaseSentBack.type, c.complaintId).length > 0, 'CaseSentBack');
    expect(events(CaseSentBack.type, c.complaintId)[0]!.data).toMatchObject({ rehandles: 1, reason: '维修未完成' });
    expect((await read(c.complaintId)).supervisionOrders).toEqual([]);

    // Re-handled and closed again: a second callback, dissatisfied again, sent back again.
    await closeOrder(c);
    const second = await waitFor(async () => {
      const cb = (await read(c.complaintId)).callback;
      return cb?.attempt === 2 && cb;
    }, 'the second callback');
    await run(recordCallback, { input: { id: second.id, contacted: true, solved: false, rating: 'DISSATISFIED' } }, testCaller('agent'));
    await run(sendBack, { id: second.id, reason: '仍未解决' }, reviewer);
    await waitFor(() => events(CaseSentBack.type, c.complaintId).length > 1, 'the second CaseSentBack');
    expect(events(CaseSentBack.type, c.complaintId)[1]!.data).toMatchObject({ rehandles: 2 });
    expect((await read(c.complaintId)).supervisionOrders).toEqual([{ cause: 'DISSATISFIED', level: 'SUPERVISION' }]);
  });

  it('shows the callback to the unit’s handlers but not to another unit’s, and refuses unknown callbacks and other districts', async () => {
    const c = await closedCase();
    expect((await read(c.complaintId, testCaller('handler', { unit: 'unit-110199-001' }))).callback).not.toBeNull();
    expect((await read(c.complaintId, testCaller('handler', { unit: 'unit-110199-002' }))).callback).toBeNull();
    expect(
      (await run(recordCallback, { input: { id: newId(), contacted: true, solved: true, rating: 'SATISFIED' } }, testCaller('agent')))
        .errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await run(
          recordCallback,
          { input: { id: c.callbackId, contacted: true, solved: true, rating: 'SATISFIED' } },
          testCaller('agent', { district: '110105' }),
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await run(recordCallback, { input: { id: c.callbackId, contacted: true, solved: true, rating: 'SATISFIED' } }, null)).errors?.[0]
        ?.extensions?.code,
    ).toBe('UNAUTHENTICATED');
    expect((await run(due, {}, testCaller('handler', { unit: 'unit-110199-001' }))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
