import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Backlog, TestSystem } from '../test-system';
import type { Graph } from './graph';

/** One case as the four services show it through the graph. */
export interface CaseView {
  id: string;
  intakeState: string;
  status: string;
  mergedInto: { id: string } | null;
  complainant: { anonymous: boolean; phone: string | null };
  reporters: Array<{ complaint: { id: string }; complainant: { anonymous: boolean; phone: string | null } }>;
  workOrders: Array<{ id: string; state: string; role: string; unit: { id: string } }>;
  deadlines: Array<{ kind: string; state: string; workOrderId: string }>;
  callback: { id: string; state: string } | null;
}

export interface Snapshot {
  cases: CaseView[];
  intakeTotal: number;
  analytics: { complaintsReceived: number; workOrdersDispatched: number; byUnit: Record<string, number> };
}

const caseQuery = `query Case($id: ID!) {
  complaint(id: $id) {
    id intakeState status mergedInto { id }
    complainant { anonymous phone }
    reporters { complaint { id } complainant { anonymous phone } }
    workOrders { id state role unit { id } }
    deadlines { kind state workOrderId }
    callback { id state }
  }
}`;

const summaryQuery = `{ districtSummary { complaintsReceived workOrdersDispatched byUnit(first: 100) { count unit { id } } } }`;

export async function readSnapshot(graph: Graph, ids: readonly string[]): Promise<Snapshot> {
  const cases: CaseView[] = [];
  for (const id of ids) cases.push((await graph.read<{ complaint: CaseView }>('supervisor', caseQuery, { id })).complaint);
  const intake = await graph.read<{ complaints: { totalCount: number } }>('agent', `{ complaints(first: 1) { totalCount } }`);
  const summary = await graph.read<{
    districtSummary: { complaintsReceived: number; workOrdersDispatched: number; byUnit: Array<{ count: number; unit: { id: string } }> };
  }>('analyst', summaryQuery);
  const s = summary.districtSummary;
  return {
    cases,
    intakeTotal: intake.complaints.totalCount,
    analytics: {
      complaintsReceived: s.complaintsReceived,
      workOrdersDispatched: s.workOrdersDispatched,
      byUnit: Object.fromEntries(s.byUnit.map((u) => [u.unit.id, u.count])),
    },
  };
}

const quietBacklog = (b: Backlog) => b.bus === 0 && Object.values(b.outbox).every((n) => n === 0);

/**
 * Waits until the system is quiet: every outbox empty, the bus without backlog, and two reads of the
 * graph a moment apart the same (timers and projections have nothing left to do). Returns the last
 * snapshot and backlog, at the timeout too, so the invariants show what is still missing.
 */
export async function quietSnapshot(
  system: TestSystem,
  graph: Graph,
  ids: readonly string[],
  timeoutMs = 30_000,
): Promise<{ snapshot: Snapshot; backlog: Backlog; quiet: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let previous: Snapshot | null = null;
  for (;;) {
    const backlog = await system.backlog();
    const snapshot = quietBacklog(backlog) ? await readSnapshot(graph, ids) : null;
    if (snapshot && previous && isDeepStrictEqual(snapshot, previous) && quietBacklog(await system.backlog()))
      return { snapshot, backlog, quiet: true };
    if (Date.now() > deadline) return { snapshot: snapshot ?? (await readSnapshot(graph, ids)), backlog, quiet: false };
    previous = snapshot;
    await sleep(300);
  }
}

/** Work-order states after which the order asks nothing more of anyone. */
export const ENDED_ORDER = new Set(['CLOSED', 'RETURNED', 'REROUTED', 'TRANSFERRED']);
/** Deadline states still waiting for something to happen. */
const UNMET = new Set(['PENDING', 'PAUSED', 'OVERDUE']);
/** Cases that carry no work of their own: the answer was given at intake, or another case carries it. */
const WITHOUT_WORK = new Set(['CLOSED_AT_INTAKE', 'MERGED']);
/** Case statuses with no active lead by design: closed, handed on, or waiting for a dispatcher to re-dispatch or arbitrate. */
const WITHOUT_LEAD = new Set(['CLOSED', 'TRANSFERRED', 'RETURNED', 'ARBITRATION']);

export const reachable = (c: { anonymous: boolean; phone: string | null }) => !c.anonymous && !!c.phone;

export interface Violation {
  invariant: 'one-active-lead' | 'no-pending-deadline-when-ended' | 'callback-for-reachable' | 'analytics-counts' | 'nothing-left-behind';
  detail: string;
  /** The intake state of the case (or report) it concerns, when it concerns one. */
  intakeState?: string;
}

/**
 * The invariants across the four services, on a quiet system, for the cases of one run: `snapshot`
 * holds those cases (read through the graph); `before` is the quiet system before the run, so counts
 * are compared by how much they grew and earlier runs' cases do not count against this one.
 */
