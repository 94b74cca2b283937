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
  currentTraceparent,
  DeadlineOverdue,
  EarlyWarningRaised,
  newId,
  DeadlinesSet,
  on,
  RepeatCallEscalated,
  WorkOrderAccepted,
  WorkOrderClosed,
  WorkOrderDispatched,
  WorkOrderReopened,
  WorkOrderReplied,
  WorkOrderReturned,
  writeOutbox,
} from '@hotline/shared';
import { complaintCounterKey, deadlinesCounterKey, workOrderCounterKey } from '../domain/breakdowns';
import { deadlinesFact, dispatchedFact, receivedFact } from '../domain/contributions';
import { hotSpotKey, sameHotSpot } from '../domain/hotspots';
import { dayOf, hourOf, startOfDay } from '../domain/period';
import { addDays } from '../domain/rate-period';
import { assessWeek } from '../domain/early-warning';
import { contributionDelta, contributionOf, type RatesConfig } from '../domain/rates';
import type { AnalyticsStore, AnalyticsTx } from '../store/analytics-store';
import type { RatesStore, WorkOrderRef } from '../store/rates-store';

const refOf = (event: { district: string; data: { workOrderId: string; complaintId: string; unitId: string } }): WorkOrderRef => ({
  workOrderId: event.data.workOrderId,
  complaintId: event.data.complaintId,
  unitId: event.data.unitId,
  district: event.district,
});

/**
 * Analytics' consumers, one group for all topics. Each handler runs inside the inbox transaction, so
 * a redelivered event changes nothing. Counters are idempotent at the level of facts too: a complaint
 * or dispatch counter moves only when its fact is filled in for the first time, and a work order's
 * rate counters move by the difference between what its fact contributes now and what it contributed
 * before — so the same fact announced twice, or facts arriving in any order, give the same counts.
 */
