import { assessWeek, poissonTail } from './early-warning';

const config = { historyWeeks: 8, minCount: 5, maxTailProbability: 0.001, minExpected: 0.5, liveDays: 2 };

describe('the Poisson tail', () => {
  it('given hand-computed values, when summed, then P(X ≥ k) matches', () => {
    expect(poissonTail(0, 1)).toBe(1);
    expect(poissonTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    // 1 − e^−1 (1 + 1 + 1/2) = 0.080301…
    expect(poissonTail(3, 1)).toBeCloseTo(0.0803013971, 9);
    // 1 − e^−1 (1 + 1 + 1/2 + 1/6 + 1/24 + 1/120) = 0.000594…
    expect(poissonTail(6, 1)).toBeCloseTo(0.000594184, 8);
  });
});

describe('judging the last 7 days against the weeks before', () => {
  const weekly = [1, 1, 1, 1, 1, 1, 1, 1];
  it('given one a week before and six now, when judged, then a warning is raised with its evidence', () => {
    expect(assessWeek(6, weekly, config)).toEqual({
      raise: true,
      observed: 6,
      expected: 1,
      score: 5,
      tailProbability: expect.closeTo(0.000594184, 8),
    });
  });
  it('given one a week before and five now, when judged, then it is not unusual enough', () => {
    expect(assessWeek(5, weekly, config).raise).toBe(false);
  });
  it('given no history at all, when judged, then the floor on the mean keeps four from alarming and the minimum count is required', () => {
    expect(assessWeek(4, [0, 0, 0, 0, 0, 0, 0, 0], config)).toMatchObject({ raise: false, expected: 0.5 });
    expect(assessWeek(5, [0, 0, 0, 0, 0, 0, 0, 0], config).raise).toBe(true);
  });
  it('given a steady high level, when judged, then the same level is no warning', () => {
    expect(assessWeek(30, [28, 31, 29, 30, 33, 27, 30, 32], config).raise).toBe(false);
  });
});
