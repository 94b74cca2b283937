import distance from '@turf/distance';
import type { ComplaintRecord } from './complaint';
import { bigramJaccard } from './text';

export interface DuplicateSettings {
  /** Reports farther apart than this are not the same problem. */
  radiusMeters: number;
  /** Reports further apart in time than this are not the same problem. */
  windowHours: number;
  /** Candidates scoring below this are not shown. */
  minScore: number;
}

export type DuplicateReason = 'NEARBY' | 'SAME_PLACE' | 'SAME_CATEGORY' | 'RELATED_CATEGORY' | 'SIMILAR_TEXT' | 'SAME_CALLER';

export interface DuplicateCandidate {
  complaint: ComplaintRecord;
  score: number;
  reasons: DuplicateReason[];
  distanceMeters: number | null;
  textSimilarity: number;
}

type Subject = Pick<
  ComplaintRecord,
  'id' | 'district' | 'categoryId' | 'title' | 'description' | 'lat' | 'lng' | 'gridId' | 'communityId' | 'complainantId' | 'receivedAt'
>;

const topOf = (categoryId: string) => categoryId.split('.')[0]!;

/**
 * How likely `other` reports the same problem as `subject`. Hard limits first: the same district, the
 * same top-level category (a related category), within the time window, and within the radius when both
 * have points (or the same community when either has none). Then a score: text similarity weighs most,
 * closeness and an exact category add to it. Null when it is not a candidate.
 */
export function scoreDuplicate(subject: Subject, other: ComplaintRecord, settings: DuplicateSettings): DuplicateCandidate | null {
  if (other.id === subject.id || other.district !== subject.district) return null;
  if (topOf(other.categoryId) !== topOf(subject.categoryId)) return null;
  if (Math.abs(other.receivedAt.getTime() - subject.receivedAt.getTime()) > settings.windowHours * 3_600_000) return null;
  const reasons: DuplicateReason[] = [other.categoryId === subject.categoryId ? 'SAME_CATEGORY' : 'RELATED_CATEGORY'];
  let closeness: number;
  let distanceMeters: number | null = null;
  if (subject.lat !== null && subject.lng !== null && other.lat !== null && other.lng !== null) {
    distanceMeters = distance([subject.lng, subject.lat], [other.lng, other.lat], { units: 'kilometers' }) * 1000;
    if (distanceMeters > settings.radiusMeters) return null;
    closeness = 1 - distanceMeters / settings.radiusMeters;
    reasons.push('NEARBY');
  } else if ((subject.gridId && subject.gridId === other.gridId) || (subject.communityId && subject.communityId === other.communityId)) {
    closeness = 0.5;
    reasons.push('SAME_PLACE');
  } else {
    return null;
  }
  const textSimilarity = bigramJaccard(`${subject.title} ${subject.description}`, `${other.title} ${other.description}`);
  if (textSimilarity >= 0.15) reasons.push('SIMILAR_TEXT');
  if (subject.complainantId && subject.complainantId === other.complainantId) reasons.push('SAME_CALLER');
  const score = Math.min(
    1,
    0.55 * Math.min(1, textSimilarity * 2) + 0.3 * closeness + (other.categoryId === subject.categoryId ? 0.15 : 0.05),
  );
  if (score < settings.minScore) return null;
  return {
    complaint: other,
    score: Math.round(score * 1000) / 1000,
    reasons,
    distanceMeters: distanceMeters === null ? null : Math.round(distanceMeters),
    textSimilarity: Math.round(textSimilarity * 1000) / 1000,
  };
}

/** The candidates among `others`, best first, at most `limit`. A merged report stands for its case, so it is left out. */
export function findDuplicates(
  subject: Subject,
  others: readonly ComplaintRecord[],
  settings: DuplicateSettings,
  limit = 5,
): DuplicateCandidate[] {
  return others
    .filter((o) => o.mergedIntoId === null)
    .map((o) => scoreDuplicate(subject, o, settings))
    .filter((c): c is DuplicateCandidate => c !== null)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** Reports by the same caller in one case (the case and every report merged into it), counted for 重复来电 ≥ 3. */
export function callsBySameCaller(complainantId: string | null, group: readonly Pick<ComplaintRecord, 'complainantId'>[]): number {
  return complainantId ? group.filter((c) => c.complainantId === complainantId).length : 0;
}

/** The number of calls from one caller about one case at which it is escalated to a leader. */
export const REPEAT_CALL_THRESHOLD = 3;
