import {
  CitizenContacted,
  DeadlineOverdue,
  ExtensionDecided,
  on,
  RepeatCallEscalated,
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
} from '@hotline/shared';
import type { SupervisionTx } from '../store/supervision-store';
import type { SupervisionManager } from '../use-cases/supervision-manager';
import type { SupervisionOrders } from '../use-cases/supervision-orders';
import type { Callbacks } from '../use-cases/callbacks';

/**
 * The events supervision reacts to; each runs inside the transaction that records it in the inbox.
 * Dispatch publishes a case's events on one topic keyed by the complaint, so they arrive in order;
 * an event about an order whose deadlines are not here finds nothing open and changes nothing.
 */
export const createHandlers = (supervision: SupervisionManager, orders: SupervisionOrders, callbacks: Callbacks) => [
  // Every dispatched work order, lead or assisting, runs against its own deadlines.
  on<SupervisionTx, typeof WorkOrderDispatched>(WorkOrderDispatched, (event, tx) => supervision.setDeadlines(tx, event)),
  on<SupervisionTx, typeof WorkOrderAccepted>(WorkOrderAccepted, (event, tx) => supervision.accepted(tx, event)),
  on<SupervisionTx, typeof CitizenContacted>(CitizenContacted, (event, tx) => supervision.citizenContacted(tx, event)),
  on<SupervisionTx, typeof WorkOrderReplied>(WorkOrderReplied, (event, tx) => supervision.replied(tx, event)),
  // Closing meets CLOSE and makes the callback (回访) due.
  on<SupervisionTx, typeof WorkOrderClosed>(WorkOrderClosed, async (event, tx) => {
    await supervision.closed(tx, event);
    await callbacks.orderClosed(tx, event);
  }),
  on<SupervisionTx, typeof WorkOrderReturned>(WorkOrderReturned, (event, tx) => supervision.returned(tx, event)),
  on<SupervisionTx, typeof WorkOrderRerouted>(WorkOrderRerouted, (event, tx) => supervision.returned(tx, event)),
  on<SupervisionTx, typeof ComplaintTransferred>(ComplaintTransferred, (event, tx) => supervision.transferred(tx, event)),
  on<SupervisionTx, typeof WorkOrderReopened>(WorkOrderReopened, (event, tx) => supervision.reopened(tx, event)),
  on<SupervisionTx, typeof ExtensionDecided>(ExtensionDecided, (event, tx) => supervision.extensionDecided(tx, event)),
  on<SupervisionTx, typeof WhistleBlown>(WhistleBlown, (event, tx) => supervision.whistleBlown(tx, event)),
  on<SupervisionTx, typeof WhistleReportedIn>(WhistleReportedIn, (event, tx) => supervision.whistleReportedIn(tx, event)),
  // Supervision's own overdue reports open reminders: the timer engine stays a timer, and orders follow from its events.
  on<SupervisionTx, typeof DeadlineOverdue>(DeadlineOverdue, (event, tx) => orders.deadlineOverdue(tx, event)),
  on<SupervisionTx, typeof RepeatCallEscalated>(RepeatCallEscalated, (event, tx) => orders.repeatCallEscalated(tx, event)),
];
