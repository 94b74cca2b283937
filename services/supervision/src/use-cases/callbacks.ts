import {
  badInput,
  CallbackRecorded,
  CaseExempted,
  CaseSentBack,
  conflict,
  createEvent,
  currentTraceparent,
  decodeCursor,
  forbidden,
  newId,
  notFound,
  pageArgs,
  parseInput,
  ratings,
  requireRole,
  toConnection,
  writeOutbox,
  type EventOf,
  type RequestCaller,
  type WorkOrderClosed,
} from '@hotline/shared';
import { z } from 'zod';
import {
  approveExemption,
  CallbackRuleBroken,
  needsSupervision,
  record,
  requestExemption,
  sendBack,
  type CallbackTaskRecord,
} from '../domain/callbacks';
import type { SupervisionStore, SupervisionTx } from '../store/supervision-store';
import type { SupervisionOrders } from './supervision-orders';

export interface CallbacksDeps {
  store: SupervisionStore;
  orders: SupervisionOrders;
  now: () => Date;
  /** Send-backs of one order after which a dissatisfied case also goes under supervision. */
  rehandleLimit: number;
}

/** Who calls citizens back: hotline agents and the inspection office. */
const callers = ['agent', 'supervisor', 'admin'] as const;
/** Who reviews a dissatisfied case: the inspection office and administrators. */
const reviewers = ['supervisor', 'admin'] as const;
const readers = ['agent', 'supervisor', 'admin', 'city'] as const;

const taskId = z.uuid('is not a callback id');
const recordInput = z.object({ id: taskId, contacted: z.boolean().nullable(), solved: z.boolean().nullable(), rating: z.enum(ratings) });
const reasonInput = z.object({ id: taskId, reason: z.string().trim().min(2, 'must give the reason').max(2000) });
const listFilter = z.object({ state: z.string().nullish(), unitId: z.string().nullish() }).nullish();
const callbackCursor = z.tuple([z.iso.datetime({ offset: true }).transform((at) => new Date(at)), z.uuid()]);

