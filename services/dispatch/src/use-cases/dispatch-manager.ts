import {
  badInput,
  complaintTypes,
  ComplaintReceived,
  decodeCursor,
  forbidden,
  newId,
  notFound,
  pageArgs,
  parseInput,
  requireRole,
  roles,
  toConnection,
  urgencies,
  type EventOf,
  type Logger,
  type RequestCaller,
} from '@hotline/shared';
import { z } from 'zod';
import { canReadQueue, manualQueueReaders, queueReaders, readsDistrict, staff } from '../domain/access';
import { categoryIdPattern, inForce, regionPathOf, route, type ResponsibilityRuleRecord, type RoutingDecision } from '../domain/routing';
import { unitKinds, type UnitRecord } from '../domain/units';
import {
  assistOrders,
  caseFromReceived,
  leadOrder,
  routingRequestOf,
  workOrderStates,
  type ComplaintView,
  type WorkOrderRecord,
} from '../domain/work-orders';
import { createWorkOrderCommands } from './work-order-commands';
import { createWhistleCommands } from './whistle-commands';
import { createRuleCommands } from './rule-commands';
import type { DispatchStore, DispatchTx } from '../store/dispatch-store';

export interface DispatchManagerDeps {
  store: DispatchStore;
  now: () => Date;
  logger: Logger;
  /** Wakes the outbox relay once a transaction with events has committed. */
  published: () => void;
}

const unitsArgs = pageArgs.extend({
  kind: z.enum(unitKinds).nullish(),
  district: z.string().trim().min(1, 'must not be empty').nullish(),
});

const rulesArgs = z.object({ effectiveAt: z.coerce.date().nullish() });

const routeDryRunArgs = z.object({
  categoryId: z.string().trim().regex(categoryIdPattern, 'must be a category id such as property.fees'),
  regionId: z.string().trim().min(1, 'must not be empty').nullish(),
  type: z.enum(complaintTypes).nullish(),
  at: z.coerce.date().nullish(),
});

const workOrdersArgs = pageArgs.extend({
  unitId: z.string().trim().min(1, 'must not be empty').nullish(),
  state: z.enum(workOrderStates).nullish(),
  urgency: z.enum(urgencies).nullish(),
  sort: z.enum(['DISPATCHED_AT_DESC', 'DISPATCHED_AT_ASC']).nullish(),
});
/** History cursors carry the version of the last entry seen. */
const historyCursor = z.tuple([z.number().int()]);

/** Work-order cursors carry (dispatchedAt, id) of the last order seen. */
const orderCursor = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);
const unitCursor = z.tuple([z.string()]);

function cursorOf<S extends z.ZodType>(schema: S, after: string | null | undefined): z.infer<S> | null {
  const key = decodeCursor(after);
  if (key === null) return null;
  const parsed = schema.safeParse(key);
  if (!parsed.success) throw badInput('after', 'is not a cursor from this list');
  return parsed.data;
}

const orderConnection = (rows: WorkOrderRecord[], first: number, total: number) =>
  toConnection(rows, first, (o) => [o.dispatchedAt.toISOString(), o.id], total);

