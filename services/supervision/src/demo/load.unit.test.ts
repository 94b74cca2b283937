import { chooseRule, type DeadlineSubject } from '../domain/deadline-rules';
import { demoDeadlineRules } from './load';

const hour = 60;
const day = 24 * hour;

const subject = (overrides: Partial<DeadlineSubject> = {}): DeadlineSubject => ({
  urgency: 'GENERAL',
  categoryId: 'property.fees',
  areaType: 'BUILT_UP',
  ...overrides,
});

describe('the demo deadline rules', () => {
  it('given the demo rules, when loaded, then they are a valid set with one rule for any place per urgency', () => {
    const rules = demoDeadlineRules();
    for (const urgency of ['URGENT', 'GENERAL', 'COMPLEX'] as const) {
      expect(rules.filter((r) => r.urgency === urgency && r.categoryPrefix === null && r.areaType === null)).toHaveLength(1);
    }
  });

  const rules = demoDeadlineRules();
  const limits = (s: DeadlineSubject) => chooseRule(rules, s)?.limits;

  it('given a general property-fees case in a built-up street, then respond 2 h, accept 1 day, reply 5 days, close 7 days', () => {
    expect(limits(subject())).toEqual({ RESPOND: 2 * hour, ACCEPT: day, REPLY: 5 * day, CLOSE: 7 * day });
  });

  it('given an urgent case in town, then respond and accept in 30 min, reply in 2 h, close in 24 h', () => {
    expect(limits(subject({ urgency: 'URGENT', categoryId: 'utilities.water' }))).toEqual({
      RESPOND: 30,
      ACCEPT: 30,
      REPLY: 2 * hour,
      CLOSE: day,
    });
  });

  it('given an urgent case in the countryside, then the citizen is reached within 2 h and the rest is as urgent', () => {
    expect(limits(subject({ urgency: 'URGENT', areaType: 'RURAL' }))).toEqual({
      RESPOND: 2 * hour,
      ACCEPT: 30,
      REPLY: 2 * hour,
      CLOSE: day,
    });
  });

  it('given a general water outage, then it is closed within 3 days', () => {
    expect(limits(subject({ categoryId: 'utilities.water' }))?.CLOSE).toBe(3 * day);
  });

  it('given a complex case, then respond and accept in 1 day, reply in 10 days, close in 15 days', () => {
    expect(limits(subject({ urgency: 'COMPLEX', categoryId: 'illegal-construction', areaType: 'URBAN_RURAL_FRINGE' }))).toEqual({
      RESPOND: day,
      ACCEPT: day,
      REPLY: 10 * day,
      CLOSE: 15 * day,
    });
  });
});
