import { on, WorkOrderDispatched } from '@hotline/shared';
import type { IntakeStore, IntakeTx } from '../store/intake-store';

/**
 * What intake learns from others: only that a complaint was dispatched, after which corrections at
 * intake are refused. Runs inside the inbox transaction, so a redelivered event changes nothing.
 */
export const createHandlers = (store: IntakeStore) => [
  on(WorkOrderDispatched, async (event, tx: IntakeTx) =>
    store.markDispatched(tx, event.data.complaintId, new Date(event.data.dispatchedAt)),
  ),
];
