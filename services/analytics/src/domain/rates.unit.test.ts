import {
  computeRates,
  contributionChanged,
  contributionDelta,
  contributionOf,
  ratesConfigSchema,
  withoutPending,
  zeroCounts,
  type PendingResponse,
  type RateTally,
  type WorkOrderRateFact,
} from './rates';
import defaults from '../../config/rates.json';

const config = ratesConfigSchema.parse(defaults);
const at = (iso: string) => new Date(iso);
const counts = (c: Partial<RateTally>): RateTally => ({ ...zeroCounts(), ...c });

/** A work order of unit-110199-001 in street 110199-001, due to respond at 10:30 local on 2 March. */
const order = (f: Partial<WorkOrderRateFact> = {}): WorkOrderRateFact => ({
  unitId: 'unit-110199-001',
  district: '110199',
  streetId: '110199-001',
  categoryId: 'property.fees',
  respondDueAt: at('2026-03-02T02:30:00.000Z'),
  acceptedAt: null,
  contactedAt: null,
  exempted: false,
  callbacks: [],
  ...f,
});

describe('the three rates on hand-checked counts', () => {
  it('given 7 of 8 responses on time, 6 of 9 solved, and 5 satisfied, 3 basically satisfied, 2 dissatisfied and 4 no comment, when computed, then the rates are exact fractions', () => {
    const rates = computeRates(
      counts({
        responseDue: 8,
        responseOnTime: 7,
        solvedAnswered: 9,
        solvedYes: 6,
        satisfied: 5,
        basicallySatisfied: 3,
        dissatisfied: 2,
        noComment: 4,
      }),
      config,
    );
    expect(rates.response).toEqual({ numerator: 7, denominator: 8, value: 0.875 });
    expect(rates.resolution).toEqual({ numerator: 6, denominator: 9, value: 6 / 9 });
    // (5 + 0.8 × 3) ÷ (5 + 3 + 2): "no comment" is not in the denominator.
    expect(rates.satisfaction).toEqual({ numerator: 7.4, denominator: 10, value: 0.74 });
    // 0.2 × 0.875 + 0.4 × 0.6667 + 0.4 × 0.74 = 0.175 + 0.26667 + 0.296 = 0.73767
    expect(rates.composite).toBeCloseTo(0.175 + (0.4 * 6) / 9 + 0.296, 12);
  });

  it('given nothing to count, when computed, then every rate and the composite are null', () => {
    const rates = computeRates(zeroCounts(), config);
    expect([rates.response.value, rates.resolution.value, rates.satisfaction.value, rates.composite]).toEqual([null, null, null, null]);
  });

  it('given only responses due, when the composite is computed, then the missing rates are left out and the weights scaled up', () => {
    expect(computeRates(counts({ responseDue: 4, responseOnTime: 3 }), config).composite).toBeCloseTo(0.75, 12);
  });

  it('given callbacks all rated no comment, when computed, then the satisfaction rate has nothing to count', () => {
    expect(computeRates(counts({ noComment: 3 }), config).satisfaction).toEqual({ numerator: 0, denominator: 0, value: null });
  });

  it('given weights that do not sum to 1, when the configuration is read, then it is refused naming compositeWeights', () => {
    const result = ratesConfigSchema.safeParse({ ...defaults, compositeWeights: { response: 0.3, resolution: 0.4, satisfaction: 0.4 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['compositeWeights']);
  });
});

describe("a work order's contribution to the daily counters", () => {
  it('given an order accepted before its limit, when contributed, then it is due and on time on the local day of the limit', () => {
    expect(contributionOf(order({ acceptedAt: at('2026-03-02T02:10:00.000Z') }))).toEqual({
      district: '110199',
      unitId: 'unit-110199-001',
      streetId: '110199-001',
      categoryId: 'property.fees',
      days: { '2026-03-02': counts({ responseDue: 1, responseOnTime: 1 }) },
    });
  });

  it('given an order accepted late but the citizen contacted in time, when contributed, then the first response counts and it is on time', () => {
    const c = contributionOf(order({ acceptedAt: at('2026-03-02T05:00:00.000Z'), contactedAt: at('2026-03-02T02:30:00.000Z') }));
    expect(c.days['2026-03-02']).toEqual(counts({ responseDue: 1, responseOnTime: 1 }));
  });

  it('given an order responded to a minute late, when contributed, then it is due but not on time', () => {
    expect(contributionOf(order({ acceptedAt: at('2026-03-02T02:31:00.000Z') })).days['2026-03-02']).toEqual(counts({ responseDue: 1 }));
  });

  it('given an order whose limit falls after 16:00 UTC, when contributed, then it counts on the next local day', () => {
    expect(Object.keys(contributionOf(order({ respondDueAt: at('2026-03-02T16:30:00.000Z') })).days)).toEqual(['2026-03-03']);
  });

  it('given callbacks, when contributed, then each counts on its own local day by its answers and rating', () => {
    const c = contributionOf(
      order({
        respondDueAt: null,
        callbacks: [
          { callbackId: 'cb-1', solved: true, rating: 'BASICALLY_SATISFIED', recordedAt: at('2026-03-05T02:00:00.000Z') },
          { callbackId: 'cb-2', solved: null, rating: 'NO_COMMENT', recordedAt: at('2026-03-09T02:00:00.000Z') },
        ],
      }),
    );
    expect(c.days).toEqual({
      '2026-03-05': counts({ solvedAnswered: 1, solvedYes: 1, basicallySatisfied: 1 }),
      '2026-03-09': counts({ noComment: 1 }),
    });
  });

  it('given an exempted order, when contributed, then it counts in none of the rates', () => {
    const c = contributionOf(
      order({
        exempted: true,
        acceptedAt: at('2026-03-02T02:00:00.000Z'),
        callbacks: [{ callbackId: 'cb-1', solved: false, rating: 'DISSATISFIED', recordedAt: at('2026-03-05T02:00:00.000Z') }],
      }),
    );
    expect(c.days).toEqual({});
  });

  it('given an order not yet placed on a street, when contributed, then it counts under the unknown street', () => {
    expect(contributionOf(order({ streetId: null })).streetId).toBe('');
  });
});

describe('moving the counters from one contribution to the next', () => {
  it('given the first contribution, when the delta is taken, then it is added as it is', () => {
    const after = contributionOf(order());
    expect(contributionDelta(null, after)).toEqual([
      {
        district: '110199',
        unitId: 'unit-110199-001',
        streetId: '110199-001',
        categoryId: 'property.fees',
        day: '2026-03-02',
        counts: counts({ responseDue: 1 }),
      },
    ]);
  });

  it('given the same knowledge twice, when the delta is taken, then nothing moves', () => {
    const c = contributionOf(order({ acceptedAt: at('2026-03-02T02:00:00.000Z') }));
    expect(contributionDelta(c, c)).toEqual([]);
  });

  it('given a response that arrives after the limit was counted, when the delta is taken, then only the on-time count moves', () => {
    const before = contributionOf(order());
    const after = contributionOf(order({ acceptedAt: at('2026-03-02T02:00:00.000Z') }));
    expect(contributionDelta(before, after)).toEqual([
      {
        district: '110199',
        unitId: 'unit-110199-001',
        streetId: '110199-001',
        categoryId: 'property.fees',
        day: '2026-03-02',
        counts: counts({ responseOnTime: 1 }),
      },
    ]);
  });

  it('given an order exempted after it was counted, when the delta is taken, then its counts are taken away', () => {
    const before = contributionOf(order({ acceptedAt: at('2026-03-02T02:00:00.000Z') }));
    const after = contributionOf(order({ acceptedAt: at('2026-03-02T02:00:00.000Z'), exempted: true }));
    expect(contributionDelta(before, after)).toEqual([
      {
        district: '110199',
        unitId: 'unit-110199-001',
        streetId: '110199-001',
        categoryId: 'property.fees',
        day: '2026-03-02',
        counts: counts({ responseDue: -1, responseOnTime: -1 }),
      },
    ]);
  });

  it('given the complaint placed on a street after its order was counted, when the delta is taken, then the count moves from the unknown street to that street', () => {
    const deltas = contributionDelta(contributionOf(order({ streetId: null })), contributionOf(order()));
    expect(deltas.map((d) => [d.streetId, d.counts.responseDue])).toEqual([
      ['110199-001', 1],
      ['', -1],
    ]);
  });

  it('given an exempted order (nothing counted) whose complaint is placed later, when compared, then the stored contribution changes though no count moves', () => {
    const before = contributionOf(order({ exempted: true, streetId: null }));
    const after = contributionOf(order({ exempted: true }));
    expect(contributionDelta(before, after)).toEqual([]);
    expect(contributionChanged(before, after, [])).toBe(true);
    expect(contributionChanged(after, after, [])).toBe(false);
    expect(contributionChanged(null, after, [])).toBe(true);
  });
});

describe('RESPOND limits not yet due when the rates are read', () => {
  const pending = (p: Partial<PendingResponse>): PendingResponse => ({
    district: '110199',
    unitId: 'unit-110199-001',
    streetId: '110199-001',
    categoryId: 'property.fees',
    day: '2026-03-20',
    responded: false,
    ...p,
  });

  it('given a unit counted 1 of 3 with two limits still ahead, one of them already met, when read, then it is 0 of 1', () => {
    const totals = new Map([['unit-110199-001', counts({ responseDue: 3, responseOnTime: 1, satisfied: 2 })]]);
    const read = withoutPending(totals, [pending({}), pending({ responded: true })], (p) => p.unitId);
    expect(read.get('unit-110199-001')).toEqual(counts({ responseDue: 1, responseOnTime: 0, satisfied: 2 }));
  });

  it('given limits still ahead for a subject outside the totals, when read, then nothing else moves', () => {
    const totals = new Map([['unit-110199-002', counts({ responseDue: 1, responseOnTime: 1 })]]);
    const read = withoutPending(totals, [pending({}), pending({ unitId: 'unit-110199-002' })], (p) =>
      p.unitId === 'unit-110199-002' ? null : p.unitId,
    );
    expect([...read]).toEqual([['unit-110199-002', counts({ responseDue: 1, responseOnTime: 1 })]]);
    expect(totals.get('unit-110199-002')).toEqual(counts({ responseDue: 1, responseOnTime: 1 }));
  });

  it('given only limits still ahead, when read, then the unit has nothing to count and no composite', () => {
    const totals = new Map([['unit-110199-003', counts({ responseDue: 2 })]]);
    const read = withoutPending(totals, [pending({ unitId: 'unit-110199-003' }), pending({ unitId: 'unit-110199-003' })], (p) => p.unitId);
    expect(computeRates(read.get('unit-110199-003')!, config).composite).toBeNull();
  });
});
