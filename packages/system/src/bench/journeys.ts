import { performance } from 'node:perf_hooks';
import { Latencies } from './stats';

/** What the bus tells about a work order besides its complaint: when dispatch handled the complaint, and when its relay produced the event (epoch ms). */
export interface DispatchMarks {
  handledAt?: number;
  producedAt?: number;
}

/** The legs of a complaint's way to its work order, each in ms; a leg is recorded only when both its ends were seen. */
export const legs = [
  ['intake', 'submit sent → ComplaintReceived produced (HTTP, gateway, intake transaction, outbox relay)'],
  ['to dispatch', '→ dispatch handled it (Kafka delivery, consumer queue)'],
  ['dispatch out', '→ WorkOrderDispatched produced (dispatch transaction, outbox relay)'],
  ['to observer', '→ seen by the benchmark (Kafka delivery)'],
] as const;
export type Leg = (typeof legs)[number][0];

interface Sent {
  sentAt: number;
  measured: boolean;
}

/**
 * Pairs each accepted complaint with its work order as they are seen, in whichever order the answer
 * to the submit and the event arrive, and keeps the latencies of complaints sent within the window.
 */
export class Journeys {
  readonly submit = new Latencies();
  readonly toWorkOrder = new Latencies();
  readonly legs = new Map<Leg, Latencies>(legs.map(([leg]) => [leg, new Latencies()]));
  readonly failures = new Map<string, number>();
  submitted = 0;
  /** Complaints accepted in the whole run, warm-up and all. */
  acceptedTotal = 0;
  /** Work orders first seen within the window, whichever complaint they belong to. */
  dispatched = 0;

  private readonly waiting = new Map<string, Sent>();
  private readonly early = new Map<string, { seenAt: number; marks: DispatchMarks }>();
  private readonly received = new Map<string, number>();
  private readonly seen = new Set<string>();

  constructor(private readonly measured: (at: number) => boolean) {}

  /** Accepted complaints whose work order has not been seen yet. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Of those, the ones sent within the window. */
  get pendingMeasured(): number {
    return [...this.waiting.values()].filter((w) => w.measured).length;
  }

  accepted(complaintId: string, sentAt: number, answeredAt: number): void {
    const sent = { sentAt, measured: this.measured(sentAt) };
    this.acceptedTotal++;
    if (sent.measured) {
      this.submitted++;
      this.submit.add(answeredAt - sentAt);
    }
    const early = this.early.get(complaintId);
    if (!early) {
      this.waiting.set(complaintId, sent);
      return;
    }
    this.early.delete(complaintId);
    this.complete(complaintId, sent, early.seenAt, early.marks);
  }

  failed(kind: string, sentAt: number): void {
    if (this.measured(sentAt)) this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }

  /** ComplaintReceived was produced to the bus at `producedAt` (epoch ms). */
  receivedProduced(complaintId: string, producedAt: number): void {
    this.received.set(complaintId, producedAt);
  }

  dispatchedSeen(complaintId: string, seenAt: number, marks: DispatchMarks): void {
    // A redelivered or republished event is the same work order.
    if (this.seen.has(complaintId)) return;
    this.seen.add(complaintId);
    if (this.measured(seenAt)) this.dispatched++;
    const sent = this.waiting.get(complaintId);
    if (!sent) {
      this.early.set(complaintId, { seenAt, marks });
      return;
    }
    this.waiting.delete(complaintId);
    this.complete(complaintId, sent, seenAt, marks);
  }

  private complete(complaintId: string, sent: Sent, seenAt: number, marks: DispatchMarks): void {
    const intakeProduced = this.received.get(complaintId);
    this.received.delete(complaintId);
    if (!sent.measured) return;
    this.toWorkOrder.add(seenAt - sent.sentAt);
    // The marks are wall-clock times from other processes on this machine; the benchmark's own are monotonic.
    const wall = (at: number) => performance.timeOrigin + at;
    const points = [wall(sent.sentAt), intakeProduced, marks.handledAt, marks.producedAt, wall(seenAt)];
    legs.forEach(([leg], i) => {
      const from = points[i];
      const to = points[i + 1];
      if (from !== undefined && to !== undefined) this.legs.get(leg)!.add(to - from);
    });
  }
}
