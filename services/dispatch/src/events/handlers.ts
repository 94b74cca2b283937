import { CaseSentBack, ComplaintReceived, on } from '@hotline/shared';
import type { DispatchManager } from '../use-cases/dispatch-manager';
import type { DispatchTx } from '../store/dispatch-store';

/** What dispatch consumes. Each handler runs inside the transaction that records the event as handled. */
export const createHandlers = (dispatch: DispatchManager) => [
  // A received complaint becomes its lead work order.
  on<DispatchTx, typeof ComplaintReceived>(ComplaintReceived, (event, tx) => dispatch.receiveComplaint(tx, event)),
  // Supervision sent a case back for re-handling (发回重办): its order reopens.
  on<DispatchTx, typeof CaseSentBack>(CaseSentBack, (event, tx) => dispatch.reopen(tx, event)),
];
