/**
 * Timer engine benchmark: loads DEADLINES open deadlines into a throwaway PostgreSQL database, of which
 * DUE fall due, spread evenly over WINDOW_S seconds starting shortly after the load; runs REPLICAS timer
 * engines on the wall clock; and measures each overdue report's lateness from its due time to the moment
 * the transaction that wrote it to the outbox had committed. Prints p50/p99/max, and checks that every due
 * deadline was reported exactly once.
 *
 *   cd services/supervision && ../../node_modules/.bin/tsx bench/timer-bench.ts
 *   env: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), DEADLINES (1000000), DUE (20000),
 *        WINDOW_S (20), REPLICAS (2), BATCH (1000), KEEP_DB (unset: the database is dropped at the end)
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { openDatabase } from '@hotline/shared';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import pino from 'pino';
import { createSupervisionStore, PrismaClient, type SupervisionStore, type TimerEventRecord } from '../src/store/supervision-store';
import { createTimerEngine } from '../src/timer/timer-engine';

const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.DEADLINES ?? 1_000_000);
const due = Number(process.env.DUE ?? 20_000);
const windowS = Number(process.env.WINDOW_S ?? 20);
const replicas = Number(process.env.REPLICAS ?? 2);
const batchSize = Number(process.env.BATCH ?? 1000);
const logger = pino({ level: 'warn' });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main(): Promise<void> {
  const name = `supervision_bench_${randomBytes(4).toString('hex')}`;
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  // Migrated as the service does; then a pool of our own, so it is closed before the database is dropped.
  const migrated = await openDatabase({
    url,
    dataDir: 'memory://',
    migrationsDir: path.join(__dirname, '../prisma/migrations'),
    createClient: (adapter) => new PrismaClient({ adapter }),
    poolSize: 1,
  });
  await migrated.close();
  const pool = new pg.Pool({ connectionString: url, max: replicas + 2 });
  const db = { client: new PrismaClient({ adapter: new PrismaPg(pool) }) };
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  try {
    await sql.query(`INSERT INTO "deadline_rule" VALUES ('bench', 'bench', 'GENERAL', NULL, NULL, 60, 60, 60, 60, false)`);

    // The deadlines not due during the run: due over the next 30 days, warnings at 80% (also in the future).
    const loadStarted = Date.now();
    const chunk = 250_000;
    const far = total - due;
    for (let from = 0; from < far; from += chunk) {
      const n = Math.min(chunk, far - from);
      await sql.query(
        `INSERT INTO "deadline" ("id", "district", "complaint_id", "work_order_id", "unit_id", "kind", "rule_id", "started_at", "due_at", "state", "set_at", "warn_at")
         SELECT gen_random_uuid(), '110199', 'c-' || i, 'wo-' || i, 'unit-110199-' || (i % 12), 'CLOSE', 'bench', now(),
                now() + interval '1 hour' + (random() * interval '30 days'), 'PENDING', now(), now() + interval '1 hour' + (random() * interval '24 days')
         FROM generate_series($1::int, $2::int) AS i`,
        [from, from + n - 1],
      );
    }
    // The measured ones: due evenly over the window, starting 5 s after they are written; no warning.
    const windowStart = Date.now() + 5_000;
    await sql.query(
      `INSERT INTO "deadline" ("id", "district", "complaint_id", "work_order_id", "unit_id", "kind", "rule_id", "started_at", "due_at", "state", "set_at", "warn_at")
       SELECT gen_random_uuid(), '110199', 'd-' || i, 'due-' || i, 'unit-110199-' || (i % 12), 'RESPOND', 'bench', now(),
              to_timestamp(($1::bigint + (i::bigint * $2::bigint) / $3::bigint) / 1000.0), 'PENDING', now(), NULL
       FROM generate_series(0, $3::int - 1) AS i`,
      [windowStart, windowS * 1000, due],
    );
    await sql.query(`ANALYZE "deadline"`);
    const loadedIn = (Date.now() - loadStarted) / 1000;
    const {
      rows: [count],
    } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM "deadline" WHERE "state" = 'PENDING'`);
    console.log(
      `loaded ${count!.n} open deadlines in ${loadedIn.toFixed(1)} s (${due} due over ${windowS} s); ${replicas} engine(s), batch ${batchSize}, poll 250 ms`,
    );
    if (Date.now() > windowStart) console.log('warning: the load ran into the measurement window; the first deadlines start late');

    // Lateness is taken when the batch that reported a deadline has committed (the engine's `published` hook runs after commit).
    const lateness: number[] = [];
    const engines = Array.from({ length: replicas }, () => {
      const store = createSupervisionStore(db.client);
      let pendingBatch: TimerEventRecord[] = [];
      const measured: SupervisionStore = {
        ...store,
        recordTimerEvents: async (tx, events) => {
          pendingBatch = events;
          await store.recordTimerEvents(tx, events);
        },
      };
      return createTimerEngine({
        db: db.client,
        store: measured,
        now: () => new Date(),
        logger,
        batchSize,
        published: () => {
          const committedAt = Date.now();
          for (const e of pendingBatch) if (e.level === 'OVERDUE') lateness.push(committedAt - e.dueAt.getTime());
          pendingBatch = [];
        },
      });
    });
    engines.forEach((e) => e.start());
    const endAt = windowStart + windowS * 1000 + 3_000;
    while (Date.now() < endAt) await new Promise((r) => setTimeout(r, 500));
    await Promise.all(engines.map((e) => e.stop()));

    const {
      rows: [check],
    } = await sql.query<{ reported: string; distinct: string; left: string }>(
      `SELECT (SELECT count(*) FROM "timer_event" WHERE "level" = 'OVERDUE') AS reported,
              (SELECT count(DISTINCT "deadline_id") FROM "timer_event" WHERE "level" = 'OVERDUE') AS distinct,
              (SELECT count(*) FROM "deadline" WHERE "state" = 'PENDING' AND "due_at" <= now()) AS left`,
    );
    if (process.env.BENCH_TRACE) console.log(lateness.filter((_, i) => i % 50 === 0).join(' '));
    const sorted = [...lateness].sort((a, b) => a - b);
    console.log(
      `overdue reports: ${check!.reported} (distinct deadlines ${check!.distinct}, expected ${due}); due but unreported at the end: ${check!.left}`,
    );
    console.log(
      `lateness (due time → committed to the outbox), ms: p50 ${percentile(sorted, 50)}  p99 ${percentile(sorted, 99)}  max ${sorted.at(-1)}  min ${sorted[0]}`,
    );
    console.log(`within 1 s: ${((sorted.filter((l) => l <= 1000).length / Math.max(1, sorted.length)) * 100).toFixed(3)}%`);
  } finally {
    await sql.end();
    await db.client.$disconnect();
    await pool.end();
    if (!process.env.KEEP_DB) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
