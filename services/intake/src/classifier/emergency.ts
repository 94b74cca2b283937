/**
 * Emergencies no statistical guess may downgrade: a gas leak, a fire, someone trapped. The training set
 * is mostly general cases, so a classifier alone would under-call them; these patterns force URGENT.
 */
export const emergencyRules = [
  { id: 'gas-leak', label: '燃气泄漏', pattern: /(燃气|煤气|天然气|液化气)(管道)?(泄漏|泄露|漏气)|漏气|煤气味|燃气味|臭鸡蛋味/ },
  { id: 'fire', label: '火情', pattern: /着火|起火|失火|火灾|火势|烧起来了/ },
  { id: 'trapped', label: '有人被困', pattern: /被困|困在|困人|关在电梯|卡在电梯/ },
] as const;

export type EmergencyRuleId = (typeof emergencyRules)[number]['id'];

/** The first emergency the text describes, or null. */
export function detectEmergency(text: string): EmergencyRuleId | null {
  return emergencyRules.find((r) => r.pattern.test(text))?.id ?? null;
}
