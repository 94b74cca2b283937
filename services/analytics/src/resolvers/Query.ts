import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  districtSummary: (_, args, { caller, analytics }) => analytics.districtSummary(caller, args),
  rates: (_, args, { caller, assessment }) => assessment.rates(caller, args),
  ranking: (_, args, { caller, assessment }) => assessment.ranking(caller, args),
  categoryRates: (_, args, { caller, assessment }) => assessment.categoryRates(caller, args),
  trend: (_, args, { caller, assessment }) => assessment.trend(caller, args),
  hotSpots: (_, args, { caller, assessment }) => assessment.hotSpots(caller, args),
  unitProfile: (_, args, { caller, profiles }) => profiles.unitProfile(caller, args),
  monthlyTopics: (_, args, { caller, assessment }) => assessment.monthlyTopics(caller, args),
  earlyWarnings: (_, args, { caller, assessment }) => assessment.earlyWarnings(caller, args),
};
