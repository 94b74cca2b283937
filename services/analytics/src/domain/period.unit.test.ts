import { dayOf, MAX_PERIOD_DAYS, periodInput, planPeriod, startOfDay } from './period';

const at = (iso: string) => new Date(iso);

describe('a period as a client gives it', () => {
  it('given no period, when parsed, then it means all time', () => {
    expect(periodInput.parse(undefined)).toBeNull();
    expect(periodInput.parse(null)).toBeNull();
  });

  it('given from before to, when parsed, then both are instants', () => {
    expect(periodInput.parse({ from: '2026-03-01T00:00:00Z', to: at('2026-04-01T00:00:00Z') })).toEqual({
      from: at('2026-03-01T00:00:00Z'),
      to: at('2026-04-01T00:00:00Z'),
    });
  });

  it.each([
    ['to equal to from', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', 'must be after period.from'],
    ['to before from', '2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z', 'must be after period.from'],
    [
      'a span of 366 days and a millisecond',
      '2025-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.001Z',
      `must be at most ${MAX_PERIOD_DAYS} days after period.from`,
    ],
  ])('given %s, when parsed, then the error names `to`', (_, from, to, message) => {
    const result = periodInput.safeParse({ from, to });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['to'], message });
  });

  it('given a span of exactly 366 days, when parsed, then it is accepted', () => {
    expect(periodInput.safeParse({ from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }).success).toBe(true);
  });
});

describe('local days (China Standard Time, UTC+8)', () => {
  it('given an instant late in the UTC day, when bucketed, then it falls on the next local day', () => {
    expect(dayOf(at('2026-03-10T15:59:59.999Z'))).toBe('2026-03-10');
    expect(dayOf(at('2026-03-10T16:00:00.000Z'))).toBe('2026-03-11');
  });

  it('given a local day, when asked for its start, then it begins at 16:00 UTC the day before', () => {
    expect(startOfDay('2026-03-11')).toEqual(at('2026-03-10T16:00:00.000Z'));
    expect(dayOf(startOfDay('2026-01-01'))).toBe('2026-01-01');
  });
});

describe('planning a period into whole days and partial edges', () => {
  it('given all time, when planned, then every day is read from the counters and no facts', () => {
    expect(planPeriod(null)).toEqual({ days: { from: null, to: null }, edges: [] });
  });

  it('given whole local days, when planned, then only counters are read', () => {
    expect(planPeriod({ from: at('2026-03-09T16:00:00Z'), to: at('2026-03-11T16:00:00Z') })).toEqual({
      days: { from: '2026-03-10', to: '2026-03-12' },
      edges: [],
    });
  });

  it('given a period inside one local day, when planned, then it is all edge', () => {
    const period = { from: at('2026-03-10T16:30:00Z'), to: at('2026-03-10T17:00:00Z') };
    expect(planPeriod(period)).toEqual({ days: null, edges: [period] });
  });

  it('given a period from a day start to within the same day, when planned, then it is all edge', () => {
    const period = { from: at('2026-03-10T16:00:00Z'), to: at('2026-03-11T10:00:00Z') };
    expect(planPeriod(period)).toEqual({ days: null, edges: [period] });
  });

  it('given a period across local midnight but shorter than a day, when planned, then it is all edge', () => {
    const period = { from: at('2026-03-10T15:00:00Z'), to: at('2026-03-10T17:00:00Z') };
    expect(planPeriod(period)).toEqual({ days: null, edges: [period] });
  });

  it('given partial days at both ends, when planned, then the whole days in between come from counters and the ends from facts', () => {
    expect(planPeriod({ from: at('2026-03-02T01:30:00Z'), to: at('2026-03-05T03:59:00Z') })).toEqual({
      days: { from: '2026-03-03', to: '2026-03-05' },
      edges: [
        { from: at('2026-03-02T01:30:00Z'), to: at('2026-03-02T16:00:00Z') },
        { from: at('2026-03-04T16:00:00Z'), to: at('2026-03-05T03:59:00Z') },
      ],
    });
  });

  it('given a period starting on a day boundary and ending inside a day, when planned, then only the end is an edge', () => {
    expect(planPeriod({ from: at('2026-03-01T16:00:00Z'), to: at('2026-03-03T00:00:00Z') })).toEqual({
      days: { from: '2026-03-02', to: '2026-03-03' },
      edges: [{ from: at('2026-03-02T16:00:00Z'), to: at('2026-03-03T00:00:00Z') }],
    });
  });
});
