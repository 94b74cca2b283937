import { testCaller } from '@hotline/shared/testing';
import { createAnalyticsManager } from './analytics-manager';
import type { AnalyticsStore } from '../store/analytics-store';

/** A store that answers the unit queries from fixed rows and records every call. */
function fakeStore() {
  const calls: Array<{ query: string; unitIds: string[]; district: string | null }> = [];
  const store = {
    async unitWorkOrders(unitIds: string[], district: string | null) {
      calls.push({ query: 'workOrders', unitIds, district });
      return [
        { unitId: 'unit-a', categoryId: 'property.fees', count: 2 },
        { unitId: 'unit-b', categoryId: 'noise.traffic', count: 1 },
        { unitId: 'unit-a', categoryId: 'property.fees', count: 1 },
      ].filter((r) => unitIds.includes(r.unitId));
    },
    async unitDeadlines(unitIds: string[], district: string | null) {
      calls.push({ query: 'deadlines', unitIds, district });
      return [
        { unitId: 'unit-a', count: 2 },
        { unitId: 'unit-a', count: 1 },
      ].filter((r) => unitIds.includes(r.unitId));
    },
  };
  return { store: store as unknown as AnalyticsStore, calls };
}

const march = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

describe("units' figures", () => {
  it('given many units asked for the same period, when loaded, then one query per read model serves them all', async () => {
    const { store, calls } = fakeStore();
    const analytics = createAnalyticsManager({ store });
    const caller = testCaller('analyst');
    const keys = ['unit-a', 'unit-b', 'unit-c'].map((id) => analytics.unitStatsKey(caller, id, march));
    const stats = await analytics.unitStats(keys);
    expect(calls).toEqual([
      { query: 'workOrders', unitIds: ['unit-a', 'unit-b', 'unit-c'], district: '110199' },
      { query: 'deadlines', unitIds: ['unit-a', 'unit-b', 'unit-c'], district: '110199' },
    ]);
    expect(stats).toEqual([
      {
        unitId: 'unit-a',
        workOrders: [
          { categoryId: 'property.fees', count: 2 },
          { categoryId: 'property.fees', count: 1 },
        ],
        deadlinesSet: 3,
      },
      { unitId: 'unit-b', workOrders: [{ categoryId: 'noise.traffic', count: 1 }], deadlinesSet: 0 },
      { unitId: 'unit-c', workOrders: [], deadlinesSet: 0 },
    ]);
  });

  it('given units asked for different periods, when loaded, then each period is queried once', async () => {
    const { store, calls } = fakeStore();
    const analytics = createAnalyticsManager({ store });
    const caller = testCaller('analyst');
    await analytics.unitStats([
      analytics.unitStatsKey(caller, 'unit-a', march),
      analytics.unitStatsKey(caller, 'unit-b', null),
      analytics.unitStatsKey(caller, 'unit-c', march),
    ]);
    expect(calls.filter((c) => c.query === 'workOrders').map((c) => c.unitIds)).toEqual([['unit-a', 'unit-c'], ['unit-b']]);
  });

  it('given a city caller, when a key is made, then figures are not limited to a district', () => {
    const { store } = fakeStore();
    expect(createAnalyticsManager({ store }).unitStatsKey(testCaller('city'), 'unit-a', null)).toEqual({
      unitId: 'unit-a',
      district: null,
      period: null,
    });
  });

  it('given a handler, when asking for their own unit, then it is allowed, and for another unit it is forbidden', () => {
    const { store } = fakeStore();
    const analytics = createAnalyticsManager({ store });
    const handler = testCaller('handler', { unit: 'unit-a' });
    expect(analytics.unitStatsKey(handler, 'unit-a', null).unitId).toBe('unit-a');
    expect(() => analytics.unitStatsKey(handler, 'unit-b', null)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    );
  });

  it("given an agent, when asking for a unit's figures, then they are given", () => {
    const { store } = fakeStore();
    expect(createAnalyticsManager({ store }).unitStatsKey(testCaller('agent'), 'unit-a', null)).toEqual({
      unitId: 'unit-a',
      district: '110199',
      period: null,
    });
  });

  it("given a citizen, when asking for a unit's figures, then it is forbidden", () => {
    const { store } = fakeStore();
    expect(() => createAnalyticsManager({ store }).unitStatsKey(testCaller('citizen'), 'unit-a', null)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    );
  });

  it('given an agent, when asking for a district summary, then it is forbidden', async () => {
    const { store } = fakeStore();
    await expect(createAnalyticsManager({ store }).districtSummary(testCaller('agent'), {})).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('given a period that ends before it starts, when a key is made, then the error names period.to', () => {
    const { store } = fakeStore();
    expect(() =>
      createAnalyticsManager({ store }).unitStatsKey(testCaller('analyst'), 'unit-a', { from: march.to, to: march.from }),
    ).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'period.to' }) }));
  });
});
