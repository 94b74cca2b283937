import {
  badInput,
  CaseSentBack,
  CitizenContacted,
  ComplaintTransferred,
  conflict,
  createEvent,
  currentTraceparent,
  ExtensionDecided,
  ExtensionRequested,
  forbidden,
  newId,
  notFound,
  parseInput,
  ProgressNoted,
  requireRole,
  WorkOrderAccepted,
  WorkOrderClosed,
  WorkOrderDispatched,
  WorkOrderReopened,
  WorkOrderReplied,
  WorkOrderRerouted,
  WorkOrderReturned,
  WorkStarted,
  writeOutbox,
  type Caller,
  type Envelope,
  type EventOf,
  type Logger,
  type RequestCaller,
  type Role,
} from '@hotline/shared';
import { z } from 'zod';
import { historyOf } from '../domain/history';
import {
  assertNever,
  decide,
  decideCase,
  evolve,
  returnReasonCodes,
  returnsOf,
  type CaseCommand,
  type WorkOrderCommand,
  type WorkOrderEvent,
} from '../domain/work-order-machine';
import { ruleChoosing } from '../domain/routing';
import {
  assistOrders,
  leadOrdersOf,
  placedOrder,
  routingRequestOf,
  workOrderStates,
  type CaseRecord,
  type WorkOrderRecord,
} from '../domain/work-orders';
import type { DispatchStore, DispatchTx } from '../store/dispatch-store';
import { runIdempotent } from './idempotency';

