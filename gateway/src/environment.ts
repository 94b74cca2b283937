import path from 'node:path';
import { z } from 'zod';
import { loadConfig, port } from '@hotline/shared';
import { open311Environment } from './open311/config';

/** The development secret for end-user tokens; a deployment sets JWT_SECRET (the gateway warns when it does not). */
export const DEVELOPMENT_JWT_SECRET = 'hotline-development-secret-change-me';
export const DEFAULT_ISSUER = 'hotline-12345';

const url = z.url();

/** The gateway's configuration, parsed once at boot. */
export const gatewayEnvironment = z.object({
  GATEWAY_PORT: port(4000),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEVELOPMENT_JWT_SECRET),
  JWT_ISSUER: z.string().default(DEFAULT_ISSUER),
  CALLER_SECRET: z.string().min(16, 'must be at least 16 characters'),
  INTAKE_URL: url.default('http://127.0.0.1:4001'),
  DISPATCH_URL: url.default('http://127.0.0.1:4002'),
  SUPERVISION_URL: url.default('http://127.0.0.1:4003'),
  ANALYTICS_URL: url.default('http://127.0.0.1:4004'),
  /** Deepest selection a query may nest; deeper ones are refused before any subgraph is called. */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).default(12),
  /** Requests per caller (or per address, for nobody) per minute. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  SUPERGRAPH_PATH: z.string().default(path.join(__dirname, '../supergraph.graphql')),
  ...open311Environment.shape,
  /** Distributed mode: the brokers the live subscriptions consume from (embedded mode hands the gateway its bus). */
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_NAMESPACE: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only')
    .optional(),
});
export type GatewayEnvironment = z.infer<typeof gatewayEnvironment>;

export const readGatewayEnvironment = (env: Record<string, string | undefined>): GatewayEnvironment => loadConfig(gatewayEnvironment, env);
