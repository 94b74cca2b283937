import {
  badInput,
  conflict,
  notFound,
  createEvent,
  currentTraceparent,
  DeadlinesPaused,
  DeadlinesResumed,
  DeadlinesSet,
  decodeCursor,
  forbidden,
  hasRole,
  newId,
  pageArgs,
  parseInput,
  requireRole,
  roles,
  toConnection,
  urgencies,
  writeOutbox,
  type EventOf,
  type Logger,
  type RequestCaller,
  type CitizenContacted,
  type ExtensionDecided,
  type WhistleBlown,
  type WhistleReportedIn,
  type WorkOrderAccepted,
  type WorkOrderClosed,
  type WorkOrderDispatched,
  type WorkOrderReopened,
  type WorkOrderReplied,
  type WorkOrderReturned,
  WorkOrderRerouted,
  ComplaintTransferred,
} from '@hotline/shared';
import { z } from 'zod';
import { chooseRule, compareSpecificity, elapsedTime, type DeadlineCalendar, type DeadlineRule } from '../domain/deadline-rules';
import { workingDayCalendar } from '../domain/calendar';
import {
  extend,
  meet,
  newDeadlines,
  pause,
  resume,
  reopenedDeadlines,
  reportInDeadlines,
  type DeadlineRecord,
  type Timing,
  type WatchedKind,
} from '../domain/deadlines';
import type { SupervisionStore, SupervisionTx, TimerLevel } from '../store/supervision-store';

export interface SupervisionManagerDeps {
  store: SupervisionStore;
  now: () => Date;
  logger: Logger;
  /** The working-day calendar, for rules that count in working time (default: Monday to Friday, no holidays). */
  calendar?: DeadlineCalendar;
  /** Where the early warning falls, as a fraction of the limit (default 0.8). */
  warnFraction?: number;
  /** Told the earliest due time of deadlines just set or moved, so the timer engine can wake for it. */
  onScheduled?: (at: Date) => void;
}

/** No deadline rule matches the order: the rule set has a gap. The event is retried and then dead-lettered, to be replayed once the rules are fixed. */
export class NoDeadlineRule extends Error {
  constructor(readonly subject: { urgency: string; categoryId: string; areaType: string | null }) {
    super(
      `no deadline rule matches urgency ${subject.urgency}, category ${subject.categoryId}, area type ${subject.areaType ?? 'unknown'}`,
    );
    this.name = 'NoDeadlineRule';
  }
}

/** Who may list a unit's pending deadlines besides the unit's own handlers: the inspection office and those above it. */
const watchers = ['supervisor', 'admin', 'city'] as const;

const atRiskArgs = z.object({ unitId: z.string().trim().min(1, 'is required') });

/** Who may stop and start a case's clock: the inspection office and administrators. */
const clockKeepers = ['supervisor', 'admin'] as const;

const pauseArgs = z.object({
  workOrderId: z.string().trim().min(1, 'is required'),
  reason: z.string().trim().min(2, 'must say why the case waits on the citizen').max(500),
});
const resumeArgs = z.object({ workOrderId: z.string().trim().min(1, 'is required') });

const alertArgs = z.object({
  after: z.uuid('is not the id of a report').nullish(),
  first: z.number().int().min(1, 'must be 1–200').max(200, 'must be 1–200').default(100),
  filter: z
    .object({
      districts: z.array(z.string()).nullish(),
      unitIds: z.array(z.string()).nullish(),
      kinds: z.array(z.string()).nullish(),
      levels: z.array(z.enum(['WARNING', 'OVERDUE'])).nullish(),
    })
    .nullish(),
});

/** The keyset a cursor of a deadline list holds: the last row's due time and id. */
const deadlineCursor = z.tuple([z.iso.datetime({ offset: true }).transform((at) => new Date(at)), z.uuid()]);

function decodeDeadlineCursor(after: string | null | undefined): { dueAt: Date; id: string } | null {
  const key = decodeCursor(after);
  if (!key) return null;
  const parsed = deadlineCursor.safeParse(key);
  if (!parsed.success) throw badInput('after', 'is not a cursor from this list');
  return { dueAt: parsed.data[0], id: parsed.data[1] };
}

