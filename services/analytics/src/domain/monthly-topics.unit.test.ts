import { rankTopics, type TopicCell } from './monthly-topics';
import { ratesConfigSchema } from './rates';
import defaults from '../../config/rates.json';

const config = ratesConfigSchema.parse(defaults);
const cell = (c: Partial<TopicCell> & { categoryId: string }): TopicCell => ({
  streetId: '110199-001',
  volume: 10,
  previousVolume: 10,
  repeats: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  dissatisfied: 0,
  ...c,
});

describe('每月一题 candidates', () => {
  it('given four problems, when ranked, then each criterion counts by percentile and reasons name the top quarter', () => {
    const ranked = rankTopics(
      [
        cell({ categoryId: 'property.fees', volume: 40, previousVolume: 38, satisfied: 8, dissatisfied: 2 }),
        cell({ categoryId: 'noise.night', volume: 12, previousVolume: 4, repeats: 6, satisfied: 2, dissatisfied: 8 }),
        cell({ categoryId: 'traffic.parking', volume: 8, previousVolume: 8, satisfied: 9, basicallySatisfied: 1 }),
        cell({ categoryId: 'education.enrolment', volume: 6, previousVolume: 6, repeats: 1, satisfied: 5 }),
        cell({ categoryId: 'too.small', volume: 4, previousVolume: 0 }),
      ],
      config,
    );
    expect(ranked.map((r) => [r.categoryId, r.reasons])).toEqual([
      ['noise.night', ['RISING', 'REPEATED', 'LOW_SATISFACTION']],
      ['property.fees', ['HIGH_VOLUME']],
      // parking: 0.4 × 1/3 + 0.2 × 1/3 = 0.2; enrolment: 0.2 × 2/3 (its repeats) ≈ 0.133.
      ['traffic.parking', []],
      ['education.enrolment', []],
    ]);
    // noise.night: volume percentile 2/3, growth 1, repeat 1, dissatisfaction 1 → 0.4 × 2/3 + 0.2 + 0.2 + 0.2
    expect(ranked[0]).toMatchObject({ growth: 2, repeatRate: 0.5, satisfaction: 0.2, score: expect.closeTo(0.4 * (2 / 3) + 0.6, 12) });
  });
});
