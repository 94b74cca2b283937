import { z } from 'zod';
import { dayOf } from './period';

/**
 * The three rates (三率) and the composite score. Counters hold raw counts; the formulas below are
 * applied when read, so a change of configuration takes effect without a rebuild.
 *
 * Defaults (src/config/rates.json):
 * - response rate = work orders first responded to (accepted or citizen contacted) by their RESPOND
 *   limit ÷ work orders whose RESPOND limit fell in the period (counted on the limit's local day) and
 *   has fallen due when the rates are read: a limit still ahead is neither met nor missed yet;
 * - resolution rate = callbacks answering "solved: yes" ÷ callbacks that answered that question,
 *   counted on the callback's local day;
 * - satisfaction rate = (satisfied + 0.8 × basically satisfied) ÷ callbacks rated anything but
 *   "no comment", counted on the callback's local day;
 * - exempted work orders count in none; a callback counts for the unit of the work order it evaluates;
 * - composite = 0.2 × response + 0.4 × resolution + 0.4 × satisfaction; a rate with nothing to count
 *   (denominator 0) is left out and the other weights are scaled up to sum to 1.
 */
export const ratesConfigSchema = z
  .object({
    /** The weight of each counted rating in the satisfaction rate's numerator; "no comment" is never counted. */
    satisfactionWeights: z.object({
      SATISFIED: z.number().min(0).max(1),
      BASICALLY_SATISFIED: z.number().min(0).max(1),
      DISSATISFIED: z.number().min(0).max(1),
    }),
    compositeWeights: z.object({ response: z.number().min(0), resolution: z.number().min(0), satisfaction: z.number().min(0) }),
    ranking: z.object({
      /** Share of ranked units called advanced (top) … */
      advancedShare: z.number().gt(0).lt(1),
      /** … and must-rectify (bottom). */
      mustRectifyShare: z.number().gt(0).lt(1),
      /** Places gained over the previous period to count as improving. */
      improvingRankGain: z.number().int().min(1),
      /** Consecutive periods ranked last that raise the summons flag (末位约谈). */
      lastPlacesInARow: z.number().int().min(1),
    }),
    /** 未诉先办: a category rising abnormally in a street against its own trailing weeks. */
    earlyWarning: z.object({
      /** Weeks of history the last 7 days are compared with. */
      historyWeeks: z.number().int().min(2).max(52),
      /** Fewer complaints than this in the last 7 days never raise a warning, however rare. */
      minCount: z.number().int().min(1),
      /** Raise when P(X ≥ observed) under a Poisson law with the history's weekly mean is below this. */
      maxTailProbability: z.number().gt(0).lt(1),
      /** The weekly mean assumed at least, so that a category never seen before does not alarm on its own. */
      minExpected: z.number().gt(0),
      /** Warnings are raised only for complaints received within this many days of now (not for replayed or imported history). */
      liveDays: z.number().int().min(1),
    }),
    /** 每月一题: how candidate problems (category × street) are scored. */
    monthlyTopic: z.object({
      weights: z.object({
        volume: z.number().min(0),
        growth: z.number().min(0),
        repeat: z.number().min(0),
        dissatisfaction: z.number().min(0),
      }),
      /** Candidates with fewer complaints in the month are not considered. */
      minVolume: z.number().int().min(1),
      first: z.number().int().min(1).max(100),
    }),
  })
  .refine((c) => Math.abs(c.compositeWeights.response + c.compositeWeights.resolution + c.compositeWeights.satisfaction - 1) < 1e-9, {
    path: ['compositeWeights'],
    message: 'must sum to 1',
  });
export type RatesConfig = z.infer<typeof ratesConfigSchema>;

/** The raw counts behind the rates, for one work order, one day or any sum of days. */
export interface RateTally {
  responseDue: number;
  responseOnTime: number;
  solvedAnswered: number;
  solvedYes: number;
  satisfied: number;
  basicallySatisfied: number;
  noComment: number;
  dissatisfied: number;
}
export const rateCountFields = [
  'responseDue',
  'responseOnTime',
  'solvedAnswered',
  'solvedYes',
  'satisfied',
  'basicallySatisfied',
  'noComment',
  'dissatisfied',
] as const satisfies ReadonlyArray<keyof RateTally>;

