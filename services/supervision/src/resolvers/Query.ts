import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  deadlineRules: (_, __, { caller, supervision }) => supervision.listRules(caller),
  atRisk: (_, args, { caller, supervision }) => supervision.atRisk(caller, args),
  callbackTasks: (_, args, { caller, callbacks }) => callbacks.list(caller, args),
  supervisionOrders: (_, args, { caller, orders }) => orders.list(caller, args),
  deadlineAlerts: (_, args, { caller, supervision }) => supervision.deadlineAlerts(caller, args),
};
