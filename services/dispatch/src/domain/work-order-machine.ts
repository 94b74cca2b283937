/**
 * The life of one work order as a decider: `decide(command, state)` says what happens (one event per
 * command, so each is one version of the order and one entry of its history) or why it cannot (a
 * rejection), `evolve(state, event)` applies what happened. Pure: no clock, no I/O — the
 * shell hands in the time and the actor, loads the state, and saves what evolve returns.
 *
 *   DISPATCHED ─accept→ ACCEPTED ─start→ IN_PROGRESS ─reply→ REPLIED ─close→ CLOSED
 *        │                 │                  ▲                    │            │
 *        └──── return ─────┴→ RETURNED        └──── reopen (发回重办) ┴────────────┘
 *   DISPATCHED (manual queue) ─reroute→ REROUTED
 *   DISPATCHED | ACCEPTED (lead) ─transfer (跨区转办)→ TRANSFERRED
 *   any open ASSIST order ─supersede (its lead re-dispatched or arbitrated)→ REROUTED
 *
 * Contacting the citizen, progress notes and extension requests leave the state as it is.
 */

export const workOrderStates = [
  'DISPATCHED',
  'ACCEPTED',
  'IN_PROGRESS',
  'REPLIED',
  'CLOSED',
  'RETURNED',
  'REROUTED',
  'TRANSFERRED',
] as const;
export type WorkOrderState = (typeof workOrderStates)[number];
export type WorkOrderRole = 'LEAD' | 'ASSIST';

/** Why a unit returns an order (退单). */
export const returnReasonCodes = ['NOT_OUR_DUTY', 'WRONG_AREA', 'DUPLICATE', 'INSUFFICIENT_INFO', 'OTHER'] as const;
export type ReturnReasonCode = (typeof returnReasonCodes)[number];

export interface Attachment {
  name: string;
  size: number;
  contentType: string;
  url: string;
}

export interface PendingExtension {
  minutes: number;
  reason: string;
}

/** What the decider needs to know about an order. */
export interface WorkOrderLifecycle {
  state: WorkOrderState;
  role: WorkOrderRole;
  /** Waiting at the command centre because no rule claimed it. */
  manualQueue: boolean;
  /** Placed by arbitration: the unit named is bound and cannot return it. */
  binding: boolean;
  /** How many times supervision has sent it back for re-handling. */
  rehandles: number;
  pendingExtension: PendingExtension | null;
  /** The reply to the citizen (答复), once given. */
  replyText: string | null;
}

export type WorkOrderCommand =
  | { type: 'Accept' }
  | { type: 'ContactCitizen' }
  | { type: 'StartWork' }
  | { type: 'AddProgressNote'; text: string; attachments: Attachment[] }
  | { type: 'Reply'; text: string }
  | { type: 'Close' }
  /** `priorReturns`: lead orders of the case already returned, which decides whether arbitration follows. */
  | { type: 'Return'; reasonCode: ReturnReasonCode; reason: string; priorReturns: number }
  | { type: 'Reopen'; reason: string; rehandles: number }
  | { type: 'RequestExtension'; minutes: number; reason: string }
  | { type: 'DecideExtension'; approved: boolean }
  | { type: 'Reroute'; toUnitId: string }
  /** The case's lead went to `toUnitId` by re-dispatch or arbitration: an assisting order of the old lead is over. */
  | { type: 'Supersede'; toUnitId: string }
  | { type: 'Transfer'; toDistrict: string; reason: string };

export type WorkOrderEvent =
  | { type: 'Accepted' }
  | { type: 'CitizenContacted' }
  | { type: 'WorkStarted' }
  | { type: 'ProgressNoted'; text: string; attachments: Attachment[] }
  | { type: 'Replied'; text: string }
  | { type: 'Closed' }
  /** `returns`: the case's returned lead orders counting this one; `toArbitration` from the second on. */
  | { type: 'Returned'; reasonCode: ReturnReasonCode; reason: string; returns: number; toArbitration: boolean }
  | { type: 'Reopened'; reason: string; rehandles: number }
  | { type: 'ExtensionRequested'; minutes: number; reason: string }
  | { type: 'ExtensionDecided'; approved: boolean; minutes: number }
  | { type: 'Rerouted'; toUnitId: string }
  | { type: 'Transferred'; toDistrict: string; reason: string };

export type Decision = { ok: true; event: WorkOrderEvent } | { ok: false; reason: string };

/** A case whose orders have been returned this many times goes to arbitration instead of re-dispatch. */
export const returnsBeforeArbitration = 2;

const accept = (event: WorkOrderEvent): Decision => ({ ok: true, event });
const reject = (reason: string): Decision => ({ ok: false, reason });
const notIn = (command: WorkOrderCommand, state: WorkOrderState): Decision =>
  reject(`cannot ${describe(command)} a work order that is ${state}`);

