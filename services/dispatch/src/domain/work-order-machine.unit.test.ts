import {
  caseRouting,
  decide,
  decideCase,
  evolve,
  workOrderStates,
  type LeadSummary,
  type WorkOrderCommand,
  type WorkOrderEvent,
  type WorkOrderLifecycle,
  type WorkOrderState,
} from './work-order-machine';

/** An order as the decider sees it: a routed lead order, DISPATCHED, unless told otherwise. */
const anOrder = (over: Partial<WorkOrderLifecycle> = {}): WorkOrderLifecycle => ({
  state: 'DISPATCHED',
  role: 'LEAD',
  manualQueue: false,
  binding: false,
  rehandles: 0,
  pendingExtension: null,
  replyText: null,
  ...over,
});

/** given(order).when(command) → the event decided, or the reason it was refused. */
const given = (order: WorkOrderLifecycle) => ({
  when: (command: WorkOrderCommand) => {
    const decision = decide(command, order);
    return {
      then: (event: WorkOrderEvent, state: WorkOrderState) => {
        expect(decision).toEqual({ ok: true, event });
        if (decision.ok) expect(evolve(order, decision.event).state).toBe(state);
      },
      thenRefused: (reason: RegExp) => expect(decision).toEqual({ ok: false, reason: expect.stringMatching(reason) }),
    };
  },
});

const commands: Record<WorkOrderCommand['type'], WorkOrderCommand> = {
  Accept: { type: 'Accept' },
  ContactCitizen: { type: 'ContactCitizen' },
  StartWork: { type: 'StartWork' },
  AddProgressNote: { type: 'AddProgressNote', text: 'visited the site', attachments: [] },
  Reply: { type: 'Reply', text: 'fixed' },
  Close: { type: 'Close' },
  Return: { type: 'Return', reasonCode: 'NOT_OUR_DUTY', reason: 'water mains are the water authority’s', priorReturns: 0 },
  Reopen: { type: 'Reopen', reason: 'citizen dissatisfied', rehandles: 1 },
  RequestExtension: { type: 'RequestExtension', minutes: 60, reason: 'parts on order' },
  DecideExtension: { type: 'DecideExtension', approved: true },
  Reroute: { type: 'Reroute', toUnitId: 'unit-110199-scjg' },
  Supersede: { type: 'Supersede', toUnitId: 'unit-110199-scjg' },
  Transfer: { type: 'Transfer', toDistrict: '110105', reason: 'the address is in 朝阳区' },
};

/** Where each command is legal (for a routed lead order without a pending extension); everywhere else it is refused. */
const legalIn: Record<WorkOrderCommand['type'], WorkOrderState[]> = {
  Accept: ['DISPATCHED'],
  ContactCitizen: ['DISPATCHED', 'ACCEPTED', 'IN_PROGRESS', 'REPLIED'],
  StartWork: ['ACCEPTED'],
  AddProgressNote: ['ACCEPTED', 'IN_PROGRESS'],
  Reply: ['IN_PROGRESS'],
  Close: ['REPLIED'],
  Return: ['DISPATCHED', 'ACCEPTED'],
  Reopen: ['REPLIED', 'CLOSED'],
  RequestExtension: ['ACCEPTED', 'IN_PROGRESS'],
  DecideExtension: [],
  Reroute: [],
  // Only assisting orders are superseded; the table's order is a lead.
  Supersede: [],
  Transfer: ['DISPATCHED', 'ACCEPTED'],
};