/** Dispatch's use cases: each authorizes, applies the domain's rules, and writes with its events. */
export function createDispatchManager(deps: DispatchManagerDeps) {
  async function defaultOwner(district: string, tx?: DispatchTx): Promise<UnitRecord> {
    const unit = await deps.store.commandCentreOf(district, tx);
    // A district without a command centre is a directory that was never set up: nothing can be routed.
    if (!unit) throw new Error(`district ${district} has no command centre in the unit directory`);
    return unit;
  }

  const commands = createWorkOrderCommands(deps);
  const whistles = createWhistleCommands(deps);
  const rules = createRuleCommands(deps);

  /** The order if the caller may see it (its district's people, city-level callers), else null. */
  function visibleWorkOrder(caller: RequestCaller, order: WorkOrderRecord | null): WorkOrderRecord | null {
    requireRole(caller, ...roles);
    return order && readsDistrict(caller, order.district) ? order : null;
  }

  return {
    ...commands,
    ...whistles,
    ...rules,

    /**
     * Turns a received complaint into its lead work order, announced in the same transaction (the
     * consumer's, which also records the event as handled). A complaint already recorded — announced
     * again under another event id — is dispatched once only.
     */
    async receiveComplaint(tx: DispatchTx, event: EventOf<typeof ComplaintReceived>): Promise<void> {
      const record = caseFromReceived(event);
      if (!(await deps.store.insertCase(tx, record))) {
        deps.logger.info({ complaintId: record.complaintId, eventId: event.id }, 'complaint already received; not dispatched again');
        return;
      }
      // One after the other: the queries share the transaction's single connection.
      const rules = await deps.store.rulesOf(record.district, tx);
      const commandCentre = await defaultOwner(record.district, tx);
      const decision = route(routingRequestOf(record), rules, commandCentre.id);
      const order = leadOrder(newId(), record, decision, deps.now());
      const note = decision.rule ? `routed by ${decision.rule.id} v${decision.rule.version}` : 'no rule matched: manual queue';
      for (const placed of [order, ...assistOrders(newId, record, decision, deps.now())])
        await commands.recordDispatch(tx, placed, record, 'system:dispatch', note);
      if (decision.manualQueue)
        deps.logger.info(
          { complaintId: record.complaintId, categoryId: record.categoryId },
          'no responsibility rule matched; order waits in the manual queue',
        );
    },

    /** The unit directory is reference data: any signed-in caller may read any district's units. */
    async listUnits(caller: RequestCaller, rawArgs: unknown) {
      const reader = requireRole(caller, ...roles);
      const args = parseInput(unitsArgs, rawArgs);
      const cursor = cursorOf(unitCursor, args.after);
      const { rows, total } = await deps.store.listUnits({
        district: args.district ?? reader.district,
        kind: args.kind,
        afterId: cursor?.[0],
        limit: args.first + 1,
      });
      return toConnection(rows, args.first, (u) => [u.id], total);
    },

    /** Units are reference data for every signed-in caller; UNAUTHENTICATED for nobody. */
    requireSignedIn(caller: RequestCaller): void {
      requireRole(caller, ...roles);
    },

    async listRules(caller: RequestCaller, rawArgs: unknown): Promise<ResponsibilityRuleRecord[]> {
      const reader = requireRole(caller, ...staff);
      const { effectiveAt } = parseInput(rulesArgs, rawArgs);
      const rules = await deps.store.rulesOf(reader.district);
      return effectiveAt ? rules.filter((r) => inForce(r, effectiveAt)) : rules;
    },

    /** What the list would choose, by the same routing the consumer uses; nothing is written. */
    async routeDryRun(caller: RequestCaller, rawArgs: unknown): Promise<RoutingDecision> {
      const reader = requireRole(caller, ...staff);
      const args = parseInput(routeDryRunArgs, rawArgs);
      const regionPath = args.regionId ? regionPathOf(reader.district, args.regionId) : [];
      if (regionPath === null) throw badInput('regionId', `is not a region of district ${reader.district}`);
      const [rules, commandCentre] = await Promise.all([deps.store.rulesOf(reader.district), defaultOwner(reader.district)]);
      return route(
        { district: reader.district, categoryId: args.categoryId, regionPath, type: args.type ?? null, at: args.at ?? deps.now() },
        rules,
        commandCentre.id,
      );
    },

    /** A unit's queue, newest first; the unit defaults to the caller's own. */
    async listWorkOrders(caller: RequestCaller, rawArgs: unknown) {
      const reader = requireRole(caller, ...queueReaders);
      const args = parseInput(workOrdersArgs, rawArgs);
      const unitId = args.unitId ?? reader.unit;
      if (!unitId) throw badInput('unitId', 'is required for a caller without a unit');
      const [unit] = await deps.store.unitsByIds([unitId]);
      if (!unit) throw notFound('unit', unitId);
      if (!canReadQueue(reader, unit)) throw forbidden(`the queue of unit ${unitId} is not yours to see`);
      const cursor = cursorOf(orderCursor, args.after);
      const { rows, total } = await deps.store.listWorkOrders({
        unitId,
        state: args.state ?? undefined,
        urgency: args.urgency ?? undefined,
        ascending: args.sort === 'DISPATCHED_AT_ASC',
        after: cursor && { dispatchedAt: new Date(cursor[0]), id: cursor[1] },
        limit: args.first + 1,
      });
      return orderConnection(rows, args.first, total);
    },

    /** One order, if the caller may see it. */
    async workOrder(caller: RequestCaller, id: string): Promise<WorkOrderRecord | null> {
      requireRole(caller, ...staff);
      return visibleWorkOrder(caller, await deps.store.workOrderById(id));
    },

    /** An order's history, oldest first; whoever may see the order may read it. */
    async history(order: WorkOrderRecord, rawArgs: unknown) {
      const args = parseInput(pageArgs, rawArgs);
      const cursor = cursorOf(historyCursor, args.after);
      const { rows, total } = await deps.store.history(order.id, cursor?.[0] ?? null, args.first + 1);
      return toConnection(rows, args.first, (e) => [e.version], total);
    },

    /** Orders no rule claimed that still wait at the command centre, newest first. */
    async listManualQueue(caller: RequestCaller, rawArgs: unknown) {
      const reader = requireRole(caller, ...manualQueueReaders);
      const args = parseInput(pageArgs, rawArgs);
      const cursor = cursorOf(orderCursor, args.after);
      const { rows, total } = await deps.store.listWorkOrders({
        district: reader.district,
        manualQueue: true,
        // Once a dispatcher has routed an order on, it has left the DISPATCHED state and the queue.
        state: 'DISPATCHED',
        after: cursor && { dispatchedAt: new Date(cursor[0]), id: cursor[1] },
        limit: args.first + 1,
      });
      return orderConnection(rows, args.first, total);
    },

    /**
     * The complaint if the caller may see it, else null (UNAUTHENTICATED for nobody). A complaint dispatch
     * has not received tells nothing beyond RECEIVED; one it has belongs to its district. Whether a citizen
     * owns it is intake's question: the gateway asks dispatch only about complaints intake let through.
     */
    visibleComplaint(caller: RequestCaller, view: ComplaintView): ComplaintView | null {
      requireRole(caller, ...roles);
      return view.district === null || readsDistrict(caller, view.district) ? view : null;
    },

    visibleWorkOrder,
  };
}
export type DispatchManager = ReturnType<typeof createDispatchManager>;
