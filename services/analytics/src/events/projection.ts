import {
  ComplaintClosedAtIntake,
  ComplaintMerged,
  ComplaintUnmerged,
  ComplaintUpdated,
  createEvent,
  currentTraceparent,
  EarlyWarningRaised,
  newId,
  RepeatCallEscalated,
  writeOutbox,
  isEventOf,
  type Envelope,
  type EventProjection,
} from '@hotline/shared';
import { complaintCounterKey, deadlinesCounterKey, workOrderCounterKey } from '../domain/breakdowns';
import { batchedContracts, EventBatch, type ReceivedRecord } from '../domain/event-batch';
import { hotSpotKey } from '../domain/hotspots';
import { dayOf, hourOf, startOfDay } from '../domain/period';
import { addDays } from '../domain/rate-period';
import { assessWeek } from '../domain/early-warning';
import {
  contributionChanged,
  contributionDelta,
  contributionOf,
  type CounterDelta,
  type RateContribution,
  type RatesConfig,
} from '../domain/rates';
import type { AnalyticsTx } from '../store/analytics-store';
import type { ProjectionStore } from '../store/projection-store';
import type { RatesStore } from '../store/rates-store';

/** Corrections of a complaint: applied on their own, in their place among the batch's events. */
const singleContracts = [ComplaintUpdated, ComplaintMerged, ComplaintUnmerged, ComplaintClosedAtIntake, RepeatCallEscalated] as const;

/**
 * Analytics' read models, built from every service's events. The consumer hands over a batch of
 * events inside the inbox transaction, so a redelivered event changes nothing. A run of batched
 * events is applied set-wise (a dozen statements for up to a hundred events); a correction of a
 * complaint ends the run and is applied on its own, so events take effect in the order delivered.
 *
 * Counters are idempotent at the level of facts too: a complaint or dispatch counter moves only when
 * its fact is filled in for the first time, and a work order's rate counters move by the difference
 * between what its fact contributes now and what it contributed before — so the same fact announced
 * twice, or facts arriving in any order, give the same counts.
 */
