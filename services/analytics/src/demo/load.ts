import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@hotline/shared';
import type { RatesStore } from '../store/rates-store';

const unitFile = z.array(z.object({ id: z.string(), district: z.string(), name: z.string(), kind: z.string() }));

/**
 * Analytics' copy of the demo district's handling units (the same file dispatch loads), kept as
 * analytics' own reference data: rankings compare units of the same kind, and no event says a
 * unit's kind. Idempotent: loading twice leaves one row per unit.
 */
export async function loadDemoUnits(store: RatesStore, logger: Logger): Promise<void> {
  const parsed = unitFile.parse(JSON.parse(readFileSync(path.join(__dirname, '../../src/demo/units.json'), 'utf8')));
  await store.saveUnits(parsed.map(({ id, district, name, kind }) => ({ id, district, name, kind })));
  logger.info({ units: parsed.length }, 'demo unit directory loaded');
}
