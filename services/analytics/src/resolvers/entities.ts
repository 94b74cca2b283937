import { parseInput } from '@hotline/shared';
import { byHour, byWeekday, categoryBreakdownArgs, rank, rankCategories, rankingArgs, totalOf } from '../domain/breakdowns';
import type {
  AreaTypeCountResolvers,
  CategoryCountResolvers,
  ChannelCountResolvers,
  DistrictSummaryResolvers,
  UnitCountResolvers,
  UnitResolvers,
  UnitStatsResolvers,
} from '../generated/graphql';

export const Unit: UnitResolvers = {
  // Analytics needs nothing of a unit but its id; whether the unit exists is dispatch's to say.
  __resolveReference: ({ id }) => ({ id }),
  stats: (unit, { period }, { caller, analytics, loaders }) => loaders.unitStats.load(analytics.unitStatsKey(caller, unit.id, period)),
};

export const UnitStats: UnitStatsResolvers = {
  workOrdersReceived: (s) => totalOf(s.workOrders),
  byCategory: (s, args) => rankCategories(s.workOrders, parseInput(categoryBreakdownArgs, args)),
};

export const DistrictSummary: DistrictSummaryResolvers = {
  complaintsReceived: (s) => totalOf(s.complaints),
  workOrdersDispatched: (s) => totalOf(s.workOrders),
  byUnit: (s, args) =>
    rank(
      s.workOrders.map((w) => ({ key: w.unitId, count: w.count })),
      parseInput(rankingArgs, args).first,
    ),
  byChannel: (s) => rank(s.complaints.map((c) => ({ key: c.channel, count: c.count }))),
  byCategory: (s, args) => rankCategories(s.complaints, parseInput(categoryBreakdownArgs, args)),
  byAreaType: (s) => rank(s.complaints.map((c) => ({ key: c.areaType, count: c.count }))),
  byHour: (s) => byHour(s.hours),
  byWeekday: (s) => byWeekday(s.hours),
};

export const CategoryCount: CategoryCountResolvers = {
  categoryId: (c) => c.key,
  category: (c) => ({ id: c.key }),
};

export const UnitCount: UnitCountResolvers = {
  unit: (u) => ({ id: u.key }),
};

export const ChannelCount: ChannelCountResolvers = {
  channel: (c) => c.key,
};

export const AreaTypeCount: AreaTypeCountResolvers = {
  areaType: (c) => c.key,
};
