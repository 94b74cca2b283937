import type { ComplaintReceived, DeadlinesSet, EventOf, WorkOrderDispatched } from '@hotline/shared';

/*
 * What each event contributes to the read models. Every event carries everything its contribution
 * needs, so none waits for another: a work order dispatched before its complaint was received still
 * counts for its unit at once, and the complaint's fact row is completed whenever the other arrives.
 */

/** The part of a complaint's fact that ComplaintReceived knows. */
export interface ReceivedFact {
  complaintId: string;
  district: string;
  categoryId: string;
  channel: string;
  urgency: string;
  areaType: string | null;
  streetId: string | null;
  receivedAt: Date;
}

/** A work order as WorkOrderDispatched tells it. */
export interface DispatchedFact {
  workOrderId: string;
  complaintId: string;
  district: string;
  unitId: string;
  role: 'LEAD' | 'ASSIST';
  categoryId: string;
  dispatchedAt: Date;
}

/** A work order's deadlines as DeadlinesSet tells them; the event's own time is when they were set. */
export interface DeadlinesFact {
  workOrderId: string;
  complaintId: string;
  district: string;
  unitId: string;
  setAt: Date;
}

export const receivedFact = (event: EventOf<typeof ComplaintReceived>): ReceivedFact => ({
  complaintId: event.data.complaintId,
  district: event.district,
  categoryId: event.data.categoryId,
  channel: event.data.channel,
  urgency: event.data.urgency,
  areaType: event.data.areaType,
  streetId: event.data.region.street,
  receivedAt: new Date(event.data.receivedAt),
});

export const dispatchedFact = (event: EventOf<typeof WorkOrderDispatched>): DispatchedFact => ({
  workOrderId: event.data.workOrderId,
  complaintId: event.data.complaintId,
  district: event.district,
  unitId: event.data.unitId,
  role: event.data.role,
  categoryId: event.data.categoryId,
  dispatchedAt: new Date(event.data.dispatchedAt),
});

export const deadlinesFact = (event: EventOf<typeof DeadlinesSet>): DeadlinesFact => ({
  workOrderId: event.data.workOrderId,
  complaintId: event.data.complaintId,
  district: event.district,
  unitId: event.data.unitId,
  setAt: new Date(event.occurredAt),
});
