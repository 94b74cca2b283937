import { z } from 'zod';
import { defineEvent } from '../envelope';
import { areaTypes, channels, complaintTypes, geoPoint, instant, regionPath, urgencies } from './common';

/** Events intake publishes on hotline.intake.events. */

export const ComplaintReceived = defineEvent(
  'intake.complaint.received',
  1,
  z.object({
    complaintId: z.string(),
    channel: z.enum(channels),
    categoryId: z.string(),
    type: z.enum(complaintTypes),
    urgency: z.enum(urgencies),
    region: regionPath,
    areaType: z.enum(areaTypes).nullable(),
    location: geoPoint.nullable(),
    receivedAt: instant,
  }),
);

/** Corrected before dispatch: only the fields that changed are present. */
export const ComplaintUpdated = defineEvent(
  'intake.complaint.updated',
  1,
  z.object({
    complaintId: z.string(),
    categoryId: z.string().optional(),
    type: z.enum(complaintTypes).optional(),
    urgency: z.enum(urgencies).optional(),
    region: regionPath.optional(),
    areaType: z.enum(areaTypes).nullable().optional(),
    location: geoPoint.nullable().optional(),
    updatedAt: instant,
  }),
);

/** A duplicate folded into another case (合并同类项); the duplicate is handled through the case it joined. */
export const ComplaintMerged = defineEvent(
  'intake.complaint.merged',
  1,
  z.object({ complaintId: z.string(), intoComplaintId: z.string(), mergedAt: instant }),
);

export const ComplaintUnmerged = defineEvent(
  'intake.complaint.unmerged',
  1,
  z.object({ complaintId: z.string(), fromComplaintId: z.string(), unmergedAt: instant }),
);

/** Answered on the spot (e.g. a consultation from the knowledge base): no work order follows. */
export const ComplaintClosedAtIntake = defineEvent(
  'intake.complaint.closed-at-intake',
  1,
  z.object({ complaintId: z.string(), answer: z.string(), knowledgeArticleId: z.string().nullable(), closedAt: instant }),
);

/** The same caller about the same case a third time or more (重复来电 ≥ 3): escalated to a leader. */
export const RepeatCallEscalated = defineEvent(
  'intake.complaint.repeat-escalated',
  1,
  z.object({ complaintId: z.string(), calls: z.number().int().min(3), escalatedAt: instant }),
);
