import path from 'node:path';

/** The subgraphs of the one graph, and where each one's SDL lives in the repository. */
export const subgraphs = [
  { name: 'intake', envUrl: 'INTAKE_URL', sdl: path.join(__dirname, '../../services/intake/schema.graphql') },
  { name: 'dispatch', envUrl: 'DISPATCH_URL', sdl: path.join(__dirname, '../../services/dispatch/schema.graphql') },
  { name: 'supervision', envUrl: 'SUPERVISION_URL', sdl: path.join(__dirname, '../../services/supervision/schema.graphql') },
  { name: 'analytics', envUrl: 'ANALYTICS_URL', sdl: path.join(__dirname, '../../services/analytics/schema.graphql') },
] as const;

export type SubgraphName = (typeof subgraphs)[number]['name'];