/** Supervision's use cases: each authorizes, applies the domain's rules, and writes with its events. */
export function createSupervisionManager(deps: SupervisionManagerDeps) {
  const workingTime = deps.calendar ?? workingDayCalendar({});
  /** A rule's limits, and anything added to them (extensions), count in the rule's kind of time. */
  const timingOf = (rule: Pick<DeadlineRule, 'workingDays'> | null): Timing => ({
    calendar: rule?.workingDays ? workingTime : elapsedTime,
    warnFraction: deps.warnFraction,
  });

  const scheduled = (deadlines: readonly DeadlineRecord[]) => {
    const earliest = Math.min(...deadlines.flatMap((d) => [d.dueAt.getTime(), d.warnAt?.getTime() ?? Infinity]));
    if (Number.isFinite(earliest)) deps.onScheduled?.(new Date(earliest));
  };

  /** Marks the open deadlines of the given kinds met at `at` (late when past due); already met ones stay as they were. */
  async function meetOpen(
    tx: SupervisionTx,
    workOrderId: string,
    kinds: readonly WatchedKind[],
    at: string,
    unitId?: string,
  ): Promise<void> {
    const when = new Date(at);
    for (const d of await deps.store.openDeadlines(tx, { workOrderId, kinds, unitId }))
      await deps.store.updateDeadline(tx, d.id, meet(d, when));
  }

  /** Cancels deadlines that no longer apply; the timer never reports a cancelled one. */
  async function cancel(tx: SupervisionTx, deadlines: readonly DeadlineRecord[]): Promise<void> {
    for (const d of deadlines) await deps.store.updateDeadline(tx, d.id, { state: 'CANCELLED', warnAt: null });
  }

  /** A pause or resume of a work order's clock, as an event for the outbox. */
  const clockEvent = <C extends typeof DeadlinesPaused | typeof DeadlinesResumed>(
    contract: C,
    d: DeadlineRecord,
    actor: string,
    at: Date,
    data: Omit<EventOf<C>['data'], 'workOrderId' | 'complaintId' | 'unitId'>,
  ) =>
    createEvent(contract, {
      subject: d.complaintId,
      district: d.district,
      actor,
      traceparent: currentTraceparent(),
      occurredAt: at,
      data: { workOrderId: d.workOrderId, complaintId: d.complaintId, unitId: d.unitId, ...data } as EventOf<C>['data'],
    });

  /** The order's deadlines, when it exists and lies in the caller's district (any district for city-level callers). */
  async function orderOfDistrict(
    tx: SupervisionTx,
    caller: RequestCaller & { district: string; roles: readonly string[] },
    workOrderId: string,
  ): Promise<DeadlineRecord[]> {
    const known = await deps.store.deadlinesOfOrder(tx, workOrderId);
    if (known.length === 0) throw notFound('work order', workOrderId);
    if (!caller.roles.includes('city') && known[0]!.district !== caller.district)
      throw forbidden(`work order ${workOrderId} is not in district ${caller.district}`);
    return known;
  }

  return {
    /**
     * Sets a dispatched work order's deadlines from the most specific matching rule, in the consumer's
     * transaction, with DeadlinesSet in the outbox. An order whose deadlines are already set (the same
     * dispatch announced again under a new event id) is left as it is and announced once only.
     */
    async setDeadlines(tx: SupervisionTx, event: EventOf<typeof WorkOrderDispatched>): Promise<void> {
      const order = event.data;
      const rule = chooseRule(await deps.store.rules(tx), order);
      if (!rule) throw new NoDeadlineRule(order);
      const deadlines = newDeadlines(
        {
          district: event.district,
          complaintId: order.complaintId,
          workOrderId: order.workOrderId,
          unitId: order.unitId,
          dispatchedAt: new Date(order.dispatchedAt),
        },
        rule,
        newId,
        deps.now(),
        timingOf(rule),
      );
      const inserted = await deps.store.insertDeadlines(tx, deadlines);
      if (inserted === 0) {
        deps.logger.info(
          { workOrderId: order.workOrderId, eventId: event.id },
          'deadlines of this work order were already set; left as they are',
        );
        return;
      }
      await writeOutbox(tx, [
        createEvent(DeadlinesSet, {
          subject: order.complaintId,
          district: event.district,
          actor: 'system:supervision',
          traceparent: currentTraceparent(),
          occurredAt: deadlines[0]!.setAt,
          data: {
            complaintId: order.complaintId,
            workOrderId: order.workOrderId,
            unitId: order.unitId,
            ruleId: rule.id,
            deadlines: deadlines.map((d) => ({ kind: d.kind, dueAt: d.dueAt.toISOString() })),
          },
        }),
      ]);
      scheduled(deadlines);
    },

    /** Signing for the order meets ACCEPT, and RESPOND if the citizen was not contacted first. */
    async accepted(tx: SupervisionTx, event: EventOf<typeof WorkOrderAccepted>): Promise<void> {
      await meetOpen(tx, event.data.workOrderId, ['ACCEPT', 'RESPOND'], event.data.acceptedAt);
    },

    /** Reaching the citizen meets RESPOND, if signing for the order did not already. */
    async citizenContacted(tx: SupervisionTx, event: EventOf<typeof CitizenContacted>): Promise<void> {
      await meetOpen(tx, event.data.workOrderId, ['RESPOND'], event.data.contactedAt);
    },

    async replied(tx: SupervisionTx, event: EventOf<typeof WorkOrderReplied>): Promise<void> {
      await meetOpen(tx, event.data.workOrderId, ['REPLY'], event.data.repliedAt);
    },

    async closed(tx: SupervisionTx, event: EventOf<typeof WorkOrderClosed>): Promise<void> {
      await meetOpen(tx, event.data.workOrderId, ['CLOSE'], event.data.closedAt);
    },

    /**
     * A returned order is not this unit's, and a rerouted one was superseded by a new lead: either way its
     * open deadlines no longer apply; the order that replaces it gets its own.
     */
    async returned(tx: SupervisionTx, event: EventOf<typeof WorkOrderReturned> | EventOf<typeof WorkOrderRerouted>): Promise<void> {
      await cancel(tx, await deps.store.openDeadlines(tx, { workOrderId: event.data.workOrderId }));
    },

    /**
     * A case handed to another district leaves this district's watch: its open deadlines are cancelled,
     * and the receiving district sets its own when it dispatches the case.
     */
    async transferred(tx: SupervisionTx, event: EventOf<typeof ComplaintTransferred>): Promise<void> {
      await cancel(tx, await deps.store.openDeadlinesOfComplaint(tx, event.data.complaintId));
    },

    /**
     * A reopened order (re-handling) runs against new REPLY and CLOSE limits of the rule that set its first
     * deadlines, counted from reopening, in the round the event numbers; what is still open of earlier rounds
     * is superseded. The same round announced again changes nothing.
     */
    async reopened(tx: SupervisionTx, event: EventOf<typeof WorkOrderReopened>): Promise<void> {
      const order = event.data;
      const known = await deps.store.deadlinesOfOrder(tx, order.workOrderId);
      const first = known.find((d) => d.ruleId !== null);
      if (!first) {
        deps.logger.warn(
          { workOrderId: order.workOrderId, eventId: event.id },
          'reopened order has no deadlines here (dispatch not seen); nothing to reset',
        );
        return;
      }
      if (known.some((d) => d.round >= order.rehandles)) return;
      const rule = await deps.store.ruleById(tx, first.ruleId!);
      if (!rule) throw new Error(`deadline rule ${first.ruleId} of work order ${order.workOrderId} is gone`);
      await cancel(tx, await deps.store.openDeadlines(tx, { workOrderId: order.workOrderId, kinds: ['REPLY', 'CLOSE'] }));
      const fresh = reopenedDeadlines(
        {
          district: first.district,
          complaintId: order.complaintId,
          workOrderId: order.workOrderId,
          unitId: order.unitId,
          reopenedAt: new Date(order.reopenedAt),
          round: order.rehandles,
        },
        rule,
        newId,
        deps.now(),
        timingOf(rule),
      );
      await deps.store.insertDeadlines(tx, fresh);
      scheduled(fresh);
    },

    /** An approved extension moves the order's open REPLY and CLOSE deadlines; a refused one changes nothing. */
    async extensionDecided(tx: SupervisionTx, event: EventOf<typeof ExtensionDecided>): Promise<void> {
      if (!event.data.approved || event.data.extraMinutes === 0) return;
      const moved: DeadlineRecord[] = [];
      for (const d of await deps.store.openDeadlines(tx, { workOrderId: event.data.workOrderId, kinds: ['REPLY', 'CLOSE'] })) {
        const rule = d.ruleId ? await deps.store.ruleById(tx, d.ruleId) : null;
        const patch = extend(d, event.data.extraMinutes, deps.now(), timingOf(rule));
        await deps.store.updateDeadline(tx, d.id, patch);
        moved.push({ ...d, ...patch });
      }
      scheduled(moved);
    },

    /** Each summoned department must report in within the whistle's limit. */
    async whistleBlown(tx: SupervisionTx, event: EventOf<typeof WhistleBlown>): Promise<void> {
      const w = event.data;
      const fresh = reportInDeadlines({ district: event.district, ...w, blownAt: new Date(w.blownAt) }, newId, deps.now(), timingOf(null));
      await deps.store.insertDeadlines(tx, fresh);
      scheduled(fresh);
    },

    async whistleReportedIn(tx: SupervisionTx, event: EventOf<typeof WhistleReportedIn>): Promise<void> {
      await meetOpen(tx, event.data.whistleId, ['REPORT_IN'], event.data.reportedAt, event.data.unitId);
    },

    /** Stops the clock of the order's running deadlines while the case waits on the citizen; DeadlinesPaused tells the others. */
    async pauseClock(caller: RequestCaller, args: { workOrderId: unknown; reason: unknown }): Promise<DeadlineRecord[]> {
      const keeper = requireRole(caller, ...clockKeepers);
      const input = parseInput(pauseArgs, args);
      const now = deps.now();
      return deps.store.transaction(async (tx) => {
        const known = await orderOfDistrict(tx, keeper, input.workOrderId);
        const running = known.filter((d) => d.state === 'PENDING');
        if (running.length === 0) throw conflict(`work order ${input.workOrderId} has no running deadline to pause`);
        for (const d of running) await deps.store.updateDeadline(tx, d.id, pause(now, input.reason));
        await writeOutbox(tx, [
          clockEvent(DeadlinesPaused, running[0]!, keeper.sub, now, {
            reason: input.reason,
            pausedAt: now.toISOString(),
            deadlines: running.map((d) => ({ deadlineId: d.id, kind: d.kind })),
          }),
        ]);
        return deps.store.deadlinesOfOrder(tx, input.workOrderId);
      });
    },

    /**
     * Starts the clock again: every paused deadline of the order falls due later by the time it stood
     * still, as its own calendar counts that time (working days for a working-day rule); DeadlinesResumed
     * carries the new due times.
     */
    async resumeClock(caller: RequestCaller, args: { workOrderId: unknown }): Promise<DeadlineRecord[]> {
      const keeper = requireRole(caller, ...clockKeepers);
      const input = parseInput(resumeArgs, args);
      const now = deps.now();
      const resumed = await deps.store.transaction(async (tx) => {
        const known = await orderOfDistrict(tx, keeper, input.workOrderId);
        const paused = known.filter((d) => d.state === 'PAUSED');
        if (paused.length === 0) throw conflict(`work order ${input.workOrderId} has no paused deadline`);
        const moved: Array<{ deadlineId: string; kind: WatchedKind; dueAt: string; pausedMinutes: number }> = [];
        // An order's deadlines mostly share one rule: read each rule once.
        const timings = new Map<string | null, Timing>();
        for (const d of paused) {
          if (!timings.has(d.ruleId)) timings.set(d.ruleId, timingOf(d.ruleId ? await deps.store.ruleById(tx, d.ruleId) : null));
          const timing = timings.get(d.ruleId)!;
          const patch = resume(d, now, timing);
          await deps.store.updateDeadline(tx, d.id, patch);
          moved.push({
            deadlineId: d.id,
            kind: d.kind,
            dueAt: patch.dueAt.toISOString(),
            pausedMinutes: (timing.calendar ?? elapsedTime).minutesBetween(d.pausedAt ?? now, now),
          });
        }
        await writeOutbox(tx, [
          clockEvent(DeadlinesResumed, paused[0]!, keeper.sub, now, { resumedAt: now.toISOString(), deadlines: moved }),
        ]);
        return deps.store.deadlinesOfOrder(tx, input.workOrderId);
      });
      scheduled(resumed.filter((d) => d.state === 'PENDING'));
      return resumed;
    },

    /**
     * Kept warnings and overdue reports after `after`, for resuming a live subscription. The inspection office
     * sees its district (every district for city-level callers); a handler sees their own unit's only.
     */
    async deadlineAlerts(caller: RequestCaller, args: { filter?: unknown; after?: unknown; first?: unknown }) {
      const reader = requireRole(caller, ...watchers, 'handler');
      const input = parseInput(alertArgs, {
        filter: args.filter ?? undefined,
        after: args.after ?? undefined,
        first: args.first ?? undefined,
      });
      const filter = input.filter ?? {};
      const isCity = reader.roles.includes('city');
      if (!isCity && filter.districts && filter.districts.some((d) => d !== reader.district))
        throw forbidden(`reports of district ${reader.district} only`);
      let unitIds = filter.unitIds ?? null;
      if (!hasRole(reader, ...watchers)) {
        if (unitIds && unitIds.some((u) => u !== reader.unit)) throw forbidden('a handler sees the reports of their own unit only');
        unitIds = [reader.unit ?? ''];
      }
      const { rows, afterFound } = await deps.store.timerEventsAfter({
        after: input.after ?? null,
        districts: isCity ? (filter.districts ?? null) : [reader.district],
        unitIds,
        kinds: filter.kinds ?? null,
        levels: (filter.levels as TimerLevel[] | null | undefined) ?? null,
        limit: input.first + 1,
      });
      const page = rows.slice(0, input.first);
      return {
        edges: page.map((node) => ({ cursor: node.eventId, node })),
        pageInfo: { hasNextPage: rows.length > input.first, endCursor: page.at(-1)?.eventId ?? null },
        afterFound,
      };
    },

    /** The rules in force: by urgency, then from the most general to the most specific. */
    async listRules(caller: RequestCaller): Promise<DeadlineRule[]> {
      requireRole(caller, ...roles);
      const rules = await deps.store.rules();
      return rules.sort((a, b) => urgencies.indexOf(a.urgency) - urgencies.indexOf(b.urgency) || compareSpecificity(a, b));
    },

    /**
     * Deadlines are no one's personal data, and the complaint they belong to is gated by intake, so any
     * signed-in caller of the district (any district for city-level callers) may read them.
     */
    canRead(caller: RequestCaller, deadlines: readonly DeadlineRecord[]): boolean {
      const reader = requireRole(caller, ...roles);
      return reader.roles.includes('city') || deadlines.every((d) => d.district === reader.district);
    },

    /** A unit's pending deadlines, least time left first: for the inspection office, and for the unit's own handlers. */
    async atRisk(caller: RequestCaller, args: { unitId: unknown; first?: unknown; after?: unknown }) {
      const reader = requireRole(caller, ...watchers, 'handler');
      const { unitId } = parseInput(atRiskArgs, { unitId: args.unitId });
      if (!hasRole(reader, ...watchers) && reader.unit !== unitId)
        throw forbidden(`a handler sees the deadlines of their own unit only, not of ${unitId}`);
      const page = parseInput(pageArgs, { first: args.first ?? undefined, after: args.after ?? undefined });
      const { rows, total } = await deps.store.pendingOfUnit({
        unitId,
        district: reader.roles.includes('city') ? null : reader.district,
        after: decodeDeadlineCursor(page.after),
        limit: page.first + 1,
      });
      return toConnection(rows, page.first, (d) => [d.dueAt.toISOString(), d.id], total);
    },
  };
}
export type SupervisionManager = ReturnType<typeof createSupervisionManager>;
