import { z } from 'zod';

/*
 * Vocabulary shared by the event contracts. A breaking change to a payload is a new version of
 * its contract, published beside the old one until every consumer has moved.
 */

export const urgencies = ['URGENT', 'GENERAL', 'COMPLEX'] as const;
export const complaintTypes = ['CONSULTATION', 'HELP', 'COMPLAINT', 'REPORT', 'SUGGESTION'] as const;
export const channels = ['HOTLINE', 'WEB', 'APP', 'WECHAT', 'WEIBO', 'LEADER_BOARD', 'GRID_PATROL', 'SENSOR'] as const;
export const areaTypes = ['BUILT_UP', 'URBAN_RURAL_FRINGE', 'RURAL', 'COMPOUND'] as const;
/** The limits every work order has, in the order they fall due. */
export const deadlineKinds = ['RESPOND', 'ACCEPT', 'REPLY', 'CLOSE'] as const;
/** What supervision watches: the work-order limits, and a summoned department's report-in (报到). */
export const watchedDeadlineKinds = [...deadlineKinds, 'REPORT_IN'] as const;
/** Callback ratings: satisfied, basically satisfied, no comment, dissatisfied. */
export const ratings = ['SATISFIED', 'BASICALLY_SATISFIED', 'NO_COMMENT', 'DISSATISFIED'] as const;

export const instant = z.iso.datetime({ offset: true });

export const regionPath = z.object({
  district: z.string(),
  street: z.string().nullable(),
  community: z.string().nullable(),
  grid: z.string().nullable(),
});

export const geoPoint = z.object({ lat: z.number(), lng: z.number() });

/** What every work-order event says about the order it concerns. */
export const workOrderRef = {
  workOrderId: z.string(),
  complaintId: z.string(),
  unitId: z.string(),
};
