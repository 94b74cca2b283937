import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  rebuildReadModels: (_, __, { caller, assessment }) => assessment.rebuildReadModels(caller),
  importLegacyCases: (_, args, { caller, imports }) => imports.importLegacyCases(caller, args),
};
