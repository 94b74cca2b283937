import {
  badInput,
  complaintTypes,
  conflict,
  newId,
  notFound,
  parseInput,
  requireRole,
  type Logger,
  type RequestCaller,
} from '@hotline/shared';
import { z } from 'zod';
import { categoryIdPattern, nextVersion, regionPathOf, responsibilityRuleRecord, type ResponsibilityRuleRecord } from '../domain/routing';
import type { DispatchStore } from '../store/dispatch-store';
import { runIdempotent } from './idempotency';

export interface RuleCommandDeps {
  store: DispatchStore;
  now: () => Date;
  logger: Logger;
  published: () => void;
}

const unitId = z.string().trim().min(1, 'must not be empty');

const upsertArgs = z.object({
  input: z
    .object({
      id: z
        .string()
        .trim()
        .regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits and hyphens')
        .nullish(),
      categoryId: z.string().trim().regex(categoryIdPattern, 'must be a category id such as property.fees'),
      regionId: z.string().trim().min(1, 'must not be empty').nullish(),
      complaintType: z.enum(complaintTypes).nullish(),
      leadUnitId: unitId,
      assistUnitIds: z.array(unitId).max(10, 'must be at most 10').nullish(),
      effectiveFrom: z.coerce.date(),
      effectiveTo: z.coerce.date().nullish(),
    })
    .refine((r) => !r.effectiveTo || r.effectiveTo > r.effectiveFrom, { path: ['effectiveTo'], message: 'must be after effectiveFrom' })
    .refine(
      (r) => !(r.assistUnitIds ?? []).includes(r.leadUnitId) && new Set(r.assistUnitIds ?? []).size === (r.assistUnitIds ?? []).length,
      {
        path: ['assistUnitIds'],
        message: 'must name each assisting unit once, and not the lead unit',
      },
    ),
  expectedVersion: z.number().int().min(1, 'must be at least 1').nullish(),
  idempotencyKey: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
});

/** The responsibility list as admins edit it: every change is a new version, the old ones stay. */
export function createRuleCommands(deps: RuleCommandDeps) {
  const { store } = deps;

  async function upsertResponsibilityRule(rawCaller: RequestCaller, rawArgs: unknown): Promise<ResponsibilityRuleRecord> {
    const caller = requireRole(rawCaller, 'admin');
    const { input, expectedVersion, idempotencyKey } = parseInput(upsertArgs, rawArgs);
    const district = caller.district;
    return runIdempotent(deps, caller, 'upsertResponsibilityRule', idempotencyKey, responsibilityRuleRecord, async (tx) => {
      if (input.regionId) {
        const path = regionPathOf(district, input.regionId);
        if (!path || path.length === 0)
          throw badInput('input.regionId', `is not a region below district ${district}; leave it null for a district-wide rule`);
      }
      const named = [input.leadUnitId, ...(input.assistUnitIds ?? [])];
      const units = new Map((await store.unitsByIds(named, tx)).map((u) => [u.id, u]));
      named.forEach((id, i) => {
        const unit = units.get(id);
        if (!unit || unit.district !== district || unit.kind === 'COMMAND_CENTRE') {
          throw badInput(
            i === 0 ? 'input.leadUnitId' : `input.assistUnitIds.${i - 1}`,
            `${id} is not a handling unit of district ${district}`,
          );
        }
      });
      let id: string;
      let versions: ResponsibilityRuleRecord[] = [];
      if (input.id) {
        id = input.id;
        versions = await store.ruleVersions(tx, id);
        if (versions.length === 0) throw notFound('responsibility rule', id);
        if (versions[0]!.district !== district) throw notFound('responsibility rule', id);
        const latest = nextVersion(versions) - 1;
        if (expectedVersion !== latest)
          throw conflict(`responsibility rule ${id} is at version ${latest}, not ${expectedVersion ?? 'none'}: reload it and edit again`, {
            currentVersion: latest,
          });
      } else {
        if (expectedVersion) throw badInput('expectedVersion', 'must be null for a new rule');
        id = `rule-${district}-${newId()}`;
      }
      const rule: ResponsibilityRuleRecord = {
        id,
        version: nextVersion(versions),
        district,
        categoryPrefix: input.categoryId,
        regionId: input.regionId ?? null,
        complaintType: input.complaintType ?? null,
        leadUnitId: input.leadUnitId,
        assistUnitIds: input.assistUnitIds ?? [],
        effectiveFrom: input.effectiveFrom,
        effectiveTo: input.effectiveTo ?? null,
      };
      if (!(await store.insertRule(tx, rule)))
        throw conflict(`responsibility rule ${id} version ${rule.version} was saved meanwhile: reload it and edit again`);
      deps.logger.info({ ruleId: id, version: rule.version, actor: caller.sub }, 'responsibility rule saved');
      return rule;
    });
  }

  return { upsertResponsibilityRule };
}