export const zeroCounts = (): RateTally => ({
  responseDue: 0,
  responseOnTime: 0,
  solvedAnswered: 0,
  solvedYes: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  noComment: 0,
  dissatisfied: 0,
});
export const addCounts = (a: RateTally, b: RateTally, sign = 1): RateTally => {
  const sum = zeroCounts();
  for (const f of rateCountFields) sum[f] = a[f] + sign * b[f];
  return sum;
};
const isZero = (c: RateTally) => rateCountFields.every((f) => c[f] === 0);

/** A rate as an exact fraction; `value` is null when there was nothing to count. */
export interface RateFraction {
  numerator: number;
  denominator: number;
  value: number | null;
}
const fraction = (numerator: number, denominator: number): RateFraction => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

export interface Rates {
  counts: RateTally;
  response: RateFraction;
  resolution: RateFraction;
  satisfaction: RateFraction;
  /** Null when none of the three rates had anything to count. */
  composite: number | null;
}

export function computeRates(counts: RateTally, config: RatesConfig): Rates {
  const w = config.satisfactionWeights;
  const response = fraction(counts.responseOnTime, counts.responseDue);
  const resolution = fraction(counts.solvedYes, counts.solvedAnswered);
  // Weighted sums of integers with decimal weights are rounded to 9 places so that 0.8 × 5 is 4, not 4.000000000000001.
  const satisfiedWeighted =
    Math.round(
      (w.SATISFIED * counts.satisfied + w.BASICALLY_SATISFIED * counts.basicallySatisfied + w.DISSATISFIED * counts.dissatisfied) * 1e9,
    ) / 1e9;
  const satisfaction = fraction(satisfiedWeighted, counts.satisfied + counts.basicallySatisfied + counts.dissatisfied);
  const parts = [
    [response, config.compositeWeights.response],
    [resolution, config.compositeWeights.resolution],
    [satisfaction, config.compositeWeights.satisfaction],
  ] as const;
  const present = parts.filter(([rate, weight]) => rate.value !== null && weight > 0);
  const weights = present.reduce((s, [, weight]) => s + weight, 0);
  const composite = present.length === 0 ? null : present.reduce((s, [rate, weight]) => s + (rate.value as number) * weight, 0) / weights;
  return { counts, response, resolution, satisfaction, composite };
}

/** A percentage for display, one decimal: the only place rates are rounded. */
export const percent = (value: number | null): string | null => (value === null ? null : `${(Math.round(value * 1000) / 10).toFixed(1)}%`);

/** What the rates need to know of one work order. */
export interface WorkOrderRateFact {
  unitId: string;
  district: string;
  /** The street of its complaint; null until the complaint is known or when it was not placed. */
  streetId: string | null;
  /** Its category as dispatched; null until the dispatch is known. */
  categoryId: string | null;
  respondDueAt: Date | null;
  acceptedAt: Date | null;
  contactedAt: Date | null;
  exempted: boolean;
  callbacks: Array<{
    callbackId: string;
    solved: boolean | null;
    rating: 'SATISFIED' | 'BASICALLY_SATISFIED' | 'NO_COMMENT' | 'DISSATISFIED';
    recordedAt: Date;
  }>;
}

/** One work order's share of the daily counters: counts per local day, for its unit, street and category ('' when unknown). */
export interface RateContribution {
  district: string;
  unitId: string;
  streetId: string;
  categoryId: string;
  days: Record<string, RateTally>;
}
export const rateContributionSchema: z.ZodType<RateContribution> = z.object({
  district: z.string(),
  unitId: z.string(),
  streetId: z.string(),
  categoryId: z.string(),
  days: z.record(
    z.string(),
    z.object(Object.fromEntries(rateCountFields.map((f) => [f, z.number().int()])) as Record<keyof RateTally, z.ZodNumber>),
  ),
});

/** The first response: whichever of accepting the order and contacting the citizen came first. */
export const firstResponse = (f: Pick<WorkOrderRateFact, 'acceptedAt' | 'contactedAt'>): Date | null => {
  const times = [f.acceptedAt, f.contactedAt].filter((t): t is Date => t !== null).map((t) => t.getTime());
  return times.length ? new Date(Math.min(...times)) : null;
};

