import type { ratings } from '@hotline/shared';

/** Callbacks (回访): pure rules, no I/O. */

export type Rating = (typeof ratings)[number];
export const callbackStates = ['DUE', 'DONE', 'IN_REVIEW', 'EXEMPTION_REQUESTED', 'EXEMPTED', 'SENT_BACK'] as const;
export type CallbackState = (typeof callbackStates)[number];

export interface CallbackTaskRecord {
  id: string;
  district: string;
  complaintId: string;
  workOrderId: string;
  unitId: string;
  attempt: number;
  state: CallbackState;
  dueAt: Date;
  contacted: boolean | null;
  solved: boolean | null;
  rating: Rating | null;
  recordedBy: string | null;
  recordedAt: Date | null;
  reviewReason: string | null;
  exemptionRequestedBy: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
}

export class CallbackRuleBroken extends Error {}

/** The default number of send-backs after which a dissatisfied case also goes under supervision. */
export const DEFAULT_REHANDLE_LIMIT = 2;

/** The answers to the three questions and the rating; a dissatisfied citizen puts the case under review. */
export function record(
  task: CallbackTaskRecord,
  answers: { contacted: boolean | null; solved: boolean | null; rating: Rating },
  by: string,
  at: Date,
): Partial<CallbackTaskRecord> {
  if (task.state !== 'DUE') throw new CallbackRuleBroken(`callback ${task.id} was already recorded`);
  return { ...answers, recordedBy: by, recordedAt: at, state: answers.rating === 'DISSATISFIED' ? 'IN_REVIEW' : 'DONE' };
}

/** An unreasonable demand may be left out of assessment: one reviewer asks, with a reason… */
export function requestExemption(task: CallbackTaskRecord, reason: string, by: string): Partial<CallbackTaskRecord> {
  if (task.state !== 'IN_REVIEW') throw new CallbackRuleBroken(`callback ${task.id} is not under review`);
  return { state: 'EXEMPTION_REQUESTED', reviewReason: reason, exemptionRequestedBy: by };
}

/** …and a second person approves: nobody exempts a case on their own say. */
export function approveExemption(task: CallbackTaskRecord, by: string, at: Date): Partial<CallbackTaskRecord> {
  if (task.state !== 'EXEMPTION_REQUESTED') throw new CallbackRuleBroken(`callback ${task.id} has no exemption request`);
  if (task.exemptionRequestedBy === by)
    throw new CallbackRuleBroken('the exemption must be approved by someone other than who asked for it');
  return { state: 'EXEMPTED', reviewedBy: by, reviewedAt: at };
}

/** Sent back for re-handling; `rehandles` counts the send-backs of the order so far, this one included. */
export function sendBack(task: CallbackTaskRecord, reason: string, by: string, at: Date): Partial<CallbackTaskRecord> {
  if (task.state !== 'IN_REVIEW') throw new CallbackRuleBroken(`callback ${task.id} is not under review`);
  return { state: 'SENT_BACK', reviewReason: reason, reviewedBy: by, reviewedAt: at };
}

/** Sent back this many times, the case has beaten re-handling and goes under supervision. */
export const needsSupervision = (rehandles: number, limit: number): boolean => rehandles >= limit;
