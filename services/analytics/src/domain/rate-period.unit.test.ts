import { previousSpan, ratePeriodInput, spanOf, splitMonths } from './rate-period';

describe('assessment periods of whole local days', () => {
  it('given a day, when spanned, then it is that day alone', () => {
    expect(spanOf('DAY', '2026-03-10', null)).toEqual({ kind: 'DAY', from: '2026-03-10', to: '2026-03-11' });
  });
  it('given a Wednesday, when its week is spanned, then it runs Monday to Sunday', () => {
    expect(spanOf('WEEK', '2026-03-11', null)).toEqual({ kind: 'WEEK', from: '2026-03-09', to: '2026-03-16' });
    expect(spanOf('WEEK', '2026-03-15', null)).toEqual({ kind: 'WEEK', from: '2026-03-09', to: '2026-03-16' });
  });
  it('given a day in December, when its month is spanned, then it ends at the new year', () => {
    expect(spanOf('MONTH', '2026-12-31', null)).toEqual({ kind: 'MONTH', from: '2026-12-01', to: '2027-01-01' });
  });
  it('given March, when the previous period is asked for, then it is February whatever its length', () => {
    expect(previousSpan(spanOf('MONTH', '2026-03-15', null))).toEqual({ kind: 'MONTH', from: '2026-02-01', to: '2026-03-01' });
  });
  it('given ten custom days, when the previous period is asked for, then it is the ten days just before', () => {
    expect(previousSpan(spanOf('CUSTOM', '2026-03-11', '2026-03-20'))).toEqual({ kind: 'CUSTOM', from: '2026-03-01', to: '2026-03-11' });
  });
  it.each([
    ['a custom period without its last day', { kind: 'CUSTOM', day: '2026-03-01' }, ['lastDay']],
    ['a custom period ending before it starts', { kind: 'CUSTOM', day: '2026-03-02', lastDay: '2026-03-01' }, ['lastDay']],
    ['a month with a last day', { kind: 'MONTH', day: '2026-03-02', lastDay: '2026-03-05' }, ['lastDay']],
    ['a day that is not a date', { kind: 'DAY', day: '2026-02-30x' }, ['day']],
  ])('given %s, when parsed, then the error names the field', (_, input, path) => {
    const result = ratePeriodInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});

describe('splitting a period into whole months and loose days', () => {
  it('given a calendar month, when split, then it is one month and no days', () => {
    expect(splitMonths({ from: '2026-03-01', to: '2026-04-01' })).toEqual({ months: { from: '2026-03-01', to: '2026-04-01' }, days: [] });
  });
  it('given 15 January to 10 April, when split, then February and March are months and the ends are days', () => {
    expect(splitMonths({ from: '2026-01-15', to: '2026-04-11' })).toEqual({
      months: { from: '2026-02-01', to: '2026-04-01' },
      days: [
        { from: '2026-01-15', to: '2026-02-01' },
        { from: '2026-04-01', to: '2026-04-11' },
      ],
    });
  });
  it('given a week across a month end, when split, then it is all days', () => {
    expect(splitMonths({ from: '2026-03-30', to: '2026-04-06' })).toEqual({
      months: null,
      days: [{ from: '2026-03-30', to: '2026-04-06' }],
    });
  });
});
