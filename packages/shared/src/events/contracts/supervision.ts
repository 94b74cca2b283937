import { z } from 'zod';
import { defineEvent } from '../envelope';
import { deadlineKinds, instant, ratings, watchedDeadlineKinds, workOrderRef } from './common';

/** Events supervision publishes on hotline.supervision.events. */

export const DeadlinesSet = defineEvent(
  'supervision.deadlines.set',
  1,
  z.object({
    ...workOrderRef,
    ruleId: z.string(),
    deadlines: z.array(z.object({ kind: z.enum(deadlineKinds), dueAt: instant })).min(1),
  }),
);

const deadlineRef = { ...workOrderRef, deadlineId: z.string(), kind: z.enum(watchedDeadlineKinds), dueAt: instant };

/** Early warning before a deadline (e.g. at 80% of its limit). */
export const DeadlineWarning = defineEvent('supervision.deadline.warning', 1, z.object({ ...deadlineRef, warnedAt: instant }));

/** A deadline passed unmet. Inspection offices subscribe to these live. */
export const DeadlineOverdue = defineEvent('supervision.deadline.overdue', 1, z.object({ ...deadlineRef, overdueAt: instant }));

/** A work order's running deadlines stopped while the case waits on the citizen. */
export const DeadlinesPaused = defineEvent(
  'supervision.deadlines.paused',
  1,
  z.object({
    ...workOrderRef,
    reason: z.string(),
    pausedAt: instant,
    deadlines: z.array(z.object({ deadlineId: z.string(), kind: z.enum(watchedDeadlineKinds) })).min(1),
  }),
);

/** The clock running again: each deadline's new due time, moved by the minutes paused (as its calendar counts them). */
export const DeadlinesResumed = defineEvent(
  'supervision.deadlines.resumed',
  1,
  z.object({
    ...workOrderRef,
    resumedAt: instant,
    deadlines: z
      .array(z.object({ deadlineId: z.string(), kind: z.enum(watchedDeadlineKinds), dueAt: instant, pausedMinutes: z.number().min(0) }))
      .min(1),
  }),
);

/** A supervision order opened, escalated or closed: reminder → supervision → interview of the unit head. */
export const SupervisionOrderChanged = defineEvent(
  'supervision.order.changed',
  1,
  z.object({
    orderId: z.string(),
    complaintId: z.string(),
    unitId: z.string(),
    level: z.enum(['REMINDER', 'SUPERVISION', 'INTERVIEW']),
    state: z.enum(['OPEN', 'CLOSED']),
    cause: z.enum(['OVERDUE', 'DISSATISFIED', 'REPEAT_CALL', 'MANUAL']),
    changedAt: instant,
  }),
);

/** The callback (回访) with the three questions; counts for the unit that handled the order it evaluates. */
export const CallbackRecorded = defineEvent(
  'supervision.callback.recorded',
  1,
  z.object({
    ...workOrderRef,
    callbackId: z.string(),
    contacted: z.boolean().nullable(),
    solved: z.boolean().nullable(),
    rating: z.enum(ratings),
    recordedAt: instant,
  }),
);

/** An unreasonable demand, approved to be left out of assessment (不纳入考核). */
export const CaseExempted = defineEvent(
  'supervision.case.exempted',
  1,
  z.object({ ...workOrderRef, reason: z.string(), approvedBy: z.string(), exemptedAt: instant }),
);

/** Sent back for re-handling (发回重办): dispatch reopens the order. */
export const CaseSentBack = defineEvent(
  'supervision.case.sent-back',
  1,
  z.object({ ...workOrderRef, reason: z.string(), rehandles: z.number().int().min(1), sentBackAt: instant }),
);
