import path from 'node:path';
import { readFileSync } from 'node:fs';
import { ConfigError, EVENT_BATCH, startSubgraphService, type ServiceDeps, type StartedService } from '@hotline/shared';
import { PrismaClient, createSupervisionStore } from './store/supervision-store';
import { createSupervisionManager } from './use-cases/supervision-manager';
import { createSupervisionOrders, type SupervisionOrders } from './use-cases/supervision-orders';
import { createCallbacks } from './use-cases/callbacks';
import { createContextFactory } from './context';
import { createHandlers } from './events/handlers';
import { resolvers } from './resolvers';
import { loadDemoData } from './demo/load';
import { createTimerEngine, type TimerEngine } from './timer/timer-engine';
import { workingCalendarSchema, workingDayCalendar } from './domain/calendar';
import type { SupervisionEnvironment } from './environment';

export { readSupervisionEnvironment, type SupervisionEnvironment } from './environment';
export const typeDefs = readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8');

/** The working-day calendar file, checked like any configuration: every problem is reported together. */
function readCalendar(file: string) {
  const result = workingCalendarSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => `${file} [${issue.path.join('.')}]: ${issue.message}`));
  return result.data;
}

export type StartedSupervision = StartedService & {
  timer: TimerEngine;
  /** One escalation sweep now (it also runs every SUPERVISION_ESCALATION_SWEEP_MS beside the timer). */
  escalateStaleOrders(): Promise<number>;
};

/**
 * Supervision: every work order's deadlines, set from the rules, following the case, and watched by the
 * timer engine (started after the service is up, stopped first). Runs embedded or as its own process.
 */
export async function startSupervision(env: SupervisionEnvironment, deps: ServiceDeps): Promise<StartedSupervision> {
  let timer: TimerEngine | undefined;
  let orders!: SupervisionOrders;
  const service = await startSubgraphService({
    name: 'supervision',
    deps,
    database: {
      url: env.SUPERVISION_DATABASE_URL,
      dataDir: env.DATA_DIR,
      migrationsDir: path.join(__dirname, '../prisma/migrations'),
      createClient: (adapter) => new PrismaClient({ adapter }),
    },
    http: { port: env.SUPERVISION_PORT, host: env.SUPERVISION_HOST, callerSecret: env.CALLER_SECRET },
    build: async (prisma, { logger, published }) => {
      const store = createSupervisionStore(prisma);
      if (env.DEMO_DATA) await loadDemoData(store, logger);
      const engine = createTimerEngine({
        db: prisma,
        store,
        now: deps.now,
        logger,
        published,
        pollMs: env.SUPERVISION_TIMER_POLL_MS,
        retentionMs: env.SUPERVISION_REPORT_RETENTION_HOURS * 3600_000,
      });
      timer = engine;
      const calendar = env.SUPERVISION_CALENDAR_FILE ? workingDayCalendar(readCalendar(env.SUPERVISION_CALENDAR_FILE)) : undefined;
      const supervision = createSupervisionManager({
        store,
        now: deps.now,
        logger,
        calendar,
        warnFraction: env.SUPERVISION_WARN_FRACTION,
        onScheduled: (at) => engine.wake(at),
      });
      orders = createSupervisionOrders({
        store,
        now: deps.now,
        logger,
        escalation: { REMINDER: env.SUPERVISION_ESCALATE_REMINDER_HOURS, SUPERVISION: env.SUPERVISION_ESCALATE_SUPERVISION_HOURS },
      });
      const callbacks = createCallbacks({ store, orders, now: deps.now, rehandleLimit: env.SUPERVISION_REHANDLE_LIMIT });
      return {
        typeDefs,
        resolvers,
        context: createContextFactory({ supervision, orders, callbacks }, store, deps.now),
        handlers: createHandlers(supervision, orders, callbacks),
        eventBatch: EVENT_BATCH,
      };
    },
  });
  const engine = timer!;
  const escalateStaleOrders = async () => (await orders.escalateStale()).length;
  let sweep: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  if (env.SUPERVISION_TIMER) {
    engine.start();
    sweep = setInterval(() => {
      sweeping = escalateStaleOrders().catch((err: unknown) => deps.logger.error({ err }, 'supervision order escalation sweep failed'));
    }, env.SUPERVISION_ESCALATION_SWEEP_MS);
    sweep.unref();
  }
  return {
    ...service,
    timer: engine,
    escalateStaleOrders,
    async stop() {
      clearInterval(sweep);
      await sweeping;
      await engine.stop();
      await service.stop();
    },
  };
}
