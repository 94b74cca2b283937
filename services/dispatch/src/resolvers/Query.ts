import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  async unit(_, { id }, { caller, dispatch, loaders }) {
    dispatch.requireSignedIn(caller);
    return loaders.unit.load(id);
  },
  units: (_, args, { caller, dispatch }) => dispatch.listUnits(caller, args),
  responsibilityRules: (_, args, { caller, dispatch }) => dispatch.listRules(caller, args),
  routeDryRun: (_, args, { caller, dispatch }) => dispatch.routeDryRun(caller, args),
  workOrders: (_, args, { caller, dispatch }) => dispatch.listWorkOrders(caller, args),
  workOrder: (_, { id }, { caller, dispatch }) => dispatch.workOrder(caller, id),
  whistle: (_, { id }, { caller, dispatch }) => dispatch.whistle(caller, id),
  manualQueue: (_, args, { caller, dispatch }) => dispatch.listManualQueue(caller, args),
};
