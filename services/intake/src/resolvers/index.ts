import type { Resolvers } from '../generated/graphql';
import { Mutation } from './Mutation';
import { Query } from './Query';
import {
  Category,
  ChannelDetails,
  ClassificationSuggestion,
  Complaint,
  ComplaintClassification,
  IntakeClosure,
  KnowledgeArticle,
  Region,
  Reporter,
} from './entities';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Complaint,
  Reporter,
  ComplaintClassification,
  IntakeClosure,
  ChannelDetails,
  ClassificationSuggestion,
  KnowledgeArticle,
  Region,
  Category,
};
