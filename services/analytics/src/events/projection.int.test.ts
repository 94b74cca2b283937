import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  CallbackRecorded,
  CaseExempted,
  CitizenContacted,
  ComplaintClosedAtIntake,
  ComplaintMerged,
  ComplaintReceived,
  ComplaintUnmerged,
  ComplaintUpdated,
  createEvent,
  DeadlineOverdue,
  DeadlinesSet,
  openDatabase,
  RepeatCallEscalated,
  WorkOrderAccepted,
  WorkOrderClosed,
  WorkOrderDispatched,
  WorkOrderReopened,
  WorkOrderReplied,
  WorkOrderReturned,
  type Database,
  type Envelope,
} from '@hotline/shared';
import { PrismaClient } from '../store/analytics-store';
import { createRatesStore } from '../store/rates-store';
import { createProjectionStore } from '../store/projection-store';
import { loadRatesConfig } from '../rates-config';
import { createProjection } from './projection';

/**
 * The projection applies a run of events set-wise. Whatever the batching — one event per
 * transaction, a dozen, all at once — and whichever service's topic arrives first, the read models
 * must come out the same. A seeded stream of cases exercises every kind of event the projection
 * takes, with the awkward cases: work orders before their complaint, re-dispatch, a second deadline
 * setting, facts announced twice, corrections, merges, exemptions, several callbacks.
 * Runs on PGlite, and on PostgreSQL when PG_TESTS is set.
 */
const serverUrl = process.env.PG_TESTS ? (process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/postgres') : null;
const D = '110199';
const STREETS = ['110199-001', '110199-002', '110199-003'];
const UNITS = ['unit-a', 'unit-b', 'unit-c', 'unit-d'];
const CATEGORIES = ['property.fees', 'noise.night', 'roads.potholes'];
const RATINGS = ['SATISFIED', 'BASICALLY_SATISFIED', 'NO_COMMENT', 'DISSATISFIED'] as const;

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
    minutes: (max: number) => Math.floor(next() * max),
  };
}

