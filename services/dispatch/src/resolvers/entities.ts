import { complaintStatus, leadOrderOf } from '../domain/work-orders';
import { ruleKey } from '../context';
import type { UnitRecord } from '../domain/units';
import type {
  ComplaintResolvers,
  ResponsibilityRuleResolvers,
  RouteDecisionResolvers,
  UnitResolvers,
  WhistleResolvers,
  WhistleSummonsResolvers,
  WorkOrderHistoryEntryResolvers,
  WorkOrderResolvers,
} from '../generated/graphql';

// Foreign keys guarantee that a referenced unit exists, hence the non-null assertions on unit loads.

export const Unit: UnitResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.unit.load(id),
  parent: (u, _, { loaders }) => (u.parentId ? loaders.unit.load(u.parentId) : null),
  region: (u) => (u.regionId ? { id: u.regionId } : null),
};

export const Complaint: ComplaintResolvers = {
  async __resolveReference({ id }, { caller, dispatch, loaders }) {
    return dispatch.visibleComplaint(caller, await loaders.complaint.load(id));
  },
  workOrders: (c) => c.workOrders,
  status: (c) => complaintStatus(c),
  currentUnit(c, _, { loaders }) {
    const lead = leadOrderOf(c.workOrders);
    return lead ? loaders.unit.load(lead.unitId) : null;
  },
  whistles: (c, _, { loaders }) => loaders.whistlesOfComplaint.load(c.id),
};

export const Whistle: WhistleResolvers = {
  complaint: (w, _, { loaders }) => loaders.complaint.load(w.complaintId),
  streetUnit: async (w, _, { loaders }) => (await loaders.unit.load(w.streetUnitId))!,
};

export const WhistleSummons: WhistleSummonsResolvers = {
  unit: async (s, _, { loaders }) => (await loaders.unit.load(s.unitId))!,
};

export const WorkOrder: WorkOrderResolvers = {
  async __resolveReference({ id }, { caller, dispatch, loaders }) {
    return dispatch.visibleWorkOrder(caller, await loaders.workOrder.load(id));
  },
  complaint: (o, _, { loaders }) => loaders.complaint.load(o.complaintId),
  unit: async (o, _, { loaders }) => (await loaders.unit.load(o.unitId))!,
  rule: (o, _, { loaders }) => (o.ruleId !== null && o.ruleVersion !== null ? loaders.rule.load(ruleKey(o.ruleId, o.ruleVersion)) : null),
  history: (o, args, { dispatch }) => dispatch.history(o, args),
};

export const WorkOrderHistoryEntry: WorkOrderHistoryEntryResolvers = {
  returnReasonCode: (e) => e.details.returnReasonCode ?? null,
  attachments: (e) => e.details.attachments ?? [],
  extensionMinutes: (e) => e.details.extensionMinutes ?? null,
  approved: (e) => e.details.approved ?? null,
  toDistrict: (e) => e.details.toDistrict ?? null,
  toUnit: (e, _, { loaders }) => (e.details.toUnitId ? loaders.unit.load(e.details.toUnitId) : null),
};

export const ResponsibilityRule: ResponsibilityRuleResolvers = {
  categoryId: (r) => r.categoryPrefix,
  region: (r) => (r.regionId ? { id: r.regionId } : null),
  leadUnit: async (r, _, { loaders }) => (await loaders.unit.load(r.leadUnitId))!,
  assistUnits: async (r, _, { loaders }) =>
    (await loaders.unit.loadMany(r.assistUnitIds)).filter((u): u is UnitRecord => u !== null && !(u instanceof Error)),
};

export const RouteDecision: RouteDecisionResolvers = {
  unit: async (d, _, { loaders }) => (await loaders.unit.load(d.unitId))!,
};
