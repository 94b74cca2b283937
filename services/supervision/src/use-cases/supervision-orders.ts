import {
  badInput,
  conflict,
  createEvent,
  currentTraceparent,
  decodeCursor,
  forbidden,
  hasRole,
  newId,
  notFound,
  pageArgs,
  parseInput,
  requireRole,
  SupervisionOrderChanged,
  toConnection,
  writeOutbox,
  type DeadlineOverdue,
  type EventOf,
  type Logger,
  type RepeatCallEscalated,
  type RequestCaller,
} from '@hotline/shared';
import { z } from 'zod';
import {
  close,
  escalate,
  escalationDueAt,
  type EscalationLimits,
  openingLevel,
  raiseTo,
  supervisionLevels,
  SupervisionRuleBroken,
  type SupervisionCause,
  type SupervisionLevel,
  type SupervisionOrderRecord,
} from '../domain/supervision-orders';
import type { SupervisionStore, SupervisionTx } from '../store/supervision-store';

export interface SupervisionOrdersDeps {
  store: SupervisionStore;
  now: () => Date;
  logger: Logger;
  /** Hours an order may stay open at each level before it is raised by itself; absent: only by hand. */
  escalation?: EscalationLimits;
}

/** Who opens, escalates and closes orders: the inspection office and administrators. */
const inspectors = ['supervisor', 'admin'] as const;
/** Who reads every unit's orders: the inspection office and those above it; a handler reads their own unit's. */
const watchers = ['supervisor', 'admin', 'city'] as const;

const text = (what: string) => z.string().trim().min(2, `must say ${what}`).max(2000);
const openInput = z.object({
  complaintId: z.string().trim().min(1, 'is required'),
  unitId: z.string().trim().min(1, 'is required'),
  level: z.enum(supervisionLevels).default('REMINDER'),
  note: text('why the case is supervised'),
  keySupervision: z.boolean().default(false),
});
const escalateInput = z.object({ id: z.uuid('is not a supervision order id'), note: text('why it is escalated') });
const closeInput = z.object({
  id: z.uuid('is not a supervision order id'),
  note: text('why the order is settled'),
  evidence: z.array(z.string().trim().min(1, 'must not be empty').max(2000)).min(1, 'at least one piece of evidence is required').max(50),
});
const keyInput = z.object({ id: z.uuid('is not a supervision order id'), key: z.boolean() });
const listFilter = z
  .object({ state: z.enum(['OPEN', 'CLOSED']).nullish(), unitId: z.string().nullish(), keySupervision: z.boolean().nullish() })
  .nullish();
const orderCursor = z.tuple([z.iso.datetime({ offset: true }).transform((at) => new Date(at)), z.uuid()]);

