import type { areaTypes, ComplaintReceived, EventOf, urgencies } from '@hotline/shared';
import type { ComplaintType, ResponsibilityRuleRecord, RoutingDecision, RoutingRequest } from './routing';
import { caseRouting, type WorkOrderLifecycle, type WorkOrderRole, type WorkOrderState } from './work-order-machine';

export { workOrderStates, type WorkOrderRole, type WorkOrderState } from './work-order-machine';
export type Urgency = (typeof urgencies)[number];
export type AreaType = (typeof areaTypes)[number];

/** Dispatch's own record of a received complaint: only what routing, orders and their events need. */
export interface CaseRecord {
  complaintId: string;
  district: string;
  categoryId: string;
  type: ComplaintType;
  urgency: Urgency;
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  areaType: AreaType | null;
  receivedAt: Date;
}

export interface WorkOrderRecord extends WorkOrderLifecycle {
  id: string;
  complaintId: string;
  district: string;
  unitId: string;
  role: WorkOrderRole;
  state: WorkOrderState;
  ruleId: string | null;
  ruleVersion: number | null;
  manualQueue: boolean;
  dispatchedAt: Date;
  /** Counts saved changes from 1; a command names the version it saw, so a stale one is refused. */
  version: number;
  /** When the order last changed. */
  updatedAt: Date;
}

/** A complaint as dispatch sees it: its district when dispatch has received it (null otherwise) and its orders. */
export interface ComplaintView {
  id: string;
  district: string | null;
  workOrders: WorkOrderRecord[];
}

export function caseFromReceived(event: EventOf<typeof ComplaintReceived>): CaseRecord {
  const { data } = event;
  return {
    complaintId: data.complaintId,
    district: data.region.district,
    categoryId: data.categoryId,
    type: data.type,
    urgency: data.urgency,
    streetId: data.region.street,
    communityId: data.region.community,
    gridId: data.region.grid,
    areaType: data.areaType,
    receivedAt: new Date(data.receivedAt),
  };
}

/** A case is routed by the list in force when the hotline received it, not when dispatch got round to it. */
export const routingRequestOf = (c: CaseRecord): RoutingRequest => ({
  district: c.district,
  categoryId: c.categoryId,
  regionPath: [c.streetId, c.communityId, c.gridId].filter((id): id is string => id !== null),
  type: c.type,
  at: c.receivedAt,
});

export const leadOrder = (id: string, c: CaseRecord, decision: RoutingDecision, now: Date): WorkOrderRecord => ({
  id,
  complaintId: c.complaintId,
  district: c.district,
  unitId: decision.unitId,
  role: 'LEAD',
  state: 'DISPATCHED',
  ruleId: decision.rule?.id ?? null,
  ruleVersion: decision.rule?.version ?? null,
  manualQueue: decision.manualQueue,
  dispatchedAt: now,
  ...freshLifecycle(now),
});

/**
 * Double dispatch (双派单): besides the lead, each unit the deciding rule names as assisting gets an
 * ASSIST order, recording the same rule version.
 */
export const assistOrders = (newId: () => string, c: CaseRecord, decision: RoutingDecision, now: Date): WorkOrderRecord[] =>
  (decision.rule?.assistUnitIds ?? []).map((unitId) => ({ ...leadOrder(newId(), c, decision, now), unitId, role: 'ASSIST' }));

/** What every new order starts with. */
const freshLifecycle = (now: Date) => ({
  binding: false,
  rehandles: 0,
  pendingExtension: null,
  version: 1,
  replyText: null,
  updatedAt: now,
});

/**
 * An order a dispatcher places by hand (re-dispatch) or by arbitration (binding), for a unit of their
 * choosing; `rule` is the list's rule naming that unit as lead for the case, if one does (see ruleChoosing).
 */
export const placedOrder = (
  id: string,
  c: CaseRecord,
  unitId: string,
  binding: boolean,
  rule: ResponsibilityRuleRecord | null,
  now: Date,
): WorkOrderRecord => ({
  id,
  complaintId: c.complaintId,
  district: c.district,
  unitId,
  role: 'LEAD',
  state: 'DISPATCHED',
  ruleId: rule?.id ?? null,
  ruleVersion: rule?.version ?? null,
  manualQueue: false,
  dispatchedAt: now,
  ...freshLifecycle(now),
  binding,
});

export const leadOrdersOf = (orders: readonly WorkOrderRecord[]): WorkOrderRecord[] => orders.filter((o) => o.role === 'LEAD');

/** The order that answers for the case: the lead order neither returned nor routed on (at most one, by a unique index). */
export function leadOrderOf(orders: readonly WorkOrderRecord[]): WorkOrderRecord | null {
  const routing = caseRouting(leadOrdersOf(orders));
  return routing.kind === 'ACTIVE' ? (orders.find((o) => o.id === routing.leadId) ?? null) : null;
}

export type ComplaintStatus =
  'RECEIVED' | 'DISPATCHED' | 'ACCEPTED' | 'IN_PROGRESS' | 'REPLIED' | 'CLOSED' | 'RETURNED' | 'ARBITRATION' | 'TRANSFERRED';

/** The case follows its active lead order; between leads it waits for re-dispatch (RETURNED) or arbitration. */
export function complaintStatus(view: ComplaintView): ComplaintStatus {
  const routing = caseRouting(leadOrdersOf(view.workOrders));
  switch (routing.kind) {
    case 'NONE':
      return 'RECEIVED';
    case 'AWAITING_REDISPATCH':
      return 'RETURNED';
    case 'AWAITING_ARBITRATION':
      return 'ARBITRATION';
    case 'TRANSFERRED':
      return 'TRANSFERRED';
    case 'ACTIVE': {
      const state = view.workOrders.find((o) => o.id === routing.leadId)!.state;
      // An active lead is never RETURNED, REROUTED or TRANSFERRED (caseRouting skips those).
      return state === 'RETURNED' || state === 'REROUTED' || state === 'TRANSFERRED' ? 'DISPATCHED' : state;
    }
    default:
      return routing satisfies never;
  }
}