/** Callbacks: a task when an order closes, the citizen's answers, and the review of a dissatisfied case. */
export function createCallbacks(deps: CallbacksDeps) {
  const ref = (t: CallbackTaskRecord) => ({ workOrderId: t.workOrderId, complaintId: t.complaintId, unitId: t.unitId });
  const meta = (t: CallbackTaskRecord, actor: string, at: Date) => ({
    subject: t.complaintId,
    district: t.district,
    actor,
    traceparent: currentTraceparent(),
    occurredAt: at,
  });
  const ruled = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CallbackRuleBroken) throw conflict(error.message);
      throw error;
    }
  };

  /** Loads a task the caller may act on (their district, any for city-level callers), changes it, and writes its events. */
  async function change(
    caller: { sub: string; district: string; roles: readonly string[] },
    id: string,
    fn: (tx: SupervisionTx, task: CallbackTaskRecord, at: Date) => Promise<CallbackTaskRecord>,
  ) {
    const at = deps.now();
    return deps.store.transaction(async (tx) => {
      const task = await deps.store.callbackById(tx, id);
      if (!task) throw notFound('callback', id);
      if (!caller.roles.includes('city') && task.district !== caller.district)
        throw forbidden(`callback ${id} is not in district ${caller.district}`);
      return fn(tx, task, at);
    });
  }

  return {
    /** A closed order makes a callback due; a closing announced again while its callback is still due adds none. */
    async orderClosed(tx: SupervisionTx, event: EventOf<typeof WorkOrderClosed>): Promise<void> {
      const earlier = await deps.store.callbacksOfOrder(tx, event.data.workOrderId);
      if (earlier.at(-1)?.state === 'DUE') return;
      await deps.store.insertCallback(tx, {
        id: newId(),
        district: event.district,
        complaintId: event.data.complaintId,
        workOrderId: event.data.workOrderId,
        unitId: event.data.unitId,
        attempt: earlier.length + 1,
        state: 'DUE',
        dueAt: new Date(event.data.closedAt),
        contacted: null,
        solved: null,
        rating: null,
        recordedBy: null,
        recordedAt: null,
        reviewReason: null,
        exemptionRequestedBy: null,
        reviewedBy: null,
        reviewedAt: null,
      });
    },

    async record(caller: RequestCaller, input: unknown) {
      const agent = requireRole(caller, ...callers);
      const args = parseInput(recordInput, input);
      return change(agent, args.id, async (tx, task, at) => {
        const updated = await deps.store.updateCallback(
          tx,
          task.id,
          ruled(() => record(task, args, agent.sub, at)),
        );
        await writeOutbox(tx, [
          createEvent(CallbackRecorded, {
            ...meta(task, agent.sub, at),
            data: {
              ...ref(task),
              callbackId: task.id,
              contacted: args.contacted,
              solved: args.solved,
              rating: args.rating,
              recordedAt: at.toISOString(),
            },
          }),
        ]);
        return updated;
      });
    },

    async requestExemption(caller: RequestCaller, input: unknown) {
      const reviewer = requireRole(caller, ...reviewers);
      const args = parseInput(reasonInput, input);
      return change(reviewer, args.id, (tx, task) =>
        deps.store.updateCallback(
          tx,
          task.id,
          ruled(() => requestExemption(task, args.reason, reviewer.sub)),
        ),
      );
    },

    async approveExemption(caller: RequestCaller, input: unknown) {
      const reviewer = requireRole(caller, ...reviewers);
      const args = parseInput(z.object({ id: taskId }), input);
      return change(reviewer, args.id, async (tx, task, at) => {
        const updated = await deps.store.updateCallback(
          tx,
          task.id,
          ruled(() => approveExemption(task, reviewer.sub, at)),
        );
        await writeOutbox(tx, [
          createEvent(CaseExempted, {
            ...meta(task, reviewer.sub, at),
            data: { ...ref(task), reason: task.reviewReason ?? '', approvedBy: reviewer.sub, exemptedAt: at.toISOString() },
          }),
        ]);
        return updated;
      });
    },

    /** Sends the case back for re-handling (dispatch reopens it); at the limit of send-backs it also goes under supervision. */
    async sendBack(caller: RequestCaller, input: unknown) {
      const reviewer = requireRole(caller, ...reviewers);
      const args = parseInput(reasonInput, input);
      return change(reviewer, args.id, async (tx, task, at) => {
        const updated = await deps.store.updateCallback(
          tx,
          task.id,
          ruled(() => sendBack(task, args.reason, reviewer.sub, at)),
        );
        const rehandles = (await deps.store.callbacksOfOrder(tx, task.workOrderId)).filter((t) => t.state === 'SENT_BACK').length;
        await writeOutbox(tx, [
          createEvent(CaseSentBack, {
            ...meta(task, reviewer.sub, at),
            data: { ...ref(task), reason: args.reason, rehandles, sentBackAt: at.toISOString() },
          }),
        ]);
        if (needsSupervision(rehandles, deps.rehandleLimit))
          await deps.orders.dissatisfied(
            tx,
            { district: task.district, complaintId: task.complaintId, unitId: task.unitId },
            rehandles,
            at,
          );
        return updated;
      });
    },

    /** Callback tasks of the caller's district, earliest due first (filter.state DUE: the ones to call). */
    async list(caller: RequestCaller, args: { filter?: unknown; first?: unknown; after?: unknown }) {
      const reader = requireRole(caller, ...readers);
      const filter = parseInput(listFilter, args.filter ?? undefined, 'filter') ?? {};
      const page = parseInput(pageArgs, { first: args.first ?? undefined, after: args.after ?? undefined });
      const key = decodeCursor(page.after);
      let after: { dueAt: Date; id: string } | null = null;
      if (key) {
        const parsed = callbackCursor.safeParse(key);
        if (!parsed.success) throw badInput('after', 'is not a cursor from this list');
        after = { dueAt: parsed.data[0], id: parsed.data[1] };
      }
      const { rows, total } = await deps.store.listCallbacks({
        district: reader.roles.includes('city') ? null : reader.district,
        state: filter.state ?? null,
        unitId: filter.unitId ?? null,
        after,
        limit: page.first + 1,
      });
      return toConnection(rows, page.first, (t) => [t.dueAt.toISOString(), t.id], total);
    },

    /** The callback record is the citizen's voice: agents, the inspection office and those above it, and the handlers of the unit concerned. */
    visibleTo(caller: RequestCaller, tasks: readonly CallbackTaskRecord[]): CallbackTaskRecord[] {
      if (!caller) return [];
      const inDistrict = tasks.filter((t) => caller.roles.includes('city') || t.district === caller.district);
      if (readers.some((r) => caller.roles.includes(r))) return inDistrict;
      if (caller.roles.includes('handler')) return inDistrict.filter((t) => t.unitId === caller.unit);
      return [];
    },
  };
}
export type Callbacks = ReturnType<typeof createCallbacks>;
