import { PrismaClient, Prisma } from '../generated/prisma/client';
import { REQUEST_TRANSACTION } from '@hotline/shared';
import type { DeadlineRule } from '../domain/deadline-rules';
import { openStates, type DeadlineRecord, type WatchedKind } from '../domain/deadlines';
import type { SupervisionOrderRecord } from '../domain/supervision-orders';
import type { CallbackTaskRecord } from '../domain/callbacks';

export { PrismaClient };
export type SupervisionTx = Prisma.TransactionClient;

/** A unit's unmet running deadlines (pending or reported overdue), earliest due first, one page at a time. */
export interface PendingQuery {
  unitId: string;
  /** Only this district's deadlines; null for every district (city-level callers). */
  district: string | null;
  /** Keyset: rows strictly after this (dueAt, id). */
  after?: { dueAt: Date; id: string } | null;
  limit: number;
}

type RuleRow = Prisma.DeadlineRuleGetPayload<object>;

const toRule = (row: RuleRow): DeadlineRule => ({
  id: row.id,
  name: row.name,
  urgency: row.urgency as DeadlineRule['urgency'],
  categoryPrefix: row.categoryPrefix,
  areaType: row.areaType as DeadlineRule['areaType'],
  limits: { RESPOND: row.respondMinutes, ACCEPT: row.acceptMinutes, REPLY: row.replyMinutes, CLOSE: row.closeMinutes },
  workingDays: row.workingDays,
});

const fromRule = (rule: DeadlineRule): RuleRow => ({
  id: rule.id,
  name: rule.name,
  urgency: rule.urgency,
  categoryPrefix: rule.categoryPrefix,
  areaType: rule.areaType,
  respondMinutes: rule.limits.RESPOND,
  acceptMinutes: rule.limits.ACCEPT,
  replyMinutes: rule.limits.REPLY,
  closeMinutes: rule.limits.CLOSE,
  workingDays: rule.workingDays,
});

const toDeadline = (row: Prisma.DeadlineGetPayload<object>): DeadlineRecord => row as DeadlineRecord;

/** A deadline row as raw SQL returns it (the timer engine's claims). */
interface DeadlineSqlRow {
  id: string;
  district: string;
  complaint_id: string;
  work_order_id: string;
  unit_id: string;
  kind: string;
  rule_id: string | null;
  round: number;
  started_at: Date;
  due_at: Date;
  state: string;
  set_at: Date;
  warn_at: Date | null;
  warned_at: Date | null;
  overdue_at: Date | null;
  met_at: Date | null;
  met_late: boolean | null;
  paused_at: Date | null;
  pause_reason: string | null;
}

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const maybeDate = (v: Date | string | null): Date | null => (v === null ? null : date(v));

const fromSql = (r: DeadlineSqlRow): DeadlineRecord => ({
  id: r.id,
  district: r.district,
  complaintId: r.complaint_id,
  workOrderId: r.work_order_id,
  unitId: r.unit_id,
  kind: r.kind as WatchedKind,
  ruleId: r.rule_id,
  round: Number(r.round),
  startedAt: date(r.started_at),
  dueAt: date(r.due_at),
  state: r.state as DeadlineRecord['state'],
  setAt: date(r.set_at),
  warnAt: maybeDate(r.warn_at),
  warnedAt: maybeDate(r.warned_at),
  overdueAt: maybeDate(r.overdue_at),
  metAt: maybeDate(r.met_at),
  metLate: r.met_late,
  pausedAt: maybeDate(r.paused_at),
  pauseReason: r.pause_reason,
});

export type TimerLevel = 'WARNING' | 'OVERDUE';

/** A warning or overdue report as kept for replay. */
export interface TimerEventRecord {
  eventId: string;
  level: TimerLevel;
  district: string;
  complaintId: string;
  workOrderId: string;
  unitId: string;
  deadlineId: string;
  kind: string;
  dueAt: Date;
  at: Date;
}

/** Kept reports after a given one; each filter is "any" when null. */
export interface TimerEventQuery {
  after: string | null;
  districts: readonly string[] | null;
  unitIds: readonly string[] | null;
  kinds: readonly string[] | null;
  levels: readonly TimerLevel[] | null;
  limit: number;
}

