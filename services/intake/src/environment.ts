import path from 'node:path';
import { z } from 'zod';
import { booleanFlag, loadConfig, port } from '@hotline/shared';

/** Intake's configuration, parsed once at boot; every problem is reported together. */
export const intakeEnvironment = z.object({
  INTAKE_PORT: port(4001),
  INTAKE_HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL (postgres://…/intake); without it intake runs on PGlite under DATA_DIR. */
  INTAKE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().default(path.resolve('data')),
  CALLER_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** Load the demo district's regions and taxonomy if they are not there yet. */
  DEMO_DATA: booleanFlag(false),
  /** Duplicates: reports farther apart than this many metres are not the same problem. */
  INTAKE_DUPLICATE_RADIUS_METERS: z.coerce.number().positive().default(300),
  /** Duplicates: reports further apart in time than this many hours are not the same problem. */
  INTAKE_DUPLICATE_WINDOW_HOURS: z.coerce.number().positive().default(72),
  /** Duplicates: candidates scoring below this (0–1) are not shown to the agent. */
  INTAKE_DUPLICATE_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.35),
});
export type IntakeEnvironment = z.infer<typeof intakeEnvironment>;

export const readIntakeEnvironment = (env: Record<string, string | undefined>): IntakeEnvironment => loadConfig(intakeEnvironment, env);
