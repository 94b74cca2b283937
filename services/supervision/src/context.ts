import { groupLoader, type RequestCaller, type SubgraphContext } from '@hotline/shared';
import type { SupervisionManager } from './use-cases/supervision-manager';
import type { SupervisionOrders } from './use-cases/supervision-orders';
import type { Callbacks } from './use-cases/callbacks';
import type { SupervisionStore } from './store/supervision-store';

/** Per request: the caller, the use cases, DataLoaders so no field queries per row, and one instant for every time left. */
export interface SupervisionContext extends SubgraphContext {
  supervision: SupervisionManager;
  orders: SupervisionOrders;
  callbacks: Callbacks;
  loaders: ReturnType<typeof createLoaders>;
  /** Read once per request, so every deadline of one answer is measured against the same instant. */
  now: Date;
}

function createLoaders(store: SupervisionStore) {
  return {
    deadlinesOfComplaint: groupLoader(
      (ids) => store.deadlinesByComplaints(ids),
      (d) => d.complaintId,
    ),
    ordersOfComplaint: groupLoader(
      (ids) => store.ordersByComplaints(ids),
      (o) => o.complaintId,
    ),
    callbacksOfComplaint: groupLoader(
      (ids) => store.callbacksByComplaints(ids),
      (t) => t.complaintId,
    ),
  };
}

export const createContextFactory =
  (
    useCases: { supervision: SupervisionManager; orders: SupervisionOrders; callbacks: Callbacks },
    store: SupervisionStore,
    now: () => Date,
  ) =>
  (caller: RequestCaller): SupervisionContext => ({ caller, ...useCases, loaders: createLoaders(store), now: now() });
