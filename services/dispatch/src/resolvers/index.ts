import type { Resolvers } from '../generated/graphql';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Complaint, ResponsibilityRule, RouteDecision, Unit, Whistle, WhistleSummons, WorkOrder, WorkOrderHistoryEntry } from './entities';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Complaint,
  WorkOrder,
  WorkOrderHistoryEntry,
  Unit,
  ResponsibilityRule,
  RouteDecision,
  Whistle,
  WhistleSummons,
};
