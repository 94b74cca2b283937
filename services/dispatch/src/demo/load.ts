import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@hotline/shared';
import type { DispatchStore } from '../store/dispatch-store';
import { unitRecord, type UnitRecord } from '../domain/units';
import { responsibilityRuleRecord, type ResponsibilityRuleRecord } from '../domain/routing';

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../../src/demo', file), 'utf8'));

/** The demo district's (示范区, 110199) handling units, parents before children. */
export const demoUnits = (): UnitRecord[] => z.array(unitRecord).parse(readJson('units.json'));

/** The demo district's responsibility list. */
export const demoResponsibilityList = (): ResponsibilityRuleRecord[] =>
  z.array(responsibilityRuleRecord).parse(readJson('responsibility-list.json'));

/** Loads the demo data once: rows already there are left as they are. */
export async function loadDemoData(store: DispatchStore, logger: Logger): Promise<void> {
  const units = await store.seedUnits(demoUnits());
  const rules = await store.seedRules(demoResponsibilityList());
  if (units + rules > 0) logger.info({ units, rules }, 'demo units and responsibility list loaded');
}
