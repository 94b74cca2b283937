import { assertNever } from './work-order-machine';

/**
 * Whistle & report (吹哨报到) as a decider: a street or town summons departments for one case; each
 * reports in (报到) — late when after the report-in limit — and then reports its part done; the
 * whistle closes when every part is done.
 */

export const whistleStates = ['OPEN', 'CLOSED'] as const;
export type WhistleState = (typeof whistleStates)[number];

export interface Summons {
  unitId: string;
  reportedInAt: Date | null;
  /** Whether the report-in came after the limit; null until the unit reported in. */
  late: boolean | null;
  partDoneAt: Date | null;
}

export interface WhistleRecord {
  id: string;
  complaintId: string;
  district: string;
  /** The street office or town government that blew the whistle. */
  streetUnitId: string;
  reason: string;
  reportInMinutes: number;
  blownAt: Date;
  reportInDueAt: Date;
  state: WhistleState;
  closedAt: Date | null;
  version: number;
  summons: Summons[];
}

export type WhistleCommand = { type: 'ReportIn'; unitId: string; at: Date } | { type: 'ReportPartDone'; unitId: string; at: Date };

export type WhistleEvent =
  | { type: 'ReportedIn'; unitId: string; at: Date; late: boolean }
  | { type: 'PartDone'; unitId: string; at: Date }
  | { type: 'Closed'; at: Date };

export type WhistleDecision = { ok: true; events: WhistleEvent[] } | { ok: false; reason: string };

/** A new whistle: every department summoned, none reported in yet. */
export function blowWhistle(input: {
  id: string;
  complaintId: string;
  district: string;
  streetUnitId: string;
  departmentUnitIds: string[];
  reason: string;
  reportInMinutes: number;
  at: Date;
}): WhistleRecord {
  return {
    id: input.id,
    complaintId: input.complaintId,
    district: input.district,
    streetUnitId: input.streetUnitId,
    reason: input.reason,
    reportInMinutes: input.reportInMinutes,
    blownAt: input.at,
    reportInDueAt: new Date(input.at.getTime() + input.reportInMinutes * 60_000),
    state: 'OPEN',
    closedAt: null,
    version: 1,
    summons: input.departmentUnitIds.map((unitId) => ({ unitId, reportedInAt: null, late: null, partDoneAt: null })),
  };
}

export function decideWhistle(command: WhistleCommand, whistle: WhistleRecord): WhistleDecision {
  if (whistle.state === 'CLOSED') return { ok: false, reason: 'the whistle is closed: every part is done' };
  const summons = whistle.summons.find((s) => s.unitId === command.unitId);
  if (!summons) return { ok: false, reason: `unit ${command.unitId} was not summoned by this whistle` };
  switch (command.type) {
    case 'ReportIn':
      if (summons.reportedInAt) return { ok: false, reason: 'the unit has already reported in' };
      // Exactly at the limit is still in time.
      return {
        ok: true,
        events: [
          { type: 'ReportedIn', unitId: command.unitId, at: command.at, late: command.at.getTime() > whistle.reportInDueAt.getTime() },
        ],
      };
    case 'ReportPartDone': {
      if (!summons.reportedInAt) return { ok: false, reason: 'the unit must report in before reporting its part done' };
      if (summons.partDoneAt) return { ok: false, reason: 'the unit has already reported its part done' };
      const othersDone = whistle.summons.every((s) => s.unitId === command.unitId || s.partDoneAt !== null);
      const done: WhistleEvent = { type: 'PartDone', unitId: command.unitId, at: command.at };
      return { ok: true, events: othersDone ? [done, { type: 'Closed', at: command.at }] : [done] };
    }
    default:
      return assertNever(command);
  }
}

export function evolveWhistle(whistle: WhistleRecord, event: WhistleEvent): WhistleRecord {
  switch (event.type) {
    case 'ReportedIn':
      return {
        ...whistle,
        summons: whistle.summons.map((s) => (s.unitId === event.unitId ? { ...s, reportedInAt: event.at, late: event.late } : s)),
      };
    case 'PartDone':
      return { ...whistle, summons: whistle.summons.map((s) => (s.unitId === event.unitId ? { ...s, partDoneAt: event.at } : s)) };
    case 'Closed':
      return { ...whistle, state: 'CLOSED', closedAt: event.at };
    default:
      return assertNever(event);
  }
}
