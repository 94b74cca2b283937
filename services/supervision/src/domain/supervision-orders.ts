/** Supervision orders (督办): pure rules, no I/O. */

export const supervisionLevels = ['REMINDER', 'SUPERVISION', 'INTERVIEW'] as const;
export type SupervisionLevel = (typeof supervisionLevels)[number];
export const supervisionCauses = ['OVERDUE', 'DISSATISFIED', 'REPEAT_CALL', 'MANUAL'] as const;
export type SupervisionCause = (typeof supervisionCauses)[number];
export type SupervisionOrderState = 'OPEN' | 'CLOSED';

export interface SupervisionOrderRecord {
  id: string;
  district: string;
  complaintId: string;
  unitId: string;
  level: SupervisionLevel;
  state: SupervisionOrderState;
  cause: SupervisionCause;
  keySupervision: boolean;
  note: string | null;
  openedBy: string;
  openedAt: Date;
  escalatedAt: Date | null;
  closedBy: string | null;
  closedAt: Date | null;
  closingNote: string | null;
  evidence: string[];
}

/** A rule broken by a requested change; the use case turns it into a CONFLICT. */
export class SupervisionRuleBroken extends Error {}

/** The level a cause opens at: an overdue deadline earns a reminder; a repeat call or a dissatisfied citizen, supervision. */
export const openingLevel = (cause: SupervisionCause): SupervisionLevel =>
  cause === 'OVERDUE' || cause === 'MANUAL' ? 'REMINDER' : 'SUPERVISION';

const rank = (level: SupervisionLevel) => supervisionLevels.indexOf(level);

/** One level up: reminder → supervision → interview of the unit head; nothing is above an interview. */
export function escalate(order: SupervisionOrderRecord, at: Date): Pick<SupervisionOrderRecord, 'level' | 'escalatedAt'> {
  if (order.state !== 'OPEN') throw new SupervisionRuleBroken(`supervision order ${order.id} is closed`);
  const next = supervisionLevels[rank(order.level) + 1];
  if (!next) throw new SupervisionRuleBroken(`supervision order ${order.id} is already at INTERVIEW, the highest level`);
  return { level: next, escalatedAt: at };
}

/** How long an order may stay open at a level before it goes one up by itself; null: it stays. */
export type EscalationLimits = Record<Exclude<SupervisionLevel, 'INTERVIEW'>, number | null>;

/**
 * The instant an open order falls due for escalation at its current level: its limit (hours) counted
 * from when it reached that level. Null for a closed order, an interview (the top) or a level without a limit.
 */
export function escalationDueAt(
  order: Pick<SupervisionOrderRecord, 'state' | 'level' | 'openedAt' | 'escalatedAt'>,
  limits: EscalationLimits,
): Date | null {
  if (order.state !== 'OPEN' || order.level === 'INTERVIEW') return null;
  const hours = limits[order.level];
  if (hours === null) return null;
  return new Date((order.escalatedAt ?? order.openedAt).getTime() + hours * 3600_000);
}

/**
 * A second cause on a case that already has an open order raises that order to at least the level the
 * cause would open at, rather than opening another; null when it is already there.
 */
export function raiseTo(
  order: SupervisionOrderRecord,
  level: SupervisionLevel,
  at: Date,
): Pick<SupervisionOrderRecord, 'level' | 'escalatedAt'> | null {
  return rank(level) > rank(order.level) ? { level, escalatedAt: at } : null;
}

/** An order closes only with evidence of what the unit did and a note saying why it is settled. */
export function close(
  order: SupervisionOrderRecord,
  by: string,
  at: Date,
  note: string,
  evidence: readonly string[],
): Pick<SupervisionOrderRecord, 'state' | 'closedBy' | 'closedAt' | 'closingNote' | 'evidence'> {
  if (order.state !== 'OPEN') throw new SupervisionRuleBroken(`supervision order ${order.id} is already closed`);
  if (evidence.length === 0) throw new SupervisionRuleBroken('an order closes only with evidence');
  if (!note.trim()) throw new SupervisionRuleBroken('an order closes only with a note');
  return { state: 'CLOSED', closedBy: by, closedAt: at, closingNote: note.trim(), evidence: [...evidence] };
}