/** Supervision orders: opened by rules (overdue, repeat calls) or by an inspector, escalated, and closed with evidence. */
export function createSupervisionOrders(deps: SupervisionOrdersDeps) {
  const changed = (order: SupervisionOrderRecord, at: Date) =>
    createEvent(SupervisionOrderChanged, {
      subject: order.complaintId,
      district: order.district,
      actor: 'system:supervision',
      traceparent: currentTraceparent(),
      occurredAt: at,
      data: {
        orderId: order.id,
        complaintId: order.complaintId,
        unitId: order.unitId,
        level: order.level,
        state: order.state,
        cause: order.cause,
        changedAt: at.toISOString(),
      },
    });

  /** Opens an order for the cause, or raises the open one of the same case and unit to the cause's level. */
  async function openOrRaise(
    tx: SupervisionTx,
    subject: { district: string; complaintId: string; unitId: string },
    cause: SupervisionCause,
    by: string,
    at: Date,
    options: { level?: SupervisionLevel; note?: string | null; keySupervision?: boolean } = {},
  ) {
    const level = options.level ?? openingLevel(cause);
    const open = await deps.store.openOrderOf(tx, subject.complaintId, subject.unitId);
    if (open) {
      const raised = raiseTo(open, level, at);
      if (!raised) return open;
      const updated = await deps.store.updateOrder(tx, open.id, raised);
      await writeOutbox(tx, [changed(updated, at)]);
      return updated;
    }
    const order: SupervisionOrderRecord = {
      id: newId(),
      ...subject,
      level,
      state: 'OPEN',
      cause,
      keySupervision: options.keySupervision ?? false,
      note: options.note ?? null,
      openedBy: by,
      openedAt: at,
      escalatedAt: null,
      closedBy: null,
      closedAt: null,
      closingNote: null,
      evidence: [],
    };
    await deps.store.insertOrder(tx, order);
    await writeOutbox(tx, [changed(order, at)]);
    return order;
  }

  /** An order the caller may change: it exists and lies in their district (any district for city-level callers). */
  async function ownOrder(
    tx: SupervisionTx,
    caller: { district: string; roles: readonly string[] },
    id: string,
  ): Promise<SupervisionOrderRecord> {
    const order = await deps.store.orderById(tx, id);
    if (!order) throw notFound('supervision order', id);
    if (!caller.roles.includes('city') && order.district !== caller.district)
      throw forbidden(`supervision order ${id} is not in district ${caller.district}`);
    return order;
  }

  const ruled = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof SupervisionRuleBroken) throw conflict(error.message);
      throw error;
    }
  };

  return {
    /** A deadline passed unmet: the unit gets a reminder (one open order per case and unit). */
    async deadlineOverdue(tx: SupervisionTx, event: EventOf<typeof DeadlineOverdue>): Promise<void> {
      const d = event.data;
      await openOrRaise(
        tx,
        { district: event.district, complaintId: d.complaintId, unitId: d.unitId },
        'OVERDUE',
        'system:supervision',
        new Date(d.overdueAt),
      );
    },

    /** A case the citizen stayed dissatisfied with through its re-handlings goes under supervision. */
    async dissatisfied(
      tx: SupervisionTx,
      subject: { district: string; complaintId: string; unitId: string },
      rehandles: number,
      at: Date,
    ): Promise<SupervisionOrderRecord> {
      return openOrRaise(tx, subject, 'DISSATISFIED', 'system:supervision', at, { note: `dissatisfied after ${rehandles} re-handlings` });
    },

    /**
     * The same problem called in again and again: the unit holding the case is put under supervision.
     * A case supervision has no deadlines of (not dispatched yet) is the command centre's.
     */
    async repeatCallEscalated(tx: SupervisionTx, event: EventOf<typeof RepeatCallEscalated>): Promise<void> {
      const holder = await deps.store.currentUnitOf(tx, event.data.complaintId);
      const unitId = holder?.unitId ?? `unit-${event.district}-command`;
      await openOrRaise(
        tx,
        { district: event.district, complaintId: event.data.complaintId, unitId },
        'REPEAT_CALL',
        'system:supervision',
        new Date(event.data.escalatedAt),
        {
          note: `called in ${event.data.calls} times`,
        },
      );
    },

    async open(caller: RequestCaller, input: unknown): Promise<SupervisionOrderRecord> {
      const inspector = requireRole(caller, ...inspectors);
      const args = parseInput(openInput, input, 'input');
      const at = deps.now();
      return deps.store.transaction(async (tx) => {
        const holder = await deps.store.currentUnitOf(tx, args.complaintId);
        const district = holder?.district ?? inspector.district;
        if (!inspector.roles.includes('city') && district !== inspector.district)
          throw forbidden(`complaint ${args.complaintId} is not in district ${inspector.district}`);
        return openOrRaise(tx, { district, complaintId: args.complaintId, unitId: args.unitId }, 'MANUAL', inspector.sub, at, {
          level: args.level,
          note: args.note,
          keySupervision: args.keySupervision,
        });
      });
    },

    /** When an open order will be raised by itself, if nobody settles it first. */
    escalatesAt: (order: SupervisionOrderRecord): Date | null => (deps.escalation ? escalationDueAt(order, deps.escalation) : null),

    /**
     * Raises every open order that stood at its level longer than that level allows (reminder → supervision
     * → interview of the unit head), once per level, with SupervisionOrderChanged. Run periodically; safe
     * on several replicas at once. Returns the orders raised.
     */
    async escalateStale(batch = 200): Promise<SupervisionOrderRecord[]> {
      const limits = deps.escalation;
      if (!limits) return [];
      const now = deps.now();
      const cutoff = (hours: number | null) => (hours === null ? null : new Date(now.getTime() - hours * 3600_000));
      return deps.store.transaction(async (tx) => {
        const stale = await deps.store.ordersToEscalate(
          tx,
          { REMINDER: cutoff(limits.REMINDER), SUPERVISION: cutoff(limits.SUPERVISION) },
          batch,
        );
        const raised: SupervisionOrderRecord[] = [];
        for (const order of stale) {
          const hours = limits[order.level as keyof EscalationLimits]!;
          const patch = escalate(order, now);
          const note = `raised to ${patch.level} automatically: open ${hours} h at ${order.level} without being settled`;
          raised.push(await deps.store.updateOrder(tx, order.id, { ...patch, note: order.note ? `${order.note}\n${note}` : note }));
        }
        if (raised.length > 0)
          await writeOutbox(
            tx,
            raised.map((o) => changed(o, now)),
          );
        return raised;
      });
    },

    async escalate(caller: RequestCaller, input: { id: unknown; note: unknown }): Promise<SupervisionOrderRecord> {
      const inspector = requireRole(caller, ...inspectors);
      const args = parseInput(escalateInput, input);
      const at = deps.now();
      return deps.store.transaction(async (tx) => {
        const order = await ownOrder(tx, inspector, args.id);
        const patch = ruled(() => escalate(order, at));
        const updated = await deps.store.updateOrder(tx, order.id, {
          ...patch,
          note: order.note ? `${order.note}\n${args.note}` : args.note,
        });
        await writeOutbox(tx, [changed(updated, at)]);
        return updated;
      });
    },

    async close(caller: RequestCaller, input: { id: unknown; note: unknown; evidence: unknown }): Promise<SupervisionOrderRecord> {
      const inspector = requireRole(caller, ...inspectors);
      const args = parseInput(closeInput, input);
      const at = deps.now();
      return deps.store.transaction(async (tx) => {
        const order = await ownOrder(tx, inspector, args.id);
        const updated = await deps.store.updateOrder(
          tx,
          order.id,
          ruled(() => close(order, inspector.sub, at, args.note, args.evidence)),
        );
        await writeOutbox(tx, [changed(updated, at)]);
        return updated;
      });
    },

    /** Puts an order on (or takes it off) the key-supervision list (重点督办). */
    async markKey(caller: RequestCaller, input: { id: unknown; key: unknown }): Promise<SupervisionOrderRecord> {
      const inspector = requireRole(caller, ...inspectors);
      const args = parseInput(keyInput, input);
      return deps.store.transaction(async (tx) => {
        const order = await ownOrder(tx, inspector, args.id);
        return deps.store.updateOrder(tx, order.id, { keySupervision: args.key });
      });
    },

    /** Orders of the caller's district, newest first: every unit's for the inspection office, a handler's own unit's. */
    async list(caller: RequestCaller, args: { filter?: unknown; first?: unknown; after?: unknown }) {
      const reader = requireRole(caller, ...watchers, 'handler');
      const filter = parseInput(listFilter, args.filter ?? undefined, 'filter') ?? {};
      let unitId = filter.unitId ?? null;
      if (!hasRole(reader, ...watchers)) {
        if (unitId && unitId !== reader.unit) throw forbidden('a handler sees the supervision orders of their own unit only');
        unitId = reader.unit ?? '';
      }
      const page = parseInput(pageArgs, { first: args.first ?? undefined, after: args.after ?? undefined });
      const key = decodeCursor(page.after);
      let after: { openedAt: Date; id: string } | null = null;
      if (key) {
        const parsed = orderCursor.safeParse(key);
        if (!parsed.success) throw badInput('after', 'is not a cursor from this list');
        after = { openedAt: parsed.data[0], id: parsed.data[1] };
      }
      const { rows, total } = await deps.store.listOrders({
        district: reader.roles.includes('city') ? null : reader.district,
        state: filter.state ?? null,
        unitId,
        keySupervision: filter.keySupervision ?? null,
        after,
        limit: page.first + 1,
      });
      return toConnection(rows, page.first, (o) => [o.openedAt.toISOString(), o.id], total);
    },

    /** Orders are the inspection office's business: readable by it, those above it, and the handlers of the unit concerned. */
    visibleTo(caller: RequestCaller, orders: readonly SupervisionOrderRecord[]): SupervisionOrderRecord[] {
      if (!caller) return [];
      const inDistrict = orders.filter((o) => caller.roles.includes('city') || o.district === caller.district);
      if (hasRole(caller, ...watchers)) return inDistrict;
      if (hasRole(caller, 'handler')) return inDistrict.filter((o) => o.unitId === caller.unit);
      return [];
    },
  };
}
export type SupervisionOrders = ReturnType<typeof createSupervisionOrders>;