export interface WorkOrderCommandDeps {
  store: DispatchStore;
  now: () => Date;
  logger: Logger;
  /** Wakes the outbox relay once a transaction with events has committed. */
  published: () => void;
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const note = z.string().trim().max(2000, 'must be at most 2000 characters').nullish();

/** What every command names: the order, the version the caller saw, and the caller's retry key. */
const commandArgs = z.object({
  id: z.string().trim().min(1, 'must not be empty'),
  expectedVersion: z.number().int().min(1, 'must be at least 1'),
  idempotencyKey: text(100),
});

const attachment = z.object({
  name: text(255),
  size: z.number().int().min(0, 'must not be negative'),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as image/jpeg'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
});

/** Each command's arguments, and the machine command they make (Return also needs the case's returns, added in the transaction). */
const commands = {
  acceptWorkOrder: { who: 'handler', args: commandArgs.extend({ note }), command: (): WorkOrderCommand => ({ type: 'Accept' }) },
  contactCitizen: { who: 'handler', args: commandArgs.extend({ note }), command: (): WorkOrderCommand => ({ type: 'ContactCitizen' }) },
  startWork: { who: 'handler', args: commandArgs.extend({ note }), command: (): WorkOrderCommand => ({ type: 'StartWork' }) },
  addProgressNote: {
    who: 'handler',
    args: commandArgs.extend({ text: text(2000), attachments: z.array(attachment).max(20, 'must be at most 20').nullish() }),
    command: (a: { text: string; attachments?: Array<z.infer<typeof attachment>> | null }): WorkOrderCommand => ({
      type: 'AddProgressNote',
      text: a.text,
      attachments: a.attachments ?? [],
    }),
  },
  replyToCitizen: {
    who: 'handler',
    args: commandArgs.extend({ text: text(2000) }),
    command: (a: { text: string }): WorkOrderCommand => ({ type: 'Reply', text: a.text }),
  },
  closeWorkOrder: { who: 'handler', args: commandArgs.extend({ note }), command: (): WorkOrderCommand => ({ type: 'Close' }) },
  returnWorkOrder: {
    who: 'handler',
    args: commandArgs.extend({ reasonCode: z.enum(returnReasonCodes), reason: text(2000) }),
    command: (a: { reasonCode: (typeof returnReasonCodes)[number]; reason: string }, priorReturns: number): WorkOrderCommand => ({
      type: 'Return',
      reasonCode: a.reasonCode,
      reason: a.reason,
      priorReturns,
    }),
  },
  requestExtension: {
    who: 'handler',
    args: commandArgs.extend({
      minutes: z.number().int().min(1, 'must be at least 1').max(43_200, 'must be at most 43200 (30 days)'),
      reason: text(2000),
    }),
    command: (a: { minutes: number; reason: string }): WorkOrderCommand => ({
      type: 'RequestExtension',
      minutes: a.minutes,
      reason: a.reason,
    }),
  },
  transferToDistrict: {
    who: 'dispatcher',
    args: commandArgs.extend({ toDistrict: z.string().regex(/^\d{6}$/, 'must be a six-digit district code'), reason: text(2000) }),
    command: (a: { toDistrict: string; reason: string }): WorkOrderCommand => ({
      type: 'Transfer',
      toDistrict: a.toDistrict,
      reason: a.reason,
    }),
  },
  decideExtension: {
    who: 'dispatcher',
    args: commandArgs.extend({ approved: z.boolean(), note }),
    command: (a: { approved: boolean }): WorkOrderCommand => ({ type: 'DecideExtension', approved: a.approved }),
  },
} as const;
export type WorkOrderCommandName = keyof typeof commands;

const caseArgs = commandArgs
  .omit({ id: true })
  .extend({ workOrderId: z.string().trim().min(1, 'must not be empty'), unitId: z.string().trim().min(1, 'must not be empty'), note });

/** How a result is kept with its retry key: the order as JSON, read back with its dates. */
const storedOrder = z.object({
  id: z.string(),
  complaintId: z.string(),
  district: z.string(),
  unitId: z.string(),
  role: z.enum(['LEAD', 'ASSIST']),
  state: z.enum(workOrderStates),
  ruleId: z.string().nullable(),
  ruleVersion: z.number().nullable(),
  manualQueue: z.boolean(),
  dispatchedAt: z.coerce.date(),
  binding: z.boolean(),
  rehandles: z.number(),
  pendingExtension: z.object({ minutes: z.number(), reason: z.string() }).nullable(),
  version: z.number(),
  replyText: z.string().nullable(),
  updatedAt: z.coerce.date(),
});

/** How much of a progress note its event carries: the full text stays in the order's history. */
const summaryLength = 200;

/** The event every decided transition announces. */
function announcement(order: WorkOrderRecord, event: WorkOrderEvent, actor: string, at: Date): Envelope {
  const ref = { workOrderId: order.id, complaintId: order.complaintId, unitId: order.unitId };
  const envelope = { subject: order.complaintId, district: order.district, actor, traceparent: currentTraceparent(), occurredAt: at };
  const instant = at.toISOString();
  switch (event.type) {
    case 'Accepted':
      return createEvent(WorkOrderAccepted, { ...envelope, data: { ...ref, acceptedAt: instant } });
    case 'CitizenContacted':
      return createEvent(CitizenContacted, { ...envelope, data: { ...ref, contactedAt: instant } });
    case 'Replied':
      return createEvent(WorkOrderReplied, { ...envelope, data: { ...ref, repliedAt: instant } });
    case 'Closed':
      return createEvent(WorkOrderClosed, { ...envelope, data: { ...ref, closedAt: instant } });
    case 'Returned':
      return createEvent(WorkOrderReturned, {
        ...envelope,
        data: { ...ref, reasonCode: event.reasonCode, reason: event.reason, returns: event.returns, returnedAt: instant },
      });
    case 'Reopened':
      return createEvent(WorkOrderReopened, {
        ...envelope,
        data: { ...ref, reason: event.reason, rehandles: event.rehandles, reopenedAt: instant },
      });
    case 'ExtensionDecided':
      return createEvent(ExtensionDecided, {
        ...envelope,
        data: { ...ref, approved: event.approved, extraMinutes: event.minutes, decidedAt: instant },
      });
    case 'Transferred':
      // Addressed to the receiving district, whose intake takes the case in.
      return createEvent(ComplaintTransferred, {
        ...envelope,
        district: event.toDistrict,
        data: {
          complaintId: order.complaintId,
          fromDistrict: order.district,
          toDistrict: event.toDistrict,
          reason: event.reason,
          transferredAt: instant,
        },
      });
    case 'Rerouted':
      return createEvent(WorkOrderRerouted, { ...envelope, data: { ...ref, toUnitId: event.toUnitId, reroutedAt: instant } });
    case 'WorkStarted':
      return createEvent(WorkStarted, { ...envelope, data: { ...ref, startedAt: instant } });
    case 'ProgressNoted':
      return createEvent(ProgressNoted, {
        ...envelope,
        data: {
          ...ref,
          textLength: event.text.length,
          summary: event.text.slice(0, summaryLength),
          attachments: event.attachments.map(({ name, size, contentType, url }) => ({ name, size, contentType, url })),
          notedAt: instant,
        },
      });
    case 'ExtensionRequested':
      return createEvent(ExtensionRequested, {
        ...envelope,
        data: { ...ref, extraMinutes: event.minutes, reason: event.reason, requestedAt: instant },
      });
    default:
      return assertNever(event);
  }
}

const dispatchedAnnouncement = (order: WorkOrderRecord, c: CaseRecord, actor: string) =>
  createEvent(WorkOrderDispatched, {
    subject: order.complaintId,
    district: order.district,
    actor,
    traceparent: currentTraceparent(),
    occurredAt: order.dispatchedAt,
    data: {
      workOrderId: order.id,
      complaintId: order.complaintId,
      unitId: order.unitId,
      ruleId: order.ruleId,
      ruleVersion: order.ruleVersion,
      role: order.role,
      categoryId: c.categoryId,
      urgency: c.urgency,
      areaType: c.areaType,
      dispatchedAt: order.dispatchedAt.toISOString(),
    },
  });

/** Work-order commands: authorize, check the version, decide, save state + history + events in one transaction. */
export function createWorkOrderCommands(deps: WorkOrderCommandDeps) {
  const { store } = deps;

  /** A handler acts on their own unit's orders; a dispatcher on their district's. */
  function authorize(caller: Caller, who: Role, order: WorkOrderRecord): void {
    if (who === 'handler' && caller.unit !== order.unitId)
      throw forbidden(`work order ${order.id} belongs to unit ${order.unitId}, not to the caller's unit`);
    if (caller.district !== order.district) throw forbidden(`work order ${order.id} belongs to district ${order.district}`);
  }

  const stale = (order: { id: string; version: number }, expected: number) =>
    conflict(`work order ${order.id} is at version ${order.version}, not ${expected}: reload it and decide again`, {
      currentVersion: order.version,
    });

  async function loadForCommand(tx: DispatchTx, id: string, expectedVersion: number): Promise<WorkOrderRecord> {
    const order = await store.workOrderById(id, tx);
    if (!order) throw notFound('work order', id);
    if (order.version !== expectedVersion) throw stale(order, expectedVersion);
    return order;
  }

  /**
   * Saves one decided event on an order: the state at the next version (only if nobody saved another
   * change first), its history entry, and its announcement.
   */
  async function apply(
    tx: DispatchTx,
    order: WorkOrderRecord,
    event: WorkOrderEvent,
    actor: string,
    callerNote: string | null,
  ): Promise<WorkOrderRecord> {
    const at = deps.now();
    const next = { ...evolve(order, event), version: order.version + 1, updatedAt: at };
    if (!(await store.updateWorkOrder(tx, order.id, order.version, next))) {
      const current = await store.workOrderById(order.id, tx);
      throw stale(current ?? order, order.version);
    }
    const { type, note: entryNote, details } = historyOf(event, callerNote);
    await store.insertHistory(tx, { id: newId(), workOrderId: order.id, version: next.version, type, actor, at, note: entryNote, details });
    await writeOutbox(tx, [announcement(order, event, actor, at)]);
    return next;
  }

  async function recordDispatch(
    tx: DispatchTx,
    order: WorkOrderRecord,
    c: CaseRecord,
    actor: string,
    entryNote: string | null,
  ): Promise<void> {
    await store.insertWorkOrder(tx, order);
    await store.insertHistory(tx, {
      id: newId(),
      workOrderId: order.id,
      version: order.version,
      type: 'DISPATCHED',
      actor,
      at: order.dispatchedAt,
      note: entryNote,
      details: {},
    });
    await writeOutbox(tx, [dispatchedAnnouncement(order, c, actor)]);
  }

  const idempotent = (caller: Caller, operation: string, key: string, run: (tx: DispatchTx) => Promise<WorkOrderRecord>) =>
    runIdempotent(deps, caller, operation, key, storedOrder, run);

  async function runOrderCommand(name: WorkOrderCommandName, rawCaller: RequestCaller, rawArgs: unknown): Promise<WorkOrderRecord> {
    const spec = commands[name];
    const caller = requireRole(rawCaller, spec.who);
    const args = parseInput(spec.args, rawArgs) as z.infer<typeof commandArgs> & { note?: string | null } & Record<string, unknown>;
    return idempotent(caller, name, args.idempotencyKey, async (tx) => {
      const order = await loadForCommand(tx, args.id, args.expectedVersion);
      authorize(caller, spec.who, order);
      if (name === 'transferToDistrict' && args.toDistrict === order.district) throw badInput('toDistrict', `is the case's own district`);
      const priorReturns =
        name === 'returnWorkOrder' ? returnsOf(leadOrdersOf(await store.workOrdersOfComplaint(tx, order.complaintId))) : 0;
      const decision = decide((spec.command as (a: unknown, returns: number) => WorkOrderCommand)(args, priorReturns), order);
      if (!decision.ok) throw conflict(decision.reason, { state: order.state });
      return apply(tx, order, decision.event, caller.sub, args.note ?? null);
    });
  }

  async function runCaseCommand(type: CaseCommand['type'], rawCaller: RequestCaller, rawArgs: unknown): Promise<WorkOrderRecord> {
    const caller = requireRole(rawCaller, 'dispatcher');
    const args = parseInput(caseArgs, rawArgs);
    return idempotent(caller, type === 'Redispatch' ? 'redispatch' : 'arbitrate', args.idempotencyKey, async (tx) => {
      const from = await loadForCommand(tx, args.workOrderId, args.expectedVersion);
      authorize(caller, 'dispatcher', from);
      // Inside the transaction, every query goes through it: PGlite has one connection, which the transaction holds.
      const [unit] = await store.unitsByIds([args.unitId], tx);
      if (!unit || unit.district !== from.district) throw badInput('unitId', `is not a unit of district ${from.district}`);
      if (unit.kind === 'COMMAND_CENTRE') throw badInput('unitId', 'must be a handling unit, not the command centre');
      const orders = await store.workOrdersOfComplaint(tx, from.complaintId);
      const leads = leadOrdersOf(orders);
      if (from.role !== 'LEAD' || leads.at(-1)?.id !== from.id) throw conflict(`work order ${from.id} is not the case's latest lead order`);
      const decision = decideCase({ type, unitId: unit.id }, leads);
      if (!decision.ok) throw conflict(decision.reason, { state: from.state });
      const c = await store.caseById(tx, from.complaintId);
      // Orders reference their case by foreign key: an order without one cannot exist.
      if (!c) throw new Error(`work order ${from.id} has no case ${from.complaintId}`);
      if (decision.reroutes) {
        const rerouted = decide({ type: 'Reroute', toUnitId: unit.id }, from);
        if (!rerouted.ok) throw conflict(rerouted.reason, { state: from.state });
        await apply(tx, from, rerouted.event, caller.sub, args.note ?? null);
      }
      // The new lead brings the assisting units of the rule that names it as lead for this case (if any);
      // the old lead's assisting orders that are still open are over, superseded by the new lead's.
      const rule = ruleChoosing(routingRequestOf(c), await store.rulesOf(c.district, tx), unit.id);
      const placed = placedOrder(newId(), c, unit.id, decision.binding, rule, deps.now());
      for (const assist of orders.filter((o) => o.role === 'ASSIST')) {
        const superseded = decide({ type: 'Supersede', toUnitId: unit.id }, assist);
        // Assisting orders already closed (or otherwise over) keep their end.
        if (superseded.ok) await apply(tx, assist, superseded.event, caller.sub, args.note ?? null);
      }
      for (const order of [placed, ...assistOrders(newId, c, { unitId: unit.id, rule, manualQueue: false }, deps.now())])
        await recordDispatch(tx, order, c, caller.sub, args.note ?? null);
      return placed;
    });
  }

  return {
    runOrderCommand,
    redispatch: (caller: RequestCaller, args: unknown) => runCaseCommand('Redispatch', caller, args),
    arbitrate: (caller: RequestCaller, args: unknown) => runCaseCommand('Arbitrate', caller, args),
    recordDispatch,

    /**
     * Supervision sent a case back (发回重办): its order reopens, in the consumer's transaction. The
     * `rehandles` count makes it idempotent beyond the inbox (the same send-back under another event id
     * reopens once); a send-back the order's state does not allow is logged and left, never retried forever.
     */
    async reopen(tx: DispatchTx, event: EventOf<typeof CaseSentBack>): Promise<void> {
      const order = await store.workOrderById(event.data.workOrderId, tx);
      const context = { workOrderId: event.data.workOrderId, eventId: event.id };
      if (!order) return deps.logger.warn(context, 'case sent back for an order dispatch does not know; ignored');
      if (order.rehandles >= event.data.rehandles) return deps.logger.info(context, 'send-back already applied');
      const decision = decide({ type: 'Reopen', reason: event.data.reason, rehandles: event.data.rehandles }, order);
      if (!decision.ok)
        return deps.logger.warn({ ...context, reason: decision.reason }, 'case sent back but the order cannot reopen; ignored');
      await apply(tx, order, decision.event, event.actor, null);
    },
  };
}
export type WorkOrderCommands = ReturnType<typeof createWorkOrderCommands>;
