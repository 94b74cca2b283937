import path from 'node:path';
import { z } from 'zod';
import { booleanFlag, loadConfig, port } from '@hotline/shared';

/** Hours before an open order rises by itself; 0 means never (null): only an inspector raises it. */
const escalationHours = (hours: number) =>
  z.coerce
    .number()
    .min(0)
    .default(hours)
    .transform((h) => (h > 0 ? h : null));

/** Supervision's configuration, parsed once at boot; every problem is reported together. */
export const supervisionEnvironment = z.object({
  SUPERVISION_PORT: port(4003),
  SUPERVISION_HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL (postgres://…/supervision); without it supervision runs on PGlite under DATA_DIR. */
  SUPERVISION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().default(path.resolve('data')),
  CALLER_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** Load the demo district's deadline rules if they are not there yet. */
  DEMO_DATA: booleanFlag(false),
  /**
   * A JSON file with the working-day calendar ({ "holidays": ["2026-10-01", …], "makeUpWorkdays": [...] }) for
   * rules counted in working days; without it, Monday to Friday with no holidays.
   */
  SUPERVISION_CALENDAR_FILE: z.string().optional(),
  /** Where the early warning falls, as a fraction of each limit. */
  SUPERVISION_WARN_FRACTION: z.coerce.number().gt(0).lt(1).default(0.8),
  /** Run the timer engine in this process (every replica may: they never fire the same deadline twice). */
  SUPERVISION_TIMER: booleanFlag(true),
  /** The timer engine's longest sleep between scans, in ms; at most 250 so overdue reports stay within a second. */
  SUPERVISION_TIMER_POLL_MS: z.coerce.number().int().min(10).max(250).default(250),
  /** Send-backs of one order (dissatisfied callbacks) after which the case also goes under supervision. */
  SUPERVISION_REHANDLE_LIMIT: z.coerce.number().int().min(1).default(2),
  /** Hours an order may stay open as a reminder before it becomes supervision by itself (0: only by hand). */
  SUPERVISION_ESCALATE_REMINDER_HOURS: escalationHours(24),
  /** Hours at supervision before the unit head is called to an interview (0: only by hand). */
  SUPERVISION_ESCALATE_SUPERVISION_HOURS: escalationHours(72),
  /** How often open orders are checked for escalation, in ms. */
  SUPERVISION_ESCALATION_SWEEP_MS: z.coerce.number().int().min(100).default(60_000),
  /** How long warnings and overdue reports are kept for live subscribers to resume from, in hours. */
  SUPERVISION_REPORT_RETENTION_HOURS: z.coerce.number().int().min(1).default(72),
});
export type SupervisionEnvironment = z.infer<typeof supervisionEnvironment>;

export const readSupervisionEnvironment = (env: Record<string, string | undefined>): SupervisionEnvironment =>
  loadConfig(supervisionEnvironment, env);