describe('the work order state machine', () => {
  describe('every command in every state', () => {
    for (const [type, command] of Object.entries(commands) as Array<[WorkOrderCommand['type'], WorkOrderCommand]>) {
      for (const state of workOrderStates) {
        const legal = legalIn[type].includes(state);
        it(`given an order ${state}, when ${type}, then it is ${legal ? 'decided' : 'refused'}`, () => {
          expect(decide(command, anOrder({ state })).ok).toBe(legal);
        });
      }
    }
  });

  it('given a dispatched order, when the unit accepts, then it is ACCEPTED', () => {
    given(anOrder()).when({ type: 'Accept' }).then({ type: 'Accepted' }, 'ACCEPTED');
  });

  it('given an accepted order, when work starts, then it is IN_PROGRESS', () => {
    given(anOrder({ state: 'ACCEPTED' }))
      .when({ type: 'StartWork' })
      .then({ type: 'WorkStarted' }, 'IN_PROGRESS');
  });

  it('given an order in progress, when the unit replies, then it is REPLIED with the reply text', () => {
    given(anOrder({ state: 'IN_PROGRESS' }))
      .when({ type: 'Reply', text: 'fixed' })
      .then({ type: 'Replied', text: 'fixed' }, 'REPLIED');
  });

  it('given a replied order, when it is closed, then it is CLOSED', () => {
    given(anOrder({ state: 'REPLIED' }))
      .when({ type: 'Close' })
      .then({ type: 'Closed' }, 'CLOSED');
  });

  it('given a dispatched order, when the citizen is contacted, then the state stays DISPATCHED', () => {
    given(anOrder()).when({ type: 'ContactCitizen' }).then({ type: 'CitizenContacted' }, 'DISPATCHED');
  });

  it('given a closed order, when the citizen is contacted, then it is refused: contact comes before close', () => {
    given(anOrder({ state: 'CLOSED' }))
      .when({ type: 'ContactCitizen' })
      .thenRefused(/cannot contact the citizen about a work order that is CLOSED/);
  });

  it('given an order in progress, when a progress note with attachments is added, then the note and files are kept and the state stays', () => {
    const attachments = [{ name: 'site.jpg', size: 1024, contentType: 'image/jpeg', url: 'https://files.example/site.jpg' }];
    given(anOrder({ state: 'IN_PROGRESS' }))
      .when({ type: 'AddProgressNote', text: 'on site', attachments })
      .then({ type: 'ProgressNoted', text: 'on site', attachments }, 'IN_PROGRESS');
  });

  describe('assisting orders superseded by a new lead', () => {
    for (const state of workOrderStates) {
      const open = ['DISPATCHED', 'ACCEPTED', 'IN_PROGRESS', 'REPLIED'].includes(state);
      it(`given an assisting order ${state}, when the case's lead is re-dispatched, then it is ${open ? 'REROUTED to the new lead unit' : 'refused: it is over already'}`, () => {
        const when = given(anOrder({ role: 'ASSIST', state })).when({ type: 'Supersede', toUnitId: 'unit-110199-zjw' });
        if (open) when.then({ type: 'Rerouted', toUnitId: 'unit-110199-zjw' }, 'REROUTED');
        else when.thenRefused(/cannot supersede a work order that is/);
      });
    }

    it('given a lead order, when it is superseded, then it is refused: a lead is returned or routed on instead', () => {
      given(anOrder({ state: 'ACCEPTED' }))
        .when({ type: 'Supersede', toUnitId: 'unit-110199-zjw' })
        .thenRefused(/only an assisting order is superseded/);
    });
  });

  describe('returns (退单)', () => {
    it('given a dispatched lead order and no earlier return, when the unit returns it, then it is RETURNED as the first return, not to arbitration', () => {
      given(anOrder())
        .when({ type: 'Return', reasonCode: 'WRONG_AREA', reason: 'not our street', priorReturns: 0 })
        .then({ type: 'Returned', reasonCode: 'WRONG_AREA', reason: 'not our street', returns: 1, toArbitration: false }, 'RETURNED');
    });

    it('given a case returned once already, when its new order is returned, then it is the second return and goes to arbitration', () => {
      given(anOrder({ state: 'ACCEPTED' }))
        .when({ type: 'Return', reasonCode: 'NOT_OUR_DUTY', reason: 'not ours either', priorReturns: 1 })
        .then({ type: 'Returned', reasonCode: 'NOT_OUR_DUTY', reason: 'not ours either', returns: 2, toArbitration: true }, 'RETURNED');
    });

    it('given an order placed by arbitration, when the unit returns it, then it is refused: the decision binds', () => {
      given(anOrder({ binding: true }))
        .when(commands.Return)
        .thenRefused(/arbitration, which binds/);
    });

    it('given an assisting order, when the unit returns it, then it is refused: only the lead is returned', () => {
      given(anOrder({ role: 'ASSIST' }))
        .when(commands.Return)
        .thenRefused(/only the lead order/);
    });

    it('given an order waiting in the manual queue, when it is returned, then it is refused: a dispatcher routes it', () => {
      given(anOrder({ manualQueue: true }))
        .when(commands.Return)
        .thenRefused(/manual queue/);
    });

    it('given an order in progress, when the unit returns it, then it is refused', () => {
      given(anOrder({ state: 'IN_PROGRESS' }))
        .when(commands.Return)
        .thenRefused(/cannot return a work order that is IN_PROGRESS/);
    });
  });

  describe('re-handling (发回重办)', () => {
    it('given a closed order, when supervision sends it back, then it is IN_PROGRESS again and counts the re-handling', () => {
      const order = anOrder({ state: 'CLOSED' });
      const decision = decide({ type: 'Reopen', reason: 'dissatisfied', rehandles: 1 }, order);
      expect(decision).toEqual({ ok: true, event: { type: 'Reopened', reason: 'dissatisfied', rehandles: 1 } });
      if (decision.ok) expect(evolve(order, decision.event)).toMatchObject({ state: 'IN_PROGRESS', rehandles: 1 });
    });

    it('given an order still dispatched, when it is sent back, then it is refused: nothing was replied yet', () => {
      given(anOrder())
        .when(commands.Reopen)
        .thenRefused(/cannot reopen a work order that is DISPATCHED/);
    });
  });

  describe('extensions (延期)', () => {
    it('given an accepted order, when the unit asks for an hour more, then the request waits for a decision', () => {
      const order = anOrder({ state: 'ACCEPTED' });
      const decision = decide({ type: 'RequestExtension', minutes: 60, reason: 'parts on order' }, order);
      expect(decision).toEqual({ ok: true, event: { type: 'ExtensionRequested', minutes: 60, reason: 'parts on order' } });
      expect(decision.ok && evolve(order, decision.event)).toMatchObject({
        state: 'ACCEPTED',
        pendingExtension: { minutes: 60, reason: 'parts on order' },
      });
    });

    it('given a pending request, when another is asked for, then it is refused', () => {
      given(anOrder({ state: 'IN_PROGRESS', pendingExtension: { minutes: 60, reason: 'r' } }))
        .when(commands.RequestExtension)
        .thenRefused(/already waiting/);
    });

    it('given a pending request, when a dispatcher approves it, then the minutes are granted and nothing is pending', () => {
      const order = anOrder({ state: 'IN_PROGRESS', pendingExtension: { minutes: 90, reason: 'r' } });
      const decision = decide({ type: 'DecideExtension', approved: true }, order);
      expect(decision).toEqual({ ok: true, event: { type: 'ExtensionDecided', approved: true, minutes: 90 } });
      expect(decision.ok && evolve(order, decision.event).pendingExtension).toBeNull();
    });

    it('given a pending request, when a dispatcher refuses it, then no minutes are granted', () => {
      expect(
        decide(
          { type: 'DecideExtension', approved: false },
          anOrder({ state: 'ACCEPTED', pendingExtension: { minutes: 90, reason: 'r' } }),
        ),
      ).toEqual({
        ok: true,
        event: { type: 'ExtensionDecided', approved: false, minutes: 0 },
      });
    });

    it('given no pending request, when a dispatcher decides, then it is refused', () => {
      given(anOrder({ state: 'ACCEPTED' }))
        .when(commands.DecideExtension)
        .thenRefused(/no extension request/);
    });
  });

  describe('the manual queue', () => {
    it('given an order waiting in the manual queue, when a dispatcher routes it on, then it is REROUTED', () => {
      given(anOrder({ manualQueue: true }))
        .when(commands.Reroute)
        .then({ type: 'Rerouted', toUnitId: 'unit-110199-scjg' }, 'REROUTED');
    });

    it('given an order the list routed, when it is routed on as if from the manual queue, then it is refused', () => {
      given(anOrder())
        .when(commands.Reroute)
        .thenRefused(/routed by the list/);
    });
  });
});

