import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { newId, openDatabase, type Database } from '@hotline/shared';
import { silentLogger, waitFor } from '@hotline/shared/testing';
import pg from 'pg';
import type { DeadlineRule } from '../domain/deadline-rules';
import { newDeadlines, type DeadlineRecord } from '../domain/deadlines';
import { createSupervisionStore, PrismaClient, type SupervisionStore } from '../store/supervision-store';
import { createTimerEngine, type TimerEngineDeps } from './timer-engine';

/*
 * The timer engine against a real database: PGlite by default; PostgreSQL (concurrent replicas for real)
 * when PG_TESTS is set, on DATABASE_URL_TEST or the local server.
 */
const serverUrl = process.env.PG_TESTS ? (process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/postgres') : null;
const migrationsDir = path.join(__dirname, '../../prisma/migrations');

const rule: DeadlineRule = {
  id: 'general',
  name: 'general',
  urgency: 'GENERAL',
  categoryPrefix: null,
  areaType: null,
  limits: { RESPOND: 100, ACCEPT: 200, REPLY: 300, CLOSE: 400 },
  workingDays: false,
};
const T = new Date('2026-03-02T01:30:00.000Z');
const at = (minutes: number, ms = 0) => new Date(T.getTime() + minutes * 60_000 + ms);

interface Outboxed {
  type: string;
  data: { deadlineId: string; kind: string; dueAt: string; overdueAt?: string; warnedAt?: string };
}

describe('timer engine', () => {
  const name = `supervision_timer_${randomBytes(5).toString('hex')}`;
  const url = serverUrl ? Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString() : undefined;
  let db: Database<PrismaClient>;
  let store: SupervisionStore;
  let clock = T;
  const published = jest.fn();

  const engine = (overrides: Partial<TimerEngineDeps> = {}) =>
    createTimerEngine({ db: db.client, store, now: () => clock, logger: silentLogger(), published, ...overrides });

  const outbox = async (): Promise<Outboxed[]> =>
    (await db.client.$queryRawUnsafe<Array<{ payload: string }>>(`SELECT "payload" FROM "outbox" ORDER BY "seq"`)).map(
      (r) => JSON.parse(r.payload) as Outboxed,
    );

  /** One dispatched order's four deadlines, dispatched at T + `offset` minutes. */
  const dispatch = async (offset = 0): Promise<DeadlineRecord[]> => {
    const deadlines = newDeadlines(
      { district: '110199', complaintId: newId(), workOrderId: newId(), unitId: 'unit-110199-001', dispatchedAt: at(offset) },
      rule,
      newId,
      at(offset),
    );
    await store.insertDeadlines(db.client, deadlines);
    return deadlines;
  };

  beforeAll(async () => {
    db = await openDatabase({
      url,
      dataDir: 'memory://',
      migrationsDir,
      createClient: (adapter) => new PrismaClient({ adapter }),
      poolSize: 4,
    });
    store = createSupervisionStore(db.client);
    await store.seedRules([rule]);
  });

  beforeEach(async () => {
    await db.client.$executeRawUnsafe(`DELETE FROM "outbox"`);
    await db.client.$executeRawUnsafe(`DELETE FROM "timer_event"`);
    await db.client.$executeRawUnsafe(`DELETE FROM "deadline"`);
    published.mockClear();
    clock = T;
  });

  afterAll(async () => {
    await db.close();
    if (serverUrl) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('given a deadline not yet due, when the clock reaches 1 ms before it, then nothing is reported overdue', async () => {
    await dispatch();
    clock = at(100, -1);
    expect((await engine().tick()).overdue).toBe(0);
  });

  it('given a deadline, when the clock reaches its due time, then DeadlineOverdue is written once, stamped with the clock, and the relay is woken', async () => {
    const [respond] = await dispatch();
    clock = at(100);
    const timer = engine();
    expect(await timer.tick()).toEqual({ overdue: 1, warnings: 0 });
    expect(await timer.tick()).toEqual({ overdue: 0, warnings: 0 });
    const overdue = (await outbox()).filter((e) => e.type === 'supervision.deadline.overdue');
    expect(overdue).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          deadlineId: respond!.id,
          kind: 'RESPOND',
          dueAt: at(100).toISOString(),
          overdueAt: at(100).toISOString(),
        }),
      }),
    ]);
    expect(published).toHaveBeenCalled();
    const [row] = await db.client.deadline.findMany({ where: { id: respond!.id } });
    expect(row).toMatchObject({ state: 'OVERDUE', overdueAt: at(100) });
  });

  it('given the default fraction, when 80% of a limit has passed, then DeadlineWarning is written once and the deadline keeps running', async () => {
    const [respond] = await dispatch();
    clock = at(80);
    const timer = engine();
    expect(await timer.tick()).toEqual({ overdue: 0, warnings: 1 });
    expect(await timer.tick()).toEqual({ overdue: 0, warnings: 0 });
    expect((await outbox()).map((e) => [e.type, e.data.deadlineId])).toEqual([['supervision.deadline.warning', respond!.id]]);
    expect((await db.client.deadline.findUnique({ where: { id: respond!.id } }))?.state).toBe('PENDING');
  });

  it('given an outage past both warning and due time, when the engine comes back, then the deadline is reported overdue only (no stale warning)', async () => {
    await dispatch();
    // Warnings at 80, 160, 240, 320; due at 100, 200, 300, 400.
    clock = at(250);
    expect(await engine().tick()).toEqual({ overdue: 2, warnings: 1 });
    const types = (await outbox()).map((e) => `${e.type}:${e.data.kind}`).sort();
    expect(types).toEqual([
      'supervision.deadline.overdue:ACCEPT',
      'supervision.deadline.overdue:RESPOND',
      'supervision.deadline.warning:REPLY',
    ]);
  });

  it('given an engine that reported some deadlines, when it restarts (a new engine on the same database), then it repeats none and reports what fell due while it was down', async () => {
    await dispatch();
    clock = at(100);
    await engine().tick();
    clock = at(400);
    expect(await engine().tick()).toEqual({ overdue: 3, warnings: 0 });
    const overdue = (await outbox()).filter((e) => e.type === 'supervision.deadline.overdue').map((e) => e.data.kind);
    expect(overdue.sort()).toEqual(['ACCEPT', 'CLOSE', 'REPLY', 'RESPOND']);
  });

  it('given a crash between claiming and writing the events, when the transaction rolls back, then the deadline is still due and reported on the next tick', async () => {
    const [respond] = await dispatch();
    clock = at(100);
    const failing: SupervisionStore = { ...store, recordTimerEvents: async () => Promise.reject(new Error('connection lost')) };
    await expect(engine({ store: failing }).tick()).rejects.toThrow('connection lost');
    expect(await outbox()).toEqual([]);
    expect(await engine().tick()).toEqual({ overdue: 1, warnings: 0 });
    expect((await outbox()).map((e) => e.data.deadlineId)).toEqual([respond!.id]);
  });

  it('given more due deadlines than a batch holds, when ticked once, then every one is reported in bounded batches', async () => {
    for (let i = 0; i < 10; i++) await dispatch();
    clock = at(100);
    expect(await engine({ batchSize: 3 }).tick()).toEqual({ overdue: 10, warnings: 0 });
  });

  it('given two replicas ticking at once, when many deadlines fall due, then each deadline is reported exactly once', async () => {
    const orders = await Promise.all(Array.from({ length: 50 }, () => dispatch()));
    clock = at(400);
    const [a, b] = await Promise.all([engine({ batchSize: 7 }).tick(), engine({ batchSize: 7 }).tick()]);
    expect(a.overdue + b.overdue).toBe(200);
    const ids = (await outbox()).filter((e) => e.type === 'supervision.deadline.overdue').map((e) => e.data.deadlineId);
    expect(new Set(ids).size).toBe(200);
    expect(ids).toHaveLength(200);
    expect(orders).toHaveLength(50);
  });

  it('given reports kept for replay, when older than the retention, then a tick forgets them', async () => {
    await dispatch();
    clock = at(100);
    await engine().tick();
    expect(await db.client.timerEvent.count()).toBe(1);
    clock = at(160);
    await engine({ retentionMs: 30 * 60_000 }).tick();
    expect((await db.client.timerEvent.findMany()).map((e) => [e.level, e.kind])).toEqual([['WARNING', 'ACCEPT']]);
  });

  it('given a running loop, when a deadline falls due, then the loop reports it without an explicit tick', async () => {
    await dispatch();
    clock = at(100);
    const timer = engine({ pollMs: 20 });
    timer.start();
    try {
      await waitFor(
        async () => (await outbox()).some((e) => e.type === 'supervision.deadline.overdue'),
        'the loop to report the overdue deadline',
      );
    } finally {
      await timer.stop();
    }
  });

  it('given the next deadline, when asked, then the engine knows the earliest due or warning time', async () => {
    await dispatch(10);
    expect(await store.nextTimerAt()).toEqual(at(10 + 80));
  });
});
