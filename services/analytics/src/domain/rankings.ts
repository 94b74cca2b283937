import { computeRates, type RateTally, type Rates, type RatesConfig } from './rates';

/** The classes of an assessment ranking. */
export type RankingClass = 'ADVANCED' | 'IMPROVING' | 'MUST_RECTIFY';

export interface RankingEntry {
  subjectId: string;
  rates: Rates;
  /** 1 is best; equal scores share a rank (1, 2, 2, 4). */
  rank: number;
  previousRank: number | null;
  /** Places gained since the previous period (positive is better); null when unranked then. */
  change: number | null;
  classes: RankingClass[];
  /** Ranked last in this period and each of the periods before it, as many as configured (末位约谈). */
  lastInARow: boolean;
}

interface Ranked {
  subjectId: string;
  rates: Rates;
  rank: number;
}

/**
 * Ranks subjects by composite score, best first (ties share a rank, listed by id). Subjects with
 * nothing to assess in the period (no rate has a denominator) are not ranked.
 */
export function rankByScore(counts: Map<string, RateTally>, config: RatesConfig): Ranked[] {
  const scored = [...counts.entries()]
    .map(([subjectId, c]) => ({ subjectId, rates: computeRates(c, config) }))
    .filter((s): s is { subjectId: string; rates: Rates & { composite: number } } => s.rates.composite !== null)
    .sort((a, b) => b.rates.composite - a.rates.composite || (a.subjectId < b.subjectId ? -1 : 1));
  const ranked: Ranked[] = [];
  scored.forEach((s, i) => {
    const prev = ranked[i - 1];
    const rank = prev && scored[i - 1]!.rates.composite === s.rates.composite ? prev.rank : i + 1;
    ranked.push({ ...s, rank });
  });
  return ranked;
}

const isLast = (ranked: Ranked[], subjectId: string): boolean => {
  if (ranked.length < 2) return false;
  const worst = ranked[ranked.length - 1]!.rank;
  return ranked.some((r) => r.subjectId === subjectId && r.rank === worst);
};

/**
 * A ranking with its classes: the top share is advanced, the bottom share must rectify (at least one
 * each once two or more are ranked), a gain of enough places is improving, and the last place held
 * in this and the previous periods raises the summons flag.
 *
 * @param periods counts per subject for this period first, then each period before it, newest first.
 */
export function buildRanking(periods: Array<Map<string, RateTally>>, config: RatesConfig): RankingEntry[] {
  const [current, ...earlier] = periods.map((counts) => rankByScore(counts, config));
  if (!current) return [];
  const previous = earlier[0] ?? [];
  const n = current.length;
  const { advancedShare, mustRectifyShare, improvingRankGain, lastPlacesInARow } = config.ranking;
  const advancedCut = n >= 2 ? Math.max(1, Math.floor(n * advancedShare)) : 0;
  const rectifyCut = n >= 2 ? Math.max(1, Math.floor(n * mustRectifyShare)) : 0;
  const streakPeriods = [current, ...earlier].slice(0, lastPlacesInARow);
  return current.map((entry, index) => {
    const previousRank = previous.find((p) => p.subjectId === entry.subjectId)?.rank ?? null;
    const change = previousRank === null ? null : previousRank - entry.rank;
    const classes: RankingClass[] = [];
    if (entry.rank <= advancedCut) classes.push('ADVANCED');
    if (change !== null && change >= improvingRankGain) classes.push('IMPROVING');
    if (index >= n - rectifyCut && entry.rank > advancedCut) classes.push('MUST_RECTIFY');
    const lastInARow = streakPeriods.length === lastPlacesInARow && streakPeriods.every((ranked) => isLast(ranked, entry.subjectId));
    return { subjectId: entry.subjectId, rates: entry.rates, rank: entry.rank, previousRank, change, classes, lastInARow };
  });
}
