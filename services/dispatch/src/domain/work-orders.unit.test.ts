import { ComplaintReceived, createEvent } from '@hotline/shared';
import {
  assistOrders,
  caseFromReceived,
  complaintStatus,
  leadOrder,
  leadOrderOf,
  placedOrder,
  routingRequestOf,
  type WorkOrderRecord,
} from './work-orders';

const received = createEvent(ComplaintReceived, {
  subject: '0190a000-0000-7000-8000-000000000001',
  district: '110199',
  actor: 'agent-1',
  data: {
    complaintId: '0190a000-0000-7000-8000-000000000001',
    channel: 'HOTLINE',
    categoryId: 'property.fees',
    type: 'COMPLAINT',
    urgency: 'GENERAL',
    region: { district: '110199', street: '110199-001', community: '110199-001-01', grid: null },
    areaType: 'BUILT_UP',
    location: null,
    receivedAt: '2026-06-01T08:00:00.000Z',
  },
});

const order = (over: Partial<WorkOrderRecord>): WorkOrderRecord => ({
  id: 'o',
  complaintId: 'c',
  district: '110199',
  unitId: 'unit-110199-001',
  role: 'LEAD',
  state: 'DISPATCHED',
  ruleId: null,
  ruleVersion: null,
  manualQueue: false,
  dispatchedAt: new Date('2026-06-01T08:00:00Z'),
  binding: false,
  rehandles: 0,
  pendingExtension: null,
  version: 1,
  replyText: null,
  updatedAt: over.dispatchedAt ?? new Date('2026-06-01T08:00:00Z'),
  ...over,
});

describe('a received complaint as dispatch keeps it', () => {
  it('given a complaint placed in a community, it is routed by its street and community as of its reception', () => {
    const request = routingRequestOf(caseFromReceived(received));
    expect(request).toEqual({
      district: '110199',
      categoryId: 'property.fees',
      regionPath: ['110199-001', '110199-001-01'],
      type: 'COMPLAINT',
      at: new Date('2026-06-01T08:00:00.000Z'),
    });
  });

  it('given a decision by a rule, the lead order is DISPATCHED to its unit and records the rule and version', () => {
    const record = caseFromReceived(received);
    const rule = {
      id: 'r',
      version: 3,
      district: '110199',
      categoryPrefix: 'property',
      regionId: '110199-001',
      complaintType: null,
      leadUnitId: 'unit-110199-001',
      assistUnitIds: [],
      effectiveFrom: new Date(0),
      effectiveTo: null,
    };
    const now = new Date('2026-06-01T08:00:05Z');
    expect(leadOrder('o-1', record, { unitId: 'unit-110199-001', rule, manualQueue: false }, now)).toEqual(
      order({ id: 'o-1', complaintId: record.complaintId, ruleId: 'r', ruleVersion: 3, dispatchedAt: now, updatedAt: now }),
    );
  });

  it('given no rule, the lead order records no rule and is flagged for the manual queue', () => {
    const placed = leadOrder(
      'o-1',
      caseFromReceived(received),
      { unitId: 'unit-110199-command', rule: null, manualQueue: true },
      new Date(),
    );
    expect(placed).toMatchObject({ unitId: 'unit-110199-command', ruleId: null, ruleVersion: null, manualQueue: true });
  });
});

describe('a complaint status and its current unit', () => {
  it('given no orders, the complaint is RECEIVED and has no current unit', () => {
    expect(complaintStatus({ id: 'c', district: null, workOrders: [] })).toBe('RECEIVED');
    expect(leadOrderOf([])).toBeNull();
  });

  it('given a lead order, the complaint is DISPATCHED and the lead order names its unit', () => {
    const lead = order({});
    expect(complaintStatus({ id: 'c', district: '110199', workOrders: [lead] })).toBe('DISPATCHED');
    expect(leadOrderOf([order({ id: 'a', role: 'ASSIST', unitId: 'unit-110199-sw' }), lead])).toBe(lead);
  });

  it('given a returned lead order and a newer one, the newer one answers for the case', () => {
    const returned = order({ id: 'old', state: 'RETURNED', dispatchedAt: new Date('2026-06-01T08:00:00Z') });
    const current = order({ id: 'new', unitId: 'unit-110199-zjw', dispatchedAt: new Date('2026-06-01T09:00:00Z') });
    expect(leadOrderOf([current, returned])).toBe(current);
  });
});

