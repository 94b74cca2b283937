import {
  chooseRule,
  computeDeadlines,
  deadlineRuleSchema,
  deadlineRulesSchema,
  elapsedTime,
  type DeadlineCalendar,
  type DeadlineRule,
  type DeadlineSubject,
} from './deadline-rules';

const hour = 60;
const day = 24 * hour;

const rule = (id: string, overrides: Partial<DeadlineRule> = {}): DeadlineRule => ({
  id,
  name: id,
  urgency: 'GENERAL',
  categoryPrefix: null,
  areaType: null,
  limits: { RESPOND: 2 * hour, ACCEPT: day, REPLY: 5 * day, CLOSE: 7 * day },
  workingDays: false,
  ...overrides,
});

const subject = (overrides: Partial<DeadlineSubject> = {}): DeadlineSubject => ({
  urgency: 'GENERAL',
  categoryId: 'property.fees',
  areaType: 'BUILT_UP',
  ...overrides,
});

const chosen = (rules: DeadlineRule[], s: DeadlineSubject) => chooseRule(rules, s)?.id ?? null;

describe('choosing a deadline rule', () => {
  it('given rules for each urgency, when an order comes, then the rule of its urgency is chosen', () => {
    const rules = [rule('urgent', { urgency: 'URGENT' }), rule('general'), rule('complex', { urgency: 'COMPLEX' })];
    expect(chosen(rules, subject({ urgency: 'URGENT' }))).toBe('urgent');
    expect(chosen(rules, subject({ urgency: 'GENERAL' }))).toBe('general');
    expect(chosen(rules, subject({ urgency: 'COMPLEX' }))).toBe('complex');
  });

  it('given only a rule of another urgency, when an order comes, then no rule is chosen', () => {
    expect(chosen([rule('urgent', { urgency: 'URGENT' })], subject({ urgency: 'GENERAL' }))).toBeNull();
  });

  it('given a category rule, when the order is in a sub-category, then the category rule wins over the general one', () => {
    const rules = [rule('general'), rule('utilities', { categoryPrefix: 'utilities' })];
    expect(chosen(rules, subject({ categoryId: 'utilities.water' }))).toBe('utilities');
    expect(chosen(rules, subject({ categoryId: 'utilities' }))).toBe('utilities');
  });

  it('given a category rule, when the order is in another category that merely starts with the same letters, then it does not match', () => {
    const rules = [rule('general'), rule('noise', { categoryPrefix: 'noise' })];
    expect(chosen(rules, subject({ categoryId: 'noisemakers' }))).toBe('general');
  });

  it('given nested category rules, when the order is in the deeper category, then the longer prefix wins', () => {
    const rules = [
      rule('noise', { categoryPrefix: 'construction-noise' }),
      rule('night', { categoryPrefix: 'construction-noise.night' }),
      rule('general'),
    ];
    expect(chosen(rules, subject({ categoryId: 'construction-noise.night' }))).toBe('night');
    expect(chosen(rules, subject({ categoryId: 'construction-noise' }))).toBe('noise');
  });

  it('given an area-type rule, when the order lies in that kind of area, then it wins over the rule for any area', () => {
    const rules = [rule('urgent', { urgency: 'URGENT' }), rule('urgent-rural', { urgency: 'URGENT', areaType: 'RURAL' })];
    expect(chosen(rules, subject({ urgency: 'URGENT', areaType: 'RURAL' }))).toBe('urgent-rural');
    expect(chosen(rules, subject({ urgency: 'URGENT', areaType: 'BUILT_UP' }))).toBe('urgent');
  });

  it('given an area-type rule, when the order has no known area type, then the rule for any area applies', () => {
    const rules = [rule('urgent', { urgency: 'URGENT' }), rule('urgent-rural', { urgency: 'URGENT', areaType: 'RURAL' })];
    expect(chosen(rules, subject({ urgency: 'URGENT', areaType: null }))).toBe('urgent');
  });

  it('given a category rule and an area-type rule both matching, when choosing, then the category prefix outranks the area type', () => {
    const rules = [rule('rural', { areaType: 'RURAL' }), rule('utilities', { categoryPrefix: 'utilities' }), rule('general')];
    expect(chosen(rules, subject({ categoryId: 'utilities.power', areaType: 'RURAL' }))).toBe('utilities');
  });

  it('given a rule for a category in an area type, when both match, then it beats the rule for the category alone', () => {
    const rules = [
      rule('utilities', { categoryPrefix: 'utilities' }),
      rule('utilities-rural', { categoryPrefix: 'utilities', areaType: 'RURAL' }),
    ];
    expect(chosen(rules, subject({ categoryId: 'utilities.power', areaType: 'RURAL' }))).toBe('utilities-rural');
    expect(chosen(rules, subject({ categoryId: 'utilities.power', areaType: 'COMPOUND' }))).toBe('utilities');
  });

  it('given the rules in any order, when choosing, then the same rule is chosen', () => {
    const rules = [rule('general'), rule('utilities', { categoryPrefix: 'utilities' }), rule('rural', { areaType: 'RURAL' })];
    const s = subject({ categoryId: 'utilities.gas', areaType: 'RURAL' });
    expect(chosen([...rules].reverse(), s)).toBe(chosen(rules, s));
  });
});

