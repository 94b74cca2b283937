import {
  CitizenContacted,
  createEvent,
  createInProcessBus,
  DeadlineOverdue,
  DeadlinesPaused,
  DeadlinesResumed,
  DeadlineWarning,
  ExtensionDecided,
  newId,
  parseEnvelope,
  toBusMessage,
  WhistleBlown,
  WhistleReportedIn,
  WorkOrderAccepted,
  WorkOrderClosed,
  WorkOrderDispatched,
  WorkOrderReopened,
  WorkOrderReplied,
  WorkOrderReturned,
  WorkOrderRerouted,
  ComplaintTransferred,
  type DeliveredMessage,
  type EventContract,
  type Envelope,
} from '@hotline/shared';
import { postGraphQL, silentLogger, testCaller, TEST_CALLER_SECRET, waitFor } from '@hotline/shared/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSupervisionEnvironment, startSupervision, type StartedSupervision } from './index';

const minutes = (n: number) => n * 60_000;
/** Monday 2 March 2026, 09:30 in Beijing. */
const T = new Date('2026-03-02T01:30:00.000Z');
const at = (offset: number) => new Date(T.getTime() + offset);
const iso = (offset: number) => at(offset).toISOString();

const deadlinesQuery = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Complaint { id overdue deadlines { id kind state dueAt round metAt metLate warnAt warnedAt overdueAt pausedAt workOrderId unit { id } ruleId } }
  }
}`;

const alertsQuery = `query($filter: DeadlineAlertFilter, $after: ID, $first: Int) {
  deadlineAlerts(filter: $filter, after: $after, first: $first) {
    afterFound
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id level kind district workOrderId deadlineId dueAt at unit { id } complaint { id } } }
  }
}`;

const pauseMutation = `mutation($workOrderId: ID!, $reason: String!) { pauseClock(workOrderId: $workOrderId, reason: $reason) { kind state pausedAt dueAt } }`;
const resumeMutation = `mutation($workOrderId: ID!) { resumeClock(workOrderId: $workOrderId) { kind state pausedAt dueAt } }`;

describe('deadlines following the case', () => {
  const bus = createInProcessBus();
  const seen: DeliveredMessage[] = [];
  let clock = at(minutes(1));
  let service: StartedSupervision;

  const emit = (contract: EventContract, complaintId: string, data: Record<string, unknown>, occurredAt = clock): Envelope =>
    createEvent(contract as typeof WorkOrderAccepted, {
      subject: complaintId,
      district: '110199',
      actor: 'handler-1',
      occurredAt,
      data: data as never,
    });
  const publish = (...events: Envelope[]) => bus.publish(events.map(toBusMessage));

  /** A general property-fees order of the first street, dispatched at T: RESPOND T+2h, ACCEPT T+1d, REPLY T+5d, CLOSE T+7d. */
  const newOrder = async (unitId = 'unit-110199-001') => {
    const order = { workOrderId: newId(), complaintId: newId(), unitId };
    await publish(
      emit(WorkOrderDispatched, order.complaintId, {
        ...order,
        ruleId: null,
        ruleVersion: null,
        role: 'LEAD',
        categoryId: 'property.fees',
        urgency: 'GENERAL',
        areaType: 'BUILT_UP',
        dispatchedAt: T.toISOString(),
      }),
    );
    await deadlines(order.complaintId, (ds) => ds.length === 4);
    return order;
  };

  type Row = Record<string, any>;
  const read = async (complaintId: string, caller = testCaller('supervisor')): Promise<Row[]> => {
    const res = await postGraphQL(
      service.url,
      { query: deadlinesQuery, variables: { representations: [{ __typename: 'Complaint', id: complaintId }] } },
      { caller },
    );
    expect(res.errors).toBeUndefined();
    return (res.data!._entities[0]?.deadlines ?? []) as Row[];
  };
  /** Waits until the complaint's deadlines satisfy `ready` (the consumer committed), and returns them. */
  const deadlines = (complaintId: string, ready: (ds: Row[]) => boolean) =>
    waitFor(async () => {
      const ds = await read(complaintId);
      return ready(ds) ? ds : null;
    }, `deadlines of ${complaintId}`);
  const kind = (ds: Row[], k: string, round = 0) => ds.find((d) => d.kind === k && d.round === round)!;
  const timerEvents = (type: string) => seen.map((m) => parseEnvelope(m.value)).filter((e) => e.type === type);

  beforeAll(async () => {
    await bus.start();
    await bus.subscribe({ groupId: 'test', topics: [DeadlineOverdue.topic], handle: async (m) => void seen.push(m) });
    // 2026 Labour Day: Fri 1 – Tue 5 May off, Sat 9 May worked (调休).
    const calendarFile = path.join(mkdtempSync(path.join(tmpdir(), 'supervision-calendar-')), 'calendar.json');
    writeFileSync(calendarFile, JSON.stringify({ holidays: ['2026-05-01', '2026-05-04', '2026-05-05'], makeUpWorkdays: ['2026-05-09'] }));
    const env = readSupervisionEnvironment({
      SUPERVISION_PORT: '0',
      DATA_DIR: 'memory://',
      CALLER_SECRET: TEST_CALLER_SECRET,
      DEMO_DATA: 'true',
      SUPERVISION_TIMER: 'false',
      SUPERVISION_CALENDAR_FILE: calendarFile,
    });
    service = await startSupervision(env, { bus, logger: silentLogger(), now: () => clock });
  });
  afterAll(async () => {
    await service.stop();
    await bus.stop();
  });
  beforeEach(() => {
    clock = at(minutes(1));
  });

  it('accepting meets ACCEPT and RESPOND on time; contacting the citizen afterwards changes nothing', async () => {
    const o = await newOrder();
    await publish(emit(WorkOrderAccepted, o.complaintId, { ...o, acceptedAt: iso(minutes(30)) }));
    const ds = await deadlines(o.complaintId, (d) => kind(d, 'ACCEPT').state === 'MET');
    expect(kind(ds, 'ACCEPT')).toMatchObject({ state: 'MET', metAt: iso(minutes(30)), metLate: false, warnAt: null });
    expect(kind(ds, 'RESPOND')).toMatchObject({ state: 'MET', metAt: iso(minutes(30)), metLate: false });
    await publish(emit(CitizenContacted, o.complaintId, { ...o, contactedAt: iso(minutes(50)) }));
    await waitFor(() => service.timer.tick().then(() => true), 'a tick');
    expect(kind(await read(o.complaintId), 'RESPOND').metAt).toBe(iso(minutes(30)));
  });

  it('contacting the citizen first meets RESPOND; a late acceptance then meets ACCEPT late', async () => {
    const o = await newOrder();
    await publish(emit(CitizenContacted, o.complaintId, { ...o, contactedAt: iso(minutes(20)) }));
    await deadlines(o.complaintId, (d) => kind(d, 'RESPOND').state === 'MET');
    await publish(emit(WorkOrderAccepted, o.complaintId, { ...o, acceptedAt: iso(minutes(25 * 60)) }));
    const ds = await deadlines(o.complaintId, (d) => kind(d, 'ACCEPT').state === 'MET');
    expect(kind(ds, 'RESPOND')).toMatchObject({ metAt: iso(minutes(20)), metLate: false });
    expect(kind(ds, 'ACCEPT')).toMatchObject({ metAt: iso(minutes(25 * 60)), metLate: true });
  });

  it('replying meets REPLY and closing meets CLOSE', async () => {
    const o = await newOrder();
    await publish(
      emit(WorkOrderReplied, o.complaintId, { ...o, repliedAt: iso(minutes(600)) }),
      emit(WorkOrderClosed, o.complaintId, { ...o, closedAt: iso(minutes(700)) }),
    );
    const ds = await deadlines(o.complaintId, (d) => kind(d, 'CLOSE').state === 'MET');
    expect([kind(ds, 'REPLY').state, kind(ds, 'REPLY').metLate, kind(ds, 'CLOSE').metAt]).toEqual(['MET', false, iso(minutes(700))]);
  });

  it('returning the order cancels its open deadlines, and the timer never reports them', async () => {
    const o = await newOrder();
    await publish(emit(WorkOrderAccepted, o.complaintId, { ...o, acceptedAt: iso(minutes(10)) }));
    await deadlines(o.complaintId, (d) => kind(d, 'ACCEPT').state === 'MET');
    await publish(
      emit(WorkOrderReturned, o.complaintId, {
        ...o,
        reasonCode: 'NOT_OURS',
        reason: 'not this street',
        returns: 1,
        returnedAt: iso(minutes(40)),
      }),
    );
    const ds = await deadlines(o.complaintId, (d) => kind(d, 'CLOSE').state === 'CANCELLED');
    expect(ds.map((d) => [d.kind, d.state])).toEqual([
      ['RESPOND', 'MET'],
      ['ACCEPT', 'MET'],
      ['REPLY', 'CANCELLED'],
      ['CLOSE', 'CANCELLED'],
    ]);
    clock = at(minutes(30 * 24 * 60));
    await service.timer.tick();
    expect(timerEvents(DeadlineOverdue.type).filter((e) => (e.data as { workOrderId: string }).workOrderId === o.workOrderId)).toEqual([]);
  });

  it('an assisting order superseded by a re-dispatch (rerouted) has its open deadlines cancelled', async () => {
    const o = await newOrder();
    await publish(emit(WorkOrderRerouted, o.complaintId, { ...o, toUnitId: 'unit-110199-zjw', reroutedAt: iso(minutes(20)) }));
    const ds = await deadlines(o.complaintId, (d) => kind(d, 'CLOSE').state === 'CANCELLED');
    expect(ds.map((d) => d.state)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('a case transferred to another district has every open deadline cancelled here', async () => {
    const o = await newOrder();
    await publish(
      emit(ComplaintTransferred, o.complaintId, {
        complaintId: o.complaintId,
        fromDistrict: '110199',
        toDistrict: '110105',
        reason: '属地在朝阳区',
        transferredAt: iso(minutes(15)),
      }),
    );
    const ds = await deadlines(o.complaintId, (d) => d.every((x) => x.state === 'CANCELLED'));
    expect(ds).toHaveLength(4);
  });

  it('reopening sets new REPLY and CLOSE deadlines in a new round, from reopening, superseding what was open; announced again, nothing changes', async () => {
    const o = await newOrder();
    const reopened = emit(WorkOrderReopened, o.complaintId, {
      ...o,
      reason: 'citizen dissatisfied',
      rehandles: 1,
      reopenedAt: iso(minutes(3 * 24 * 60)),
    });
    await publish(reopened);
    const ds = await deadlines(o.complaintId, (d) => d.length === 6);
    expect(ds.filter((d) => d.round === 1).map((d) => [d.kind, d.dueAt, d.state])).toEqual([
      ['REPLY', iso(minutes(8 * 24 * 60)), 'PENDING'],
      ['CLOSE', iso(minutes(10 * 24 * 60)), 'PENDING'],
    ]);
    expect([kind(ds, 'REPLY').state, kind(ds, 'CLOSE').state]).toEqual(['CANCELLED', 'CANCELLED']);
    await publish(
      reopened,
      emit(WorkOrderReopened, o.complaintId, { ...o, reason: 'again', rehandles: 1, reopenedAt: iso(minutes(4 * 24 * 60)) }),
    );
    await service.timer.tick();
    expect(await read(o.complaintId)).toHaveLength(6);
  });

  it('an approved extension moves open REPLY and CLOSE by its minutes; a refused one does not', async () => {
    const o = await newOrder();
    await publish(emit(ExtensionDecided, o.complaintId, { ...o, approved: false, extraMinutes: 1440, decidedAt: iso(minutes(60)) }));
    await publish(emit(ExtensionDecided, o.complaintId, { ...o, approved: true, extraMinutes: 2880, decidedAt: iso(minutes(60)) }));
    const ds = await deadlines(o.complaintId, (d) => kind(d, 'CLOSE').dueAt !== iso(minutes(7 * 24 * 60)));
    expect(ds.map((d) => [d.kind, d.dueAt])).toEqual([
      ['RESPOND', iso(minutes(120))],
      ['ACCEPT', iso(minutes(24 * 60))],
      ['REPLY', iso(minutes(7 * 24 * 60))],
      ['CLOSE', iso(minutes(9 * 24 * 60))],
    ]);
  });

  it('a whistle makes each summoned department report in within its limit; one reports in late, one never does and is reported overdue', async () => {
    const complaintId = newId();
    const whistleId = newId();
    await publish(
      emit(WhistleBlown, complaintId, {
        whistleId,
        complaintId,
        streetUnitId: 'unit-110199-001',
        departmentUnitIds: ['unit-110199-cgw', 'unit-110199-zjw'],
        reason: 'illegal construction',
        reportInMinutes: 30,
        blownAt: T.toISOString(),
      }),
    );
    await deadlines(complaintId, (d) => d.length === 2);
    await publish(
      emit(WhistleReportedIn, complaintId, { whistleId, complaintId, unitId: 'unit-110199-cgw', late: true, reportedAt: iso(minutes(45)) }),
    );
    const ds = await deadlines(complaintId, (d) => d.some((x) => x.state === 'MET'));
    expect(ds.map((d) => [d.kind, d.unit.id, d.state, d.metLate, d.ruleId])).toEqual([
      ['REPORT_IN', 'unit-110199-cgw', 'MET', true, null],
      ['REPORT_IN', 'unit-110199-zjw', 'PENDING', null, null],
    ]);
    clock = at(minutes(30));
    await service.timer.tick();
    await waitFor(
      () => timerEvents(DeadlineOverdue.type).find((e) => (e.data as { workOrderId: string }).workOrderId === whistleId),
      'the REPORT_IN overdue report',
    );
    expect(kind(await read(complaintId), 'REPORT_IN').state).toBe('MET');
    expect((await read(complaintId)).find((d) => d.unit.id === 'unit-110199-zjw')).toMatchObject({
      state: 'OVERDUE',
      overdueAt: iso(minutes(30)),
    });
  });

  describe('the timer through the service', () => {
    it('warns at 80% of RESPOND and reports it overdue at its due time, once, on the bus; Complaint.overdue shows it', async () => {
      const o = await newOrder('unit-110199-002');
      clock = at(minutes(96));
      await service.timer.tick();
      let ds = await read(o.complaintId);
      expect(kind(ds, 'RESPOND').warnedAt).toBe(iso(minutes(96)));
      clock = at(minutes(120));
      await service.timer.tick();
      await service.timer.tick();
      const reported = await waitFor(() => {
        const found = timerEvents(DeadlineOverdue.type).filter((e) => (e.data as { workOrderId: string }).workOrderId === o.workOrderId);
        return found.length > 0 && found;
      }, 'DeadlineOverdue on the bus');
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatchObject({
        subject: o.complaintId,
        district: '110199',
        actor: 'system:supervision',
        data: { kind: 'RESPOND', unitId: 'unit-110199-002', dueAt: iso(minutes(120)), overdueAt: iso(minutes(120)) },
      });
      ds = await read(o.complaintId);
      expect(kind(ds, 'RESPOND').state).toBe('OVERDUE');
      // Reported overdue, it leads the unit's at-risk list until it is met.
      const risk = await postGraphQL(
        service.url,
        { query: `query { atRisk(unitId: "unit-110199-002", first: 1) { edges { node { kind state workOrderId timeLeftMinutes } } } }` },
        { caller: testCaller('supervisor') },
      );
      expect(risk.data!.atRisk.edges[0].node).toMatchObject({
        kind: 'RESPOND',
        state: 'OVERDUE',
        workOrderId: o.workOrderId,
        timeLeftMinutes: 0,
      });
      // Met after being reported overdue: met, late.
      await publish(emit(CitizenContacted, o.complaintId, { ...o, contactedAt: iso(minutes(130)) }));
      ds = await deadlines(o.complaintId, (d) => kind(d, 'RESPOND').state === 'MET');
      expect(kind(ds, 'RESPOND')).toMatchObject({ metLate: true, overdueAt: iso(minutes(120)) });
    });

    it('keeps the reports for replay: deadlineAlerts lists them after a given id, filtered, and authorizes per role', async () => {
      const o = await newOrder('unit-110199-003');
      clock = at(minutes(96));
      await service.timer.tick();
      clock = at(minutes(120));
      await service.timer.tick();
      const all = await postGraphQL(
        service.url,
        { query: alertsQuery, variables: { filter: { unitIds: ['unit-110199-003'] } } },
        { caller: testCaller('supervisor') },
      );
      expect(all.errors).toBeUndefined();
      const edges = all.data!.deadlineAlerts.edges as Array<{ cursor: string; node: Row }>;
      expect(edges.map((e) => [e.node.level, e.node.kind, e.node.workOrderId])).toEqual([
        ['WARNING', 'RESPOND', o.workOrderId],
        ['OVERDUE', 'RESPOND', o.workOrderId],
      ]);
      const after = await postGraphQL(
        service.url,
        { query: alertsQuery, variables: { after: edges[0]!.cursor, filter: { unitIds: ['unit-110199-003'], levels: ['OVERDUE'] } } },
        { caller: testCaller('handler', { unit: 'unit-110199-003' }) },
      );
      expect(after.data!.deadlineAlerts).toMatchObject({
        afterFound: true,
        edges: [{ node: { level: 'OVERDUE', unit: { id: 'unit-110199-003' }, complaint: { id: o.complaintId } } }],
      });
      const other = await postGraphQL(
        service.url,
        { query: alertsQuery, variables: { filter: { unitIds: ['unit-110199-003'] } } },
        { caller: testCaller('handler', { unit: 'unit-110199-001' }) },
      );
      expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const analyst = await postGraphQL(service.url, { query: alertsQuery }, { caller: testCaller('analyst') });
      expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const unknown = await postGraphQL(
        service.url,
        { query: alertsQuery, variables: { after: newId(), filter: { unitIds: ['unit-110199-003'] } } },
        { caller: testCaller('supervisor') },
      );
      expect(unknown.data!.deadlineAlerts.afterFound).toBe(false);
      const bad = await postGraphQL(
        service.url,
        { query: alertsQuery, variables: { after: 'nope' } },
        { caller: testCaller('supervisor') },
      );
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  });

  describe('pausing the clock while the case waits on the citizen', () => {
    it('pauses the running deadlines (the timer ignores them) and on resuming moves them by the time paused', async () => {
      const o = await newOrder();
      await publish(emit(WorkOrderAccepted, o.complaintId, { ...o, acceptedAt: iso(minutes(10)) }));
      await deadlines(o.complaintId, (d) => kind(d, 'ACCEPT').state === 'MET');
      clock = at(minutes(60));
      const paused = await postGraphQL(
        service.url,
        { query: pauseMutation, variables: { workOrderId: o.workOrderId, reason: 'waiting for the citizen’s documents' } },
        { caller: testCaller('supervisor') },
      );
      expect(paused.errors).toBeUndefined();
      expect(paused.data!.pauseClock.map((d: Row) => [d.kind, d.state])).toEqual([
        ['RESPOND', 'MET'],
        ['ACCEPT', 'MET'],
        ['REPLY', 'PAUSED'],
        ['CLOSE', 'PAUSED'],
      ]);
      clock = at(minutes(8 * 24 * 60));
      await service.timer.tick();
      expect(timerEvents(DeadlineOverdue.type).filter((e) => (e.data as { workOrderId: string }).workOrderId === o.workOrderId)).toEqual(
        [],
      );
      const resumed = await postGraphQL(
        service.url,
        { query: resumeMutation, variables: { workOrderId: o.workOrderId } },
        { caller: testCaller('admin') },
      );
      expect(resumed.errors).toBeUndefined();
      const pausedFor = minutes(8 * 24 * 60) - minutes(60);
      expect(resumed.data!.resumeClock.filter((d: Row) => d.state === 'PENDING').map((d: Row) => [d.kind, d.dueAt, d.pausedAt])).toEqual([
        ['REPLY', iso(minutes(5 * 24 * 60) + pausedFor), null],
        ['CLOSE', iso(minutes(7 * 24 * 60) + pausedFor), null],
      ]);
      // Both are announced, with who did it and the new due times, for whoever follows the case.
      const mine = (type: string) => timerEvents(type).filter((e) => (e.data as { workOrderId: string }).workOrderId === o.workOrderId);
      await waitFor(() => mine(DeadlinesResumed.type).length === 1, 'DeadlinesResumed on the bus');
      expect(mine(DeadlinesPaused.type)).toEqual([
        expect.objectContaining({
          actor: 'supervisor-1',
          data: expect.objectContaining({
            reason: 'waiting for the citizen’s documents',
            pausedAt: iso(minutes(60)),
            deadlines: [expect.objectContaining({ kind: 'REPLY' }), expect.objectContaining({ kind: 'CLOSE' })],
          }),
        }),
      ]);
      expect(mine(DeadlinesResumed.type)[0]!.data).toMatchObject({
        resumedAt: iso(minutes(8 * 24 * 60)),
        deadlines: [
          { kind: 'REPLY', dueAt: iso(minutes(5 * 24 * 60) + pausedFor), pausedMinutes: 8 * 24 * 60 - 60 },
          { kind: 'CLOSE', dueAt: iso(minutes(7 * 24 * 60) + pausedFor), pausedMinutes: 8 * 24 * 60 - 60 },
        ],
      });
    });

    it('refuses other roles, other districts, unknown orders, nothing to pause, and a missing reason', async () => {
      const o = await newOrder();
      const pause = (caller: ReturnType<typeof testCaller> | null, variables: Record<string, unknown>) =>
        postGraphQL(service.url, { query: pauseMutation, variables }, { caller });
      expect(
        (await pause(testCaller('handler', { unit: 'unit-110199-001' }), { workOrderId: o.workOrderId, reason: 'waiting' })).errors?.[0]
          ?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect((await pause(null, { workOrderId: o.workOrderId, reason: 'waiting' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(
        (await pause(testCaller('supervisor', { district: '110105' }), { workOrderId: o.workOrderId, reason: 'waiting' })).errors?.[0]
          ?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect((await pause(testCaller('supervisor'), { workOrderId: newId(), reason: 'waiting' })).errors?.[0]?.extensions?.code).toBe(
        'NOT_FOUND',
      );
      expect((await pause(testCaller('supervisor'), { workOrderId: o.workOrderId, reason: ' ' })).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'reason',
      });
      const resume = await postGraphQL(
        service.url,
        { query: resumeMutation, variables: { workOrderId: o.workOrderId } },
        { caller: testCaller('supervisor') },
      );
      expect(resume.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });
  });

  it('counts a complex case in working days from the calendar file: the holiday does not count, the make-up Saturday does, and an extension too', async () => {
    const order = { workOrderId: newId(), complaintId: newId(), unitId: 'unit-110199-003' };
    // Thu 30 Apr 2026, 10:00 in Beijing.
    const dispatchedAt = '2026-04-30T02:00:00.000Z';
    await publish(
      emit(WorkOrderDispatched, order.complaintId, {
        ...order,
        ruleId: null,
        ruleVersion: null,
        role: 'LEAD',
        categoryId: 'illegal-construction',
        urgency: 'COMPLEX',
        areaType: 'URBAN_RURAL_FRINGE',
        dispatchedAt,
      }),
    );
    const ds = await deadlines(order.complaintId, (d) => d.length === 4);
    // 1 working day: the rest of Thursday, then Fri 1 – Tue 5 (holidays and weekend) stand still → Wed 6 May 10:00.
    expect(kind(ds, 'RESPOND').dueAt).toBe('2026-05-06T02:00:00.000Z');
    expect(kind(ds, 'RESPOND').ruleId).toBe('complex');
    // 10 working days: 14 h of Thursday, Wed 6 – Sat 9 (the make-up day counts), Mon 11 – Fri 15, and 10 h of Mon 18.
    expect(kind(ds, 'REPLY').dueAt).toBe('2026-05-18T02:00:00.000Z');
    // An approved extension of 5 working days skips the weekend: Mon 18 → Mon 25 May.
    await publish(
      emit(ExtensionDecided, order.complaintId, {
        ...order,
        approved: true,
        extraMinutes: 5 * 1440,
        decidedAt: '2026-05-07T02:00:00.000Z',
      }),
    );
    const moved = await deadlines(order.complaintId, (d) => kind(d, 'REPLY').dueAt !== '2026-05-18T02:00:00.000Z');
    expect(kind(moved, 'REPLY').dueAt).toBe('2026-05-25T02:00:00.000Z');
  });

  it('a redelivered event (same envelope id) changes nothing', async () => {
    const o = await newOrder();
    const extension = emit(ExtensionDecided, o.complaintId, { ...o, approved: true, extraMinutes: 60, decidedAt: iso(minutes(60)) });
    await publish(extension);
    await deadlines(o.complaintId, (d) => kind(d, 'CLOSE').dueAt === iso(minutes(7 * 24 * 60 + 60)));
    await publish(extension);
    await publish(emit(WorkOrderReplied, o.complaintId, { ...o, repliedAt: iso(minutes(70)) }));
    const ds = await deadlines(o.complaintId, (d) => kind(d, 'REPLY').state === 'MET');
    expect(kind(ds, 'CLOSE').dueAt).toBe(iso(minutes(7 * 24 * 60 + 60)));
  });

  it('warnings are published too', async () => {
    await bus.subscribe({ groupId: 'test-warnings', topics: [DeadlineWarning.topic], handle: async (m) => void seen.push(m) });
    const o = await newOrder('unit-110199-004');
    clock = at(minutes(96));
    await service.timer.tick();
    await waitFor(
      () => timerEvents(DeadlineWarning.type).find((e) => (e.data as { workOrderId: string }).workOrderId === o.workOrderId),
      'DeadlineWarning on the bus',
    );
  });
});
