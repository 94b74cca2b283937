import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Logger } from '@hotline/shared';
import { deadlineRulesSchema, type DeadlineRule } from '../domain/deadline-rules';
import type { SupervisionStore } from '../store/supervision-store';

/** The demo district's deadline rules, shipped as a data file and checked like any configuration. */
export function demoDeadlineRules(): DeadlineRule[] {
  const file = path.join(__dirname, '../../src/demo/deadline-rules.json');
  const result = deadlineRulesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => `${file} [${issue.path.join('.')}]: ${issue.message}`));
  return result.data;
}

/** Loads the demo rules once: rules already there are left as they are. */
export async function loadDemoData(store: SupervisionStore, logger: Logger): Promise<void> {
  const rules = await store.seedRules(demoDeadlineRules());
  if (rules > 0) logger.info({ rules }, 'demo deadline rules loaded');
}
