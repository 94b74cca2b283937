import {
  CallbackRecorded,
  CaseExempted,
  CitizenContacted,
  ComplaintReceived,
  DeadlineOverdue,
  DeadlinesSet,
  WorkOrderAccepted,
  WorkOrderClosed,
  WorkOrderDispatched,
  WorkOrderReopened,
  WorkOrderReplied,
  WorkOrderReturned,
  isEventOf,
  type Envelope,
} from '@hotline/shared';
import { deadlinesFact, dispatchedFact, receivedFact, type DeadlinesFact, type DispatchedFact, type ReceivedFact } from './contributions';

/*
 * A run of events gathered into the rows the read models' set-wise statements take. Each column
 * merges within the batch exactly as the statement merges it with the stored row (first receipt
 * wins, earliest acceptance, latest closing, greatest re-handle count, overdue reports added up), so
 * applying a run at once leaves the same facts as applying its events one by one, in any order.
 */

/** The events a batch can take. Others (corrections of a complaint) are applied on their own, in order. */
export const batchedContracts = [
  ComplaintReceived,
  WorkOrderDispatched,
  DeadlinesSet,
  WorkOrderAccepted,
  CitizenContacted,
  WorkOrderReturned,
  WorkOrderReplied,
  WorkOrderClosed,
  WorkOrderReopened,
  DeadlineOverdue,
  CallbackRecorded,
  CaseExempted,
] as const;

export type ReceivedRecord = ReceivedFact & { lat: number | null; lng: number | null };

/** A work order's columns as a batch announces them (absent: not announced), and how each merges. */
export interface WorkOrderRecord {
  workOrderId: string;
  complaintId: string;
  district: string;
  unitId: string;
  /** The RESPOND limit: the latest announced replaces the one before. */
  respondDueAt?: Date;
  /** The earliest wins. */
  acceptedAt?: Date;
  contactedAt?: Date;
  /** The latest wins. */
  returnedAt?: Date;
  repliedAt?: Date;
  closedAt?: Date;
  /** The greatest wins. */
  reopens?: number;
  /** Reports of lateness, added up. */
  overdue?: number;
  /** Once exempted, always exempted. */
  exempted?: boolean;
}

export interface CallbackRecord {
  callbackId: string;
  workOrderId: string;
  complaintId: string;
  district: string;
  unitId: string;
  contacted: boolean | null;
  solved: boolean | null;
  rating: string;
  recordedAt: Date;
}

const earliest = (a: Date | undefined, b: Date) => (a === undefined || b < a ? b : a);
const latest = (a: Date | undefined, b: Date) => (a === undefined || b > a ? b : a);

type WorkOrderEvent = Envelope<{ workOrderId: string; complaintId: string; unitId: string }>;

export class EventBatch {
  /** First receipt of each complaint. */
  readonly received = new Map<string, ReceivedRecord>();
  /** Per complaint, its latest lead work order (by dispatch time, then id). */
  readonly leads = new Map<string, DispatchedFact>();
  /** First dispatch of each work order. */
  readonly dispatched = new Map<string, DispatchedFact>();
  /** First setting of each work order's deadlines. */
  readonly deadlines = new Map<string, DeadlinesFact>();
  readonly workOrders = new Map<string, WorkOrderRecord>();
  readonly callbacks = new Map<string, CallbackRecord>();
  /** Work orders whose share of the rate counters may have changed. */
  readonly toReconcile = new Set<string>();
  size = 0;

  /** Takes the event into the batch; false (and nothing taken) when it is not of a batched kind. */
  add(event: Envelope): boolean {
    if (isEventOf(ComplaintReceived, event)) {
      const fact = receivedFact(event);
      if (!this.received.has(fact.complaintId))
        this.received.set(fact.complaintId, { ...fact, lat: event.data.location?.lat ?? null, lng: event.data.location?.lng ?? null });
    } else if (isEventOf(WorkOrderDispatched, event)) {
      const fact = dispatchedFact(event);
      if (fact.role === 'LEAD') {
        const lead = this.leads.get(fact.complaintId);
        if (
          !lead ||
          fact.dispatchedAt > lead.dispatchedAt ||
          (fact.dispatchedAt.getTime() === lead.dispatchedAt.getTime() && fact.workOrderId > lead.workOrderId)
        )
          this.leads.set(fact.complaintId, fact);
      }
      if (!this.dispatched.has(fact.workOrderId)) this.dispatched.set(fact.workOrderId, fact);
      this.toReconcile.add(fact.workOrderId);
    } else if (isEventOf(DeadlinesSet, event)) {
      const fact = deadlinesFact(event);
      if (!this.deadlines.has(fact.workOrderId)) this.deadlines.set(fact.workOrderId, fact);
      const respond = event.data.deadlines.find((d) => d.kind === 'RESPOND');
      // A later DeadlinesSet (e.g. after an approved extension) replaces the limit.
      if (respond) this.workOrder(event).respondDueAt = new Date(respond.dueAt);
      this.toReconcile.add(fact.workOrderId);
    } else if (isEventOf(WorkOrderAccepted, event)) {
      const row = this.workOrder(event);
      row.acceptedAt = earliest(row.acceptedAt, new Date(event.data.acceptedAt));
      this.toReconcile.add(row.workOrderId);
    } else if (isEventOf(CitizenContacted, event)) {
      const row = this.workOrder(event);
      row.contactedAt = earliest(row.contactedAt, new Date(event.data.contactedAt));
      this.toReconcile.add(row.workOrderId);
    } else if (isEventOf(WorkOrderReturned, event)) {
      const row = this.workOrder(event);
      row.returnedAt = latest(row.returnedAt, new Date(event.data.returnedAt));
    } else if (isEventOf(WorkOrderReplied, event)) {
      const row = this.workOrder(event);
      row.repliedAt = latest(row.repliedAt, new Date(event.data.repliedAt));
    } else if (isEventOf(WorkOrderClosed, event)) {
      const row = this.workOrder(event);
      row.closedAt = latest(row.closedAt, new Date(event.data.closedAt));
    } else if (isEventOf(WorkOrderReopened, event)) {
      const row = this.workOrder(event);
      row.reopens = Math.max(row.reopens ?? 0, event.data.rehandles);
    } else if (isEventOf(DeadlineOverdue, event)) {
      const row = this.workOrder(event);
      row.overdue = (row.overdue ?? 0) + 1;
    } else if (isEventOf(CallbackRecorded, event)) {
      const row = this.workOrder(event);
      const d = event.data;
      if (!this.callbacks.has(d.callbackId)) {
        this.callbacks.set(d.callbackId, {
          callbackId: d.callbackId,
          workOrderId: d.workOrderId,
          complaintId: d.complaintId,
          district: event.district,
          unitId: d.unitId,
          contacted: d.contacted,
          solved: d.solved,
          rating: d.rating,
          recordedAt: new Date(d.recordedAt),
        });
      }
      this.toReconcile.add(row.workOrderId);
    } else if (isEventOf(CaseExempted, event)) {
      const row = this.workOrder(event);
      row.exempted = true;
      this.toReconcile.add(row.workOrderId);
    } else {
      return false;
    }
    this.size++;
    return true;
  }

  /** The work order's row in this batch, created with the reference its event carries. */
  private workOrder(event: WorkOrderEvent): WorkOrderRecord {
    const { workOrderId, complaintId, unitId } = event.data;
    let row = this.workOrders.get(workOrderId);
    if (!row) {
      row = { workOrderId, complaintId, district: event.district, unitId };
      this.workOrders.set(workOrderId, row);
    }
    return row;
  }
}
