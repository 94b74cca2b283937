import { readFileSync } from 'node:fs';
import { ConfigError } from '@hotline/shared';
import { ratesConfigSchema, type RatesConfig } from './domain/rates';

/** Reads and validates the rates' configuration once at boot; every problem is reported together. */
export function loadRatesConfig(file: string): RatesConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`ANALYTICS_RATES_CONFIG: cannot read ${file}: ${(error as Error).message}`]);
  }
  const result = ratesConfigSchema.safeParse(raw);
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((issue) => `ANALYTICS_RATES_CONFIG ${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  return result.data;
}
