import {
  badInput,
  conflict,
  createEvent,
  currentTraceparent,
  forbidden,
  newId,
  notFound,
  parseInput,
  requireRole,
  WhistleBlown,
  WhistleClosed,
  WhistlePartDone,
  WhistleReportedIn,
  writeOutbox,
  type Caller,
  type Envelope,
  type Logger,
  type RequestCaller,
} from '@hotline/shared';
import { z } from 'zod';
import {
  blowWhistle,
  decideWhistle,
  evolveWhistle,
  whistleStates,
  type WhistleCommand,
  type WhistleEvent,
  type WhistleRecord,
} from '../domain/whistle';
import { assertNever } from '../domain/work-order-machine';
import { readsDistrict, staff } from '../domain/access';
import { leadOrderOf } from '../domain/work-orders';
import type { DispatchStore } from '../store/dispatch-store';
import { runIdempotent } from './idempotency';

export interface WhistleCommandDeps {
  store: DispatchStore;
  now: () => Date;
  logger: Logger;
  published: () => void;
}

const key = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const blowArgs = z.object({
  complaintId: z.string().trim().min(1, 'must not be empty'),
  departmentUnitIds: z
    .array(z.string().trim().min(1, 'must not be empty'))
    .min(1, 'must name at least one department')
    .max(20, 'must be at most 20')
    .refine((ids) => new Set(ids).size === ids.length, 'must not name a unit twice'),
  reason: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
  // A report-in limit is counted in minutes (e.g. 30); a day is the most a summons can wait.
  reportInMinutes: z.number().int().min(1, 'must be at least 1').max(1440, 'must be at most 1440 (a day)'),
  idempotencyKey: key,
});

const summonsArgs = z.object({
  whistleId: z.string().trim().min(1, 'must not be empty'),
  expectedVersion: z.number().int().min(1, 'must be at least 1'),
  idempotencyKey: key,
});

/** Units a street may summon: the district's departments and public-service companies. */
const summonable = new Set(['DEPARTMENT', 'COMPANY']);
const whistleBlowers = new Set(['STREET', 'TOWN']);

const storedWhistle = z.object({
  id: z.string(),
  complaintId: z.string(),
  district: z.string(),
  streetUnitId: z.string(),
  reason: z.string(),
  reportInMinutes: z.number(),
  blownAt: z.coerce.date(),
  reportInDueAt: z.coerce.date(),
  state: z.enum(whistleStates),
  closedAt: z.coerce.date().nullable(),
  version: z.number(),
  summons: z.array(
    z.object({
      unitId: z.string(),
      reportedInAt: z.coerce.date().nullable(),
      late: z.boolean().nullable(),
      partDoneAt: z.coerce.date().nullable(),
    }),
  ),
});

function announcement(whistle: WhistleRecord, event: WhistleEvent, actor: string): Envelope {
  const envelope = {
    subject: whistle.complaintId,
    district: whistle.district,
    actor,
    traceparent: currentTraceparent(),
    occurredAt: event.at,
  };
  switch (event.type) {
    case 'ReportedIn':
      return createEvent(WhistleReportedIn, {
        ...envelope,
        data: {
          whistleId: whistle.id,
          complaintId: whistle.complaintId,
          unitId: event.unitId,
          late: event.late,
          reportedAt: event.at.toISOString(),
        },
      });
    case 'Closed':
      return createEvent(WhistleClosed, {
        ...envelope,
        data: { whistleId: whistle.id, complaintId: whistle.complaintId, closedAt: event.at.toISOString() },
      });
    case 'PartDone':
      return createEvent(WhistlePartDone, {
        ...envelope,
        data: { whistleId: whistle.id, complaintId: whistle.complaintId, unitId: event.unitId, doneAt: event.at.toISOString() },
      });
    default:
      return assertNever(event);
  }
}