describe('checking a rule set', () => {
  it('given a limit beyond the closing limit, when checked, then the limit is named', () => {
    const result = deadlineRuleSchema.safeParse(rule('odd', { limits: { RESPOND: 30, ACCEPT: 30, REPLY: 5 * day, CLOSE: 3 * day } }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['limits', 'REPLY']);
  });

  it('given a limit of zero or a fraction of a minute, when checked, then it is refused', () => {
    expect(deadlineRuleSchema.safeParse(rule('zero', { limits: { RESPOND: 0, ACCEPT: 30, REPLY: 60, CLOSE: 60 } })).success).toBe(false);
    expect(deadlineRuleSchema.safeParse(rule('fraction', { limits: { RESPOND: 0.5, ACCEPT: 30, REPLY: 60, CLOSE: 60 } })).success).toBe(
      false,
    );
  });

  it('given two rules claiming the same urgency, category and area, when checked, then the set is refused', () => {
    const result = deadlineRulesSchema.safeParse([rule('a', { categoryPrefix: 'utilities' }), rule('b', { categoryPrefix: 'utilities' })]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('rule b matches exactly what rule a matches');
  });
});

describe('computing due times', () => {
  const start = new Date('2026-03-02T01:30:00.000Z');

  it('given a rule, when started, then each limit falls due that many minutes later, in the order of the limits', () => {
    expect(computeDeadlines(rule('general'), start)).toEqual([
      { kind: 'RESPOND', dueAt: new Date('2026-03-02T03:30:00.000Z') },
      { kind: 'ACCEPT', dueAt: new Date('2026-03-03T01:30:00.000Z') },
      { kind: 'REPLY', dueAt: new Date('2026-03-07T01:30:00.000Z') },
      { kind: 'CLOSE', dueAt: new Date('2026-03-09T01:30:00.000Z') },
    ]);
  });

  it('given no calendar, when computed, then elapsed time is counted, nights and weekends included', () => {
    expect(computeDeadlines(rule('general'), start)).toEqual(computeDeadlines(rule('general'), start, elapsedTime));
  });

  it('given a calendar, when computed, then the calendar decides each due time', () => {
    const calls: Array<[string, number]> = [];
    const calendar: DeadlineCalendar = {
      addMinutes(from, minutes) {
        calls.push([from.toISOString(), minutes]);
        return new Date(from.getTime() + 2 * minutes * 60_000);
      },
      minutesBetween: () => 0,
    };
    const [respond] = computeDeadlines(rule('general'), start, calendar);
    expect(respond).toEqual({ kind: 'RESPOND', dueAt: new Date('2026-03-02T05:30:00.000Z') });
    expect(calls).toEqual([
      [start.toISOString(), 2 * hour],
      [start.toISOString(), day],
      [start.toISOString(), 5 * day],
      [start.toISOString(), 7 * day],
    ]);
  });
});
