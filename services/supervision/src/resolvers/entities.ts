import { deadlineKinds } from '@hotline/shared';
import { byDueTime, isOverdue, timeLeftMinutes } from '../domain/deadlines';
import type {
  CallbackTaskResolvers,
  ComplaintResolvers,
  DeadlineAlertResolvers,
  DeadlineResolvers,
  DeadlineRuleResolvers,
  SupervisionOrderResolvers,
} from '../generated/graphql';

export const Complaint: ComplaintResolvers = {
  async __resolveReference({ id }, { caller, supervision, loaders }) {
    const deadlines = await loaders.deadlinesOfComplaint.load(id);
    return supervision.canRead(caller, deadlines) ? { id } : null;
  },
  deadlines: async (c, _, { loaders }) => [...(await loaders.deadlinesOfComplaint.load(c.id))].sort(byDueTime),
  overdue: async (c, _, { loaders, now }) => (await loaders.deadlinesOfComplaint.load(c.id)).some((d) => isOverdue(d, now)),
  supervisionOrders: async (c, _, { caller, orders, loaders }) => orders.visibleTo(caller, await loaders.ordersOfComplaint.load(c.id)),
  callback: async (c, _, { caller, callbacks, loaders }) =>
    callbacks.visibleTo(caller, await loaders.callbacksOfComplaint.load(c.id)).at(-1) ?? null,
};

export const Deadline: DeadlineResolvers = {
  dueAt: (d) => d.dueAt.toISOString(),
  startedAt: (d) => d.startedAt.toISOString(),
  warnAt: (d) => d.warnAt?.toISOString() ?? null,
  warnedAt: (d) => d.warnedAt?.toISOString() ?? null,
  overdueAt: (d) => d.overdueAt?.toISOString() ?? null,
  metAt: (d) => d.metAt?.toISOString() ?? null,
  pausedAt: (d) => d.pausedAt?.toISOString() ?? null,
  complaint: (d) => ({ id: d.complaintId }),
  unit: (d) => ({ id: d.unitId }),
  timeLeftMinutes: (d, _, { now }) => timeLeftMinutes(d, now),
};

export const DeadlineRule: DeadlineRuleResolvers = {
  limits: (r) => deadlineKinds.map((kind) => ({ kind, minutes: r.limits[kind] })),
};

export const DeadlineAlert: DeadlineAlertResolvers = {
  id: (a) => a.eventId,
  complaint: (a) => ({ id: a.complaintId }),
  unit: (a) => ({ id: a.unitId }),
  dueAt: (a) => a.dueAt.toISOString(),
  at: (a) => a.at.toISOString(),
};

export const SupervisionOrder: SupervisionOrderResolvers = {
  complaint: (o) => ({ id: o.complaintId }),
  unit: (o) => ({ id: o.unitId }),
  openedAt: (o) => o.openedAt.toISOString(),
  escalatedAt: (o) => o.escalatedAt?.toISOString() ?? null,
  escalatesAt: (o, _, { orders }) => orders.escalatesAt(o)?.toISOString() ?? null,
  closedAt: (o) => o.closedAt?.toISOString() ?? null,
};

export const CallbackTask: CallbackTaskResolvers = {
  complaint: (t) => ({ id: t.complaintId }),
  unit: (t) => ({ id: t.unitId }),
  dueAt: (t) => t.dueAt.toISOString(),
  recordedAt: (t) => t.recordedAt?.toISOString() ?? null,
  reviewedAt: (t) => t.reviewedAt?.toISOString() ?? null,
};