/** A page of supervision orders, newest first. */
export interface OrdersQuery {
  district: string | null;
  state?: string | null;
  unitId?: string | null;
  keySupervision?: boolean | null;
  after?: { openedAt: Date; id: string } | null;
  limit: number;
}

const toOrder = (row: Prisma.SupervisionOrderGetPayload<object>): SupervisionOrderRecord => row as SupervisionOrderRecord;

/** Which open deadlines an event concerns: one work order's (or whistle's), optionally one unit's and some kinds. */
export interface OpenDeadlinesQuery {
  workOrderId: string;
  unitId?: string;
  kinds?: readonly WatchedKind[];
}

/** Supervision's SQL, and nothing else: no rules here. */
export function createSupervisionStore(prisma: PrismaClient) {
  return {
    /** Runs `fn` in one transaction (the use cases' writes outside event handling). */
    transaction<R>(fn: (tx: SupervisionTx) => Promise<R>): Promise<R> {
      return prisma.$transaction(fn, REQUEST_TRANSACTION);
    },

    async rules(tx: SupervisionTx = prisma): Promise<DeadlineRule[]> {
      return (await tx.deadlineRule.findMany({ orderBy: { id: 'asc' } })).map(toRule);
    },

    /** Inserts deadlines; a (work order, kind) already there is kept as it is. Returns how many were new. */
    async insertDeadlines(tx: SupervisionTx, deadlines: DeadlineRecord[]): Promise<number> {
      const { count } = await tx.deadline.createMany({ data: deadlines, skipDuplicates: true });
      return count;
    },

    async openDeadlines(tx: SupervisionTx, q: OpenDeadlinesQuery): Promise<DeadlineRecord[]> {
      const rows = await tx.deadline.findMany({
        where: {
          workOrderId: q.workOrderId,
          state: { in: [...openStates] },
          ...(q.unitId ? { unitId: q.unitId } : {}),
          ...(q.kinds ? { kind: { in: [...q.kinds] } } : {}),
        },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toDeadline);
    },

    /** Every open deadline of a case, whichever of its orders it belongs to. */
    async openDeadlinesOfComplaint(tx: SupervisionTx, complaintId: string): Promise<DeadlineRecord[]> {
      return (
        await tx.deadline.findMany({ where: { complaintId, state: { in: [...openStates] } }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] })
      ).map(toDeadline);
    },

    /** Every deadline of a work order, every round: what a reopening needs to know (rule, round, district). */
    async deadlinesOfOrder(tx: SupervisionTx, workOrderId: string): Promise<DeadlineRecord[]> {
      return (await tx.deadline.findMany({ where: { workOrderId }, orderBy: [{ round: 'desc' }, { dueAt: 'asc' }] })).map(toDeadline);
    },

    async updateDeadline(tx: SupervisionTx, id: string, patch: Partial<DeadlineRecord>): Promise<void> {
      await tx.deadline.update({ where: { id }, data: patch });
    },

    async ruleById(tx: SupervisionTx, id: string): Promise<DeadlineRule | null> {
      const row = await tx.deadlineRule.findUnique({ where: { id } });
      return row ? toRule(row) : null;
    },

    /**
     * Claims up to `limit` pending deadlines whose due time has come, marking them OVERDUE in the caller's
     * transaction. SKIP LOCKED lets replicas claim disjoint batches; the state check makes a row that another
     * replica claimed and committed meanwhile drop out, so no deadline is reported twice.
     */
    async claimOverdue(tx: SupervisionTx, now: Date, limit: number): Promise<DeadlineRecord[]> {
      const rows = await tx.$queryRawUnsafe<DeadlineSqlRow[]>(
        `WITH due AS (
           SELECT "id" FROM "deadline" WHERE "state" = 'PENDING' AND "due_at" <= $1::timestamptz ORDER BY "due_at" LIMIT ${limit} FOR UPDATE SKIP LOCKED
         )
         UPDATE "deadline" d SET "state" = 'OVERDUE', "overdue_at" = $1::timestamptz
         FROM due WHERE d."id" = due."id" AND d."state" = 'PENDING'
         RETURNING d.*`,
        now,
      );
      return rows.map(fromSql);
    },

    /** Claims up to `limit` pending deadlines whose warning time has come, not yet warned and not yet due (a due one is reported overdue instead); as claimOverdue. */
    async claimWarnings(tx: SupervisionTx, now: Date, limit: number): Promise<DeadlineRecord[]> {
      const rows = await tx.$queryRawUnsafe<DeadlineSqlRow[]>(
        `WITH due AS (
           SELECT "id" FROM "deadline" WHERE "state" = 'PENDING' AND "warn_at" <= $1::timestamptz AND "warned_at" IS NULL AND "due_at" > $1::timestamptz ORDER BY "warn_at" LIMIT ${limit} FOR UPDATE SKIP LOCKED
         )
         UPDATE "deadline" d SET "warned_at" = $1::timestamptz
         FROM due WHERE d."id" = due."id" AND d."state" = 'PENDING' AND d."warned_at" IS NULL
         RETURNING d.*`,
        now,
      );
      return rows.map(fromSql);
    },

    /** The earliest instant the timer engine has work: a pending due time or an unwarned warning time. */
    async nextTimerAt(): Promise<Date | null> {
      const [row] = await prisma.$queryRawUnsafe<Array<{ due: Date | string | null; warn: Date | string | null }>>(
        `SELECT (SELECT min("due_at") FROM "deadline" WHERE "state" = 'PENDING') AS due,
                (SELECT min("warn_at") FROM "deadline" WHERE "state" = 'PENDING' AND "warned_at" IS NULL) AS warn`,
      );
      const times = [row?.due, row?.warn].filter((t): t is Date | string => t != null).map(date);
      return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
    },

    /** One statement with the batch as JSON: the timer engine's hot path, where createMany's per-row cost shows. */
    async recordTimerEvents(tx: SupervisionTx, events: TimerEventRecord[]): Promise<void> {
      if (events.length === 0) return;
      const rows = events.map((e) => ({
        event_id: e.eventId,
        level: e.level,
        district: e.district,
        complaint_id: e.complaintId,
        work_order_id: e.workOrderId,
        unit_id: e.unitId,
        deadline_id: e.deadlineId,
        kind: e.kind,
        due_at: e.dueAt.toISOString(),
        at: e.at.toISOString(),
      }));
      await tx.$executeRawUnsafe(
        `INSERT INTO "timer_event" ("event_id", "level", "district", "complaint_id", "work_order_id", "unit_id", "deadline_id", "kind", "due_at", "at")
         SELECT "event_id", "level", "district", "complaint_id", "work_order_id", "unit_id", "deadline_id", "kind", "due_at", "at"
         FROM jsonb_to_recordset($1::jsonb) AS x("event_id" uuid, "level" text, "district" text, "complaint_id" text, "work_order_id" text, "unit_id" text, "deadline_id" uuid, "kind" text, "due_at" timestamptz, "at" timestamptz)
         ON CONFLICT ("event_id") DO NOTHING`,
        JSON.stringify(rows),
      );
    },

    /** Forgets reports older than `before`, a bounded batch at a time. */
    async pruneTimerEvents(before: Date, limit: number): Promise<number> {
      return prisma.$executeRawUnsafe(
        `DELETE FROM "timer_event" WHERE "seq" IN (SELECT "seq" FROM "timer_event" WHERE "at" < $1::timestamptz ORDER BY "seq" LIMIT ${limit})`,
        before,
      );
    },

    /**
     * Reports after the one with event id `after` (from the oldest kept when null or no longer kept), oldest
     * first, filtered. `afterFound` is false when `after` names no kept report (too old, or never given).
     */
    async timerEventsAfter(q: TimerEventQuery): Promise<{ rows: Array<TimerEventRecord & { seq: bigint }>; afterFound: boolean }> {
      let from = -1n;
      let afterFound = q.after === null;
      if (q.after !== null) {
        const mark = await prisma.timerEvent.findUnique({ where: { eventId: q.after }, select: { seq: true } });
        if (mark) {
          from = mark.seq;
          afterFound = true;
        }
      }
      const rows = await prisma.timerEvent.findMany({
        where: {
          seq: { gt: from },
          ...(q.districts ? { district: { in: [...q.districts] } } : {}),
          ...(q.unitIds ? { unitId: { in: [...q.unitIds] } } : {}),
          ...(q.kinds ? { kind: { in: [...q.kinds] } } : {}),
          ...(q.levels ? { level: { in: [...q.levels] } } : {}),
        },
        orderBy: { seq: 'asc' },
        take: q.limit,
      });
      return { rows: rows.map((r) => ({ ...r, level: r.level as TimerLevel })), afterFound };
    },

    async insertOrder(tx: SupervisionTx, order: SupervisionOrderRecord): Promise<void> {
      await tx.supervisionOrder.create({ data: order });
    },

    async openOrderOf(tx: SupervisionTx, complaintId: string, unitId: string): Promise<SupervisionOrderRecord | null> {
      const row = await tx.supervisionOrder.findFirst({ where: { complaintId, unitId, state: 'OPEN' } });
      return row ? toOrder(row) : null;
    },

    async orderById(tx: SupervisionTx, id: string): Promise<SupervisionOrderRecord | null> {
      const row = await tx.supervisionOrder.findUnique({ where: { id } });
      return row ? toOrder(row) : null;
    },

    /**
     * Open orders that have stood at their level since before its cutoff, oldest first, locked for this
     * transaction; rows another replica holds are skipped, so two sweeps never escalate the same order.
     */
    async ordersToEscalate(
      tx: SupervisionTx,
      cutoffs: { REMINDER: Date | null; SUPERVISION: Date | null },
      limit: number,
    ): Promise<SupervisionOrderRecord[]> {
      const since = Prisma.sql`COALESCE("escalated_at", "opened_at")`;
      const levels = (Object.entries(cutoffs) as Array<[string, Date | null]>)
        .filter(([, cutoff]) => cutoff !== null)
        .map(([level, cutoff]) => Prisma.sql`("level" = ${level} AND ${since} <= ${cutoff})`);
      if (levels.length === 0) return [];
      const ids = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT "id"::text AS "id" FROM "supervision_order"
        WHERE "state" = 'OPEN' AND (${Prisma.join(levels, ' OR ')})
        ORDER BY ${since}, "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (ids.length === 0) return [];
      const rows = await tx.supervisionOrder.findMany({ where: { id: { in: ids.map((r) => r.id) } } });
      return rows.map(toOrder);
    },
    async updateOrder(tx: SupervisionTx, id: string, patch: Partial<SupervisionOrderRecord>): Promise<SupervisionOrderRecord> {
      return toOrder(await tx.supervisionOrder.update({ where: { id }, data: patch }));
    },

    /** The unit that holds a case now, as far as supervision knows: the one whose work-order deadline was set last. */
    async currentUnitOf(tx: SupervisionTx, complaintId: string): Promise<{ unitId: string; district: string } | null> {
      const row = await tx.deadline.findFirst({
        where: { complaintId, kind: { not: 'REPORT_IN' }, state: { not: 'CANCELLED' } },
        orderBy: [{ setAt: 'desc' }, { id: 'desc' }],
      });
      return row ? { unitId: row.unitId, district: row.district } : null;
    },

    async listOrders(q: OrdersQuery): Promise<{ rows: SupervisionOrderRecord[]; total: number }> {
      const base: Prisma.SupervisionOrderWhereInput = {
        ...(q.district === null ? {} : { district: q.district }),
        ...(q.state ? { state: q.state } : {}),
        ...(q.unitId ? { unitId: q.unitId } : {}),
        ...(q.keySupervision == null ? {} : { keySupervision: q.keySupervision }),
      };
      const page: Prisma.SupervisionOrderWhereInput = q.after
        ? { AND: [base, { OR: [{ openedAt: { lt: q.after.openedAt } }, { openedAt: q.after.openedAt, id: { lt: q.after.id } }] }] }
        : base;
      const [rows, total] = await Promise.all([
        prisma.supervisionOrder.findMany({ where: page, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }], take: q.limit }),
        prisma.supervisionOrder.count({ where: base }),
      ]);
      return { rows: rows.map(toOrder), total };
    },

    async ordersByComplaints(complaintIds: readonly string[]): Promise<SupervisionOrderRecord[]> {
      return (
        await prisma.supervisionOrder.findMany({
          where: { complaintId: { in: [...complaintIds] } },
          orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
        })
      ).map(toOrder);
    },

    async callbacksOfOrder(tx: SupervisionTx, workOrderId: string): Promise<CallbackTaskRecord[]> {
      return (await tx.callbackTask.findMany({ where: { workOrderId }, orderBy: { attempt: 'asc' } })) as CallbackTaskRecord[];
    },

    async insertCallback(tx: SupervisionTx, task: CallbackTaskRecord): Promise<void> {
      await tx.callbackTask.createMany({ data: [task], skipDuplicates: true });
    },

    async callbackById(tx: SupervisionTx, id: string): Promise<CallbackTaskRecord | null> {
      return (await tx.callbackTask.findUnique({ where: { id } })) as CallbackTaskRecord | null;
    },

    async updateCallback(tx: SupervisionTx, id: string, patch: Partial<CallbackTaskRecord>): Promise<CallbackTaskRecord> {
      return (await tx.callbackTask.update({ where: { id }, data: patch })) as CallbackTaskRecord;
    },

    /** Callback tasks, earliest due first (keyset on due time and id). */
    async listCallbacks(q: {
      district: string | null;
      state: string | null;
      unitId: string | null;
      after: { dueAt: Date; id: string } | null;
      limit: number;
    }): Promise<{ rows: CallbackTaskRecord[]; total: number }> {
      const base: Prisma.CallbackTaskWhereInput = {
        ...(q.district === null ? {} : { district: q.district }),
        ...(q.state ? { state: q.state } : {}),
        ...(q.unitId ? { unitId: q.unitId } : {}),
      };
      const page: Prisma.CallbackTaskWhereInput = q.after
        ? { AND: [base, { OR: [{ dueAt: { gt: q.after.dueAt } }, { dueAt: q.after.dueAt, id: { gt: q.after.id } }] }] }
        : base;
      const [rows, total] = await Promise.all([
        prisma.callbackTask.findMany({ where: page, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: q.limit }),
        prisma.callbackTask.count({ where: base }),
      ]);
      return { rows: rows as CallbackTaskRecord[], total };
    },

    async callbacksByComplaints(complaintIds: readonly string[]): Promise<CallbackTaskRecord[]> {
      return (await prisma.callbackTask.findMany({
        where: { complaintId: { in: [...complaintIds] } },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      })) as CallbackTaskRecord[];
    },

    async deadlinesByComplaints(complaintIds: readonly string[]): Promise<DeadlineRecord[]> {
      return (await prisma.deadline.findMany({ where: { complaintId: { in: [...complaintIds] } } })).map(toDeadline);
    },

    async pendingOfUnit(q: PendingQuery): Promise<{ rows: DeadlineRecord[]; total: number }> {
      // Running and reported-overdue alike: an overdue deadline stays on the list until it is met.
      const base: Prisma.DeadlineWhereInput = {
        unitId: q.unitId,
        state: { in: ['PENDING', 'OVERDUE'] },
        ...(q.district === null ? {} : { district: q.district }),
      };
      const page: Prisma.DeadlineWhereInput = q.after
        ? { AND: [base, { OR: [{ dueAt: { gt: q.after.dueAt } }, { dueAt: q.after.dueAt, id: { gt: q.after.id } }] }] }
        : base;
      const [rows, total] = await Promise.all([
        prisma.deadline.findMany({ where: page, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: q.limit }),
        prisma.deadline.count({ where: base }),
      ]);
      return { rows: rows.map(toDeadline), total };
    },

    async seedRules(rules: DeadlineRule[]): Promise<number> {
      const { count } = await prisma.deadlineRule.createMany({ data: rules.map(fromRule), skipDuplicates: true });
      return count;
    },
  };
}
export type SupervisionStore = ReturnType<typeof createSupervisionStore>;
