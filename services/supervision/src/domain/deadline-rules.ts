import { z } from 'zod';
import { areaTypes, deadlineKinds, urgencies } from '@hotline/shared';

export type Urgency = (typeof urgencies)[number];
export type AreaType = (typeof areaTypes)[number];
export type DeadlineKind = (typeof deadlineKinds)[number];

const minutes = z.number().int('must be whole minutes').positive('must be positive');

/**
 * A deadline rule as configuration states it. Limits are minutes from the start (dispatch); every limit
 * falls due no later than closing, because a case cannot be contacted, accepted or replied to after it is closed.
 */
export const deadlineRuleSchema = z
  .object({
    id: z.string().trim().min(1, 'is required'),
    name: z.string().trim().min(1, 'is required'),
    urgency: z.enum(urgencies),
    /** A category id; the rule covers it and everything below it. Null covers every category. */
    categoryPrefix: z.string().trim().min(1, 'must not be empty; use null for any category').nullable(),
    areaType: z.enum(areaTypes).nullable(),
    limits: z.object({ RESPOND: minutes, ACCEPT: minutes, REPLY: minutes, CLOSE: minutes }),
    /** Count the limits in working time (the working-day calendar) rather than elapsed time. */
    workingDays: z.boolean().default(false),
  })
  .superRefine((rule, ctx) => {
    for (const kind of deadlineKinds) {
      if (rule.limits[kind] > rule.limits.CLOSE)
        ctx.addIssue({ code: 'custom', path: ['limits', kind], message: `must not exceed the CLOSE limit (${rule.limits.CLOSE})` });
    }
  });
export type DeadlineRule = z.infer<typeof deadlineRuleSchema>;

/** A rule set as configuration states it: valid rules, no two claiming the same match. */
export const deadlineRulesSchema = z.array(deadlineRuleSchema).superRefine((rules, ctx) => {
  const seen = new Map<string, string>();
  rules.forEach((rule, i) => {
    const match = `${rule.urgency}|${rule.categoryPrefix ?? '*'}|${rule.areaType ?? '*'}`;
    const other = seen.get(match);
    if (other) ctx.addIssue({ code: 'custom', path: [i], message: `rule ${rule.id} matches exactly what rule ${other} matches` });
    seen.set(match, rule.id);
  });
});

/** What a rule is matched against: the work order as dispatched. */
export interface DeadlineSubject {
  urgency: Urgency;
  categoryId: string;
  areaType: AreaType | null;
}

/** Category ids are dotted paths: the prefix `utilities` covers `utilities.water`, but not `utilitiesx`. */
const covers = (prefix: string, categoryId: string): boolean => categoryId === prefix || categoryId.startsWith(`${prefix}.`);

export const ruleMatches = (rule: DeadlineRule, subject: DeadlineSubject): boolean =>
  rule.urgency === subject.urgency &&
  (rule.categoryPrefix === null || covers(rule.categoryPrefix, subject.categoryId)) &&
  (rule.areaType === null || rule.areaType === subject.areaType);

/**
 * How specific a rule is: the depth of its category prefix outranks an area type. Among the rules that
 * match one subject, every prefix is an ancestor of the same category, so a deeper prefix is a narrower one.
 */
export const specificity = (rule: DeadlineRule): [number, number] => [
  rule.categoryPrefix === null ? 0 : rule.categoryPrefix.split('.').length,
  rule.areaType === null ? 0 : 1,
];

/** Orders rules from the most general to the most specific; ties (which a valid rule set cannot have among matches) by id. */
export function compareSpecificity(a: DeadlineRule, b: DeadlineRule): number {
  const [ca, aa] = specificity(a);
  const [cb, ab] = specificity(b);
  return ca - cb || aa - ab || a.id.localeCompare(b.id);
}

/** The most specific rule matching the subject, or null when none does (the rule set has a gap). */
export function chooseRule(rules: readonly DeadlineRule[], subject: DeadlineSubject): DeadlineRule | null {
  return (
    rules
      .filter((rule) => ruleMatches(rule, subject))
      .sort(compareSpecificity)
      .at(-1) ?? null
  );
}

/**
 * Turns a limit into a due time. Elapsed time is the default; a working-day calendar (skipping nights,
 * weekends and holidays) is another implementation of the same interface.
 */
export interface DeadlineCalendar {
  addMinutes(start: Date, minutes: number): Date;
  /** The minutes this calendar counts between two instants (0 when `to` is not after `from`). */
  minutesBetween(from: Date, to: Date): number;
}

export const elapsedTime: DeadlineCalendar = {
  addMinutes: (start, minutes) => new Date(start.getTime() + minutes * 60_000),
  minutesBetween: (from, to) => Math.max(0, to.getTime() - from.getTime()) / 60_000,
};

export interface DueTime {
  kind: DeadlineKind;
  dueAt: Date;
}

/** The due time of every limit of the rule, counted from `startedAt`, in the order RESPOND, ACCEPT, REPLY, CLOSE. */
export function computeDeadlines(rule: DeadlineRule, startedAt: Date, calendar: DeadlineCalendar = elapsedTime): DueTime[] {
  return deadlineKinds.map((kind) => ({ kind, dueAt: calendar.addMinutes(startedAt, rule.limits[kind]) }));
}
