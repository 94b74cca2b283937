import { ComplaintUpdated, createEvent, WorkOrderAccepted, WorkOrderClosed, DeadlineOverdue, DeadlinesSet } from '@hotline/shared';
import { EventBatch } from './event-batch';

const ref = { workOrderId: 'wo-1', complaintId: 'c-1', unitId: 'unit-a' };
const base = { subject: 'c-1', district: '110199', actor: 'test' };
const accepted = (at: string) => createEvent(WorkOrderAccepted, { ...base, data: { ...ref, acceptedAt: at } });
const closed = (at: string) => createEvent(WorkOrderClosed, { ...base, data: { ...ref, closedAt: at } });
const respondBy = (at: string) =>
  createEvent(DeadlinesSet, { ...base, data: { ...ref, ruleId: 'r', deadlines: [{ kind: 'RESPOND', dueAt: at }] } });
const overdue = () =>
  createEvent(DeadlineOverdue, {
    ...base,
    data: { ...ref, deadlineId: 'd-1', kind: 'RESPOND', dueAt: '2026-03-02T02:00:00.000Z', overdueAt: '2026-03-02T02:00:00.000Z' },
  });

describe('a batch of events gathered into rows', () => {
  it('given acceptances and closings in any order, when gathered, then the earliest acceptance and the latest closing are kept', () => {
    const batch = new EventBatch();
    for (const e of [
      accepted('2026-03-02T03:00:00.000Z'),
      closed('2026-03-03T01:00:00.000Z'),
      accepted('2026-03-02T01:00:00.000Z'),
      closed('2026-03-02T09:00:00.000Z'),
    ])
      batch.add(e);
    expect(batch.workOrders.get('wo-1')).toMatchObject({
      acceptedAt: new Date('2026-03-02T01:00:00.000Z'),
      closedAt: new Date('2026-03-03T01:00:00.000Z'),
    });
    expect([...batch.toReconcile]).toEqual(['wo-1']);
  });

  it('given two deadline settings, when gathered, then the later setting’s limit replaces the first, while the first setting is the one counted', () => {
    const batch = new EventBatch();
    batch.add(respondBy('2026-03-02T02:00:00.000Z'));
    batch.add(respondBy('2026-03-02T12:00:00.000Z'));
    expect(batch.workOrders.get('wo-1')!.respondDueAt).toEqual(new Date('2026-03-02T12:00:00.000Z'));
    expect(batch.deadlines.size).toBe(1);
  });

  it('given overdue reports, when gathered, then they are added up', () => {
    const batch = new EventBatch();
    batch.add(overdue());
    batch.add(overdue());
    expect(batch.workOrders.get('wo-1')!.overdue).toBe(2);
    expect(batch.size).toBe(2);
  });

  it('given a correction of a complaint, when offered, then the batch does not take it', () => {
    const batch = new EventBatch();
    expect(
      batch.add(
        createEvent(ComplaintUpdated, {
          ...base,
          data: { complaintId: 'c-1', categoryId: 'noise', updatedAt: '2026-03-02T02:00:00.000Z' },
        }),
      ),
    ).toBe(false);
    expect(batch.size).toBe(0);
  });
});
