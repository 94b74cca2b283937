import { watchedDeadlineKinds } from '@hotline/shared';
import { computeDeadlines, elapsedTime, type DeadlineCalendar, type DeadlineKind, type DeadlineRule } from './deadline-rules';

/**
 * PENDING runs; OVERDUE passed its due time unmet (the timer engine fired it); MET was met (on time or
 * late, see `metLate`); CANCELLED no longer applies (the order was returned); PAUSED waits on the citizen.
 */
export const deadlineStates = ['PENDING', 'MET', 'OVERDUE', 'CANCELLED', 'PAUSED'] as const;
export type DeadlineState = (typeof deadlineStates)[number];
/** Every kind supervision watches: the work-order limits and a summoned department's report-in. */
export type WatchedKind = (typeof watchedDeadlineKinds)[number];
/** States in which a deadline can still be met: running, paused, or already reported overdue. */
export const openStates: readonly DeadlineState[] = ['PENDING', 'OVERDUE', 'PAUSED'];

/** The default point of the early warning: at 80% of the limit. */
export const DEFAULT_WARN_FRACTION = 0.8;

/** One time limit of one work order, as supervision keeps it. */
export interface DeadlineRecord {
  id: string;
  district: string;
  complaintId: string;
  /** The work order; for REPORT_IN, the whistle. */
  workOrderId: string;
  unitId: string;
  kind: WatchedKind;
  /** The deadline rule that set it; null for REPORT_IN, whose limit the whistle states. */
  ruleId: string | null;
  /** 0 for the first handling, n for the n-th re-handling. */
  round: number;
  startedAt: Date;
  dueAt: Date;
  state: DeadlineState;
  setAt: Date;
  /** When the early warning falls due; null once it no longer applies. */
  warnAt: Date | null;
  warnedAt: Date | null;
  /** When the timer engine reported it overdue. */
  overdueAt: Date | null;
  metAt: Date | null;
  /** Whether it was met after its due time; null until met. */
  metLate: boolean | null;
  pausedAt: Date | null;
  /** Why the case waits on the citizen, while paused. */
  pauseReason: string | null;
}

/** A complaint as supervision knows it: by id only; its deadlines are looked up per request. */
export interface ComplaintRef {
  id: string;
}

/** A unit as supervision knows it: by id only; dispatch owns the rest. */
export interface UnitRef {
  id: string;
}

/** The work order whose deadlines are set, as dispatch announced it. */
export interface DispatchedOrder {
  district: string;
  complaintId: string;
  workOrderId: string;
  unitId: string;
  dispatchedAt: Date;
}

/** How deadlines are timed: the calendar limits are counted in, and where the early warning falls. */
export interface Timing {
  calendar?: DeadlineCalendar;
  /** Fraction of the limit (0 < f < 1) at which the early warning falls due. */
  warnFraction?: number;
}

/** The warning point: the given fraction of the way from start to due time, in elapsed time. */
export function warnTime(startedAt: Date, dueAt: Date, fraction = DEFAULT_WARN_FRACTION): Date {
  return new Date(startedAt.getTime() + Math.floor((dueAt.getTime() - startedAt.getTime()) * fraction));
}

type Fresh = Pick<
  DeadlineRecord,
  'id' | 'district' | 'complaintId' | 'workOrderId' | 'unitId' | 'kind' | 'ruleId' | 'round' | 'startedAt' | 'dueAt' | 'setAt'
>;

const pending = <F extends Fresh>(d: F, timing: Timing): DeadlineRecord & Pick<F, 'kind'> => ({
  ...d,
  state: 'PENDING',
  warnAt: warnTime(d.startedAt, d.dueAt, timing.warnFraction),
  warnedAt: null,
  overdueAt: null,
  metAt: null,
  metLate: null,
  pausedAt: null,
  pauseReason: null,
});

/** The deadlines of a freshly dispatched order: one per limit of the rule, all pending, counted from dispatch. */
export function newDeadlines(
  order: DispatchedOrder,
  rule: DeadlineRule,
  newId: () => string,
  now: Date,
  timing: Timing = {},
): Array<DeadlineRecord & { kind: DeadlineKind }> {
  return computeDeadlines(rule, order.dispatchedAt, timing.calendar).map(({ kind, dueAt }) =>
    pending(
      {
        id: newId(),
        district: order.district,
        complaintId: order.complaintId,
        workOrderId: order.workOrderId,
        unitId: order.unitId,
        kind,
        ruleId: rule.id,
        round: 0,
        startedAt: order.dispatchedAt,
        dueAt,
        setAt: now,
      },
      timing,
    ),
  );
}

/** A reopened order (re-handling round `round`) runs against new REPLY and CLOSE limits of its rule, counted from reopening. */
export function reopenedDeadlines(
  order: Omit<DispatchedOrder, 'dispatchedAt'> & { reopenedAt: Date; round: number },
  rule: DeadlineRule,
  newId: () => string,
  now: Date,
  timing: Timing = {},
): DeadlineRecord[] {
  return computeDeadlines(rule, order.reopenedAt, timing.calendar)
    .filter(({ kind }) => kind === 'REPLY' || kind === 'CLOSE')
    .map(({ kind, dueAt }) =>
      pending(
        {
          id: newId(),
          district: order.district,
          complaintId: order.complaintId,
          workOrderId: order.workOrderId,
          unitId: order.unitId,
          kind,
          ruleId: rule.id,
          round: order.round,
          startedAt: order.reopenedAt,
          dueAt,
          setAt: now,
        },
        timing,
      ),
    );
}