describe('a complaint status follows its lead orders', () => {
  it('given an accepted lead order, the complaint is ACCEPTED; given a closed one, CLOSED', () => {
    expect(complaintStatus({ id: 'c', district: '110199', workOrders: [order({ state: 'ACCEPTED' })] })).toBe('ACCEPTED');
    expect(complaintStatus({ id: 'c', district: '110199', workOrders: [order({ state: 'CLOSED' })] })).toBe('CLOSED');
  });

  it('given its only lead order returned, the complaint is RETURNED and has no current unit', () => {
    const view = { id: 'c', district: '110199', workOrders: [order({ state: 'RETURNED' })] };
    expect(complaintStatus(view)).toBe('RETURNED');
    expect(leadOrderOf(view.workOrders)).toBeNull();
  });

  it('given two returned lead orders, the complaint waits in ARBITRATION', () => {
    const view = {
      id: 'c',
      district: '110199',
      workOrders: [order({ id: 'a', state: 'RETURNED' }), order({ id: 'b', state: 'RETURNED' })],
    };
    expect(complaintStatus(view)).toBe('ARBITRATION');
  });

  it('given a manual-queue order routed on and its successor in progress, the complaint is IN_PROGRESS with the successor', () => {
    const rerouted = order({ id: 'a', state: 'REROUTED', manualQueue: true, unitId: 'unit-110199-command' });
    const next = order({ id: 'b', state: 'IN_PROGRESS', unitId: 'unit-110199-sw' });
    expect(complaintStatus({ id: 'c', district: '110199', workOrders: [rerouted, next] })).toBe('IN_PROGRESS');
    expect(leadOrderOf([rerouted, next])).toBe(next);
  });
});

describe('double dispatch (双派单)', () => {
  const rule = {
    id: 'r',
    version: 2,
    district: '110199',
    categoryPrefix: 'rural',
    regionId: '110199-004',
    complaintType: null,
    leadUnitId: 'unit-110199-004',
    assistUnitIds: ['unit-110199-sw', 'unit-110199-gd'],
    effectiveFrom: new Date(0),
    effectiveTo: null,
  };
  const ids = () => {
    let n = 0;
    return () => `a-${++n}`;
  };

  it('given a rule naming assisting units, then each gets an ASSIST order recording the same rule version', () => {
    const now = new Date('2026-06-01T08:00:05Z');
    const orders = assistOrders(ids(), caseFromReceived(received), { unitId: 'unit-110199-004', rule, manualQueue: false }, now);
    expect(orders.map((o) => [o.id, o.unitId, o.role, o.state, o.ruleId, o.ruleVersion])).toEqual([
      ['a-1', 'unit-110199-sw', 'ASSIST', 'DISPATCHED', 'r', 2],
      ['a-2', 'unit-110199-gd', 'ASSIST', 'DISPATCHED', 'r', 2],
    ]);
  });

  it('given no rule (the manual queue), then nobody assists', () => {
    expect(
      assistOrders(ids(), caseFromReceived(received), { unitId: 'unit-110199-command', rule: null, manualQueue: true }, new Date()),
    ).toEqual([]);
  });

  it('given a re-dispatch to a unit a rule names as lead, then the placed order records that rule and its assisting units get ASSIST orders', () => {
    const now = new Date('2026-06-02T08:00:00Z');
    const c = caseFromReceived(received);
    const placed = placedOrder('p', c, 'unit-110199-004', false, rule, now);
    expect(placed).toMatchObject({
      unitId: 'unit-110199-004',
      role: 'LEAD',
      ruleId: 'r',
      ruleVersion: 2,
      manualQueue: false,
      binding: false,
    });
    expect(assistOrders(ids(), c, { unitId: placed.unitId, rule, manualQueue: false }, now).map((o) => o.unitId)).toEqual([
      'unit-110199-sw',
      'unit-110199-gd',
    ]);
  });

  it('given a re-dispatch to a unit no rule names, then the placed order records no rule', () => {
    expect(placedOrder('p', caseFromReceived(received), 'unit-110199-sw', true, null, new Date())).toMatchObject({
      ruleId: null,
      ruleVersion: null,
      binding: true,
    });
  });
});
