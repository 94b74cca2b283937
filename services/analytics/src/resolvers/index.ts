import type { Resolvers } from '../generated/graphql';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { CategoryShift, UnitProfile, UnsatisfiedCase } from './profile';
import {
  AssessmentRates,
  CategoryRates,
  EarlyWarning,
  HotSpotMap,
  MonthlyTopicCandidate,
  DayPeriod,
  RankingEntry,
  Rate,
  RatesReport,
} from './assessment';
import { AreaTypeCount, CategoryCount, ChannelCount, DistrictSummary, Unit, UnitCount, UnitStats } from './entities';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Unit,
  UnitStats,
  DistrictSummary,
  CategoryCount,
  ChannelCount,
  AreaTypeCount,
  UnitCount,
  RatesReport,
  AssessmentRates,
  Rate,
  DayPeriod,
  RankingEntry,
  CategoryRates,
  HotSpotMap,
  UnitProfile,
  CategoryShift,
  UnsatisfiedCase,
  MonthlyTopicCandidate,
  EarlyWarning,
};