/**
 * What a work order adds to the daily counters, given everything known about it now. A pure function
 * of the fact, so the same knowledge always gives the same contribution whatever order it came in.
 */
export function contributionOf(f: WorkOrderRateFact): RateContribution {
  const days: Record<string, RateTally> = {};
  const on = (day: string) => (days[day] ??= zeroCounts());
  if (!f.exempted) {
    if (f.respondDueAt) {
      const due = on(dayOf(f.respondDueAt));
      due.responseDue += 1;
      const responded = firstResponse(f);
      if (responded && responded.getTime() <= f.respondDueAt.getTime()) due.responseOnTime += 1;
    }
    for (const callback of f.callbacks) {
      const day = on(dayOf(callback.recordedAt));
      if (callback.solved !== null) {
        day.solvedAnswered += 1;
        if (callback.solved) day.solvedYes += 1;
      }
      if (callback.rating === 'SATISFIED') day.satisfied += 1;
      else if (callback.rating === 'BASICALLY_SATISFIED') day.basicallySatisfied += 1;
      else if (callback.rating === 'DISSATISFIED') day.dissatisfied += 1;
      else day.noComment += 1;
    }
  }
  return { district: f.district, unitId: f.unitId, streetId: f.streetId ?? '', categoryId: f.categoryId ?? '', days };
}

/** A change to one counter row: its key and the amounts to add (negative to take away). */
export interface CounterDelta {
  district: string;
  unitId: string;
  streetId: string;
  categoryId: string;
  day: string;
  counts: RateTally;
}

/** The changes that turn the counters from `before` to `after`: only rows that actually move. */
export function contributionDelta(before: RateContribution | null, after: RateContribution): CounterDelta[] {
  const rows = new Map<string, CounterDelta>();
  const apply = (c: RateContribution, sign: number) => {
    for (const [day, counts] of Object.entries(c.days)) {
      const key = `${c.district}|${c.unitId}|${c.streetId}|${c.categoryId}|${day}`;
      const row = rows.get(key) ?? {
        district: c.district,
        unitId: c.unitId,
        streetId: c.streetId,
        categoryId: c.categoryId,
        day,
        counts: zeroCounts(),
      };
      row.counts = addCounts(row.counts, counts, sign);
      rows.set(key, row);
    }
  };
  if (before) apply(before, -1);
  apply(after, 1);
  return [...rows.values()]
    .filter((r) => !isZero(r.counts))
    .sort((a, b) => (`${a.unitId}|${a.streetId}|${a.categoryId}|${a.day}` < `${b.unitId}|${b.streetId}|${b.categoryId}|${b.day}` ? -1 : 1));
}

/** Whether a work order's stored contribution must be rewritten: its counts moved, or where it is counted (even with nothing counted yet). */
export const contributionChanged = (before: RateContribution | null, after: RateContribution, deltas: CounterDelta[]): boolean =>
  before === null ||
  deltas.length > 0 ||
  before.district !== after.district ||
  before.unitId !== after.unitId ||
  before.streetId !== after.streetId ||
  before.categoryId !== after.categoryId;

/** A work order whose RESPOND limit is still ahead when the rates are read, where its counters count it. */
export interface PendingResponse {
  district: string;
  unitId: string;
  streetId: string;
  categoryId: string;
  /** The limit's local day (YYYY-MM-DD). */
  day: string;
  /** Whether it was already responded to (it then counts as met in the counters). */
  responded: boolean;
}

/**
 * Totals without the RESPOND limits still ahead: the daily counters count a limit on its day as soon as it is set,
 * but until it falls due it is neither met nor missed. `subjectOf` names the total a pending response was counted
 * in (null: in none of these totals).
 */
export function withoutPending(
  totals: Map<string, RateTally>,
  pending: PendingResponse[],
  subjectOf: (p: PendingResponse) => string | null,
): Map<string, RateTally> {
  const result = new Map(totals);
  for (const p of pending) {
    const subject = subjectOf(p);
    const counts = subject === null ? undefined : result.get(subject);
    if (subject === null || !counts) continue;
    result.set(subject, { ...counts, responseDue: counts.responseDue - 1, responseOnTime: counts.responseOnTime - (p.responded ? 1 : 0) });
  }
  return result;
}
