import DataLoader from 'dataloader';
import type { SubgraphContext, RequestCaller } from '@hotline/shared';
import { unitStatsKeyId, type AnalyticsManager, type UnitStatsKey } from './use-cases/analytics-manager';
import type { UnitStatsRecord } from './domain/breakdowns';
import type { AssessmentManager } from './use-cases/assessment-manager';
import type { ProfileManager } from './use-cases/profile-manager';
import type { ImportManager } from './use-cases/import-manager';

/** Per request: the caller, the use cases, and DataLoaders so that many units' stats cost one batch. */
export interface AnalyticsContext extends SubgraphContext {
  analytics: AnalyticsManager;
  assessment: AssessmentManager;
  profiles: ProfileManager;
  imports: ImportManager;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(analytics: AnalyticsManager) {
  return {
    unitStats: new DataLoader<UnitStatsKey, UnitStatsRecord, string>((keys) => analytics.unitStats(keys), { cacheKeyFn: unitStatsKeyId }),
  };
}

export const createContextFactory =
  (analytics: AnalyticsManager, assessment: AssessmentManager, profiles: ProfileManager, imports: ImportManager) =>
  (caller: RequestCaller): AnalyticsContext => ({ caller, analytics, assessment, profiles, imports, loaders: createLoaders(analytics) });