/** Whistle & report: blown by the street or town leading a case, answered by the departments it summoned. */
export function createWhistleCommands(deps: WhistleCommandDeps) {
  const { store } = deps;

  async function blow(rawCaller: RequestCaller, rawArgs: unknown): Promise<WhistleRecord> {
    const caller = requireRole(rawCaller, 'handler');
    const args = parseInput(blowArgs, rawArgs);
    return runIdempotent(deps, caller, 'blowWhistle', args.idempotencyKey, storedWhistle, async (tx) => {
      const c = await store.caseById(tx, args.complaintId);
      if (!c || c.district !== caller.district) throw notFound('complaint', args.complaintId);
      const [street] = caller.unit ? await store.unitsByIds([caller.unit], tx) : [];
      if (!street || !whistleBlowers.has(street.kind)) throw forbidden('only a street office or town government blows the whistle');
      const lead = leadOrderOf(await store.workOrdersOfComplaint(tx, c.complaintId));
      if (lead?.unitId !== street.id) throw forbidden(`the case is not led by unit ${street.id}`);
      const departments = new Map((await store.unitsByIds(args.departmentUnitIds, tx)).map((u) => [u.id, u]));
      args.departmentUnitIds.forEach((id, i) => {
        const unit = departments.get(id);
        if (!unit || unit.district !== c.district || !summonable.has(unit.kind))
          throw badInput(`departmentUnitIds.${i}`, `${id} is not a department or public-service company of district ${c.district}`);
      });
      const whistle = blowWhistle({
        id: newId(),
        complaintId: c.complaintId,
        district: c.district,
        streetUnitId: street.id,
        departmentUnitIds: args.departmentUnitIds,
        reason: args.reason,
        reportInMinutes: args.reportInMinutes,
        at: deps.now(),
      });
      await store.insertWhistle(tx, whistle);
      await writeOutbox(tx, [
        createEvent(WhistleBlown, {
          subject: c.complaintId,
          district: c.district,
          actor: caller.sub,
          traceparent: currentTraceparent(),
          occurredAt: whistle.blownAt,
          data: {
            whistleId: whistle.id,
            complaintId: c.complaintId,
            streetUnitId: street.id,
            departmentUnitIds: args.departmentUnitIds,
            reason: args.reason,
            reportInMinutes: args.reportInMinutes,
            blownAt: whistle.blownAt.toISOString(),
          },
        }),
      ]);
      return whistle;
    });
  }

  /** A summoned department's step: only that department's handler takes it, on the version they saw. */
  async function answer(
    type: WhistleCommand['type'],
    operation: string,
    rawCaller: RequestCaller,
    rawArgs: unknown,
  ): Promise<WhistleRecord> {
    const caller: Caller = requireRole(rawCaller, 'handler');
    const args = parseInput(summonsArgs, rawArgs);
    return runIdempotent(deps, caller, operation, args.idempotencyKey, storedWhistle, async (tx) => {
      const whistle = await store.whistleById(args.whistleId, tx);
      if (!whistle || whistle.district !== caller.district) throw notFound('whistle', args.whistleId);
      if (!caller.unit || !whistle.summons.some((s) => s.unitId === caller.unit))
        throw forbidden(`the caller's unit was not summoned by whistle ${whistle.id}`);
      if (whistle.version !== args.expectedVersion)
        throw conflict(`whistle ${whistle.id} is at version ${whistle.version}, not ${args.expectedVersion}: reload it and decide again`, {
          currentVersion: whistle.version,
        });
      const decision = decideWhistle({ type, unitId: caller.unit, at: deps.now() }, whistle);
      if (!decision.ok) throw conflict(decision.reason, { state: whistle.state });
      const next = { ...decision.events.reduce(evolveWhistle, whistle), version: whistle.version + 1 };
      if (!(await store.updateWhistle(tx, next, whistle.version)))
        throw conflict(`whistle ${whistle.id} was changed meanwhile: reload it and decide again`);
      await writeOutbox(
        tx,
        decision.events.map((e) => announcement(whistle, e, caller.sub)),
      );
      return next;
    });
  }

  return {
    blowWhistle: blow,
    reportIn: (caller: RequestCaller, args: unknown) => answer('ReportIn', 'reportIn', caller, args),
    reportPartDone: (caller: RequestCaller, args: unknown) => answer('ReportPartDone', 'reportPartDone', caller, args),
    /** The whistle if the caller may see it (its district's people, city-level callers), else null. */
    async whistle(caller: RequestCaller, id: string): Promise<WhistleRecord | null> {
      requireRole(caller, ...staff);
      const whistle = await store.whistleById(id);
      return whistle && readsDistrict(caller, whistle.district) ? whistle : null;
    },
  };
}
export type WhistleCommands = ReturnType<typeof createWhistleCommands>;
