import { buildProfile, shifts } from './profile';
import { renderProfileHtml } from './profile-report';
import { computeRates, ratesConfigSchema, zeroCounts } from './rates';
import defaults from '../../config/rates.json';

const config = ratesConfigSchema.parse(defaults);

describe("a unit's monthly profile", () => {
  it('given two months of work orders, when compared by top-level category, then each shows its count, share and growth', () => {
    const now = [
      { categoryId: 'property.fees', count: 6 },
      { categoryId: 'property.repair', count: 2 },
      { categoryId: 'noise.night', count: 2 },
    ];
    const before = [
      { categoryId: 'property.fees', count: 4 },
      { categoryId: 'education.enrolment', count: 1 },
    ];
    expect(shifts(now, before, 1)).toEqual([
      { categoryId: 'property', count: 8, previousCount: 4, share: 0.8, previousShare: 0.8, growth: 1 },
      { categoryId: 'noise', count: 2, previousCount: 0, share: 0.2, previousShare: 0, growth: null },
      { categoryId: 'education', count: 0, previousCount: 1, share: 0, previousShare: 0.2, growth: -1 },
    ]);
  });

  it('given a month, when profiled, then the volume change and the five hottest sub-categories are given', () => {
    const profile = buildProfile({
      unitId: 'unit-110199-001',
      unitName: '安华街道办事处',
      period: { kind: 'MONTH', from: '2026-03-01', to: '2026-04-01' },
      previousPeriod: { kind: 'MONTH', from: '2026-02-01', to: '2026-03-01' },
      workOrders: ['a', 'b', 'c', 'd', 'e', 'f'].map((c, i) => ({ categoryId: `property.${c}`, count: 6 - i })),
      previousWorkOrders: [{ categoryId: 'property.a', count: 7 }],
      rates: computeRates(zeroCounts(), config),
      previousRates: computeRates(zeroCounts(), config),
    });
    expect(profile).toMatchObject({ month: '2026-03', volume: 21, previousVolume: 7, volumeGrowth: 2 });
    expect(profile.hotIssues.map((h) => h.categoryId)).toEqual(['property.a', 'property.b', 'property.c', 'property.d', 'property.e']);
  });

  it('given text with markup, when rendered, then it is escaped and the page has inline charts and no external resource', () => {
    const profile = buildProfile({
      unitId: 'unit-<x>',
      unitName: '<script>alert(1)</script>',
      period: { kind: 'MONTH', from: '2026-03-01', to: '2026-04-01' },
      previousPeriod: { kind: 'MONTH', from: '2026-02-01', to: '2026-03-01' },
      workOrders: [{ categoryId: 'property.fees', count: 1 }],
      previousWorkOrders: [],
      rates: computeRates({ ...zeroCounts(), responseDue: 2, responseOnTime: 1 }, config),
      previousRates: computeRates(zeroCounts(), config),
    });
    const html = renderProfileHtml(profile, [], new Date('2026-04-01T00:00:00.000Z'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('50.0%');
    expect(html).not.toMatch(/(src|href)=/);
  });
});
