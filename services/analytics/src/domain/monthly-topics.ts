import type { RatesConfig } from './rates';

/** One category × street in a month, as counted. */
export interface TopicCell {
  categoryId: string;
  streetId: string;
  volume: number;
  previousVolume: number;
  /** Complaints that were repeats: merged into another case as duplicates, or escalated for repeat calls. */
  repeats: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

export type TopicReason = 'HIGH_VOLUME' | 'RISING' | 'REPEATED' | 'LOW_SATISFACTION';

export interface TopicCandidate extends TopicCell {
  growth: number | null;
  repeatRate: number;
  /** Null when no callback was rated. */
  satisfaction: number | null;
  /** 0–1: the weighted mean of the candidate's percentile on each criterion. */
  score: number;
  reasons: TopicReason[];
}

/** Percentile of each value among all (0 lowest … 1 highest; ties share the lower rank). */
const percentiles = (values: number[]): number[] => {
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) => (values.length < 2 ? 1 : sorted.indexOf(v) / (values.length - 1)));
};

/**
 * 每月一题: ranks category × street combinations by volume, growth on the month before, repeat rate
 * and dissatisfaction, each as a percentile among the candidates so that no criterion's scale
 * dominates. A reason is given for every criterion on which the candidate is in the top quarter
 * (and, for growth and dissatisfaction, actually rising or below 80% satisfied).
 */
export function rankTopics(cells: TopicCell[], config: RatesConfig): TopicCandidate[] {
  const { weights, minVolume, first } = config.monthlyTopic;
  const w = config.satisfactionWeights;
  const candidates = cells
    .filter((c) => c.volume >= minVolume)
    .map((c) => {
      const rated = c.satisfied + c.basicallySatisfied + c.dissatisfied;
      return {
        ...c,
        growth: c.previousVolume === 0 ? null : c.volume / c.previousVolume - 1,
        repeatRate: c.repeats / c.volume,
        satisfaction:
          rated === 0
            ? null
            : (w.SATISFIED * c.satisfied + w.BASICALLY_SATISFIED * c.basicallySatisfied + w.DISSATISFIED * c.dissatisfied) / rated,
      };
    });
  // A combination that is new this month grows as much as any; an unrated one is as satisfied as any.
  const growthOf = (c: (typeof candidates)[number]) => c.growth ?? (c.volume > 0 ? Number.MAX_SAFE_INTEGER : 0);
  const volumeP = percentiles(candidates.map((c) => c.volume));
  const growthP = percentiles(candidates.map(growthOf));
  const repeatP = percentiles(candidates.map((c) => c.repeatRate));
  const dissatisfactionP = percentiles(candidates.map((c) => 1 - (c.satisfaction ?? 1)));
  const total = weights.volume + weights.growth + weights.repeat + weights.dissatisfaction;
  return candidates
    .map((c, i): TopicCandidate => {
      const reasons: TopicReason[] = [];
      if (volumeP[i]! >= 0.75) reasons.push('HIGH_VOLUME');
      if (growthP[i]! >= 0.75 && growthOf(c) > 0) reasons.push('RISING');
      if (repeatP[i]! >= 0.75 && c.repeatRate > 0) reasons.push('REPEATED');
      if (dissatisfactionP[i]! >= 0.75 && c.satisfaction !== null && c.satisfaction < 0.8) reasons.push('LOW_SATISFACTION');
      const score =
        (weights.volume * volumeP[i]! +
          weights.growth * growthP[i]! +
          weights.repeat * repeatP[i]! +
          weights.dissatisfaction * dissatisfactionP[i]!) /
        total;
      return { ...c, score, reasons };
    })
    .sort(
      (a, b) => b.score - a.score || b.volume - a.volume || (`${a.categoryId}|${a.streetId}` < `${b.categoryId}|${b.streetId}` ? -1 : 1),
    )
    .slice(0, first);
}
