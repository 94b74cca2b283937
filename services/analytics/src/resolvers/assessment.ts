import { addDays } from '../domain/rate-period';
import { percent } from '../domain/rates';
import type {
  EarlyWarningResolvers,
  MonthlyTopicCandidateResolvers,
  HotSpotMapResolvers,
  CategoryRatesResolvers,
  AssessmentRatesResolvers,
  DayPeriodResolvers,
  RankingEntryResolvers,
  RateResolvers,
  RatesReportResolvers,
} from '../generated/graphql';

export const RatesReport: RatesReportResolvers = {
  unit: (r) => (r.scope.unitId ? { id: r.scope.unitId } : null),
  streetId: (r) => r.scope.streetId,
  district: (r) => r.scope.district,
};

export const AssessmentRates: AssessmentRatesResolvers = {
  compositeDisplay: (r) => percent(r.composite),
};

export const Rate: RateResolvers = {
  display: (r) => percent(r.value),
};

export const DayPeriod: DayPeriodResolvers = {
  firstDay: (p) => p.from,
  lastDay: (p) => addDays(p.to, -1),
};

export const RankingEntry: RankingEntryResolvers = {
  unit: (e) => (e.subjectKind === 'UNIT' ? { id: e.subjectId } : null),
  district: (e) => (e.subjectKind === 'DISTRICT' ? e.subjectId : null),
  lastThreePeriodsInARow: (e) => e.lastInARow,
};

export const CategoryRates: CategoryRatesResolvers = {
  category: (c) => ({ id: c.categoryId }),
};

export const HotSpotMap: HotSpotMapResolvers = {
  cellCount: (m) => m.geoJson.features.length,
  geoJson: (m) => JSON.stringify(m.geoJson),
};

export const MonthlyTopicCandidate: MonthlyTopicCandidateResolvers = {
  category: (c) => ({ id: c.categoryId }),
};

export const EarlyWarning: EarlyWarningResolvers = {
  id: (w) => w.warningId,
  category: (w) => ({ id: w.categoryId }),
  windowFirstDay: (w) => w.windowStart,
  windowLastDay: (w) => addDays(w.windowEnd, -1),
};
