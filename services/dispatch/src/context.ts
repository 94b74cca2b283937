import DataLoader from 'dataloader';
import { batchLoader, groupLoader, type RequestCaller, type SubgraphContext } from '@hotline/shared';
import type { DispatchManager } from './use-cases/dispatch-manager';
import type { DispatchStore } from './store/dispatch-store';
import type { ComplaintView, WorkOrderRecord } from './domain/work-orders';

/** Per request: the caller, the use cases, and DataLoaders so no field queries per row. */
export interface DispatchContext extends SubgraphContext {
  dispatch: DispatchManager;
  loaders: ReturnType<typeof createLoaders>;
}

/** A rule version's key for the loader: "id@version" (rule ids have no "@"). */
export const ruleKey = (id: string, version: number): string => `${id}@${version}`;

function createLoaders(store: DispatchStore) {
  return {
    unit: batchLoader(
      (ids) => store.unitsByIds(ids),
      (u) => u.id,
    ),
    workOrder: batchLoader(
      (ids) => store.workOrdersByIds(ids),
      (o) => o.id,
    ),
    rule: batchLoader(
      (keys) =>
        store.rulesByKeys(
          keys.map((key) => ({ id: key.slice(0, key.lastIndexOf('@')), version: Number(key.slice(key.lastIndexOf('@') + 1)) })),
        ),
      (r) => ruleKey(r.id, r.version),
    ),
    /** Each case's whistles, oldest first: one query for a batch of cases. */
    whistlesOfComplaint: groupLoader(
      (ids) => store.whistlesByComplaints(ids),
      (w) => w.complaintId,
    ),
    /** Complaints by id, with their orders: two queries for a whole batch of entity references. */
    complaint: new DataLoader<string, ComplaintView>(async (ids) => {
      const [cases, orders] = await Promise.all([store.casesByIds(ids), store.workOrdersByComplaints(ids)]);
      const districts = new Map(cases.map((c) => [c.complaintId, c.district]));
      const ordersOf = new Map<string, WorkOrderRecord[]>();
      for (const order of orders) ordersOf.set(order.complaintId, [...(ordersOf.get(order.complaintId) ?? []), order]);
      return ids.map((id) => ({ id, district: districts.get(id) ?? null, workOrders: ordersOf.get(id) ?? [] }));
    }),
  };
}

export const createContextFactory =
  (dispatch: DispatchManager, store: DispatchStore) =>
  (caller: RequestCaller): DispatchContext => ({ caller, dispatch, loaders: createLoaders(store) });
