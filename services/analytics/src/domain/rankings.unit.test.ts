import { buildRanking } from './rankings';
import { ratesConfigSchema, zeroCounts, type RateTally } from './rates';
import defaults from '../../config/rates.json';

const config = ratesConfigSchema.parse(defaults);
/** A unit whose three rates are all `onTime` of 10: its composite is onTime / 10. */
const scoring = (onTime: number): RateTally => ({
  ...zeroCounts(),
  responseDue: 10,
  responseOnTime: onTime,
  solvedAnswered: 10,
  solvedYes: onTime,
  satisfied: onTime,
  dissatisfied: 10 - onTime,
});
const period = (scores: Record<string, number>) => new Map(Object.entries(scores).map(([id, s]) => [id, scoring(s)]));

describe('ranking units by composite score', () => {
  it('given ten units, when ranked, then the top two are advanced and the bottom two must rectify', () => {
    const entries = buildRanking([period({ a: 10, b: 9, c: 8, d: 7, e: 6, f: 5, g: 4, h: 3, i: 2, j: 1 })], config);
    expect(entries.map((e) => [e.subjectId, e.rank, e.classes])).toEqual([
      ['a', 1, ['ADVANCED']],
      ['b', 2, ['ADVANCED']],
      ['c', 3, []],
      ['d', 4, []],
      ['e', 5, []],
      ['f', 6, []],
      ['g', 7, []],
      ['h', 8, []],
      ['i', 9, ['MUST_RECTIFY']],
      ['j', 10, ['MUST_RECTIFY']],
    ]);
  });

  it('given equal scores, when ranked, then they share a rank and the next rank is skipped', () => {
    expect(buildRanking([period({ a: 9, b: 9, c: 5 })], config).map((e) => [e.subjectId, e.rank])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 3],
    ]);
  });

  it('given a unit up three places since the previous period, when ranked, then it is improving and its change is +3', () => {
    const entries = buildRanking([period({ a: 9, b: 8, c: 7, d: 6 }), period({ b: 9, c: 8, d: 7, a: 6 })], config);
    expect(entries.find((e) => e.subjectId === 'a')).toMatchObject({
      rank: 1,
      previousRank: 4,
      change: 3,
      classes: ['ADVANCED', 'IMPROVING'],
    });
    expect(entries.find((e) => e.subjectId === 'b')).toMatchObject({ previousRank: 1, change: -1 });
  });

  it('given a unit last in three periods in a row, when ranked, then it is flagged for a summons; last twice is not enough', () => {
    const entries = buildRanking([period({ a: 9, b: 5, z: 1 }), period({ a: 9, z: 2 }), period({ a: 9, b: 4, z: 3 })], config);
    expect(entries.find((e) => e.subjectId === 'z')?.lastInARow).toBe(true);
    const twice = buildRanking([period({ a: 9, z: 1 }), period({ a: 9, z: 2 }), period({ a: 2, z: 3 })], config);
    expect(twice.find((e) => e.subjectId === 'z')?.lastInARow).toBe(false);
  });

  it('given a unit with nothing to assess, when ranked, then it is left out', () => {
    const counts = period({ a: 9 });
    counts.set('idle', zeroCounts());
    expect(buildRanking([counts], config).map((e) => e.subjectId)).toEqual(['a']);
  });
});
