/**
 * Analytics' speed, printed as figures:
 *  1. rankings and rates over 10,000,000 cases, answered from the daily counters (units × days rows,
 *     generated directly), never from a scan of cases — target under 50 ms;
 *  2. read-model catch-up through the real consumer (in-process bus, inbox, handlers) at 1,000
 *     events/s offered — target p99 lag under 1 s — and the drain rate of a backlog, with events
 *     handled in batches (one transaction per batch, as the service runs) and, for reference in the
 *     same run, one transaction per event.
 *
 * Runs on PGlite (in-process PostgreSQL, like embedded mode) unless ANALYTICS_DATABASE_URL names a
 * PostgreSQL database, and on the in-process bus unless KAFKA_BROKERS names Apache Kafka (events are
 * then produced to and consumed from the broker, in topics of a namespace of their own).
 * Run: npm run bench -w @hotline/analytics
 * Sizes: BENCH_CASES (10,000,000), BENCH_EVENTS (10,000), BENCH_RATE (1,000 events/s).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CallbackRecorded,
  ComplaintReceived,
  createEvent,
  createBus,
  createLogger,
  DeadlinesSet,
  newId,
  openDatabase,
  startEventConsumer,
  toBusMessage,
  WorkOrderAccepted,
  WorkOrderDispatched,
  type Envelope,
  type TransactionalClient,
} from '@hotline/shared';
import { PrismaClient, type AnalyticsTx } from '../src/store/analytics-store';
import { createRatesStore } from '../src/store/rates-store';
import { createProjection } from '../src/events/projection';
import { createProjectionStore } from '../src/store/projection-store';
import { createAssessmentManager } from '../src/use-cases/assessment-manager';
import { loadRatesConfig } from '../src/rates-config';
import { ANALYTICS_EVENT_BATCH } from '../src/index';

const CASES = Number(process.env.BENCH_CASES ?? 10_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const DISTRICT = '110199';
const STREETS = 30;
const DEPARTMENTS = 70;
const STREETS_PER_DEPARTMENT = 5;
const DAYS = 365;
const FIRST_DAY = '2025-01-01';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;

/** PGlite in memory, or the PostgreSQL database named, emptied first so that every run starts alike. */
async function open() {
  const db = await openDatabase({
    url: process.env.ANALYTICS_DATABASE_URL,
    dataDir: 'memory://',
    migrationsDir: path.join(__dirname, '../prisma/migrations'),
    createClient: (adapter) => new PrismaClient({ adapter }),
    poolSize: 12,
  });
  const tables = await db.client.$queryRaw<Array<{ name: string }>>`
    SELECT tablename AS "name" FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '%migrations%' AND tablename <> 'read_model_generation'`;
  await db.client.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.name}"`).join(', ')}`);
  return { db };
}

async function timed(label: string, runs: number, work: () => Promise<unknown>) {
  await work(); // warm-up: plans and caches
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const p50 = quantile(times, 0.5);
  const p95 = quantile(times, 0.95);
  console.log(`  ${label.padEnd(58)} p50 ${ms(p50).padStart(9)}  p95 ${ms(p95).padStart(9)}  ${p95 < 50 ? 'ok' : 'SLOW'}`);
}