describe('transfers to another district (跨区转办)', () => {
  it('given a dispatched lead order, when a dispatcher transfers it, then it is TRANSFERRED naming the receiving district', () => {
    given(anOrder())
      .when(commands.Transfer)
      .then({ type: 'Transferred', toDistrict: '110105', reason: 'the address is in 朝阳区' }, 'TRANSFERRED');
  });

  it('given a manual-queue order, when a dispatcher transfers it, then it is TRANSFERRED', () => {
    given(anOrder({ manualQueue: true }))
      .when(commands.Transfer)
      .then({ type: 'Transferred', toDistrict: '110105', reason: 'the address is in 朝阳区' }, 'TRANSFERRED');
  });

  it('given an assisting order, when it is transferred, then it is refused: the lead carries the case', () => {
    given(anOrder({ role: 'ASSIST' }))
      .when(commands.Transfer)
      .thenRefused(/only the lead order/);
  });

  it('given a transferred case, when a dispatcher re-dispatches, then it is refused', () => {
    const leads: LeadSummary[] = [{ id: 'a', state: 'TRANSFERRED', manualQueue: false }];
    expect(caseRouting(leads)).toEqual({ kind: 'TRANSFERRED' });
    expect(decideCase({ type: 'Redispatch', unitId: 'u' }, leads)).toEqual({ ok: false, reason: expect.stringMatching(/transferred/) });
  });
});