export function createHandlers(store: AnalyticsStore, rates: RatesStore, options: { config: RatesConfig; now: () => Date }) {
  const warning = options.config.earlyWarning;
  /**
   * 未诉先办: after a complaint is counted, its category in its street over the last 7 days is
   * compared with the weeks before; an abnormal rise raises EarlyWarningRaised (once per overlapping
   * window). Only live complaints are judged, so a replay or an import of history raises nothing.
   */
  const watchForRise = async (tx: AnalyticsTx, fact: { district: string; streetId: string | null; categoryId: string; receivedAt: Date }) => {
    if (fact.streetId === null) return;
    const day = dayOf(fact.receivedAt);
    if (day < dayOf(new Date(options.now().getTime() - warning.liveDays * 86_400_000))) return;
    const area = { district: fact.district, streetId: fact.streetId, categoryId: fact.categoryId };
    const windowEnd = addDays(day, 1);
    const windowStart = addDays(windowEnd, -7);
    const [observed, ...history] = await rates.weeklyCounts(tx, area, windowEnd, warning.historyWeeks + 1);
    const verdict = assessWeek(observed ?? 0, history, warning);
    if (!verdict.raise || (await rates.warnedSince(tx, area, windowStart))) return;
    const raisedAt = options.now();
    const record = { warningId: newId(), ...area, windowStart, windowEnd, observed: verdict.observed, expected: verdict.expected, score: verdict.score, tailProbability: verdict.tailProbability, raisedAt };
    await rates.recordWarning(tx, record);
    await writeOutbox(tx, [
      createEvent(EarlyWarningRaised, {
        subject: record.warningId,
        district: fact.district,
        actor: 'system:analytics',
        traceparent: currentTraceparent(),
        occurredAt: raisedAt,
        data: {
          warningId: record.warningId,
          categoryId: fact.categoryId,
          areaId: fact.streetId,
          windowStart: startOfDay(windowStart).toISOString(),
          windowEnd: startOfDay(windowEnd).toISOString(),
          observed: verdict.observed,
          expected: verdict.expected,
          score: verdict.score,
          raisedAt: raisedAt.toISOString(),
        },
      }),
    ]);
  };

  /** Brings a work order's share of the rate counters in line with everything known about it. */
  const reconcile = async (tx: AnalyticsTx, workOrderId: string) => {
    const loaded = await rates.loadRateFact(tx, workOrderId);
    if (!loaded) return;
    const now = contributionOf(loaded.fact);
    const deltas = contributionDelta(loaded.applied, now);
    if (deltas.length > 0 || loaded.applied === null) await rates.applyContribution(tx, workOrderId, deltas, now);
  };
  const reconcileComplaint = async (tx: AnalyticsTx, complaintId: string) => {
    for (const id of await rates.workOrdersOf(tx, complaintId)) await reconcile(tx, id);
  };

  return [
    on(ComplaintReceived, async (event, tx: AnalyticsTx) => {
      const fact = receivedFact(event);
      if (await store.recordReceived(tx, fact)) {
        await store.countComplaint(tx, complaintCounterKey(fact));
        await store.countHour(tx, fact.district, dayOf(fact.receivedAt), hourOf(fact.receivedAt));
        await rates.recordLocation(tx, fact.complaintId, event.data.location);
        const spot = hotSpotKey({ ...fact, lat: event.data.location?.lat ?? null, lng: event.data.location?.lng ?? null });
        if (spot) await rates.countHotSpot(tx, spot, 1);
        await watchForRise(tx, fact);
        // Work orders that came first were counted without a street; now their region is known.
        await reconcileComplaint(tx, fact.complaintId);
      }
    }),
    on(ComplaintUpdated, async (event, tx: AnalyticsTx) => {
      const d = event.data;
      const moved = await rates.updateComplaint(tx, d.complaintId, {
        categoryId: d.categoryId,
        urgency: d.urgency,
        areaType: d.areaType,
        streetId: d.region === undefined ? undefined : d.region.street,
        location: d.location,
      });
      if (moved.before && moved.after && JSON.stringify(moved.before) !== JSON.stringify(moved.after)) {
        await rates.uncountComplaint(tx, moved.before);
        await store.countComplaint(tx, moved.after);
      }
      if (!sameHotSpot(moved.spotBefore, moved.spotAfter)) {
        if (moved.spotBefore) await rates.countHotSpot(tx, moved.spotBefore, -1);
        if (moved.spotAfter) await rates.countHotSpot(tx, moved.spotAfter, 1);
      }
      if (moved.streetChanged) await reconcileComplaint(tx, d.complaintId);
    }),
    on(ComplaintMerged, async (event, tx: AnalyticsTx) => rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { mergedInto: event.data.intoComplaintId })),
    on(ComplaintUnmerged, async (event, tx: AnalyticsTx) => rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { mergedInto: null })),
    on(ComplaintClosedAtIntake, async (event, tx: AnalyticsTx) => rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { closedAtIntakeAt: new Date(event.data.closedAt) })),
    on(RepeatCallEscalated, async (event, tx: AnalyticsTx) => rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { repeatCalls: event.data.calls })),
    on(WorkOrderDispatched, async (event, tx: AnalyticsTx) => {
      const fact = dispatchedFact(event);
      if (fact.role === 'LEAD') await store.recordLeadUnit(tx, fact);
      const stored = await store.recordDispatched(tx, fact);
      if (stored) await store.countWorkOrder(tx, workOrderCounterKey(stored));
      await reconcile(tx, fact.workOrderId);
    }),
    on(DeadlinesSet, async (event, tx: AnalyticsTx) => {
      const stored = await store.recordDeadlines(tx, deadlinesFact(event));
      if (stored) await store.countDeadlines(tx, deadlinesCounterKey(stored));
      const respond = event.data.deadlines.find((d) => d.kind === 'RESPOND');
      // A later DeadlinesSet (e.g. after an approved extension) replaces the limit.
      if (respond) await rates.recordWorkOrder(tx, refOf(event), 'respond_due_at', new Date(respond.dueAt), 'set');
      await reconcile(tx, event.data.workOrderId);
    }),
    on(WorkOrderAccepted, async (event, tx: AnalyticsTx) => {
      await rates.recordWorkOrder(tx, refOf(event), 'accepted_at', new Date(event.data.acceptedAt), 'earliest');
      await reconcile(tx, event.data.workOrderId);
    }),
    on(CitizenContacted, async (event, tx: AnalyticsTx) => {
      await rates.recordWorkOrder(tx, refOf(event), 'contacted_at', new Date(event.data.contactedAt), 'earliest');
      await reconcile(tx, event.data.workOrderId);
    }),
    on(WorkOrderReturned, async (event, tx: AnalyticsTx) => rates.recordWorkOrder(tx, refOf(event), 'returned_at', new Date(event.data.returnedAt), 'latest')),
    on(WorkOrderReplied, async (event, tx: AnalyticsTx) => rates.recordWorkOrder(tx, refOf(event), 'replied_at', new Date(event.data.repliedAt), 'latest')),
    on(WorkOrderClosed, async (event, tx: AnalyticsTx) => rates.recordWorkOrder(tx, refOf(event), 'closed_at', new Date(event.data.closedAt), 'latest')),
    on(WorkOrderReopened, async (event, tx: AnalyticsTx) => rates.recordWorkOrder(tx, refOf(event), 'reopens', event.data.rehandles, 'greatest')),
    on(DeadlineOverdue, async (event, tx: AnalyticsTx) => rates.countOverdue(tx, refOf(event))),
    on(CallbackRecorded, async (event, tx: AnalyticsTx) => {
      const d = event.data;
      await rates.recordCallback(tx, refOf(event), { callbackId: d.callbackId, contacted: d.contacted, solved: d.solved, rating: d.rating, recordedAt: new Date(d.recordedAt) });
      await reconcile(tx, d.workOrderId);
    }),
    on(CaseExempted, async (event, tx: AnalyticsTx) => {
      await rates.recordWorkOrder(tx, refOf(event), 'exempted', true, 'set');
      await reconcile(tx, event.data.workOrderId);
    }),
  ];
}
