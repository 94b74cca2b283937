import type { RatesConfig } from './rates';

/** P(X ≥ k) for X ~ Poisson(λ), summed term by term (k is a weekly count: small). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}

export interface WarningAssessment {
  raise: boolean;
  observed: number;
  /** The history's weekly mean (at least the configured floor). */
  expected: number;
  /** How unusual the week is: (observed − expected) ÷ √expected, the Poisson z-score. */
  score: number;
  tailProbability: number;
}

/**
 * Whether the last 7 days' count of a category in a street is abnormal against its trailing weeks:
 * a Poisson tail below the threshold and at least the minimum count.
 *
 * @param history weekly counts of the weeks before, as many as configured (missing weeks count 0).
 */
export function assessWeek(observed: number, history: number[], config: RatesConfig['earlyWarning']): WarningAssessment {
  const mean = history.reduce((s, c) => s + c, 0) / Math.max(1, history.length);
  const expected = Math.max(config.minExpected, mean);
  const tailProbability = poissonTail(observed, expected);
  const score = (observed - expected) / Math.sqrt(expected);
  return { raise: observed >= config.minCount && tailProbability < config.maxTailProbability, observed, expected, score, tailProbability };
}