describe('a case between its lead orders', () => {
  const lead = (id: string, state: WorkOrderState, manualQueue = false): LeadSummary => ({ id, state, manualQueue });

  it('given no orders, when a dispatcher re-dispatches, then it is refused', () => {
    expect(caseRouting([])).toEqual({ kind: 'NONE' });
    expect(decideCase({ type: 'Redispatch', unitId: 'u' }, [])).toEqual({ ok: false, reason: expect.stringMatching(/no work order/) });
  });

  it('given an active lead order, when a dispatcher re-dispatches, then it is refused: the case is being handled', () => {
    expect(decideCase({ type: 'Redispatch', unitId: 'u' }, [lead('a', 'ACCEPTED')])).toEqual({
      ok: false,
      reason: expect.stringMatching(/active lead order/),
    });
  });

  it('given a lead order returned once, when a dispatcher re-dispatches, then a new, non-binding order follows', () => {
    expect(decideCase({ type: 'Redispatch', unitId: 'u' }, [lead('a', 'RETURNED')])).toEqual({ ok: true, binding: false, reroutes: null });
  });

  it('given a manual-queue order, when a dispatcher re-dispatches, then it is routed on and a new order follows', () => {
    expect(decideCase({ type: 'Redispatch', unitId: 'u' }, [lead('a', 'DISPATCHED', true)])).toEqual({
      ok: true,
      binding: false,
      reroutes: 'a',
    });
  });

  it('given a case returned twice, when a dispatcher re-dispatches, then it is refused: it waits for arbitration', () => {
    const leads = [lead('a', 'RETURNED'), lead('b', 'RETURNED')];
    expect(caseRouting(leads)).toEqual({ kind: 'AWAITING_ARBITRATION' });
    expect(decideCase({ type: 'Redispatch', unitId: 'u' }, leads)).toEqual({
      ok: false,
      reason: expect.stringMatching(/waits for arbitration/),
    });
  });

  it('given a case returned twice, when a dispatcher arbitrates, then the new order binds', () => {
    expect(decideCase({ type: 'Arbitrate', unitId: 'u' }, [lead('a', 'RETURNED'), lead('b', 'RETURNED')])).toEqual({
      ok: true,
      binding: true,
      reroutes: null,
    });
  });

  it('given a case returned once, when a dispatcher arbitrates, then it is refused: it is not in dispute yet', () => {
    expect(decideCase({ type: 'Arbitrate', unitId: 'u' }, [lead('a', 'RETURNED')])).toEqual({
      ok: false,
      reason: expect.stringMatching(/not waiting for arbitration/),
    });
  });

  it('given a manual-queue order routed on and its successor returned, when re-dispatched, then routing on did not count as a return', () => {
    expect(caseRouting([lead('a', 'REROUTED', true), lead('b', 'RETURNED')])).toEqual({ kind: 'AWAITING_REDISPATCH' });
  });
});
