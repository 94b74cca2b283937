import { requireRole } from '@hotline/shared';
import type { QueryResolvers } from '../generated/graphql';

const anyone = ['agent', 'dispatcher', 'handler', 'supervisor', 'analyst', 'admin', 'city', 'citizen'] as const;

export const Query: QueryResolvers = {
  async complaint(_, { id }, { caller, intake, loaders }) {
    requireRole(caller, ...anyone);
    const complaint = await loaders.complaint.load(id);
    return complaint && intake.canRead(caller, complaint) ? complaint : null;
  },
  complaints: (_, args, { caller, intake }) => intake.listComplaints(caller, args),
  async categories(_, { parentId }, { caller, loaders, intake }) {
    requireRole(caller, ...anyone);
    return parentId ? loaders.categoryChildren.load(parentId) : intake.topCategories();
  },
  region(_, { id }, { caller, regions }) {
    requireRole(caller, ...anyone);
    return regions.get(id) ?? null;
  },
  regions(_, { level, parentId }, { caller, regions }) {
    const reader = requireRole(caller, ...anyone);
    return regions.atLevel(reader.district, level, parentId);
  },
  suggestClassification: (_, { text }, { caller, intake }) => intake.suggest(caller, text),
  placementQueue: (_, args, { caller, intake }) => intake.placementQueue(caller, args),
  searchKnowledge: (_, { text }, { caller, intake }) => intake.searchKnowledge(caller, text),
  duplicateCandidates: (_, { complaintId }, { caller, intake }) => intake.duplicateCandidates(caller, complaintId),
  searchComplaints: (_, args, { caller, intake }) => intake.searchComplaints(caller, args),
};