/** States in which the order is still the unit's to work: after dispatch, before it ends. */
const open = (state: WorkOrderState): boolean => {
  switch (state) {
    case 'DISPATCHED':
    case 'ACCEPTED':
    case 'IN_PROGRESS':
    case 'REPLIED':
      return true;
    case 'CLOSED':
    case 'RETURNED':
    case 'REROUTED':
    case 'TRANSFERRED':
      return false;
    default:
      return assertNever(state);
  }
};

export function decide(command: WorkOrderCommand, order: WorkOrderLifecycle): Decision {
  const { state } = order;
  switch (command.type) {
    case 'Accept':
      return state === 'DISPATCHED' ? accept({ type: 'Accepted' }) : notIn(command, state);
    case 'ContactCitizen':
      return open(state) ? accept({ type: 'CitizenContacted' }) : notIn(command, state);
    case 'StartWork':
      return state === 'ACCEPTED' ? accept({ type: 'WorkStarted' }) : notIn(command, state);
    case 'AddProgressNote':
      return state === 'ACCEPTED' || state === 'IN_PROGRESS'
        ? accept({ type: 'ProgressNoted', text: command.text, attachments: command.attachments })
        : notIn(command, state);
    case 'Reply':
      return state === 'IN_PROGRESS' ? accept({ type: 'Replied', text: command.text }) : notIn(command, state);
    case 'Close':
      return state === 'REPLIED' ? accept({ type: 'Closed' }) : notIn(command, state);
    case 'Return': {
      if (state !== 'DISPATCHED' && state !== 'ACCEPTED') return notIn(command, state);
      if (order.binding) return reject('the unit was named by arbitration, which binds: the order cannot be returned');
      // The lead unit answers for the case; an assisting unit settles its part with the lead, not the dispatcher.
      if (order.role !== 'LEAD')
        return reject('only the lead order can be returned; an assisting unit settles its part with the lead unit');
      if (order.manualQueue) return reject('an order in the manual queue is routed by a dispatcher, not returned');
      const returns = command.priorReturns + 1;
      return accept({
        type: 'Returned',
        reasonCode: command.reasonCode,
        reason: command.reason,
        returns,
        toArbitration: returns >= returnsBeforeArbitration,
      });
    }
    case 'Reopen':
      return state === 'REPLIED' || state === 'CLOSED'
        ? accept({ type: 'Reopened', reason: command.reason, rehandles: command.rehandles })
        : notIn(command, state);
    case 'RequestExtension':
      if (state !== 'ACCEPTED' && state !== 'IN_PROGRESS') return notIn(command, state);
      if (order.pendingExtension) return reject('an extension request is already waiting for a decision');
      return accept({ type: 'ExtensionRequested', minutes: command.minutes, reason: command.reason });
    case 'DecideExtension':
      if (!order.pendingExtension) return reject('no extension request is waiting for a decision');
      return accept({
        type: 'ExtensionDecided',
        approved: command.approved,
        minutes: command.approved ? order.pendingExtension.minutes : 0,
      });
    case 'Reroute':
      return state === 'DISPATCHED' && order.manualQueue
        ? accept({ type: 'Rerouted', toUnitId: command.toUnitId })
        : reject(
            `only an order waiting in the manual queue can be routed on; this one is ${state}${order.manualQueue ? '' : ' and was routed by the list'}`,
          );
    case 'Supersede':
      // Ends like a routed-on order: the work went elsewhere, and the order's limits end with it.
      if (order.role !== 'ASSIST') return reject('only an assisting order is superseded; a lead order is returned or routed on');
      return open(state) ? accept({ type: 'Rerouted', toUnitId: command.toUnitId }) : notIn(command, state);
    case 'Transfer':
      // A case is handed on before its work begins; once a unit has worked it, it is finished where it is.
      if (state !== 'DISPATCHED' && state !== 'ACCEPTED') return notIn(command, state);
      if (order.role !== 'LEAD') return reject('only the lead order carries the case to another district');
      return accept({ type: 'Transferred', toDistrict: command.toDistrict, reason: command.reason });
    default:
      return assertNever(command);
  }
}

