import type { CategoryShiftResolvers, UnitProfileResolvers, UnsatisfiedCaseResolvers } from '../generated/graphql';

export const UnitProfile: UnitProfileResolvers = {
  unit: (p) => ({ id: p.unitId }),
  unsatisfiedCases: (p, args, { caller, profiles }) => profiles.unsatisfiedCases(caller, { unitId: p.unitId, month: p.month }, args),
  reportPath: (p) => `/reports/units/${encodeURIComponent(p.unitId)}/${p.month}.html`,
};

export const CategoryShift: CategoryShiftResolvers = {
  category: (s) => ({ id: s.categoryId }),
};

export const UnsatisfiedCase: UnsatisfiedCaseResolvers = {
  complaint: (c) => ({ id: c.complaintId }),
};
