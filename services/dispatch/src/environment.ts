import path from 'node:path';
import { z } from 'zod';
import { booleanFlag, loadConfig, port } from '@hotline/shared';

/** Dispatch's configuration, parsed once at boot; every problem is reported together. */
export const dispatchEnvironment = z.object({
  DISPATCH_PORT: port(4002),
  DISPATCH_HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL (postgres://…/dispatch); without it dispatch runs on PGlite under DATA_DIR. */
  DISPATCH_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().default(path.resolve('data')),
  CALLER_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** Load the demo district's units and responsibility list if they are not there yet. */
  DEMO_DATA: booleanFlag(false),
});
export type DispatchEnvironment = z.infer<typeof dispatchEnvironment>;

export const readDispatchEnvironment = (env: Record<string, string | undefined>): DispatchEnvironment =>
  loadConfig(dispatchEnvironment, env);
