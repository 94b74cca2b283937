import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  submitComplaint: (_, { input }, { caller, intake }) => intake.submitComplaint(caller, input),
  updateComplaint: (_, { id, input }, { caller, intake }) => intake.updateComplaint(caller, id, input),
  placeComplaint: (_, { id, input }, { caller, intake }) => intake.placeComplaint(caller, id, input),
  closeAtIntake: (_, { complaintId, input }, { caller, intake }) => intake.closeAtIntake(caller, complaintId, input),
  mergeComplaints: (_, { complaintId, intoComplaintId }, { caller, intake }) =>
    intake.mergeComplaints(caller, complaintId, intoComplaintId),
  unmergeComplaint: (_, { complaintId }, { caller, intake }) => intake.unmergeComplaint(caller, complaintId),
  createCategory: (_, { input }, { caller, intake }) => intake.createCategory(caller, input),
  renameCategory: (_, { id, name }, { caller, intake }) => intake.renameCategory(caller, id, name),
  moveCategory: (_, { id, parentId }, { caller, intake }) => intake.moveCategory(caller, id, parentId),
};
