import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  recordCallback: (_, { input }, { caller, callbacks }) => callbacks.record(caller, input),
  requestExemption: (_, args, { caller, callbacks }) => callbacks.requestExemption(caller, args),
  approveExemption: (_, args, { caller, callbacks }) => callbacks.approveExemption(caller, args),
  sendBackCase: (_, args, { caller, callbacks }) => callbacks.sendBack(caller, args),
  openSupervisionOrder: (_, { input }, { caller, orders }) => orders.open(caller, input),
  escalateSupervisionOrder: (_, args, { caller, orders }) => orders.escalate(caller, args),
  closeSupervisionOrder: (_, args, { caller, orders }) => orders.close(caller, args),
  markKeySupervision: (_, args, { caller, orders }) => orders.markKey(caller, args),
  pauseClock: (_, args, { caller, supervision }) => supervision.pauseClock(caller, args),
  resumeClock: (_, args, { caller, supervision }) => supervision.resumeClock(caller, args),
};