export function createProjection(
  rates: RatesStore,
  writes: ProjectionStore,
  options: { config: RatesConfig; now: () => Date },
): EventProjection<AnalyticsTx> {
  const warning = options.config.earlyWarning;

  /** Brings the work orders' share of the rate counters in line with everything known about them: those named and those of the complaints named. */
  const reconcile = async (tx: AnalyticsTx, workOrderIds: Iterable<string>, complaintIds: Iterable<string>) => {
    const deltas: CounterDelta[] = [];
    const applied: Array<{ workOrderId: string; contribution: RateContribution }> = [];
    for (const loaded of await writes.loadRateFacts(tx, [...workOrderIds], [...complaintIds])) {
      const now = contributionOf(loaded.fact);
      const delta = contributionDelta(loaded.applied, now);
      if (contributionChanged(loaded.applied, now, delta)) {
        deltas.push(...delta);
        applied.push({ workOrderId: loaded.workOrderId, contribution: now });
      }
    }
    await writes.applyContributions(tx, deltas, applied);
  };

  /**
   * 未诉先办: once complaints are counted, each one's category in its street over the last 7 days is
   * compared with the weeks before; an abnormal rise raises EarlyWarningRaised (once per overlapping
   * window). Only live complaints are judged, so a replay or an import of history raises nothing.
   */
  const watchForRises = async (tx: AnalyticsTx, received: ReceivedRecord[]) => {
    const liveSince = dayOf(new Date(options.now().getTime() - warning.liveDays * 86_400_000));
    const areas = new Map<string, { district: string; streetId: string; categoryId: string; end: string }>();
    for (const fact of received) {
      const day = dayOf(fact.receivedAt);
      if (fact.streetId === null || day < liveSince) continue;
      const area = { district: fact.district, streetId: fact.streetId, categoryId: fact.categoryId, end: addDays(day, 1) };
      areas.set(JSON.stringify(area), area);
    }
    // Earlier windows first, so that a later one of the same area sees the warning just raised.
    const judged = [...areas.values()].sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
    const counts = await writes.weeklyCounts(tx, judged, warning.historyWeeks + 1);
    for (const [i, { end, ...area }] of judged.entries()) {
      const [observed, ...history] = counts[i]!;
      const verdict = assessWeek(observed ?? 0, history, warning);
      const windowStart = addDays(end, -7);
      if (!verdict.raise || (await rates.warnedSince(tx, area, windowStart))) continue;
      const raisedAt = options.now();
      const record = {
        warningId: newId(),
        ...area,
        windowStart,
        windowEnd: end,
        observed: verdict.observed,
        expected: verdict.expected,
        score: verdict.score,
        tailProbability: verdict.tailProbability,
        raisedAt,
      };
      await rates.recordWarning(tx, record);
      await writeOutbox(tx, [
        createEvent(EarlyWarningRaised, {
          subject: record.warningId,
          district: area.district,
          actor: 'system:analytics',
          traceparent: currentTraceparent(),
          occurredAt: raisedAt,
          data: {
            warningId: record.warningId,
            categoryId: area.categoryId,
            areaId: area.streetId,
            windowStart: startOfDay(windowStart).toISOString(),
            windowEnd: startOfDay(end).toISOString(),
            observed: verdict.observed,
            expected: verdict.expected,
            score: verdict.score,
            raisedAt: raisedAt.toISOString(),
          },
        }),
      ]);
    }
  };

  /** Writes a run of batched events: facts first, then the counters of facts new in it, then the rates. */
  const flush = async (tx: AnalyticsTx, batch: EventBatch) => {
    if (batch.size === 0) return;
    const received = [...batch.received.values()];
    const firstReceived = await writes.recordReceived(tx, received);
    const newlyReceived = received.filter((f) => firstReceived.has(f.complaintId));
    await writes.recordLeadUnits(tx, [...batch.leads.values()]);
    const dispatched = await writes.recordDispatched(tx, [...batch.dispatched.values()]);
    const deadlines = await writes.recordDeadlines(tx, [...batch.deadlines.values()]);
    await writes.recordWorkOrders(tx, [...batch.workOrders.values()]);
    await writes.recordCallbacks(tx, [...batch.callbacks.values()]);
    await writes.addToCounters(
      tx,
      'complaint_daily',
      newlyReceived.map((f) => ({ key: complaintCounterKey(f), delta: 1 })),
    );
    await writes.addToCounters(
      tx,
      'complaint_hourly',
      newlyReceived.map((f) => ({ key: { district: f.district, day: dayOf(f.receivedAt), hour: hourOf(f.receivedAt) }, delta: 1 })),
    );
    await writes.addToCounters(
      tx,
      'hotspot_daily',
      newlyReceived.flatMap((f) => {
        const spot = hotSpotKey(f);
        return spot ? [{ key: spot, delta: 1 }] : [];
      }),
    );
    await writes.addToCounters(
      tx,
      'work_order_daily',
      dispatched.map((f) => ({ key: workOrderCounterKey(f), delta: 1 })),
    );
    await writes.addToCounters(
      tx,
      'deadlines_daily',
      deadlines.map((f) => ({ key: deadlinesCounterKey(f), delta: 1 })),
    );
    await watchForRises(tx, newlyReceived);
    // Work orders that came before their complaint were counted without a street; now it is known.
    await reconcile(tx, batch.toReconcile, firstReceived);
  };

  /** A correction of a complaint, applied alone. */
  const correct = async (tx: AnalyticsTx, event: Envelope) => {
    if (isEventOf(ComplaintUpdated, event)) {
      const d = event.data;
      const moved = await rates.updateComplaint(tx, d.complaintId, {
        categoryId: d.categoryId,
        urgency: d.urgency,
        areaType: d.areaType,
        streetId: d.region === undefined ? undefined : d.region.street,
        location: d.location,
      });
      // The count leaves its old key and joins its new one; when both are the same, nothing moves.
      if (moved.before && moved.after)
        await writes.addToCounters(tx, 'complaint_daily', [
          { key: moved.before, delta: -1 },
          { key: moved.after, delta: 1 },
        ]);
      const spots = [
        ...(moved.spotBefore ? [{ key: moved.spotBefore, delta: -1 }] : []),
        ...(moved.spotAfter ? [{ key: moved.spotAfter, delta: 1 }] : []),
      ];
      await writes.addToCounters(tx, 'hotspot_daily', spots);
      if (moved.streetChanged) await reconcile(tx, [], [d.complaintId]);
    } else if (isEventOf(ComplaintMerged, event)) {
      await rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { mergedInto: event.data.intoComplaintId });
    } else if (isEventOf(ComplaintUnmerged, event)) {
      await rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { mergedInto: null });
    } else if (isEventOf(ComplaintClosedAtIntake, event)) {
      await rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { closedAtIntakeAt: new Date(event.data.closedAt) });
    } else if (isEventOf(RepeatCallEscalated, event)) {
      await rates.recordComplaintOutcome(tx, event.data.complaintId, event.district, { repeatCalls: event.data.calls });
    }
  };

  return {
    contracts: [...batchedContracts, ...singleContracts],
    async apply(events, tx) {
      let batch = new EventBatch();
      for (const event of events) {
        if (batch.add(event)) continue;
        await flush(tx, batch);
        batch = new EventBatch();
        await correct(tx, event);
      }
      await flush(tx, batch);
    },
  };
}
