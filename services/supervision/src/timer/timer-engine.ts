import { createEvent, DeadlineOverdue, DeadlineWarning, writeOutbox, type Envelope, type Logger } from '@hotline/shared';
import type { DeadlineRecord } from '../domain/deadlines';
import type { PrismaClient, SupervisionStore, TimerEventRecord, TimerLevel } from '../store/supervision-store';

export interface TimerEngineDeps {
  db: PrismaClient;
  store: SupervisionStore;
  /** The injected clock: deadlines fall due against it. */
  now: () => Date;
  logger: Logger;
  /** Wakes the outbox relay after a batch committed, so its events leave at once. */
  published: () => void;
  /** Deadlines claimed per transaction; bounds a transaction's length after a long outage. */
  batchSize?: number;
  /** The longest sleep between scans (≤ 250 ms keeps overdue reports within a second of their due time). */
  pollMs?: number;
  /** How long reports are kept for subscribers to resume from. */
  retentionMs?: number;
}

export interface TickResult {
  overdue: number;
  warnings: number;
}

export interface TimerEngine {
  /** Reports everything due at the clock's now, batch after batch, and resolves with how much it reported. */
  tick(): Promise<TickResult>;
  start(): void;
  stop(): Promise<void>;
  /** A deadline or warning now falls due at `at`: wakes the loop early when that is before its next scan. */
  wake(at: Date): void;
}

const MAX_POLL_MS = 250;
const PRUNE_EVERY_MS = 60_000;

function report(level: TimerLevel, d: DeadlineRecord, at: Date): { event: Envelope; kept: TimerEventRecord } {
  const ref = {
    workOrderId: d.workOrderId,
    complaintId: d.complaintId,
    unitId: d.unitId,
    deadlineId: d.id,
    kind: d.kind,
    dueAt: d.dueAt.toISOString(),
  };
  const meta = { subject: d.complaintId, district: d.district, actor: 'system:supervision', occurredAt: at };
  const event: Envelope =
    level === 'OVERDUE'
      ? createEvent(DeadlineOverdue, { ...meta, data: { ...ref, overdueAt: at.toISOString() } })
      : createEvent(DeadlineWarning, { ...meta, data: { ...ref, warnedAt: at.toISOString() } });
  return {
    event,
    kept: {
      eventId: event.id,
      level,
      district: d.district,
      complaintId: d.complaintId,
      workOrderId: d.workOrderId,
      unitId: d.unitId,
      deadlineId: d.id,
      kind: d.kind,
      dueAt: d.dueAt,
      at,
    },
  };
}

/**
 * Reports deadlines overdue, and warns before them, exactly once, from the database's state alone: a row is
 * claimed (state or warned_at changed) in the same transaction that writes its event to the outbox, so a
 * crash loses nothing (the row is still due after restart) and repeats nothing (a committed claim is seen),
 * and replicas claiming with SKIP LOCKED never take the same row. Between scans the loop sleeps until the
 * next due time, at most `pollMs`, and wakes early when an earlier deadline is set.
 */
export function createTimerEngine(deps: TimerEngineDeps): TimerEngine {
  const batchSize = deps.batchSize ?? 1000;
  const pollMs = Math.min(deps.pollMs ?? MAX_POLL_MS, MAX_POLL_MS);
  const retentionMs = deps.retentionMs ?? 3 * 24 * 3600_000;
  let running = false;
  let loop: Promise<void> | null = null;
  let sleeping: { until: number; timer: NodeJS.Timeout; done: () => void } | null = null;
  /** Pruning kept reports is housekeeping: once a minute (of the injected clock) is plenty. */
  let prunedAt = -Infinity;

  /** One batch: overdue first, so a deadline both warned and overdue at once (after an outage) is only reported overdue. */
  async function batch(now: Date): Promise<TickResult> {
    const result = await deps.db.$transaction(
      async (tx) => {
        const overdue = await deps.store.claimOverdue(tx, now, batchSize);
        const warnings = await deps.store.claimWarnings(tx, now, batchSize);
        const reports = [...overdue.map((d) => report('OVERDUE', d, now)), ...warnings.map((d) => report('WARNING', d, now))];
        await writeOutbox(
          tx,
          reports.map((r) => r.event),
        );
        await deps.store.recordTimerEvents(
          tx,
          reports.map((r) => r.kept),
        );
        return { overdue: overdue.length, warnings: warnings.length };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    if (result.overdue + result.warnings > 0) deps.published();
    return result;
  }

  async function tick(): Promise<TickResult> {
    const now = deps.now();
    const total: TickResult = { overdue: 0, warnings: 0 };
    for (;;) {
      const done = await batch(now);
      total.overdue += done.overdue;
      total.warnings += done.warnings;
      if (done.overdue < batchSize && done.warnings < batchSize) break;
    }
    if (now.getTime() - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = now.getTime();
      await deps.store.pruneTimerEvents(new Date(now.getTime() - retentionMs), batchSize);
    }
    return total;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleeping = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleeping = { until: Date.now() + ms, timer, done };
    });
  }

  async function run(): Promise<void> {
    while (running) {
      let wait = pollMs;
      try {
        await tick();
        const next = await deps.store.nextTimerAt();
        if (next) wait = Math.max(0, Math.min(pollMs, next.getTime() - deps.now().getTime()));
      } catch (error) {
        deps.logger.warn({ err: error }, 'timer engine scan failed; will retry');
      }
      if (running) await sleep(wait);
    }
  }

  return {
    tick,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      sleeping?.done();
      await loop;
      loop = null;
    },
    wake(at) {
      const inMs = at.getTime() - deps.now().getTime();
      if (sleeping && Date.now() + inMs < sleeping.until) {
        const { done } = sleeping;
        // Wake at the due time itself, not before: the transaction that set it has to commit first anyway.
        clearTimeout(sleeping.timer);
        sleeping.timer = setTimeout(done, Math.max(0, inMs));
        sleeping.until = Date.now() + Math.max(0, inMs);
      }
    },
  };
}
