import { ComplaintReceived, createEvent, DeadlinesSet, WorkOrderDispatched } from '@hotline/shared';
import { deadlinesFact, dispatchedFact, receivedFact } from './contributions';

const complaintId = '0196a000-0000-7000-8000-000000000001';

describe('what each event contributes', () => {
  it('given ComplaintReceived, when read, then the fact carries its place, category, channel and time', () => {
    const event = createEvent(ComplaintReceived, {
      subject: complaintId,
      district: '110199',
      actor: 'agent-1',
      data: {
        complaintId,
        channel: 'HOTLINE',
        categoryId: 'property.fees',
        type: 'COMPLAINT',
        urgency: 'GENERAL',
        region: { district: '110199', street: '110199-001', community: '110199-001-01', grid: '110199-001-01-1' },
        areaType: 'BUILT_UP',
        location: { lat: 39.87, lng: 116.31 },
        receivedAt: '2026-03-02T01:00:00.000Z',
      },
    });
    expect(receivedFact(event)).toEqual({
      complaintId,
      district: '110199',
      categoryId: 'property.fees',
      channel: 'HOTLINE',
      urgency: 'GENERAL',
      areaType: 'BUILT_UP',
      streetId: '110199-001',
      receivedAt: new Date('2026-03-02T01:00:00.000Z'),
    });
  });

  it('given WorkOrderDispatched, when read, then the work order carries its unit, role, category and time', () => {
    const event = createEvent(WorkOrderDispatched, {
      subject: complaintId,
      district: '110199',
      actor: 'dispatcher-1',
      data: {
        workOrderId: 'wo-1',
        complaintId,
        unitId: 'unit-110199-001',
        ruleId: null,
        ruleVersion: null,
        role: 'ASSIST',
        categoryId: 'property.fees',
        urgency: 'GENERAL',
        areaType: null,
        dispatchedAt: '2026-03-02T02:00:00.000Z',
      },
    });
    expect(dispatchedFact(event)).toEqual({
      workOrderId: 'wo-1',
      complaintId,
      district: '110199',
      unitId: 'unit-110199-001',
      role: 'ASSIST',
      categoryId: 'property.fees',
      dispatchedAt: new Date('2026-03-02T02:00:00.000Z'),
    });
  });

  it('given DeadlinesSet, when read, then the deadlines count as set when the event occurred', () => {
    const event = createEvent(DeadlinesSet, {
      subject: complaintId,
      district: '110199',
      actor: 'system:supervision',
      occurredAt: new Date('2026-03-02T02:00:01.000Z'),
      data: {
        complaintId,
        workOrderId: 'wo-1',
        unitId: 'unit-110199-001',
        ruleId: 'rule-1',
        deadlines: [{ kind: 'CLOSE', dueAt: '2026-03-09T02:00:00.000Z' }],
      },
    });
    expect(deadlinesFact(event)).toEqual({
      workOrderId: 'wo-1',
      complaintId,
      district: '110199',
      unitId: 'unit-110199-001',
      setAt: new Date('2026-03-02T02:00:01.000Z'),
    });
  });
});