export function checkInvariants(
  snapshot: Snapshot,
  before: { snapshot: Snapshot; backlog: Backlog },
  backlog: Backlog,
  quiet: boolean,
): Violation[] {
  const violations: Violation[] = [];
  const byId = new Map(snapshot.cases.map((c) => [c.id, c]));
  for (const c of snapshot.cases) {
    const active = c.workOrders.filter((o) => !ENDED_ORDER.has(o.state));
    const activeLeads = active.filter((o) => o.role === 'LEAD');
    // 1. An open case has exactly one active lead order; a case closed at intake or merged has no active order at all.
    if (WITHOUT_WORK.has(c.intakeState)) {
      if (active.length > 0)
        violations.push({
          invariant: 'one-active-lead',
          intakeState: c.intakeState,
          detail: `${c.id} is ${c.intakeState} but has active orders ${active.map((o) => `${o.role}:${o.state}`).join(', ')}`,
        });
    } else if (!WITHOUT_LEAD.has(c.status) && activeLeads.length !== 1) {
      violations.push({
        invariant: 'one-active-lead',
        intakeState: c.intakeState,
        detail: `${c.id} (${c.intakeState}/${c.status}) has ${activeLeads.length} active lead orders`,
      });
    } else if (activeLeads.length > 1) {
      violations.push({
        invariant: 'one-active-lead',
        intakeState: c.intakeState,
        detail: `${c.id} (${c.status}) has ${activeLeads.length} active lead orders`,
      });
    }
    // 2. Nothing ended has a deadline still waiting.
    const ended = new Set(c.workOrders.filter((o) => ENDED_ORDER.has(o.state) || WITHOUT_WORK.has(c.intakeState)).map((o) => o.id));
    for (const d of c.deadlines)
      if (ended.has(d.workOrderId) && UNMET.has(d.state))
        violations.push({
          invariant: 'no-pending-deadline-when-ended',
          intakeState: c.intakeState,
          detail: `${c.id} (${c.intakeState}/${c.status}): ${d.kind} deadline ${d.state} on ended order ${d.workOrderId}`,
        });
    // 3. Every reachable reporter of a closed case is called back; nobody unreachable gets a callback task.
    if (c.status === 'CLOSED' && !WITHOUT_WORK.has(c.intakeState)) {
      for (const r of c.reporters) {
        const report = byId.get(r.complaint.id);
        if (!report) continue;
        if (reachable(r.complainant) && !report.callback)
          violations.push({
            invariant: 'callback-for-reachable',
            detail: `reporter ${report.id} of closed case ${c.id} has no callback task`,
          });
      }
    }
    if (c.callback && !reachable(c.complainant))
      violations.push({
        invariant: 'callback-for-reachable',
        intakeState: c.intakeState,
        detail: `${c.id} has a callback task but nobody can be called`,
      });
  }
  // 4. Analytics' counts grew by what intake and dispatch hold for these cases (the system before them was quiet too).
  const orders = snapshot.cases.flatMap((c) => c.workOrders);
  const perUnit: Record<string, number> = {};
  for (const o of orders) perUnit[o.unit.id] = (perUnit[o.unit.id] ?? 0) + 1;
  const a = snapshot.analytics;
  const b = before.snapshot.analytics;
  const grown: Record<string, number> = {};
  for (const unit of new Set([...Object.keys(a.byUnit), ...Object.keys(b.byUnit)])) {
    const delta = (a.byUnit[unit] ?? 0) - (b.byUnit[unit] ?? 0);
    if (delta !== 0) grown[unit] = delta;
  }
  const submitted = snapshot.cases.length;
  if (a.complaintsReceived - b.complaintsReceived !== submitted || snapshot.intakeTotal - before.snapshot.intakeTotal !== submitted)
    violations.push({
      invariant: 'analytics-counts',
      detail: `complaints submitted ${submitted}: analytics counted ${a.complaintsReceived - b.complaintsReceived}, intake ${snapshot.intakeTotal - before.snapshot.intakeTotal}`,
    });
  if (a.workOrdersDispatched - b.workOrdersDispatched !== orders.length)
    violations.push({
      invariant: 'analytics-counts',
      detail: `work orders: analytics counted ${a.workOrdersDispatched - b.workOrdersDispatched}, dispatch holds ${orders.length}`,
    });
  if (!isDeepStrictEqual(sorted(grown), sorted(perUnit)))
    violations.push({
      invariant: 'analytics-counts',
      detail: `orders by unit: analytics counted ${JSON.stringify(sorted(grown))}, dispatch holds ${JSON.stringify(sorted(perUnit))}`,
    });
  // 5. No outbox row, bus backlog or dead letter left behind.
  if (!quiet || !quietBacklog(backlog) || backlog.deadLetters > before.backlog.deadLetters)
    violations.push({ invariant: 'nothing-left-behind', detail: `backlog ${JSON.stringify(backlog)}${quiet ? '' : ' (never quiet)'}` });
  return violations;
}

const sorted = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).sort(([x], [y]) => x.localeCompare(y)));
