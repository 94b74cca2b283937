import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  acceptWorkOrder: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('acceptWorkOrder', caller, args),
  contactCitizen: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('contactCitizen', caller, args),
  startWork: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('startWork', caller, args),
  addProgressNote: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('addProgressNote', caller, args),
  replyToCitizen: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('replyToCitizen', caller, args),
  closeWorkOrder: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('closeWorkOrder', caller, args),
  returnWorkOrder: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('returnWorkOrder', caller, args),
  requestExtension: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('requestExtension', caller, args),
  decideExtension: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('decideExtension', caller, args),
  transferToDistrict: (_, args, { caller, dispatch }) => dispatch.runOrderCommand('transferToDistrict', caller, args),
  redispatch: (_, args, { caller, dispatch }) => dispatch.redispatch(caller, args),
  arbitrate: (_, args, { caller, dispatch }) => dispatch.arbitrate(caller, args),
  upsertResponsibilityRule: (_, args, { caller, dispatch }) => dispatch.upsertResponsibilityRule(caller, args),
  blowWhistle: (_, args, { caller, dispatch }) => dispatch.blowWhistle(caller, args),
  reportIn: (_, args, { caller, dispatch }) => dispatch.reportIn(caller, args),
  reportPartDone: (_, args, { caller, dispatch }) => dispatch.reportPartDone(caller, args),
};
