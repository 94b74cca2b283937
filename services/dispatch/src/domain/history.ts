import { z } from 'zod';
import { assertNever, returnReasonCodes, type Attachment, type ReturnReasonCode, type WorkOrderEvent } from './work-order-machine';

export const historyEntryTypes = [
  'DISPATCHED',
  'ACCEPTED',
  'CITIZEN_CONTACTED',
  'WORK_STARTED',
  'PROGRESS_NOTED',
  'REPLIED',
  'CLOSED',
  'RETURNED',
  'REOPENED',
  'EXTENSION_REQUESTED',
  'EXTENSION_DECIDED',
  'REROUTED',
  'TRANSFERRED',
] as const;
export type HistoryEntryType = (typeof historyEntryTypes)[number];

/** What a history entry holds beyond its note, by type; stored as JSON. */
export interface HistoryDetails {
  returnReasonCode?: ReturnReasonCode;
  attachments?: Attachment[];
  extensionMinutes?: number;
  approved?: boolean;
  toUnitId?: string;
  toDistrict?: string;
}

export const historyDetails = z.object({
  returnReasonCode: z.enum(returnReasonCodes).optional(),
  attachments: z.array(z.object({ name: z.string(), size: z.number(), contentType: z.string(), url: z.string() })).optional(),
  extensionMinutes: z.number().int().optional(),
  approved: z.boolean().optional(),
  toUnitId: z.string().optional(),
  toDistrict: z.string().optional(),
});

/** One transition of one work order, as its history keeps it. */
export interface HistoryEntry {
  id: string;
  workOrderId: string;
  version: number;
  type: HistoryEntryType;
  actor: string;
  at: Date;
  note: string | null;
  details: HistoryDetails;
}

/**
 * How a decided event is remembered: its type, the note shown with it (the text the event carries, or
 * the caller's note), and the details worth keeping.
 */
export function historyOf(
  event: WorkOrderEvent,
  callerNote: string | null,
): { type: HistoryEntryType; note: string | null; details: HistoryDetails } {
  switch (event.type) {
    case 'Accepted':
      return { type: 'ACCEPTED', note: callerNote, details: {} };
    case 'CitizenContacted':
      return { type: 'CITIZEN_CONTACTED', note: callerNote, details: {} };
    case 'WorkStarted':
      return { type: 'WORK_STARTED', note: callerNote, details: {} };
    case 'ProgressNoted':
      return { type: 'PROGRESS_NOTED', note: event.text, details: { attachments: event.attachments } };
    case 'Replied':
      return { type: 'REPLIED', note: event.text, details: {} };
    case 'Closed':
      return { type: 'CLOSED', note: callerNote, details: {} };
    case 'Returned':
      return { type: 'RETURNED', note: event.reason, details: { returnReasonCode: event.reasonCode } };
    case 'Reopened':
      return { type: 'REOPENED', note: event.reason, details: {} };
    case 'ExtensionRequested':
      return { type: 'EXTENSION_REQUESTED', note: event.reason, details: { extensionMinutes: event.minutes } };
    case 'ExtensionDecided':
      return { type: 'EXTENSION_DECIDED', note: callerNote, details: { approved: event.approved, extensionMinutes: event.minutes } };
    case 'Rerouted':
      return { type: 'REROUTED', note: callerNote, details: { toUnitId: event.toUnitId } };
    case 'Transferred':
      return { type: 'TRANSFERRED', note: event.reason, details: { toDistrict: event.toDistrict } };
    default:
      return assertNever(event);
  }
}
