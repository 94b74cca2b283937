import { z } from 'zod';
import { defineEvent } from '../envelope';
import { instant } from './common';

/** Events analytics publishes on hotline.analytics.events. */

/** 未诉先办: a category rising abnormally in an area against its own history, with the evidence. */
export const EarlyWarningRaised = defineEvent(
  'analytics.early-warning.raised',
  1,
  z.object({
    warningId: z.string(),
    categoryId: z.string(),
    areaId: z.string(),
    windowStart: instant,
    windowEnd: instant,
    observed: z.number().int(),
    expected: z.number(),
    score: z.number(),
    raisedAt: instant,
  }),
);
