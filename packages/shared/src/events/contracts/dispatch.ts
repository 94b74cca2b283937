import { z } from 'zod';
import { defineEvent } from '../envelope';
import { areaTypes, instant, urgencies, workOrderRef } from './common';

/** Events dispatch publishes on hotline.dispatch.events. */

export const WorkOrderDispatched = defineEvent(
  'dispatch.work-order.dispatched',
  1,
  z.object({
    ...workOrderRef,
    /** The responsibility rule and its version that chose the unit, or null when none matched. */
    ruleId: z.string().nullable(),
    ruleVersion: z.number().int().nullable(),
    role: z.enum(['LEAD', 'ASSIST']),
    categoryId: z.string(),
    urgency: z.enum(urgencies),
    areaType: z.enum(areaTypes).nullable(),
    dispatchedAt: instant,
  }),
);

/** The unit signed for the order (签收). Together with CitizenContacted, the first one is the order's response. */
export const WorkOrderAccepted = defineEvent('dispatch.work-order.accepted', 1, z.object({ ...workOrderRef, acceptedAt: instant }));

/** The handler reached the citizen. */
export const CitizenContacted = defineEvent(
  'dispatch.work-order.citizen-contacted',
  1,
  z.object({ ...workOrderRef, contactedAt: instant }),
);

/** Returned as not this unit's (退单); the dispatcher re-routes it (a new order is dispatched). */
export const WorkOrderReturned = defineEvent(
  'dispatch.work-order.returned',
  1,
  z.object({ ...workOrderRef, reasonCode: z.string(), reason: z.string(), returns: z.number().int().min(1), returnedAt: instant }),
);

/**
 * An order that waited in the manual queue was routed on by a dispatcher: it is over (its limits with
 * it), and a new order to `toUnitId` follows as WorkOrderDispatched.
 */
export const WorkOrderRerouted = defineEvent(
  'dispatch.work-order.rerouted',
  1,
  z.object({ ...workOrderRef, toUnitId: z.string(), reroutedAt: instant }),
);

/** The unit replied to the citizen with the result (答复). */
export const WorkOrderReplied = defineEvent('dispatch.work-order.replied', 1, z.object({ ...workOrderRef, repliedAt: instant }));

/** Handling finished (办结): supervision's callback falls due. */
export const WorkOrderClosed = defineEvent('dispatch.work-order.closed', 1, z.object({ ...workOrderRef, closedAt: instant }));

/** Sent back for re-handling (发回重办) and reopened, its history kept. */
export const WorkOrderReopened = defineEvent(
  'dispatch.work-order.reopened',
  1,
  z.object({ ...workOrderRef, reason: z.string(), rehandles: z.number().int().min(1), reopenedAt: instant }),
);

/** An extension approved (or refused) by a dispatcher; supervision moves the deadlines it names. */
export const ExtensionDecided = defineEvent(
  'dispatch.work-order.extension-decided',
  1,
  z.object({ ...workOrderRef, approved: z.boolean(), extraMinutes: z.number().int().min(0), decidedAt: instant }),
);

/** A street or town summons departments for one case (吹哨). */
export const WhistleBlown = defineEvent(
  'dispatch.whistle.blown',
  1,
  z.object({
    whistleId: z.string(),
    complaintId: z.string(),
    streetUnitId: z.string(),
    departmentUnitIds: z.array(z.string()).min(1),
    reason: z.string(),
    reportInMinutes: z.number().int().min(1),
    blownAt: instant,
  }),
);

/** A summoned department reported in (报到); `late` when after the report-in limit. */
export const WhistleReportedIn = defineEvent(
  'dispatch.whistle.reported-in',
  1,
  z.object({ whistleId: z.string(), complaintId: z.string(), unitId: z.string(), late: z.boolean(), reportedAt: instant }),
);

export const WhistleClosed = defineEvent(
  'dispatch.whistle.closed',
  1,
  z.object({ whistleId: z.string(), complaintId: z.string(), closedAt: instant }),
);

/** A case handed to another district (跨区转办); that district's intake takes it in. The envelope's district is the receiving one. */
export const ComplaintTransferred = defineEvent(
  'dispatch.complaint.transferred',
  1,
  z.object({ complaintId: z.string(), fromDistrict: z.string(), toDistrict: z.string(), reason: z.string(), transferredAt: instant }),
);

/** The unit began working the order (ACCEPTED → IN_PROGRESS). */
export const WorkStarted = defineEvent('dispatch.work-order.started', 1, z.object({ ...workOrderRef, startedAt: instant }));

/** What a progress note attached: metadata only, the file itself stays where `url` points. */
const attachmentMetadata = z.object({ name: z.string(), size: z.number().int().min(0), contentType: z.string(), url: z.string() });

/**
 * The handler recorded progress on the order. The note's full text stays in dispatch's history; the
 * event carries its length and its opening (`summary`, at most 200 characters) and the attachments' metadata.
 */
export const ProgressNoted = defineEvent(
  'dispatch.work-order.progress-noted',
  1,
  z.object({
    ...workOrderRef,
    textLength: z.number().int().min(1),
    summary: z.string().max(200),
    attachments: z.array(attachmentMetadata),
    notedAt: instant,
  }),
);

/** The unit asked for more time; a dispatcher decides (ExtensionDecided). */
export const ExtensionRequested = defineEvent(
  'dispatch.work-order.extension-requested',
  1,
  z.object({ ...workOrderRef, extraMinutes: z.number().int().min(1), reason: z.string(), requestedAt: instant }),
);

/** A summoned department reported its part of a whistle done; the last part done also closes the whistle (WhistleClosed). */
export const WhistlePartDone = defineEvent(
  'dispatch.whistle.part-done',
  1,
  z.object({ whistleId: z.string(), complaintId: z.string(), unitId: z.string(), doneAt: instant }),
);