async function queries() {
  const { db } = await open();
  const prisma = db.client;
  const units = STREETS + DEPARTMENTS;
  const rows = STREETS + DEPARTMENTS * STREETS_PER_DEPARTMENT;
  // Cases per (unit, street, day) row so that the counters add up to CASES work orders due.
  const perRow = Math.max(1, Math.round(CASES / (rows * DAYS)));
  console.log(
    `\n1. Rates and rankings over ${(perRow * rows * DAYS).toLocaleString('en')} cases: ${units} units, ${DAYS} days, ${(rows * DAYS).toLocaleString('en')} daily rows (${db.kind})`,
  );
  const loadStart = performance.now();
  await prisma.$executeRawUnsafe(`
    INSERT INTO "unit_directory" ("id", "district", "name", "kind")
    SELECT 'unit-s' || s, '${DISTRICT}', 'street ' || s, CASE WHEN s % 2 = 0 THEN 'STREET' ELSE 'TOWN' END FROM generate_series(1, ${STREETS}) s
    UNION ALL SELECT 'unit-d' || d, '${DISTRICT}', 'department ' || d, 'DEPARTMENT' FROM generate_series(1, ${DEPARTMENTS}) d`);
  // Counts vary by unit and day (deterministic hashes) so that rankings have something to rank.
  const counts = (u: string) => `
    ${perRow}, (${perRow} * (70 + (hashtext(${u} || d::text) & 31)) / 100),
    (${perRow} * 6 / 10), (${perRow} * (30 + (hashtext(d::text || ${u}) & 31)) / 100),
    (${perRow} * (30 + (hashtext(${u}) & 15)) / 100), (${perRow} * 15 / 100), (${perRow} * 5 / 100), (${perRow} * 5 / 100)`;
  await prisma.$executeRawUnsafe(`
    INSERT INTO "unit_rate_daily" ("district", "unit_id", "street_id", "day", "response_due", "response_on_time", "solved_answered", "solved_yes", "satisfied", "basically_satisfied", "no_comment", "dissatisfied")
    SELECT '${DISTRICT}', 'unit-s' || s, 'street-' || s, d, ${counts("'s' || s")}
    FROM generate_series(1, ${STREETS}) s, generate_series(DATE '${FIRST_DAY}', DATE '${FIRST_DAY}' + ${DAYS - 1}, INTERVAL '1 day') d
    UNION ALL
    SELECT '${DISTRICT}', 'unit-d' || u, 'street-' || (1 + (u * 7 + k) % ${STREETS}), d, ${counts("'d' || u || '-' || k")}
    FROM generate_series(1, ${DEPARTMENTS}) u, generate_series(1, ${STREETS_PER_DEPARTMENT}) k, generate_series(DATE '${FIRST_DAY}', DATE '${FIRST_DAY}' + ${DAYS - 1}, INTERVAL '1 day') d`);
  // The monthly roll-up the consumer keeps in step with the daily rows.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "unit_rate_monthly" ("district", "unit_id", "street_id", "month", "response_due", "response_on_time", "solved_answered", "solved_yes", "satisfied", "basically_satisfied", "no_comment", "dissatisfied")
    SELECT "district", "unit_id", "street_id", date_trunc('month', "day")::date, SUM("response_due"), SUM("response_on_time"), SUM("solved_answered"), SUM("solved_yes"),
           SUM("satisfied"), SUM("basically_satisfied"), SUM("no_comment"), SUM("dissatisfied")
    FROM "unit_rate_daily" GROUP BY 1, 2, 3, 4`);
  await prisma.$executeRawUnsafe(`ANALYZE "unit_rate_daily"`);
  await prisma.$executeRawUnsafe(`ANALYZE "unit_rate_monthly"`);
  await prisma.$executeRawUnsafe(`ANALYZE "unit_directory"`);
  console.log(`  generated in ${ms(performance.now() - loadStart)}`);

  const store = createRatesStore(prisma);
  const config = loadRatesConfig(path.join(__dirname, '../config/rates.json'));
  const assessment = createAssessmentManager({
    store,
    config,
    now: () => new Date(),
    rebuilder: { rebuild: async () => ({ generation: 0, consumerGroup: '' }) },
  });
  const analyst = { sub: 'bench', roles: ['analyst' as const], district: DISTRICT };
  const city = { ...analyst, roles: ['analyst' as const, 'city' as const] };
  const month = { kind: 'MONTH', day: '2025-11-01' };
  await timed('ranking of 70 departments, a month (+2 months before)', 20, () =>
    assessment.ranking(analyst, { group: 'DEPARTMENTS', period: month }),
  );
  await timed('ranking of 30 streets and towns, a month (+2 months before)', 20, () =>
    assessment.ranking(analyst, { group: 'STREETS_AND_TOWNS', period: month }),
  );
  await timed('ranking of districts city-wide, a month', 20, () => assessment.ranking(city, { group: 'DISTRICTS', period: month }));
  await timed('rates of one unit, 15 Jan – 10 Apr (months + loose days)', 20, () =>
    assessment.rates(analyst, { scope: { unitId: 'unit-d7' }, period: { kind: 'CUSTOM', day: '2025-01-15', lastDay: '2025-04-10' } }),
  );
  await timed('rates of one unit, a week', 20, () =>
    assessment.rates(analyst, { scope: { unitId: 'unit-d7' }, period: { kind: 'WEEK', day: '2025-06-11' } }),
  );
  await timed('rates of one street, a month', 20, () => assessment.rates(analyst, { scope: { streetId: 'street-5' }, period: month }));
  await timed('rates of the district, a month', 20, () => assessment.rates(analyst, { period: month }));
  await timed('rates of the district, the whole year', 20, () =>
    assessment.rates(analyst, { period: { kind: 'CUSTOM', day: FIRST_DAY, lastDay: '2025-12-31' } }),
  );
  await timed('trend of one unit, 12 months', 20, () =>
    assessment.trend(analyst, { scope: { unitId: 'unit-s3' }, lastMonth: '2025-12', months: 12 }),
  );
  await db.close();
}

/** The five events of one case, its times close to now. */
function caseEvents(now: number): Envelope[] {
  const id = newId();
  const ref = { workOrderId: `wo-${id}`, complaintId: id, unitId: `unit-s${1 + (now % STREETS)}` };
  const at = new Date(now).toISOString();
  const base = { subject: id, district: DISTRICT, actor: 'bench' };
  return [
    createEvent(ComplaintReceived, {
      ...base,
      data: {
        complaintId: id,
        channel: 'HOTLINE',
        categoryId: 'property.fees',
        type: 'COMPLAINT',
        urgency: 'GENERAL',
        region: { district: DISTRICT, street: `street-${1 + (now % STREETS)}`, community: null, grid: null },
        areaType: 'BUILT_UP',
        location: { lat: 39.9, lng: 116.4 },
        receivedAt: at,
      },
    }),
    createEvent(WorkOrderDispatched, {
      ...base,
      data: {
        ...ref,
        ruleId: null,
        ruleVersion: null,
        role: 'LEAD',
        categoryId: 'property.fees',
        urgency: 'GENERAL',
        areaType: 'BUILT_UP',
        dispatchedAt: at,
      },
    }),
    createEvent(DeadlinesSet, {
      ...base,
      data: { ...ref, ruleId: 'r', deadlines: [{ kind: 'RESPOND', dueAt: new Date(now + 1_800_000).toISOString() }] },
    }),
    createEvent(WorkOrderAccepted, { ...base, data: { ...ref, acceptedAt: at } }),
    createEvent(CallbackRecorded, {
      ...base,
      data: { ...ref, callbackId: `cb-${id}`, contacted: true, solved: true, rating: 'SATISFIED', recordedAt: at },
    }),
  ];
}

async function catchUp(maxBatch: number, steady: boolean, events: number) {
  const { db } = await open();
  const prisma = db.client;
  const logger = createLogger('bench', 'warn');
  const bus = createBus({
    kafkaBrokers: process.env.KAFKA_BROKERS,
    clientId: 'analytics-bench',
    namespace: `bench-${newId().slice(-12)}`,
    logger,
  });
  await bus.start();
  const config = loadRatesConfig(path.join(__dirname, '../config/rates.json'));
  const projection = createProjection(createRatesStore(prisma), createProjectionStore(), { config, now: () => new Date() });
  const consumer = await startEventConsumer<AnalyticsTx>({
    bus,
    db: prisma as unknown as TransactionalClient<AnalyticsTx>,
    groupId: 'analytics',
    projection,
    logger,
    maxBatch,
    serial: true,
  });
  const handled = async () => Number((await prisma.$queryRaw<Array<{ n: bigint }>>`SELECT COUNT(*) AS n FROM "inbox"`)[0]!.n);
  const published = new Map<string, number>();
  // Warm-up, not measured: a first case creates the topics (Kafka elects their leaders) and plans the statements.
  const warmUp = caseEvents(Date.now());
  await bus.publish(warmUp.map(toBusMessage));
  while ((await handled()) < warmUp.length) await new Promise((r) => setTimeout(r, 20));

  console.log(
    `\n2${steady ? '' : ' (reference)'}. Read-model catch-up through the consumer (${db.kind}, ${bus.kind === 'kafka' ? 'Kafka' : 'in-process bus'}), ${maxBatch === 1 ? 'one transaction per event' : `up to ${maxBatch} events per transaction`}`,
  );
  // Steady load: batches every 50 ms at the offered rate; lag is the time from publishing to the
  // handling transaction (the inbox row's handled_at is that transaction's start, so commit adds ~1 ms).
  const batch = Math.max(5, Math.round((RATE * 50) / 1000 / 5) * 5);
  const start = performance.now();
  const startWall = Date.now();
  let sent = 0;
  while (steady && sent < events) {
    const due = startWall + (sent / RATE) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const events: Envelope[] = [];
    for (let i = 0; i < batch / 5; i++) events.push(...caseEvents(Date.now() + i));
    const at = Date.now();
    for (const e of events) published.set(e.id, at);
    await bus.publish(events.map(toBusMessage));
    sent += events.length;
  }
  if (steady) {
    while ((await handled()) < warmUp.length + sent) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - start) / 1000;
    const rows = await prisma.$queryRaw<
      Array<{ id: string; at: Date }>
    >`SELECT "event_id"::text AS "id", "handled_at" AS "at" FROM "inbox"`;
    const lags = rows
      .filter((r) => published.has(r.id))
      .map((r) => r.at.getTime() - published.get(r.id)!)
      .sort((a, b) => a - b);
    console.log(`  offered ${RATE} events/s: ${sent} events handled in ${seconds.toFixed(1)} s = ${(sent / seconds).toFixed(0)} events/s`);
    console.log(
      `  lag p50 ${ms(quantile(lags, 0.5))}  p99 ${ms(quantile(lags, 0.99))}  max ${ms(lags[lags.length - 1]!)}  ${quantile(lags, 0.99) < 1000 ? 'ok' : 'SLOW'}`,
    );
  }

  // Backlog: everything published at once, as after a restart or a rebuild; how fast it drains.
  const backlog: Envelope[] = [];
  for (let i = 0; i < events / 5; i++) backlog.push(...caseEvents(Date.now() + i));
  const before = await handled();
  const drainStart = performance.now();
  await bus.publish(backlog.map(toBusMessage));
  while ((await handled()) < before + backlog.length) await new Promise((r) => setTimeout(r, 20));
  const drain = (performance.now() - drainStart) / 1000;
  console.log(
    `  backlog of ${backlog.length} events drained in ${drain.toFixed(1)} s = ${(backlog.length / drain).toFixed(0)} events/s  ${backlog.length / drain >= 1000 ? 'ok' : 'SLOW'}`,
  );
  await consumer.stop();
  await bus.stop();
  await db.close();
}

async function main() {
  if (CASES > 0) await queries();
  if (EVENTS > 0) {
    await catchUp(ANALYTICS_EVENT_BATCH, true, EVENTS);
    await catchUp(1, false, Math.min(EVENTS, 2_000));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