/** A stream of cases over a few days (long past, so no early warning is judged), each case's events in the order they happen. */
function caseStream(seed: number, cases: number): Envelope[] {
  const r = random(seed);
  const events: Array<{ at: number; event: Envelope }> = [];
  const start = Date.parse('2026-03-01T23:00:00.000Z');
  for (let i = 0; i < cases; i++) {
    const complaintId = `c-${seed}-${i}`;
    const received = start + r.minutes(3 * 24 * 60);
    const iso = (offset: number) => new Date(received + offset * 60_000).toISOString();
    const base = (offset: number) => ({
      subject: complaintId,
      district: D,
      actor: 'test',
      occurredAt: new Date(received + offset * 60_000),
    });
    const push = (offset: number, event: Envelope) => events.push({ at: received + offset * 60_000, event });
    const street = r.chance(0.15) ? null : r.pick(STREETS);
    const category = r.pick(CATEGORIES);
    push(
      0,
      createEvent(ComplaintReceived, {
        ...base(0),
        data: {
          complaintId,
          channel: r.pick(['HOTLINE', 'WEB', 'WECHAT'] as const),
          categoryId: category,
          type: 'COMPLAINT',
          urgency: 'GENERAL',
          region: { district: D, street, community: null, grid: null },
          areaType: r.pick(['BUILT_UP', 'RURAL', null] as const),
          location: r.chance(0.7) ? { lat: 39.9 + r.minutes(50) / 1000, lng: 116.4 + r.minutes(50) / 1000 } : null,
          receivedAt: iso(0),
        },
      }),
    );
    if (r.chance(0.2))
      push(
        3,
        createEvent(ComplaintUpdated, {
          ...base(3),
          data: {
            complaintId,
            categoryId: r.pick(CATEGORIES),
            region: { district: D, street: r.pick(STREETS), community: null, grid: null },
            ...(r.chance(0.5) && { location: { lat: 39.95, lng: 116.45 } }),
            updatedAt: iso(3),
          },
        }),
      );
    if (r.chance(0.05)) push(4, createEvent(RepeatCallEscalated, { ...base(4), data: { complaintId, calls: 3, escalatedAt: iso(4) } }));
    if (i > 0 && r.chance(0.1)) {
      push(5, createEvent(ComplaintMerged, { ...base(5), data: { complaintId, intoComplaintId: `c-${seed}-${i - 1}`, mergedAt: iso(5) } }));
      if (r.chance(0.5))
        push(
          9,
          createEvent(ComplaintUnmerged, { ...base(9), data: { complaintId, fromComplaintId: `c-${seed}-${i - 1}`, unmergedAt: iso(9) } }),
        );
      else continue;
    }
    if (r.chance(0.05)) {
      push(
        6,
        createEvent(ComplaintClosedAtIntake, {
          ...base(6),
          data: { complaintId, answer: 'see the notice', knowledgeArticleId: null, closedAt: iso(6) },
        }),
      );
      continue;
    }
    let offset = 10;
    let workOrders = r.chance(0.15) ? 2 : 1; // the first returned and re-dispatched
    let n = 0;
    while (workOrders-- > 0) {
      const ref = { workOrderId: `${complaintId}-w${n++}`, complaintId, unitId: r.pick(UNITS) };
      push(
        offset,
        createEvent(WorkOrderDispatched, {
          ...base(offset),
          data: {
            ...ref,
            ruleId: null,
            ruleVersion: null,
            role: 'LEAD',
            categoryId: category,
            urgency: 'GENERAL',
            areaType: 'BUILT_UP',
            dispatchedAt: iso(offset),
          },
        }),
      );
      const due = offset + 120;
      push(
        offset + 1,
        createEvent(DeadlinesSet, {
          ...base(offset + 1),
          data: { ...ref, ruleId: 'general', deadlines: [{ kind: 'RESPOND', dueAt: iso(due) }] },
        }),
      );
      if (workOrders > 0) {
        push(
          offset + 30,
          createEvent(WorkOrderReturned, {
            ...base(offset + 30),
            data: { ...ref, reasonCode: 'NOT_OURS', reason: 'not ours', returns: 1, returnedAt: iso(offset + 30) },
          }),
        );
        offset += 40;
        continue;
      }
      if (r.chance(0.1))
        push(
          offset + 20,
          createEvent(DeadlinesSet, {
            ...base(offset + 20),
            data: { ...ref, ruleId: 'extended', deadlines: [{ kind: 'RESPOND', dueAt: iso(due + 600) }] },
          }),
        );
      const accepted = offset + r.minutes(400);
      if (r.chance(0.3))
        push(
          offset + 5,
          createEvent(CitizenContacted, { ...base(offset + 5), data: { ...ref, contactedAt: iso(offset + 5 + r.minutes(300)) } }),
        );
      push(accepted, createEvent(WorkOrderAccepted, { ...base(accepted), data: { ...ref, acceptedAt: iso(accepted) } }));
      // The same fact announced again (a retried publish with a new id).
      if (r.chance(0.1))
        push(accepted + 1, createEvent(WorkOrderAccepted, { ...base(accepted + 1), data: { ...ref, acceptedAt: iso(accepted) } }));
      if (accepted > due)
        push(
          due,
          createEvent(DeadlineOverdue, {
            ...base(due),
            data: { ...ref, deadlineId: `${ref.workOrderId}-respond`, kind: 'RESPOND', dueAt: iso(due), overdueAt: iso(due) },
          }),
        );
      push(accepted + 60, createEvent(WorkOrderReplied, { ...base(accepted + 60), data: { ...ref, repliedAt: iso(accepted + 60) } }));
      push(accepted + 90, createEvent(WorkOrderClosed, { ...base(accepted + 90), data: { ...ref, closedAt: iso(accepted + 90) } }));
      let last = accepted + 90;
      for (let c = r.chance(0.2) ? 0 : r.chance(0.8) ? 1 : 2; c > 0; c--) {
        last += 24 * 60 + r.minutes(600);
        push(
          last,
          createEvent(CallbackRecorded, {
            ...base(last),
            data: {
              ...ref,
              callbackId: `${ref.workOrderId}-cb${c}`,
              contacted: true,
              solved: r.chance(0.2) ? null : r.chance(0.7),
              rating: r.pick(RATINGS),
              recordedAt: iso(last),
            },
          }),
        );
        if (c === 2)
          push(
            last + 5,
            createEvent(WorkOrderReopened, {
              ...base(last + 5),
              data: { ...ref, reason: 'not solved', rehandles: 1, reopenedAt: iso(last + 5) },
            }),
          );
      }
      if (r.chance(0.05))
        push(
          last + 30,
          createEvent(CaseExempted, {
            ...base(last + 30),
            data: { ...ref, reason: 'unreasonable', approvedBy: 'leader-1', exemptedAt: iso(last + 30) },
          }),
        );
    }
  }
  return events.sort((a, b) => a.at - b.at).map((e) => e.event);
}

