import { z } from 'zod';
import { complaintTypes } from '@hotline/shared';

export type ComplaintType = (typeof complaintTypes)[number];

/** Category ids are dotted paths, parent first (property.fees). */
export const categoryIdPattern = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/**
 * One version of one entry of the responsibility list. A rule covers its category and every
 * sub-category, in its region (or district-wide when regionId is null), for one complaint type
 * (or every type), during [effectiveFrom, effectiveTo).
 */
export interface ResponsibilityRuleRecord {
  id: string;
  version: number;
  district: string;
  categoryPrefix: string;
  regionId: string | null;
  complaintType: ComplaintType | null;
  leadUnitId: string;
  /** Units dispatched at the same time to assist the lead (双派单); usually none. */
  assistUnitIds: string[];
  effectiveFrom: Date;
  effectiveTo: Date | null;
}

/** What a rule in a responsibility-list file must satisfy before it is loaded. */
export const responsibilityRuleRecord = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits and hyphens'),
    version: z.number().int().min(1),
    district: z.string().min(1),
    categoryPrefix: z.string().regex(categoryIdPattern, 'must be a category id such as property.fees'),
    regionId: z.string().min(1).nullable(),
    complaintType: z.enum(complaintTypes).nullable(),
    leadUnitId: z.string().min(1),
    assistUnitIds: z.array(z.string().min(1)).default([]),
    effectiveFrom: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
    effectiveTo: z.iso
      .datetime({ offset: true })
      .nullable()
      .transform((s) => (s === null ? null : new Date(s))),
  })
  .refine((r) => r.effectiveTo === null || r.effectiveTo > r.effectiveFrom, {
    path: ['effectiveTo'],
    message: 'must be after effectiveFrom',
  })
  .refine((r) => r.regionId !== r.district, { path: ['regionId'], message: 'a district-wide rule has no region (null)' })
  .refine((r) => !r.assistUnitIds.includes(r.leadUnitId) && new Set(r.assistUnitIds).size === r.assistUnitIds.length, {
    path: ['assistUnitIds'],
    message: 'must name each assisting unit once, and not the lead unit',
  });

/**
 * The next version of a rule as an admin edits it: version 1 for a new rule, else one past the latest.
 * Earlier versions stay as they were, so orders keep pointing at the version that chose their unit;
 * routing prefers, among equally specific rules in force, the one that took effect last.
 */
export const nextVersion = (versions: readonly ResponsibilityRuleRecord[]): number =>
  versions.reduce((max, r) => Math.max(max, r.version), 0) + 1;

/** The facts about a complaint that routing looks at. */
export interface RoutingRequest {
  district: string;
  categoryId: string;
  /** The regions the complaint lies in below the district, widest first (street, community, grid). */
  regionPath: readonly string[];
  type: ComplaintType | null;
  /** The rules in force at this instant apply: a complaint is routed by the list of the day it came in. */
  at: Date;
}

/** The lead unit for a complaint, and the rule that chose it; no rule means the dispatchers' manual queue. */
export interface RoutingDecision {
  unitId: string;
  rule: ResponsibilityRuleRecord | null;
  manualQueue: boolean;
}

export const isWithinCategory = (categoryId: string, prefix: string): boolean =>
  categoryId === prefix || categoryId.startsWith(`${prefix}.`);

export const inForce = (rule: ResponsibilityRuleRecord, at: Date): boolean =>
  rule.effectiveFrom.getTime() <= at.getTime() && (rule.effectiveTo === null || at.getTime() < rule.effectiveTo.getTime());

/** How narrowly a matching rule fits the request; compared field by field, larger is more specific. */
function specificity(rule: ResponsibilityRuleRecord, request: RoutingRequest): number[] {
  return [
    rule.categoryPrefix.split('.').length,
    // District-wide ranks below any region; a community rule would rank above its street's.
    rule.regionId === null ? 0 : request.regionPath.indexOf(rule.regionId) + 1,
    rule.complaintType === null ? 0 : 1,
    // Equally specific rules should not both be in force; if they are, the one that took effect last wins.
    rule.effectiveFrom.getTime(),
    rule.version,
  ];
}

function matches(rule: ResponsibilityRuleRecord, request: RoutingRequest): boolean {
  return (
    rule.district === request.district &&
    isWithinCategory(request.categoryId, rule.categoryPrefix) &&
    (rule.regionId === null || request.regionPath.includes(rule.regionId)) &&
    (rule.complaintType === null || rule.complaintType === request.type) &&
    inForce(rule, request.at)
  );
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Chooses the lead unit by the responsibility list: of the rules in force that match, the most
 * specific wins — the longer category prefix first, then a region over district-wide, then a
 * type-limited rule over one for every type. When none matches, the district's default owner (its
 * command centre) takes the order and it waits in the manual queue for a dispatcher.
 */
export function route(request: RoutingRequest, rules: readonly ResponsibilityRuleRecord[], defaultUnitId: string): RoutingDecision {
  let best: { rule: ResponsibilityRuleRecord; rank: number[] } | null = null;
  for (const rule of rules) {
    if (!matches(rule, request)) continue;
    const rank = specificity(rule, request);
    // Ties past every field (the same version of two ids) fall to the smaller id, so routing is deterministic.
    if (!best || compare(rank, best.rank) > 0 || (compare(rank, best.rank) === 0 && rule.id < best.rule.id)) best = { rule, rank };
  }
  return best
    ? { unitId: best.rule.leadUnitId, rule: best.rule, manualQueue: false }
    : { unitId: defaultUnitId, rule: null, manualQueue: true };
}

/**
 * The rule that would have chosen `unitId` for the request: the most specific matching rule in force
 * that names it as lead, or null when none does. A dispatcher's re-dispatch picks the unit; this says
 * which rule (and so which assisting units) goes with that choice.
 */
export function ruleChoosing(
  request: RoutingRequest,
  rules: readonly ResponsibilityRuleRecord[],
  unitId: string,
): ResponsibilityRuleRecord | null {
  return route(
    request,
    rules.filter((r) => r.leadUnitId === unitId),
    unitId,
  ).rule;
}

/**
 * The regions below the district that a region id names, widest first. Region ids are hierarchical
 * codes (110199-001-01-1 lies in 110199-001-01, which lies in 110199-001), so the path is read from the
 * id itself. Null when the id is not a region of the district; the district's own id gives no path.
 */
export function regionPathOf(district: string, regionId: string): string[] | null {
  if (regionId === district) return [];
  if (!regionId.startsWith(`${district}-`)) return null;
  const segments = regionId.slice(district.length + 1).split('-');
  if (segments.some((s) => s.length === 0)) return null;
  return segments.map((_, i) => `${district}-${segments.slice(0, i + 1).join('-')}`);
}