/** A whistle's summoned departments must each report in within the whistle's limit (elapsed minutes). */
export function reportInDeadlines(
  whistle: {
    district: string;
    whistleId: string;
    complaintId: string;
    departmentUnitIds: readonly string[];
    reportInMinutes: number;
    blownAt: Date;
  },
  newId: () => string,
  now: Date,
  timing: Timing = {},
): DeadlineRecord[] {
  const dueAt = elapsedTime.addMinutes(whistle.blownAt, whistle.reportInMinutes);
  return [...new Set(whistle.departmentUnitIds)].map((unitId) =>
    pending(
      {
        id: newId(),
        district: whistle.district,
        complaintId: whistle.complaintId,
        workOrderId: whistle.whistleId,
        unitId,
        kind: 'REPORT_IN',
        ruleId: null,
        round: 0,
        startedAt: whistle.blownAt,
        dueAt,
        setAt: now,
      },
      timing,
    ),
  );
}

/** What meeting an open deadline at `at` changes: met, and late when after its due time. */
export const meet = (d: Pick<DeadlineRecord, 'dueAt'>, at: Date): Pick<DeadlineRecord, 'state' | 'metAt' | 'metLate' | 'warnAt'> => ({
  state: 'MET',
  metAt: at,
  metLate: at.getTime() > d.dueAt.getTime(),
  warnAt: null,
});

/**
 * An approved extension moves the due time by `extraMinutes` (counted in the calendar) and the warning
 * with it. A deadline already reported overdue runs again when the new due time lies ahead.
 */
export function extend(
  d: DeadlineRecord,
  extraMinutes: number,
  now: Date,
  timing: Timing = {},
): Pick<DeadlineRecord, 'dueAt' | 'warnAt' | 'state' | 'overdueAt' | 'warnedAt'> {
  const dueAt = (timing.calendar ?? elapsedTime).addMinutes(d.dueAt, extraMinutes);
  const revived = d.state === 'OVERDUE' && dueAt.getTime() > now.getTime();
  const warnAt = warnTime(d.startedAt, dueAt, timing.warnFraction);
  return {
    dueAt,
    state: revived ? 'PENDING' : d.state,
    overdueAt: revived ? null : d.overdueAt,
    // A warning not yet given moves with the deadline; one already given is not repeated.
    warnedAt: d.warnedAt,
    warnAt: d.warnedAt ? d.warnAt : warnAt,
  };
}

/** Pausing stops the clock of a running deadline: it waits (the timer engine ignores it) from `at`. */
export const pause = (at: Date, reason: string): Pick<DeadlineRecord, 'state' | 'pausedAt' | 'pauseReason'> => ({
  state: 'PAUSED',
  pausedAt: at,
  pauseReason: reason,
});

/**
 * Resuming moves the due time and the warning by the time spent paused, as the deadline's calendar
 * counts it (a pause over a weekend costs a working-day deadline nothing of the weekend), so no waiting
 * counts against the unit.
 */
export function resume(
  d: DeadlineRecord,
  at: Date,
  timing: Timing = {},
): Pick<DeadlineRecord, 'state' | 'pausedAt' | 'pauseReason' | 'dueAt' | 'warnAt'> {
  const calendar = timing.calendar ?? elapsedTime;
  const paused = calendar.minutesBetween(d.pausedAt ?? at, at);
  return {
    state: 'PENDING',
    pausedAt: null,
    pauseReason: null,
    dueAt: calendar.addMinutes(d.dueAt, paused),
    warnAt: d.warnAt && !d.warnedAt ? calendar.addMinutes(d.warnAt, paused) : d.warnAt,
  };
}

/**
 * Whole minutes left until the deadline, rounded down: negative as soon as the due time has passed,
 * zero in its last minute.
 */
export const timeLeftMinutes = (deadline: Pick<DeadlineRecord, 'dueAt'>, now: Date): number =>
  Math.floor((deadline.dueAt.getTime() - now.getTime()) / 60_000);

/** A deadline reported overdue, or still running past its due time (the timer engine reports it within a second). */
export const isOverdue = (deadline: Pick<DeadlineRecord, 'dueAt' | 'state'>, now: Date): boolean =>
  deadline.state === 'OVERDUE' || (deadline.state === 'PENDING' && deadline.dueAt.getTime() < now.getTime());

/** Earliest due first; for equal due times, in the order of the limits (RESPOND before CLOSE), then by work order, then by unit. */
export function byDueTime(a: DeadlineRecord, b: DeadlineRecord): number {
  return (
    a.dueAt.getTime() - b.dueAt.getTime() ||
    watchedDeadlineKinds.indexOf(a.kind) - watchedDeadlineKinds.indexOf(b.kind) ||
    a.workOrderId.localeCompare(b.workOrderId) ||
    a.unitId.localeCompare(b.unitId)
  );
}