/** Every read model table, zero counters left out (a count that moved away and one never made are the same). */
const DUMPS = {
  complaint_fact: 'SELECT * FROM "complaint_fact" ORDER BY "complaint_id"',
  work_order_fact: 'SELECT * FROM "work_order_fact" ORDER BY "work_order_id"',
  callback_fact: 'SELECT * FROM "callback_fact" ORDER BY "callback_id"',
  complaint_daily: 'SELECT * FROM "complaint_daily" WHERE "complaints" <> 0 ORDER BY 1, 2, 3, 4, 5, 6',
  complaint_hourly: 'SELECT * FROM "complaint_hourly" WHERE "complaints" <> 0 ORDER BY 1, 2, 3',
  hotspot_daily: 'SELECT * FROM "hotspot_daily" WHERE "complaints" <> 0 ORDER BY 1, 2, 3, 4',
  work_order_daily: 'SELECT * FROM "work_order_daily" ORDER BY 1, 2, 3, 4',
  deadlines_daily: 'SELECT * FROM "deadlines_daily" ORDER BY 1, 2, 3',
  unit_rate_daily:
    'SELECT * FROM "unit_rate_daily" WHERE ("response_due", "response_on_time", "solved_answered", "solved_yes", "satisfied", "basically_satisfied", "no_comment", "dissatisfied") <> (0, 0, 0, 0, 0, 0, 0, 0) ORDER BY 1, 2, 3, 4',
  unit_rate_monthly:
    'SELECT * FROM "unit_rate_monthly" WHERE ("response_due", "response_on_time", "solved_answered", "solved_yes", "satisfied", "basically_satisfied", "no_comment", "dissatisfied") <> (0, 0, 0, 0, 0, 0, 0, 0) ORDER BY 1, 2, 3, 4',
  category_rate_daily:
    'SELECT * FROM "category_rate_daily" WHERE ("response_due", "response_on_time", "solved_answered", "solved_yes", "satisfied", "basically_satisfied", "no_comment", "dissatisfied") <> (0, 0, 0, 0, 0, 0, 0, 0) ORDER BY 1, 2, 3',
};

describe('projection: the same read models whatever the batching', () => {
  const name = `analytics_projection_${randomBytes(5).toString('hex')}`;
  const url = serverUrl ? Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString() : undefined;
  let db: Database<PrismaClient>;
  const stream = caseStream(7, 120);
  /** The tables after one event per transaction, in the order the events happened. */
  let reference: Record<string, unknown[]>;

  const project = () =>
    createProjection(createRatesStore(db.client), createProjectionStore(), {
      config: loadRatesConfig(path.join(__dirname, '../../config/rates.json')),
      now: () => new Date('2030-01-01T00:00:00.000Z'),
    });
  /** Empties the read models, applies `events` in transactions of `size` events, and returns every table. */
  const build = async (events: Envelope[], size: number) => {
    await db.client.$executeRawUnsafe(
      `TRUNCATE ${Object.keys(DUMPS)
        .map((t) => `"${t}"`)
        .join(', ')}`,
    );
    const projection = project();
    for (let i = 0; i < events.length; i += size)
      await db.client.$transaction((tx) => projection.apply(events.slice(i, i + size), tx), { timeout: 60_000 });
    const tables: Record<string, unknown[]> = {};
    for (const [table, sql] of Object.entries(DUMPS)) tables[table] = await db.client.$queryRawUnsafe<unknown[]>(sql);
    return tables;
  };

  beforeAll(async () => {
    db = await openDatabase({
      url,
      dataDir: 'memory://',
      migrationsDir: path.join(__dirname, '../../prisma/migrations'),
      createClient: (adapter) => new PrismaClient({ adapter }),
      poolSize: 2,
    });
    reference = await build(stream, 1);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('given a stream of cases of every kind applied one event per transaction, then the rates, counters and facts are filled', () => {
    expect(stream.length).toBeGreaterThan(800);
    expect(new Set(stream.map((e) => e.type)).size).toBe(17);
    expect(reference.work_order_fact!.length).toBeGreaterThan(100);
    expect(reference.callback_fact!.length).toBeGreaterThan(80);
    expect(reference.unit_rate_daily!.length).toBeGreaterThan(10);
    expect(reference.hotspot_daily!.length).toBeGreaterThan(10);
  });

  it.each([
    ['in transactions of 13 events', 13],
    ['all in one transaction', Number.MAX_SAFE_INTEGER],
  ])('given the same stream applied %s, then every table is the same as one event at a time', async (_, size) => {
    expect(await build(stream, size)).toEqual(reference);
  });

  it('given each service’s events arriving before intake’s (topics are not ordered with each other), then every table is the same', async () => {
    const intakeLast = [...stream.filter((e) => !e.type.startsWith('intake.')), ...stream.filter((e) => e.type.startsWith('intake.'))];
    expect(await build(intakeLast, 50)).toEqual(reference);
  });
});
