import type { Resolvers } from '../generated/graphql';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { CallbackTask, Complaint, Deadline, DeadlineAlert, DeadlineRule, SupervisionOrder } from './entities';

export const resolvers: Resolvers = { Query, Mutation, CallbackTask, Complaint, Deadline, DeadlineAlert, DeadlineRule, SupervisionOrder };
