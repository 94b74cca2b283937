import path from 'node:path';
import { z } from 'zod';
import { booleanFlag, loadConfig, port } from '@hotline/shared';

/** Analytics' configuration, parsed once at boot; every problem is reported together. */
export const analyticsEnvironment = z.object({
  ANALYTICS_PORT: port(4004),
  ANALYTICS_HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL (postgres://…/analytics); without it analytics runs on PGlite under DATA_DIR. */
  ANALYTICS_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().default(path.resolve('data')),
  CALLER_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** The rates' formulas and ranking classes (JSON, see config/rates.json for the documented defaults). */
  ANALYTICS_RATES_CONFIG: z.string().default(path.join(__dirname, '../config/rates.json')),
  /** Load the demo district's unit directory (unit kinds, for ranking like with like) if it is not there yet. */
  DEMO_DATA: booleanFlag(false),
});
export type AnalyticsEnvironment = z.infer<typeof analyticsEnvironment>;

export const readAnalyticsEnvironment = (env: Record<string, string | undefined>): AnalyticsEnvironment =>
  loadConfig(analyticsEnvironment, env);
