import { GraphQLDateTime } from 'graphql-scalars';

/** `DateTime` for every subgraph: ISO 8601 out, validated in. */
export const scalarResolvers = { DateTime: GraphQLDateTime };