export function evolve<S extends WorkOrderLifecycle>(order: S, event: WorkOrderEvent): S {
  switch (event.type) {
    case 'Accepted':
      return { ...order, state: 'ACCEPTED' };
    case 'WorkStarted':
      return { ...order, state: 'IN_PROGRESS' };
    case 'Replied':
      return { ...order, state: 'REPLIED', replyText: event.text };
    case 'Closed':
      return { ...order, state: 'CLOSED' };
    case 'Returned':
      return { ...order, state: 'RETURNED' };
    case 'Reopened':
      return { ...order, state: 'IN_PROGRESS', rehandles: event.rehandles };
    case 'Rerouted':
      return { ...order, state: 'REROUTED' };
    case 'Transferred':
      return { ...order, state: 'TRANSFERRED' };
    case 'ExtensionRequested':
      return { ...order, pendingExtension: { minutes: event.minutes, reason: event.reason } };
    case 'ExtensionDecided':
      return { ...order, pendingExtension: null };
    case 'CitizenContacted':
    case 'ProgressNoted':
      return order;
    default:
      return assertNever(event);
  }
}

function describe(command: WorkOrderCommand): string {
  switch (command.type) {
    case 'Accept':
      return 'accept';
    case 'ContactCitizen':
      return 'contact the citizen about';
    case 'StartWork':
      return 'start work on';
    case 'AddProgressNote':
      return 'add a progress note to';
    case 'Reply':
      return 'reply on';
    case 'Close':
      return 'close';
    case 'Return':
      return 'return';
    case 'Reopen':
      return 'reopen';
    case 'RequestExtension':
      return 'request an extension for';
    case 'DecideExtension':
      return 'decide an extension for';
    case 'Reroute':
      return 'route on';
    case 'Supersede':
      return 'supersede';
    case 'Transfer':
      return 'transfer';
    default:
      return assertNever(command);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/**
 * Where the case stands between its lead orders: a returned lead waits for a dispatcher to re-dispatch
 * it, or after the second return for arbitration; an active lead is worked by its unit.
 */
export type CaseRouting =
  | { kind: 'ACTIVE'; leadId: string; manualQueue: boolean }
  | { kind: 'AWAITING_REDISPATCH' }
  | { kind: 'AWAITING_ARBITRATION' }
  | { kind: 'TRANSFERRED' }
  | { kind: 'NONE' };

export interface LeadSummary {
  id: string;
  state: WorkOrderState;
  manualQueue: boolean;
}

/** Lead orders that are over: returned by their unit, routed on from the manual queue, or handed to another district. */
const isSuperseded = (state: WorkOrderState) => state === 'RETURNED' || state === 'REROUTED' || state === 'TRANSFERRED';

export const returnsOf = (leads: readonly LeadSummary[]): number => leads.filter((o) => o.state === 'RETURNED').length;

export function caseRouting(leads: readonly LeadSummary[]): CaseRouting {
  const active = leads.find((o) => !isSuperseded(o.state));
  if (active) return { kind: 'ACTIVE', leadId: active.id, manualQueue: active.manualQueue };
  if (leads.length === 0) return { kind: 'NONE' };
  // A transferred case is the other district's now: nothing more happens to it here.
  if (leads.some((o) => o.state === 'TRANSFERRED')) return { kind: 'TRANSFERRED' };
  return returnsOf(leads) >= returnsBeforeArbitration ? { kind: 'AWAITING_ARBITRATION' } : { kind: 'AWAITING_REDISPATCH' };
}

/** A dispatcher's decision about a whole case: send it to a unit, by hand or by arbitration. */
export type CaseCommand = { type: 'Redispatch'; unitId: string } | { type: 'Arbitrate'; unitId: string };

/** What a case decision does: a new lead order (binding after arbitration), and the manual-queue order it routes on, if any. */
export type CaseDecision = { ok: true; binding: boolean; reroutes: string | null } | { ok: false; reason: string };

export function decideCase(command: CaseCommand, leads: readonly LeadSummary[]): CaseDecision {
  const routing = caseRouting(leads);
  switch (command.type) {
    case 'Redispatch':
      switch (routing.kind) {
        case 'AWAITING_REDISPATCH':
          return { ok: true, binding: false, reroutes: null };
        case 'ACTIVE':
          return routing.manualQueue
            ? { ok: true, binding: false, reroutes: routing.leadId }
            : { ok: false, reason: 'the case has an active lead order; only a returned or manual-queue case is re-dispatched' };
        case 'AWAITING_ARBITRATION':
          return { ok: false, reason: `the case was returned ${returnsBeforeArbitration} times and waits for arbitration` };
        case 'NONE':
          return { ok: false, reason: 'the case has no work order to re-dispatch' };
        case 'TRANSFERRED':
          return { ok: false, reason: 'the case was transferred to another district' };
        default:
          return assertNever(routing);
      }
    case 'Arbitrate':
      return routing.kind === 'AWAITING_ARBITRATION'
        ? { ok: true, binding: true, reroutes: null }
        : { ok: false, reason: 'the case is not waiting for arbitration' };
    default:
      return assertNever(command);
  }
}
