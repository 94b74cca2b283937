import {
  categoryAtLevel,
  categoryBreakdownArgs,
  complaintCounterKey,
  deadlinesCounterKey,
  rank,
  rankCategories,
  rankingArgs,
  totalOf,
  workOrderCounterKey,
} from './breakdowns';

describe('ranking counts', () => {
  it('given cells from counters and from edge facts for the same key, when ranked, then they are summed', () => {
    expect(
      rank([
        { key: 'HOTLINE', count: 3 },
        { key: 'APP', count: 1 },
        { key: 'HOTLINE', count: 1 },
      ]),
    ).toEqual([
      { key: 'HOTLINE', count: 4, share: 0.8 },
      { key: 'APP', count: 1, share: 0.2 },
    ]);
  });

  it('given equal counts, when ranked, then ties go by key so the order is stable', () => {
    expect(
      rank([
        { key: 'b', count: 1 },
        { key: 'a', count: 1 },
        { key: 'c', count: 2 },
      ]).map((s) => s.key),
    ).toEqual(['c', 'a', 'b']);
  });

  it('given a null key (not known), when ranked, then it is kept as a bucket of its own', () => {
    expect(
      rank([
        { key: null, count: 1 },
        { key: 'RURAL', count: 1 },
        { key: 'BUILT_UP', count: 2 },
      ]),
    ).toEqual([
      { key: 'BUILT_UP', count: 2, share: 0.5 },
      { key: null, count: 1, share: 0.25 },
      { key: 'RURAL', count: 1, share: 0.25 },
    ]);
  });

  it('given a limit, when ranked, then shares stay shares of the grand total', () => {
    expect(
      rank(
        [
          { key: 'a', count: 3 },
          { key: 'b', count: 1 },
        ],
        1,
      ),
    ).toEqual([{ key: 'a', count: 3, share: 0.75 }]);
  });

  it('given nothing or only zero counts, when ranked, then the list is empty', () => {
    expect(rank([])).toEqual([]);
    expect(rank([{ key: 'a', count: 0 }])).toEqual([]);
  });

  it('given cells, when totalled, then their counts add up', () => {
    expect(totalOf([{ count: 2 }, { count: 5 }])).toBe(7);
    expect(totalOf([])).toBe(0);
  });
});

describe('categories by level', () => {
  it('given a dotted id, when cut to a level, then its first segments remain', () => {
    expect(categoryAtLevel('property.fees', 1)).toBe('property');
    expect(categoryAtLevel('property.fees', 2)).toBe('property.fees');
    expect(categoryAtLevel('other', 2)).toBe('other');
  });

  const cells = [
    { categoryId: 'property.fees', count: 2 },
    { categoryId: 'property.repair', count: 1 },
    { categoryId: 'city-appearance.garbage', count: 1 },
  ];

  it('given sub-categories, when ranked at level 1, then they are grouped under their top-level category', () => {
    expect(rankCategories(cells, { level: 1, first: 10 })).toEqual([
      { key: 'property', count: 3, share: 0.75 },
      { key: 'city-appearance', count: 1, share: 0.25 },
    ]);
  });

  it('given sub-categories, when ranked at level 2 with a limit, then the top ones come back', () => {
    expect(rankCategories(cells, { level: 2, first: 2 })).toEqual([
      { key: 'property.fees', count: 2, share: 0.5 },
      { key: 'city-appearance.garbage', count: 1, share: 0.25 },
    ]);
  });

  it('given no arguments, when parsed, then level 2 and the top 10 are meant', () => {
    expect(categoryBreakdownArgs.parse({})).toEqual({ level: 2, first: 10 });
  });

  it.each([
    [{ level: 3 }, 'level', 'must be 1 or 2'],
    [{ first: 0 }, 'first', 'must be at least 1'],
    [{ first: 101 }, 'first', 'must be at most 100'],
  ])('given %j, when parsed, then the error names %s', (args, field, message) => {
    expect(categoryBreakdownArgs.safeParse(args).error?.issues[0]).toMatchObject({ path: [field], message });
  });

  it('given a ranking without arguments, when parsed, then the top 10 are meant', () => {
    expect(rankingArgs.parse({})).toEqual({ first: 10 });
  });
});

describe('counter keys', () => {
  it('given a complaint received late in the UTC day, when counted, then it goes to its local day', () => {
    expect(
      complaintCounterKey({
        district: '110199',
        streetId: '110199-003',
        categoryId: 'city-appearance.garbage',
        channel: 'APP',
        areaType: 'URBAN_RURAL_FRINGE',
        receivedAt: new Date('2026-03-10T15:30:00Z'),
      }),
    ).toEqual({
      district: '110199',
      day: '2026-03-10',
      streetId: '110199-003',
      categoryId: 'city-appearance.garbage',
      channel: 'APP',
      areaType: 'URBAN_RURAL_FRINGE',
    });
  });

  it('given a work order dispatched after local midnight, when counted, then it goes to the new local day', () => {
    expect(
      workOrderCounterKey({
        district: '110199',
        unitId: 'unit-110199-003',
        categoryId: 'city-appearance.garbage',
        dispatchedAt: new Date('2026-03-10T16:30:00Z'),
      }),
    ).toEqual({
      district: '110199',
      unitId: 'unit-110199-003',
      day: '2026-03-11',
      categoryId: 'city-appearance.garbage',
    });
  });

  it('given deadlines set, when counted, then they go to the local day they were set on', () => {
    expect(deadlinesCounterKey({ district: '110199', unitId: 'unit-110199-001', setAt: new Date('2026-03-02T02:00:01Z') })).toEqual({
      district: '110199',
      unitId: 'unit-110199-001',
      day: '2026-03-02',
    });
  });
});
